/**
 * The training worker: it owns the data and the model, trains with
 * tinykeras's own `fit`, and posts to the page what it should draw (the
 * Keras progress line, curve points, and after each epoch what the model
 * learned). Training here keeps the page's main thread free to draw.
 */
import * as keras from 'tinykeras';
import { buildModel, checkConfig, compileModel, DEFAULT_CONFIG, TRAIN_TOTAL, VALIDATION_START, type PlaygroundConfig } from './config.js';
import { loadFashionMnist, type FashionMnist } from './data.js';
import type { ConvPictures, CurvePoint, Evaluation, FromWorker, ToWorker } from './protocol.js';
import { Terminal } from './terminal.js';

/** The test images shown in the page's grid: the first ones of the test set, as in the tutorial. */
const GRID_SIZE = 24;
/** How often the page hears about progress, in ms: often enough to look live, rarely enough to cost nothing. */
const POST_EVERY_MS = 100;
/** The exponential moving average's weight on the past, per batch (TensorBoard's smoothing). */
const SMOOTHING = 0.95;
/** At most this many curve points per epoch; long epochs send every k-th batch. */
const POINTS_PER_EPOCH = 200;

type Model = keras.Sequential;
const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

let dataPromise: Promise<FashionMnist> | null = null;
let prepared: { samples: number; x: keras.Tensor; y: keras.Tensor } | null = null;
let validation: [keras.Tensor, keras.Tensor] | null = null;
let testX: keras.Tensor | null = null;

/** The model being trained and how far it got. */
let session: Session | null = null;
interface Session {
  model: Model;
  config: PlaygroundConfig;
  epochsDone: number;
  batchesDone: number;
  smoothed: Smoother;
  /** The progress bar's screen, kept across stop and resume as a terminal would. */
  terminal: Terminal;
}
const newSession = (model: Model, config: PlaygroundConfig): Session => ({ model, config, epochsDone: 0, batchesDone: 0, smoothed: new Smoother(), terminal: new Terminal() });
let training = false;
let stopRequested = false;

function data(): Promise<FashionMnist> {
  if (dataPromise === null) {
    post({ type: 'status', text: 'Loading Fashion-MNIST…' });
    dataPromise = loadFashionMnist();
  }
  return dataPromise;
}

async function trainingData(samples: number): Promise<{ x: keras.Tensor; y: keras.Tensor }> {
  const { trainImages, trainLabels, testImages } = await data();
  if (prepared?.samples !== samples) {
    prepared = { samples, x: trainImages.sliceRows(0, samples).div(255), y: trainLabels.sliceRows(0, samples) };
  }
  validation ??= [trainImages.sliceRows(VALIDATION_START, TRAIN_TOTAL).div(255), trainLabels.sliceRows(VALIDATION_START, TRAIN_TOTAL)];
  testX ??= testImages.div(255);
  return prepared;
}

/** A debiased exponential moving average of the per-batch values. */
class Smoother {
  private loss = 0;
  private accuracy = 0;
  private count = 0;

  add(loss: number, accuracy: number): { loss: number; accuracy: number } {
    this.count++;
    this.loss = SMOOTHING * this.loss + (1 - SMOOTHING) * loss;
    this.accuracy = SMOOTHING * this.accuracy + (1 - SMOOTHING) * accuracy;
    const debias = 1 - SMOOTHING ** this.count;
    return { loss: this.loss / debias, accuracy: this.accuracy / debias };
  }
}

/** The Keras progress bar, drawn into a Terminal whatever `verbose` fit was given (fit runs with verbose 0 so it adds no console bar). */
class PageProgbar extends keras.callbacks.ProgbarLogger {
  constructor(readonly terminal: Terminal) {
    super({ isTTY: true, write: (text) => terminal.write(text) });
  }

  override setParams(params: { epochs: number; steps: number; verbose: 0 | 1 | 2 }): void {
    super.setParams({ ...params, verbose: 1 });
  }
}

/**
 * The callback that reports to the page. fit's batch logs are running means
 * over the epoch; each batch's own value is recovered from two consecutive
 * means (mean_b·seen_b − mean_{b−1}·seen_{b−1}) / size_b, then smoothed.
 */
