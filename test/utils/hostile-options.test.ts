/**
 * Every options object rejects keys it does not know, naming the function,
 * the key and the closest valid key; a Keras snake_case key is answered with
 * its camelCase spelling. Options that are not objects are rejected too, and
 * the positional forms Keras allows are accepted.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { ValueError } from '../../src/errors.js';
import { loadData } from '../../src/data/fashion-mnist.js';

const { Dense, Flatten } = keras.layers;
const compiled = () => {
  const model = new keras.Sequential([new Dense(2, { inputShape: [3] })]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  return model;
};
const x = () => keras.ops.zeros([4, 3]);
const y = () => keras.ops.zeros([4, 2]);

async function messageOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValueError);
    return (error as Error).message;
  }
  throw new Error('expected a ValueError');
}

/** [call, where it must name, the bad key, the suggestion it must make] */
const misspelt: [string, () => unknown, RegExp][] = [
  ['fit batch_size', () => compiled().fit(x(), y(), { batch_size: 64 } as never), /^fit\(\): unknown option 'batch_size'. Did you mean batchSize\?/],
  ['fit validation_split', () => compiled().fit(x(), y(), { validation_split: 0.1 } as never), /fit\(\): unknown option 'validation_split'. Did you mean validationSplit\?/],
  ['fit epoch', () => compiled().fit(x(), y(), { epoch: 3 } as never), /fit\(\): unknown option 'epoch'. Did you mean 'epochs'\?/],
  ['evaluate return_dict', () => compiled().evaluate(x(), y(), { return_dict: true } as never), /evaluate\(\): unknown option 'return_dict'. Did you mean returnDict\?/],
  ['predict batch_size', () => compiled().predict(x(), { batch_size: 8 } as never), /predict\(\): unknown option 'batch_size'. Did you mean batchSize\?/],
  ['compile run_eagerly', () => new keras.Sequential([new Dense(2, { inputShape: [3] })]).compile({ optimizer: 'adam', loss: 'mse', run_eagerly: true } as never), /compile\(\): unknown option 'run_eagerly'. Did you mean runEagerly\?/],
  ['compile jit_compile', () => new keras.Sequential([new Dense(2, { inputShape: [3] })]).compile({ optimizer: 'adam', loss: 'mse', jit_compile: false } as never), /compile\(\): unknown option 'jit_compile'. Did you mean jitCompile\?/],
  ['compile jitcompile', () => new keras.Sequential([new Dense(2, { inputShape: [3] })]).compile({ optimizer: 'adam', loss: 'mse', jitcompile: true } as never), /compile\(\): unknown option 'jitcompile'. Did you mean 'jitCompile'\?/],
  ['Dropout noise_shape', () => new keras.layers.Dropout(0.2, { noise_shape: [null, 1] } as never), /^Dropout: unknown option 'noise_shape'. Did you mean noiseShape\?/],
  ['Dropout { rate, sed }', () => new keras.layers.Dropout({ rate: 0.2, sed: 1 } as never), /^Dropout: unknown option 'sed'. Did you mean 'seed'\?/],
  ['Softmax axs', () => new keras.layers.Softmax({ axs: 1 } as never), /^Softmax: unknown option 'axs'. Did you mean 'axis'\?/],
  ['Activation activaton', () => new keras.layers.Activation('relu', { activaton: 'tanh' } as never), /^Activation: unknown option 'activaton'. Did you mean 'activation'\?/],
  ['ReLU max_value', () => new keras.layers.ReLU({ max_value: 6 } as never), /^ReLU: unknown option 'max_value'. Did you mean maxValue\?/],
  ['ReLU negative_slope', () => new keras.layers.ReLU({ negative_slope: 0.1 } as never), /Did you mean negativeSlope\?/],
  ['InputLayer input_shape', () => new keras.layers.InputLayer({ input_shape: [3] } as never), /^InputLayer: unknown option 'input_shape'. Did you mean inputShape\?/],
  ['Input shap', () => keras.Input({ shap: [3] } as never), /^InputLayer: unknown option 'shap'. Did you mean 'shape'\?/],
  ['mnist.loadData cache_dir', () => keras.datasets.mnist.loadData({ cache_dir: '/tmp' } as never), /^mnist.loadData: unknown option 'cache_dir'. Did you mean cacheDir\?/],
  ['evaluateAsync return_dict', () => compiled().evaluateAsync(x(), y(), { return_dict: true } as never), /^evaluateAsync\(\): unknown option 'return_dict'. Did you mean returnDict\?/],
  ['predictAsync batch_size', () => compiled().predictAsync(x(), { batch_size: 8 } as never), /^predictAsync\(\): unknown option 'batch_size'. Did you mean batchSize\?/],
  ['compile metric', () => new keras.Sequential([new Dense(2, { inputShape: [3] })]).compile({ optimizer: 'adam', loss: 'mse', metric: ['accuracy'] } as never), /compile\(\): unknown option 'metric'. Did you mean 'metrics'\?/],
  ['Dense activaton', () => new Dense(128, { activaton: 'relu' } as never), /Dense: unknown option 'activaton'. Did you mean 'activation'\?/],
  ['Dense use_bias', () => new Dense(128, { use_bias: false } as never), /Dense: unknown option 'use_bias'. Did you mean useBias\?/],
  ['Dense kernel_initializer', () => new Dense(128, { kernel_initializer: 'zeros' } as never), /Did you mean kernelInitializer\?/],
  ['Flatten input_shape', () => new Flatten({ input_shape: [28, 28] } as never), /Flatten: unknown option 'input_shape'. Did you mean inputShape\?/],
  ['Sequential input_shape', () => new keras.Sequential([], { input_shape: [3] } as never), /Sequential: unknown option 'input_shape'/],
  ['SparseCategoricalCrossentropy from_logits', () => new keras.losses.SparseCategoricalCrossentropy({ from_logits: true } as never), /SparseCategoricalCrossentropy: unknown option 'from_logits'. Did you mean fromLogits\?/],
  ['CategoricalCrossentropy fromLogit', () => new keras.losses.CategoricalCrossentropy({ fromLogit: true } as never), /Did you mean 'fromLogits'\?/],
  ['MeanSquaredError reduction', () => new keras.losses.MeanSquaredError({ reduction: 'sum' } as never), /MeanSquaredError: unknown option 'reduction'/],
  ['Adam learning_rate', () => new keras.optimizers.Adam({ learning_rate: 0.01 } as never), /Adam: unknown option 'learning_rate'. Did you mean learningRate\?/],
  ['Adam beta_1', () => new keras.optimizers.Adam({ beta_1: 0.8 } as never), /Did you mean beta1\?/],
  ['SGD lr', () => new keras.optimizers.SGD({ lr: 0.1 } as never), /SGD: unknown option 'lr'/],
  ['EarlyStopping min_delta', () => new keras.callbacks.EarlyStopping({ min_delta: 0.1 } as never), /EarlyStopping: unknown option 'min_delta'. Did you mean minDelta\?/],
  ['EarlyStopping restore_best_weights', () => new keras.callbacks.EarlyStopping({ restore_best_weights: true } as never), /Did you mean restoreBestWeights\?/],
  ['TerminateOnNaN raise_error', () => new keras.callbacks.TerminateOnNaN({ raise_error: true } as never), /Did you mean raiseError\?/],
  ['ModelCheckpoint save_best_only', () => new keras.callbacks.ModelCheckpoint('x', { save_best_only: true } as never), /ModelCheckpoint: unknown option 'save_best_only'. Did you mean saveBestOnly\?/],
  ['CSVLogger seperator', () => new keras.callbacks.CSVLogger('x.csv', { seperator: ';' } as never), /CSVLogger: unknown option 'seperator'. Did you mean 'separator'\?/],
  ['save include_optimizer', () => compiled().save('/tmp/never-written', { include_optimizer: true } as never), /save\(\): unknown option 'include_optimizer'. Did you mean includeOptimizer\?/],
  ['loadModel compiled', () => keras.models.loadModel('/tmp/never-read', { compiled: false } as never), /loadModel\(\): unknown option 'compiled'. Did you mean 'compile'\?/],
  ['loadData cache_dir', () => loadData({ cache_dir: '/tmp' } as never), /loadData: unknown option 'cache_dir'. Did you mean cacheDir\?/],
];

