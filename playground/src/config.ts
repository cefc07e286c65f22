/**
 * The playground's settings, their defaults (the Keras tutorial's model), and
 * the tinykeras program they stand for: the page shows `programText(config)`
 * beside the controls, and the worker builds the same model with
 * `buildModel`, so the code shown is the code that runs.
 */
import type * as Keras from 'tinykeras';

export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'linear';
export type OptimizerName = 'adam' | 'sgd';
/** 'dense': the tutorial's model. 'cnn': one Conv2D 3×3 and a 2×2 max pooling before the same Dense layers. */
export type ModelKind = 'dense' | 'cnn';
export type KernelsName = 'simd' | 'js';

export interface PlaygroundConfig {
  model: ModelKind;
  /** The CNN's Conv2D filters (its output channels); unused by the dense model. */
  filters: number;
  hiddenUnits: number;
  activation: ActivationName;
  /** 0 means no Dropout layer at all (the tutorial's model). */
  dropout: number;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** The first `samples` training images are trained on. */
  samples: number;
  /**
   * `keras.utils.setRandomSeed(seed)` before the model is built: the same
   * initial weights and the same shuffles, so a run repeats bit for bit and two
   * settings can be compared on equal terms. null: a fresh random start each run.
   */
  seed: number | null;
  /**
   * `keras.config.setKernels(kernels)`: 'simd' (WebAssembly SIMD, where the
   * browser has it; otherwise tinykeras warns and stays on 'js') or 'js'.
   */
  kernels: KernelsName;
}

/** The last 5,000 training images are held out for validation, so at most 55,000 are trained on. */
export const VALIDATION_START = 55_000;
export const TRAIN_TOTAL = 60_000;

export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerName, number>> = { adam: 0.001, sgd: 0.01 };

export const DEFAULT_CONFIG: Readonly<PlaygroundConfig> = Object.freeze({
  model: 'dense',
  filters: 16,
  hiddenUnits: 128,
  activation: 'relu',
  dropout: 0,
  optimizer: 'adam',
  learningRate: DEFAULT_LEARNING_RATES.adam,
  batchSize: 32,
  epochs: 5,
  samples: 10_000,
  seed: 1,
  kernels: 'simd',
});

export const CHOICES = {
  model: ['dense', 'cnn'] as ModelKind[],
  filters: [4, 8, 16, 32],
  kernels: ['simd', 'js'] as KernelsName[],
  hiddenUnits: [16, 32, 64, 128, 256, 512],
  activation: ['relu', 'sigmoid', 'tanh', 'linear'] as ActivationName[],
  optimizer: ['adam', 'sgd'] as OptimizerName[],
  batchSize: [8, 16, 32, 64, 128, 256],
  samples: [1_000, 5_000, 10_000, 20_000, 30_000, 55_000],
};

/** The limits of the numeric settings; `checkConfig` enforces them. */
export const LIMITS = {
  dropout: { min: 0, max: 0.9 },
  learningRate: { min: 1e-5, max: 1 },
  epochs: { min: 1, max: 100 },
  samples: { min: 100, max: VALIDATION_START },
  hiddenUnits: { min: 1, max: 2048 },
  filters: { min: 1, max: 64 },
  batchSize: { min: 1, max: 4096 },
  seed: { min: 0, max: 2 ** 32 - 1 },
};

/**
 * The settings with the URL's overrides (`?epochs=1&samples=5000&units=64…`),
 * each checked; a bad value is an error naming the parameter.
 */