function pageCallback(model: Model, config: PlaygroundConfig, steps: number, terminal: Terminal): keras.callbacks.Callback {
  const s = session!;
  const every = Math.max(1, Math.floor(steps / POINTS_PER_EPOCH));
  let pending: CurvePoint[] = [];
  let lastPost = 0;
  let previous = { loss: 0, accuracy: 0, seen: 0 };
  let epochStart = 0;
  let batchesThisEpoch = 0;
  const flush = () => {
    post({ type: 'progress', line: terminal.text, batches: pending });
    pending = [];
    lastPost = performance.now();
  };
  return new (class extends keras.callbacks.Callback {
    override onEpochBegin(): void {
      previous = { loss: 0, accuracy: 0, seen: 0 };
      epochStart = performance.now();
      batchesThisEpoch = 0;
    }

    override onBatchEnd(batch: number, logs: keras.Logs): void {
      const seen = Math.min((batch + 1) * config.batchSize, config.samples);
      const size = seen - previous.seen;
      const loss = (logs.loss! * seen - previous.loss * previous.seen) / size;
      const accuracy = (logs.accuracy! * seen - previous.accuracy * previous.seen) / size;
      previous = { loss: logs.loss!, accuracy: logs.accuracy!, seen };
      const smooth = s.smoothed.add(loss, accuracy);
      s.batchesDone++;
      batchesThisEpoch++;
      if (s.batchesDone % every === 0) pending.push({ epoch: s.batchesDone / steps, ...smooth });
      if (stopRequested) model.stopTraining = true;
      if (performance.now() - lastPost > POST_EVERY_MS) flush();
    }

    override async onEpochEnd(epoch: number, logs: keras.Logs): Promise<void> {
      flush();
      // A stop in the middle of an epoch ends it early: no validation point, and resume trains that epoch again.
      if (batchesThisEpoch < steps) {
        await postEvaluation(model, s.batchesDone / steps);
        return;
      }
      s.epochsDone = epoch + 1;
      post({
        type: 'epoch',
        epoch: epoch + 1,
        validation: { epoch: s.batchesDone / steps, loss: logs.val_loss!, accuracy: logs.val_accuracy! },
        seconds: (performance.now() - epochStart) / 1000,
      });
      await postEvaluation(model, s.batchesDone / steps);
    }
  })();
}

/** Measures the model on the whole test set and sends the page what to draw. */
async function postEvaluation(model: Model, epoch: number): Promise<void> {
  const { testLabels, testImages } = await data();
  testX ??= testImages.div(255);
  const [testLoss, testAccuracy] = model.evaluate(testX, testLabels, { verbose: 0 });
  const probabilities = model.predict(testX, { verbose: 0 }).data;
  const labels = testLabels.data;
  const confusion = new Array<number>(100).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const row = probabilities.subarray(i * 10, i * 10 + 10);
    let predicted = 0;
    for (let c = 1; c < 10; c++) if (row[c]! > row[predicted]!) predicted = c;
    confusion[labels[i]! * 10 + predicted]!++;
  }
  const dense = model.layers.find((layer): layer is InstanceType<typeof keras.layers.Dense> => layer instanceof keras.layers.Dense)!;
  const conv = convPictures(model, testX.sliceRows(0, GRID_SIZE));
  const evaluation: Evaluation = {
    epoch,
    testLoss: testLoss!,
    testAccuracy: testAccuracy!,
    gridImages: Uint8Array.from(testImages.data.subarray(0, GRID_SIZE * 784)),
    gridLabels: Array.from(labels.subarray(0, GRID_SIZE)),
    gridProbabilities: probabilities.slice(0, GRID_SIZE * 10),
    confusion,
    // The dense model's hidden units see pixels, so their weights are pictures; the CNN's see feature maps.
    firstLayerKernel: conv === null ? dense.weights[0]!.data.slice() : new Float32Array(0),
    hiddenUnits: dense.units,
    conv,
  };
  const transfer = [evaluation.gridImages.buffer, evaluation.gridProbabilities.buffer, evaluation.firstLayerKernel.buffer];
  if (conv !== null) transfer.push(conv.kernel.buffer, conv.featureMaps.buffer);
  post({ type: 'evaluation', evaluation }, transfer);
}

/**
 * The CNN's Conv2D kernel, and its outputs for `images`: the layers up to the
 * Conv2D applied one after the other, as the model applies them. Null for a
 * model without a Conv2D.
 */
function convPictures(model: Model, images: keras.Tensor): ConvPictures | null {
  const index = model.layers.findIndex((layer) => layer instanceof keras.layers.Conv2D);
  if (index < 0) return null;
  const conv = model.layers[index] as InstanceType<typeof keras.layers.Conv2D>;
  let maps = images;
  for (const layer of model.layers.slice(0, index + 1)) maps = layer.apply(maps);
  return { filters: conv.filters, kernel: conv.weights[0]!.data.slice(), featureMaps: maps.data.slice(), size: maps.shape[1]! };
}