describe('unknown option keys', () => {
  for (const [name, call, message] of misspelt) {
    it(name, async () => expect(await messageOf(call)).toMatch(message));
  }
});

describe('options that are not objects', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['loadData(dir string)', () => loadData('/some/dir' as never), /loadData\(\{ dir: '\/some\/dir' \}\)/],
    ['loadData(42)', () => loadData(42 as never), /loadData: expected an options object .* Received: 42/],
    ['loadData(null)', () => loadData(null as never), /Received: null/],
    ['fit(x, y, 5)', () => compiled().fit(x(), y(), 5 as never), /fit\(\)/],
    ['predict(x, "big")', () => compiled().predict(x(), 'big' as never), /predict\(\): expected an options object/],
    ['Dense(128, "relu")', () => new Dense(128, 'relu' as never), /Dense: expected an options object .* Received: 'relu'/],
    ['Dense({ units: 128 })', () => new Dense({ units: 128 } as never), /units must be a positive integer.*the options come second/],
    ['Flatten([28, 28])', () => new Flatten([28, 28] as never), /Flatten: expected an options object/],
    ['Adam("fast")', () => new keras.optimizers.Adam('fast' as never), /Adam: expected an options object/],
    ['EarlyStopping({ patience: "3" })', () => new keras.callbacks.EarlyStopping({ patience: '3' } as never), /EarlyStopping: patience must be a number. Received: patience='3'/],
    ['ModelCheckpoint({ monitor: 5 })', () => new keras.callbacks.ModelCheckpoint('x', { monitor: 5 } as never), /monitor must be a string/],
    ['SGD({ nesterov: "yes" })', () => new keras.optimizers.SGD({ nesterov: 'yes' } as never), /SGD: nesterov must be true or false/],
    ['SparseCategoricalCrossentropy({ fromLogits: 1 })', () => new keras.losses.SparseCategoricalCrossentropy({ fromLogits: 1 } as never), /fromLogits must be true or false/],
  ];
  for (const [name, call, message] of cases) {
    it(name, async () => expect(await messageOf(call)).toMatch(message));
  }
});