export function configFromQuery(query: URLSearchParams, base: PlaygroundConfig = DEFAULT_CONFIG): PlaygroundConfig {
  const config = { ...base };
  const number = (name: string): number | undefined => {
    const text = query.get(name);
    if (text === null) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`The URL parameter ${name} must be a number. Received: ${name}=${text}`);
    return value;
  };
  config.epochs = number('epochs') ?? config.epochs;
  config.samples = number('samples') ?? config.samples;
  config.hiddenUnits = number('units') ?? config.hiddenUnits;
  config.batchSize = number('batchSize') ?? config.batchSize;
  config.dropout = number('dropout') ?? config.dropout;
  config.filters = number('filters') ?? config.filters;
  const model = query.get('model');
  if (model !== null) config.model = model as ModelKind;
  const kernels = query.get('kernels');
  if (kernels !== null) config.kernels = kernels as KernelsName;
  const optimizer = query.get('optimizer');
  if (optimizer !== null) {
    config.optimizer = optimizer as OptimizerName;
    config.learningRate = DEFAULT_LEARNING_RATES[config.optimizer] ?? config.learningRate;
  }
  config.learningRate = number('learningRate') ?? config.learningRate;
  const activation = query.get('activation');
  if (activation !== null) config.activation = activation as ActivationName;
  // ?seed=7 repeats a run; ?seed=random (or empty) starts from fresh random weights.
  const seed = query.get('seed');
  if (seed !== null) config.seed = seed.trim() === '' || seed === 'random' ? null : (number('seed') as number);
  return checkConfig(config);
}

