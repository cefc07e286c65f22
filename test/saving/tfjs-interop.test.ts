/**
 * tinykeras ↔ TensorFlow.js: models saved by one load in the other, and the
 * same model computes the same outputs, loss and gradients in both. Runs the
 * real @tensorflow/tfjs on its pure-JavaScript 'cpu' backend, on small random
 * data generated here.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { seedModel, useTempDir, loadSequential } from '../support/helpers.js';

const { Dense, Flatten } = keras.layers;

const root = useTempDir('tfjs');
let counter = 0;
const freshDir = () => join(root(), `model-${counter++}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => keras.utils.clearSession());

function tfjsSeedModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** `n` 28×28 images in [0, 1) and labels 0-9, from their own generator. */
function randomBatch(n: number, seed: number): { images: Float32Array; labels: Float32Array } {
  const rng = new keras.random.RandomGenerator(seed);
  const images = Float32Array.from({ length: n * 784 }, () => rng.uniform());
  const labels = Float32Array.from({ length: n }, () => rng.int(10));
  return { images, labels };
}

const ours = (images: Float32Array) => new keras.Tensor(images, [images.length / 784, 28, 28]);
const theirs = (images: Float32Array) => tf.tensor(images, [images.length / 784, 28, 28]);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return max;
}

/** A TF.js IOHandler that reads a saved model.json and the weights file it names (tfjs has file:// only in tfjs-node). */
async function tfjsHandlerFromFiles(dir: string): Promise<tf.io.IOHandler> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const group = json.weightsManifest[0];
  const bin = await readFile(join(dir, group.paths[0]));
  return tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: group.weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    trainingConfig: json.trainingConfig,
  });
}

/** Saves a TF.js model and writes its artifacts as dir/model.json + dir/weights.bin, as tfjs-node would. */
async function saveTfjsModelToFiles(model: tf.LayersModel, dir: string, includeOptimizer = false): Promise<void> {
  let artifacts!: tf.io.ModelArtifacts;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  const data = artifacts.weightData!;
  const bytes = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  const json: Record<string, unknown> = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'weights.bin'), new Uint8Array(bytes));
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

describe('tinykeras → TF.js', () => {
  it('tf.loadLayersModel loads a saved seed model; predictions agree to 1e-5', async () => {
    keras.utils.setRandomSeed(21);
    const model = seedModel();
    for (const w of model.weights) for (let i = 0; i < w.size; i++) w.data[i] = w.data[i]! + 0.02 * Math.cos(i);
    const dir = freshDir();
    // A model saved there before: this save writes weights.<16 hex>.bin beside the old weights.bin, which TF.js finds by the manifest.
    await seedModel().save(dir);
    await model.save(dir);
    expect(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths[0]).toMatch(/^weights\.[0-9a-f]{16}\.bin$/);

    const tfModel = await tf.loadLayersModel(await tfjsHandlerFromFiles(dir));
    expect(tfModel.layers.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1']);
    const { images } = randomBatch(8, 1);
    const expected = model.predict(ours(images), { verbose: 0 }).data;
    const actual = (tfModel.predict(theirs(images)) as tf.Tensor).dataSync();
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-5);
  });

  it('TF.js also loads a file with optimizer state, and reads the same Adam m, v and step count', async () => {
    keras.utils.setRandomSeed(22);
    const model = seedModel();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const { images, labels } = randomBatch(40, 2);
    await model.fit(ours(images), new keras.Tensor(labels, [40]), { epochs: 1, batchSize: 16, verbose: 0, threads: 1 });
    const dir = freshDir();
    await model.save(dir, { includeOptimizer: true });

    const tfModel = await tf.loadLayersModel(await tfjsHandlerFromFiles(dir));
    const optimizer = tfModel.optimizer as tf.AdamOptimizer;
    expect(optimizer.getClassName()).toBe('Adam');
    expect(optimizer.getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(optimizer.iterations).toBe(3);
    const state = await optimizer.getWeights();
    expect(state.map((s) => s.name)).toEqual([
      'iter',
      'dense/kernel/m', 'dense/bias/m', 'dense_1/kernel/m', 'dense_1/bias/m',
      'dense/kernel/v', 'dense/bias/v', 'dense_1/kernel/v', 'dense_1/bias/v',
    ]);
    const slots = model.trainableWeights.map((w) => model.compiled!.optimizer.peekSlots(w)!);
    slots.forEach(([m, v], i) => {
      expect(Array.from(state[1 + i]!.tensor.dataSync())).toEqual(Array.from(m!));
      expect(Array.from(state[5 + i]!.tensor.dataSync())).toEqual(Array.from(v!));
    });
  });
});

describe('TF.js → tinykeras', () => {
  it('loadModel reads files TF.js saved (dense_Dense1/kernel, VarianceScaling); predictions agree to 1e-5', async () => {
    const tfModel = tfjsSeedModel();
    const dir = freshDir();
    await saveTfjsModelToFiles(tfModel, dir);

    const model = await loadSequential(dir);
    expect(model.layers.map((l) => l.name)).toEqual(tfModel.layers.map((l) => l.name));
    expect(model.weights.map((w) => w.name)).toEqual(tfModel.weights.map((w) => w.originalName));
    expect(model.weights[0]!.name).toMatch(/^dense_Dense\d+\/kernel$/);
    const { images } = randomBatch(8, 3);
    const expected = (tfModel.predict(theirs(images)) as tf.Tensor).dataSync();
    expect(maxAbsDiff(model.predict(ours(images), { verbose: 0 }).data, expected)).toBeLessThan(1e-5);

    // Saved again, the layers keep TF.js's initializer configs.
    const handler = keras.io.memory();
    await model.save(handler);
    const dense = (handler.artifacts!.modelTopology as any).config.layers[1].config;
    expect(dense.kernel_initializer).toEqual({ class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } });
  });

  it('loadModel takes a TF.js IOHandler directly, and restores a TF.js Adam\'s state', async () => {
    const tfModel = tfjsSeedModel();
    tfModel.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const { images, labels } = randomBatch(32, 4);
    await tfModel.fit(theirs(images), tf.tensor(labels), { epochs: 1, batchSize: 16, verbose: 0 });
    let artifacts!: tf.io.ModelArtifacts;
    await tfModel.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })), {
      includeOptimizer: true,
    });

    const model = await keras.models.loadModel(tf.io.fromMemory(artifacts));
    const optimizer = model.compiled!.optimizer as keras.optimizers.Adam;
    expect(optimizer).toBeInstanceOf(keras.optimizers.Adam);
    expect(optimizer.iterations).toBe(2);
    expect(optimizer.epsilon).toBe(1e-7);
    expect(model.compiled!.loss.name).toBe('sparse_categorical_crossentropy');
    const state = await (tfModel.optimizer as tf.AdamOptimizer).getWeights();
    model.trainableWeights.forEach((w, i) => {
      const [m, v] = optimizer.peekSlots(w)!;
      expect(Array.from(m!)).toEqual(Array.from(state[1 + i]!.tensor.dataSync()));
      expect(Array.from(v!)).toEqual(Array.from(state[5 + i]!.tensor.dataSync()));
    });
  });
});