/** Trains the session's model from where it stopped up to its configured epochs. */
async function run(resumed: boolean): Promise<void> {
  const s = session!;
  const { config, model } = s;
  training = true;
  stopRequested = false;
  try {
    const { x, y } = await trainingData(config.samples);
    const steps = Math.ceil(config.samples / config.batchSize);
    post({ type: 'started', config, stepsPerEpoch: steps, resumed });
    const terminal = s.terminal;
    await model.fit(x, y, {
      epochs: config.epochs,
      initialEpoch: s.epochsDone,
      batchSize: config.batchSize,
      validationData: validation!,
      verbose: 0,
      callbacks: [new PageProgbar(terminal), pageCallback(model, config, steps, terminal)],
    });
    post({ type: 'progress', line: terminal.text, batches: [] });
    post({ type: 'finished', stopped: s.epochsDone < config.epochs, epochsDone: s.epochsDone, epochs: config.epochs });
  } finally {
    training = false;
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'train': {
      if (training) throw new Error('Training is already running; stop it first.');
      const config = checkConfig(message.config);
      await keras.config.setKernels(config.kernels);
      keras.utils.clearSession();
      session = newSession(buildModel(keras, config), config);
      return run(false);
    }
    case 'resume':
      if (session === null) throw new Error('There is no model to resume: train or load one first.');
      if (training) return;
      session.config = checkConfig({ ...session.config, epochs: message.epochs });
      if (session.epochsDone >= session.config.epochs) throw new Error(`The model has trained all ${session.config.epochs} epochs; raise Epochs to train on.`);
      return run(true);
    case 'stop':
      stopRequested = true;
      return;
    case 'export': {
      if (session === null) throw new Error('There is no model to download yet: train or load one first.');
      let saved: keras.ModelArtifacts | null = null;
      await session.model.save(keras.io.withSaveHandler((artifacts) => void (saved = artifacts)), { includeOptimizer: true });
      post({ type: 'exported', artifacts: saved! });
      return;
    }
    case 'import': {
      if (training) throw new Error('Stop training before loading a model.');
      const model = await keras.models.loadModel(keras.io.fromMemory(message.artifacts));
      if (!(model instanceof keras.Sequential)) throw new Error(`The playground trains Sequential models; this file holds a Functional model ("${model.name}").`);
      const config = configOf(model, session?.config);
      if (model.compiled === null) compileModel(keras, model, config);
      session = newSession(model, config);
      post({ type: 'imported', config, source: message.source });
      await trainingData(config.samples);
      await postEvaluation(model, 0);
      return;
    }
  }
}

/** The playground settings that describe a loaded model (its layers), keeping the training settings of the page. */
function configOf(model: Model, previous: PlaygroundConfig | undefined): PlaygroundConfig {
  const base = previous ?? DEFAULT_CONFIG;
  const denses = model.layers.filter((layer): layer is InstanceType<typeof keras.layers.Dense> => layer instanceof keras.layers.Dense);
  const conv = model.layers.find((layer): layer is InstanceType<typeof keras.layers.Conv2D> => layer instanceof keras.layers.Conv2D);
  const shape = model.layers[0]?.batchInputShape;
  // The layers the playground builds, by class: Flatten → Dense … or Reshape → Conv2D → MaxPooling2D → Flatten → Dense ….
  const front = model.layers.slice(0, conv === undefined ? 1 : 4).map((layer) => layer.className).join(' → ');
  const expectedFront = conv === undefined ? 'Flatten' : 'Reshape → Conv2D → MaxPooling2D → Flatten';
  const convShaped = conv === undefined || (conv.kernelSize[0] === 3 && conv.kernelSize[1] === 3 && conv.activationName === 'relu');
  if (front !== expectedFront || !convShaped || denses.length !== 2 || denses[1]!.units !== 10 || shape?.length !== 3 || shape[1] !== 28 || shape[2] !== 28) {
    throw new Error(
      'The playground loads models of its own shapes: Flatten([28, 28]) → Dense(units) → [Dropout] → Dense(10, softmax), ' +
        'or Reshape([28, 28, 1]) → Conv2D(filters, 3, relu) → MaxPooling2D(2) → Flatten → Dense(units) → [Dropout] → Dense(10, softmax).',
    );
  }
  const activation = denses[0]!.activationName;
  if (!['relu', 'sigmoid', 'tanh', 'linear'].includes(activation)) throw new Error(`The hidden layer's activation ${activation} is not one the playground offers.`);
  const dropoutLayer = model.layers.find((layer) => layer instanceof keras.layers.Dropout) as InstanceType<typeof keras.layers.Dropout> | undefined;
  return {
    ...base,
    model: conv === undefined ? 'dense' : 'cnn',
    filters: conv?.filters ?? base.filters,
    hiddenUnits: denses[0]!.units,
    activation: activation as PlaygroundConfig['activation'],
    dropout: dropoutLayer?.rate ?? 0,
  };
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => {
    const e = error as Error;
    post({ type: 'error', message: e?.name && e.message ? `${e.name}: ${e.message}` : String(error) });
  });
};