/** Returns `config` if every setting is within its limits; otherwise throws an Error saying which is not. */
export function checkConfig(config: PlaygroundConfig): PlaygroundConfig {
  const problems: string[] = [];
  const integer = (key: 'epochs' | 'samples' | 'hiddenUnits' | 'batchSize' | 'filters') => {
    const { min, max } = LIMITS[key];
    const value = config[key];
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${key} must be a whole number from ${min} to ${max}. Received: ${value}`);
  };
  integer('epochs');
  integer('samples');
  integer('hiddenUnits');
  integer('batchSize');
  integer('filters');
  if (!CHOICES.model.includes(config.model)) problems.push(`model must be one of ${CHOICES.model.join(', ')}. Received: ${config.model}`);
  if (!CHOICES.kernels.includes(config.kernels)) problems.push(`kernels must be one of ${CHOICES.kernels.join(', ')}. Received: ${config.kernels}`);
  const { dropout, learningRate } = config;
  if (!(dropout >= LIMITS.dropout.min && dropout <= LIMITS.dropout.max)) problems.push(`dropout must be from 0 to ${LIMITS.dropout.max}. Received: ${dropout}`);
  if (!(learningRate >= LIMITS.learningRate.min && learningRate <= LIMITS.learningRate.max)) {
    problems.push(`learningRate must be from ${LIMITS.learningRate.min} to ${LIMITS.learningRate.max}. Received: ${learningRate}`);
  }
  if (!CHOICES.activation.includes(config.activation)) problems.push(`activation must be one of ${CHOICES.activation.join(', ')}. Received: ${config.activation}`);
  if (config.seed !== null && !(Number.isInteger(config.seed) && config.seed >= LIMITS.seed.min && config.seed <= LIMITS.seed.max)) {
    problems.push(`seed must be a whole number from 0 to ${LIMITS.seed.max}, or empty for a random start. Received: ${config.seed}`);
  }
  if (!CHOICES.optimizer.includes(config.optimizer)) problems.push(`optimizer must be one of ${CHOICES.optimizer.join(', ')}. Received: ${config.optimizer}`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return config;
}

/** 55000 → '55_000', as a TypeScript literal a reader can count. */
function literal(value: number): string {
  return Number.isInteger(value) && value >= 1_000 ? value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_') : String(value);
}

/** The optimizer as the program writes it: the Keras string when the learning rate is the default. */
function optimizerText(config: PlaygroundConfig): string {
  if (config.learningRate === DEFAULT_LEARNING_RATES[config.optimizer]) return `'${config.optimizer}'`;
  const className = config.optimizer === 'adam' ? 'Adam' : 'SGD';
  return `new keras.optimizers.${className}({ learningRate: ${config.learningRate} })`;
}

/** The tinykeras program that trains what the playground trains: the seed program with the chosen values. */
export function programText(config: PlaygroundConfig): string {
  const n = literal(config.samples);
  const dropoutLine = config.dropout > 0 ? `\n  new keras.layers.Dropout(${config.dropout}),` : '';
  const fitOptions = [`epochs: ${config.epochs}`, ...(config.batchSize !== 32 ? [`batchSize: ${config.batchSize}`] : []), 'validationData: [xVal, yVal]'];
  return `import * as keras from 'tinykeras';

const [[trainImages, trainLabels], [testImages, testLabels]] =
  await keras.datasets.fashionMnist.loadData();

// Train on the first ${n} images; validate on the last 5_000.
const x = trainImages.sliceRows(0, ${n}).div(255);
const y = trainLabels.sliceRows(0, ${n});
const xVal = trainImages.sliceRows(${literal(VALIDATION_START)}, ${literal(TRAIN_TOTAL)}).div(255);
const yVal = trainLabels.sliceRows(${literal(VALIDATION_START)}, ${literal(TRAIN_TOTAL)});

${config.kernels === 'simd' ? "// WebAssembly SIMD kernels, where the browser has them.\nawait keras.config.setKernels('simd');\n" : ''}${config.seed === null ? '' : `// The same initial weights and shuffles every run.\nkeras.utils.setRandomSeed(${config.seed});\n`}const model = new keras.Sequential([
${firstLayersText(config)}
  new keras.layers.Dense(${config.hiddenUnits}, { activation: '${config.activation}' }),${dropoutLine}
  new keras.layers.Dense(10, { activation: 'softmax' }),
]);
model.compile({
  optimizer: ${optimizerText(config)},
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
});
await model.fit(x, y, { ${fitOptions.join(', ')} });

const [testLoss, testAcc] = model.evaluate(testImages.div(255), testLabels);
console.log('Test accuracy:', testAcc);
`;
}

/**
 * The layers before the Dense ones, as the program writes them. The CNN
 * gives each image a channel axis (Conv2D takes [height, width, channels]),
 * finds `filters` 3×3 patterns at every position (26×26 maps), keeps the
 * strongest of each 2×2 block (13×13) and flattens the maps for Dense.
 */
function firstLayersText(config: PlaygroundConfig): string {
  if (config.model === 'dense') return '  new keras.layers.Flatten({ inputShape: [28, 28] }),';
  return [
    '  new keras.layers.Reshape([28, 28, 1], { inputShape: [28, 28] }),',
    `  new keras.layers.Conv2D(${config.filters}, 3, { activation: 'relu' }),`,
    '  new keras.layers.MaxPooling2D(2),',
    '  new keras.layers.Flatten(),',
  ].join('\n');
}

/** The layers `firstLayersText(config)` writes. */
function firstLayers(keras: typeof Keras, config: PlaygroundConfig): Keras.layers.Layer[] {
  if (config.model === 'dense') return [new keras.layers.Flatten({ inputShape: [28, 28] })];
  return [
    new keras.layers.Reshape([28, 28, 1], { inputShape: [28, 28] }),
    new keras.layers.Conv2D(config.filters, 3, { activation: 'relu' }),
    new keras.layers.MaxPooling2D(2),
    new keras.layers.Flatten(),
  ];
}

/** The model `programText(config)` builds, compiled. */
export function buildModel(keras: typeof Keras, config: PlaygroundConfig): Keras.Sequential {
  if (config.seed !== null) keras.utils.setRandomSeed(config.seed);
  const model = new keras.Sequential([
    ...firstLayers(keras, config),
    new keras.layers.Dense(config.hiddenUnits, { activation: config.activation }),
    ...(config.dropout > 0 ? [new keras.layers.Dropout(config.dropout)] : []),
    new keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
  compileModel(keras, model, config);
  return model;
}

/** Compiles `model` with the settings' optimizer and learning rate, the seed's loss and metric. */
export function compileModel(keras: typeof Keras, model: Keras.Sequential, config: PlaygroundConfig): void {
  const Optimizer = config.optimizer === 'adam' ? keras.optimizers.Adam : keras.optimizers.SGD;
  model.compile({ optimizer: new Optimizer({ learningRate: config.learningRate }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
}