describe('the same model in both libraries', () => {
  it('computes the same output, sparse categorical crossentropy and gradients (1e-4 relative)', async () => {
    keras.utils.setRandomSeed(23);
    const model = seedModel();
    const handler = keras.io.memory();
    await model.save(handler);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(handler.artifacts as tf.io.ModelArtifacts));

    const { images, labels } = randomBatch(16, 5);
    // tinykeras: forward, loss from the softmax's logits, backward through autograd.
    const yPred = model.apply(ours(images));
    const loss = new keras.losses.SparseCategoricalCrossentropy().call(new keras.Tensor(labels, [16]), yPred);
    loss.backward();

    // TF.js: its own crossentropy (clip, then -Σ t·log p) on one-hot labels, gradients by tf.variableGrads.
    const variables = tfModel.trainableWeights.map((w) => w.read() as tf.Variable);
    const tfLoss = () =>
      tf.tidy(() => {
        const probabilities = tfModel.apply(theirs(images)) as tf.Tensor;
        return tf.metrics.categoricalCrossentropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), probabilities).mean() as tf.Scalar;
      });
    const { value, grads } = tf.variableGrads(tfLoss, variables);
    const tfOutput = (tfModel.apply(theirs(images)) as tf.Tensor).dataSync();

    expect(maxAbsDiff(yPred.data, tfOutput)).toBeLessThan(1e-4 * maxAbs(tfOutput));
    expect(Math.abs(loss.item() - value.dataSync()[0]!)).toBeLessThan(1e-4 * Math.abs(value.dataSync()[0]!));
    model.trainableWeights.forEach((w, i) => {
      const tfGrad = grads[variables[i]!.name]!.dataSync();
      // Relative to the gradient's largest entry: elementwise ratios of near-zero entries say nothing.
      expect(maxAbsDiff(w.grad!.data, tfGrad), w.name).toBeLessThan(1e-4 * maxAbs(tfGrad));
      expect(maxAbs(tfGrad)).toBeGreaterThan(0);
    });
  });

  it('one Adam step follows Keras\'s epsilon-hat formula, computed here by hand', () => {
    // Keras puts ε outside the bias correction: θ ← θ − α·m/(√v + ε) with
    // α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ). TF.js's Adam uses the textbook form
    // θ ← θ − lr·m̂/(√v̂ + ε) instead, so the reference here is the formula,
    // not TF.js. A large ε makes the two forms clearly different.
    keras.utils.setRandomSeed(24);
    const model = seedModel();
    const [lr, beta1, beta2, epsilon] = [0.01, 0.9, 0.999, 1e-3];
    const optimizer = new keras.optimizers.Adam({ learningRate: lr, beta1, beta2, epsilon });
    const { images, labels } = randomBatch(16, 6);
    const loss = new keras.losses.SparseCategoricalCrossentropy().call(new keras.Tensor(labels, [16]), model.apply(ours(images)));
    loss.backward();
    const weights = model.trainableWeights;
    const before = weights.map((w) => Float32Array.from(w.data));
    const gradients = weights.map((w) => Float32Array.from(w.grad!.data));
    optimizer.applyGradients(weights.map((w) => [w.grad!, w] as const));

    const t = 1;
    const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    weights.forEach((w, k) => {
      const g = gradients[k]!;
      const kerasForm = before[k]!.map((theta, i) => {
        const m = (1 - beta1) * g[i]!;
        const v = (1 - beta2) * g[i]! * g[i]!;
        return theta - (alpha * m) / (Math.sqrt(v) + epsilon);
      });
      const textbookForm = before[k]!.map((theta, i) => {
        const mHat = ((1 - beta1) * g[i]!) / (1 - beta1 ** t);
        const vHat = ((1 - beta2) * g[i]! * g[i]!) / (1 - beta2 ** t);
        return theta - (lr * mHat) / (Math.sqrt(vHat) + epsilon);
      });
      expect(maxAbsDiff(w.data, kerasForm), w.name).toBeLessThan(1e-7);
      // The check can tell the forms apart: the textbook step is far from ours.
      expect(maxAbsDiff(w.data, textbookForm), w.name).toBeGreaterThan(1e-4);
    });
  });
});