describe('positional forms Keras allows', () => {
  it('new Adam(0.01) and new SGD(0.1) take the learning rate', () => {
    expect(new keras.optimizers.Adam(0.01).learningRate).toBe(0.01);
    expect(new keras.optimizers.SGD(0.1).learningRate).toBe(0.1);
    expect(() => new keras.optimizers.SGD(-1)).toThrow(/learningRate must be a positive number/);
  });

  it('new Dropout(0.2) and new Activation(\'relu\') take their main argument by position or in the options, once', async () => {
    expect(new keras.layers.Dropout(0.2).rate).toBe(0.2);
    expect(new keras.layers.Dropout({ rate: 0.3 }).rate).toBe(0.3);
    expect(new keras.layers.Dropout(0.4, { seed: 7, name: 'drop' }).seed).toBe(7);
    expect(new keras.layers.Activation('tanh').activationName).toBe('tanh');
    expect(new keras.layers.Activation({ activation: 'sigmoid' }).activationName).toBe('sigmoid');
    expect(await messageOf(() => new keras.layers.Dropout(0.2, { rate: 0.5 }))).toMatch(/^Dropout: rate is given twice, as the first argument and in the options; give it once. Received: 0.2 and rate=0.5/);
    expect(await messageOf(() => new keras.layers.Activation('relu', { activation: 'tanh' }))).toMatch(/^Activation: activation is given twice/);
    expect(await messageOf(() => new keras.layers.Dropout({ rate: 0.2 }, { seed: 1 }))).toMatch(/^Dropout: the options come once/);
    expect(await messageOf(() => keras.utils.toCategorical([0, 1], { numClasses: 3 } as never))).toMatch(/^toCategorical: numClasses is the second argument itself, a number/);
  });

  it('correct options still work, and undefined values mean the default', async () => {
    const model = compiled();
    await model.fit(x(), y(), { epochs: 1, batchSize: 2, verbose: 0, validationSplit: undefined });
    expect(new Dense(3, { activation: 'relu', useBias: undefined }).useBias).toBe(true);
  });
});