describe('a logits model saved with its optimizer (the default)', () => {
  it('keeps fromLogits for tinykeras in loss_config, and TF.js still loads the file', async () => {
    keras.utils.setRandomSeed(5);
    const model = new keras.Sequential([new keras.layers.Flatten({ inputShape: [28, 28] }), new keras.layers.Dense(10)]);
    model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    const handler = keras.io.memory();
    await model.save(handler);
    const config = handler.artifacts!.trainingConfig as keras.ModelArtifacts["trainingConfig"] & { loss: unknown; loss_config?: unknown };
    expect(config.loss).toBe('sparse_categorical_crossentropy');
    expect(config.loss_config).toEqual({
      class_name: 'SparseCategoricalCrossentropy',
      config: { name: 'sparse_categorical_crossentropy', from_logits: true, reduction: 'sum_over_batch_size' },
    });
    const loaded = await keras.models.loadModel(keras.io.fromMemory(handler.artifacts!));
    expect((loaded.compiled!.loss as keras.losses.SparseCategoricalCrossentropy).fromLogits).toBe(true);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(handler.artifacts as tf.io.ModelArtifacts));
    expect(tfModel.layers.length).toBe(2);
  });

  it("TF.js loads the quickstart model (Dropout) and a Softmax/Activation/ReLU model; predictions agree to 1e-5", async () => {
    keras.utils.setRandomSeed(6);
    const { Flatten, Dense, Dropout, Softmax, Activation, ReLU } = keras.layers;
    const model = new keras.Sequential([
      new Flatten({ inputShape: [28, 28] }),
      new Dense(16, { activation: 'relu' }),
      new Dropout(0.2),
      new Dense(8),
      new ReLU({ maxValue: 6 }),
      new Dense(6),
      new Activation('tanh'),
      new Dense(4),
      new Softmax(),
    ]);
    const handler = keras.io.memory();
    await model.save(handler, { includeOptimizer: false });
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(handler.artifacts as tf.io.ModelArtifacts));
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.className));
    const { images } = randomBatch(5, 2);
    const ourOutput = model.predict(ours(images), { verbose: 0 }).data;
    const theirs = (tfModel.predict(tf.tensor(images, [5, 28, 28])) as tf.Tensor).dataSync();
    ourOutput.forEach((v, i) => expect(Math.abs(v - theirs[i]!)).toBeLessThan(1e-5));
  });

  it("TF.js loads the tutorial's probability model, a nested Sequential then Softmax; predictions agree to 1e-5", async () => {
    keras.utils.setRandomSeed(8);
    const { Flatten, Dense, Softmax } = keras.layers;
    const inner = new keras.Sequential([new Flatten({ inputShape: [28, 28] }), new Dense(16, { activation: 'relu' }), new Dense(10)]);
    const model = new keras.Sequential([inner, new Softmax()]);
    const handler = keras.io.memory();
    await model.save(handler);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(handler.artifacts as tf.io.ModelArtifacts));
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual(['Sequential', 'Softmax']);
    const { images } = randomBatch(5, 3);
    const ourOutput = model.predict(ours(images), { verbose: 0 }).data;
    const theirs = (tfModel.predict(tf.tensor(images, [5, 28, 28])) as tf.Tensor).dataSync();
    ourOutput.forEach((v, i) => expect(Math.abs(v - theirs[i]!)).toBeLessThan(1e-5));
  });
});
