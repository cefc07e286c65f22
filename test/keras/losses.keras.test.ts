/**
 * Binary crossentropy, categorical crossentropy (label smoothing), mean
 * absolute error and Huber, and the binary/categorical accuracy and mean
 * absolute error metrics, against real Keras 3 on both backends: the loss
 * values, one SGD step of a small model trained with each loss, and the
 * metric values (python/losses.py).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { concat, describeKeras, DistanceLog, pack, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';
import { buildModel, packWeights, type LayerSpec } from './models.js';

interface KerasObject { className: string; config: Record<string, unknown> }
interface ValueCase extends KerasObject { name: string; yTrue: Packed; yPred: Packed }
interface StepCase { name: string; loss: string | KerasObject; inputShape: number[]; layers: LayerSpec[]; weights: Packed[]; x: Packed; y: Packed; learningRate: number }
interface Output {
  backend: string;
  losses: Record<string, number>;
  metrics: Record<string, number>;
  steps: Record<string, { loss: number; weights: Packed[] }>;
}

keras.setRandomSeed(20);
const N = 12;
const logits = keras.randomNormal([N, 4], 0, 2);
const probs = keras.ops.sigmoid(logits);
const binary = keras.tensor(Array.from({ length: N * 4 }, (_, i) => (i * 5) % 3 === 0 ? 1 : 0), [N, 4]);
const oneHot = keras.tensor(Array.from({ length: N * 4 }, (_, i) => (i % 4 === (Math.floor(i / 4) * 3) % 4 ? 1 : 0)), [N, 4]);
const softmaxProbs = keras.tensor(keras.ops.softmax(logits).data.slice(), [N, 4]);
const targets = keras.randomNormal([N, 4], 0, 2);
// Probabilities of exactly 0 and 1, which Keras clips to [1e-7, 1 − 1e-7].
const edgeProbs = keras.tensor(probs.data.map((p, i) => (i % 7 === 0 ? 0 : i % 7 === 3 ? 1 : p)), [N, 4]);

/** Each case: the tinykeras loss, the same loss as Keras builds it, and the arguments. */
const lossCases: { name: string; ours: keras.losses.Loss; keras: KerasObject; yTrue: keras.Tensor; yPred: keras.Tensor }[] = [
  { name: 'BinaryCrossentropy', ours: new keras.losses.BinaryCrossentropy(), keras: { className: 'BinaryCrossentropy', config: {} }, yTrue: binary, yPred: keras.tensor(probs.data.slice(), [N, 4]) },
  { name: 'BinaryCrossentropy, probabilities 0 and 1', ours: new keras.losses.BinaryCrossentropy(), keras: { className: 'BinaryCrossentropy', config: {} }, yTrue: binary, yPred: edgeProbs },
  { name: 'BinaryCrossentropy(fromLogits)', ours: new keras.losses.BinaryCrossentropy({ fromLogits: true }), keras: { className: 'BinaryCrossentropy', config: { from_logits: true } }, yTrue: binary, yPred: logits.mul(10) },
  { name: 'BinaryCrossentropy(labelSmoothing 0.2)', ours: new keras.losses.BinaryCrossentropy({ labelSmoothing: 0.2 }), keras: { className: 'BinaryCrossentropy', config: { label_smoothing: 0.2 } }, yTrue: binary, yPred: keras.tensor(probs.data.slice(), [N, 4]) },
  { name: 'CategoricalCrossentropy', ours: new keras.losses.CategoricalCrossentropy(), keras: { className: 'CategoricalCrossentropy', config: {} }, yTrue: oneHot, yPred: softmaxProbs },
  { name: 'CategoricalCrossentropy(fromLogits, labelSmoothing 0.1)', ours: new keras.losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), keras: { className: 'CategoricalCrossentropy', config: { from_logits: true, label_smoothing: 0.1 } }, yTrue: oneHot, yPred: logits },
  { name: 'MeanAbsoluteError', ours: new keras.losses.MeanAbsoluteError(), keras: { className: 'MeanAbsoluteError', config: {} }, yTrue: targets, yPred: logits },
  { name: 'Huber', ours: new keras.losses.Huber(), keras: { className: 'Huber', config: {} }, yTrue: targets, yPred: logits },
  { name: 'Huber(delta 2.5)', ours: new keras.losses.Huber({ delta: 2.5 }), keras: { className: 'Huber', config: { delta: 2.5 } }, yTrue: targets, yPred: logits },
];

const thresholded = keras.tensor(probs.data.map((p) => Math.round(p * 4) / 4), [N, 4]);
const metricCases: { name: string; ours: (yTrue: keras.Tensor, yPred: keras.Tensor) => number; keras: KerasObject; yTrue: keras.Tensor; yPred: keras.Tensor }[] = [
  // Values rounded to quarters, so some sit exactly on the threshold 0.5 (Keras counts those as 0).
  { name: 'BinaryAccuracy', ours: keras.metrics.binaryAccuracy, keras: { className: 'BinaryAccuracy', config: {} }, yTrue: binary, yPred: thresholded },
  { name: 'BinaryAccuracy(threshold 0.75)', ours: (y, p) => keras.metrics.binaryAccuracy(y, p, 0.75), keras: { className: 'BinaryAccuracy', config: { threshold: 0.75 } }, yTrue: binary, yPred: thresholded },
  { name: 'CategoricalAccuracy', ours: keras.metrics.categoricalAccuracy, keras: { className: 'CategoricalAccuracy', config: {} }, yTrue: oneHot, yPred: softmaxProbs },
  { name: 'MeanAbsoluteError (metric)', ours: keras.metrics.meanAbsoluteError, keras: { className: 'MeanAbsoluteError', config: {} }, yTrue: targets, yPred: logits },
];

/** One SGD step of Dense(3, tanh) → Dense(k, activation) on 16 samples, per loss. */
keras.setRandomSeed(21);
const x = keras.randomNormal([16, 5]);
const yBinary = keras.tensor(Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 1 : 0)), [16, 1]);
const yOneHot = keras.tensor(Array.from({ length: 48 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [16, 3]);
const yReal = keras.randomNormal([16, 3], 0, 1.5);
function stepCase(name: string, loss: string | KerasObject, ours: string | keras.losses.Loss, last: LayerSpec, y: keras.Tensor) {
  keras.setRandomSeed(name.length);
  const layers: LayerSpec[] = [{ kind: 'Dense', units: 3, activation: 'tanh' }, last];
  const model = buildModel([5], layers);
  return { name, loss, inputShape: [5], layers, weights: packWeights(model), x: pack(x.data, x.shape), y: pack(y.data, y.shape), learningRate: 0.5, model, ours, yTensor: y };
}
const stepCases = [
  stepCase("'binary_crossentropy', sigmoid", 'binary_crossentropy', 'binary_crossentropy', { kind: 'Dense', units: 1, activation: 'sigmoid' }, yBinary),
  stepCase('BinaryCrossentropy(fromLogits, labelSmoothing 0.1)', { className: 'BinaryCrossentropy', config: { from_logits: true, label_smoothing: 0.1 } }, new keras.losses.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), { kind: 'Dense', units: 1 }, yBinary),
  stepCase("'categorical_crossentropy', softmax", 'categorical_crossentropy', 'categorical_crossentropy', { kind: 'Dense', units: 3, activation: 'softmax' }, yOneHot),
  stepCase('CategoricalCrossentropy(labelSmoothing 0.2), softmax', { className: 'CategoricalCrossentropy', config: { label_smoothing: 0.2 } }, new keras.losses.CategoricalCrossentropy({ labelSmoothing: 0.2 }), { kind: 'Dense', units: 3, activation: 'softmax' }, yOneHot),
  stepCase("'mean_absolute_error'", 'mean_absolute_error', 'mean_absolute_error', { kind: 'Dense', units: 3 }, yReal),
  stepCase("'huber'", 'huber', 'huber', { kind: 'Dense', units: 3 }, yReal),
  stepCase('Huber(delta 0.5)', { className: 'Huber', config: { delta: 0.5 } }, new keras.losses.Huber({ delta: 0.5 }), { kind: 'Dense', units: 3 }, yReal),
];

describeKeras('binary and categorical crossentropy, MAE, Huber and their metrics against real Keras', () => {
  const log = new DistanceLog('losses.keras.test.ts');
  let keras3: BothBackends<Output>;
  beforeAll(async () => {
    keras3 = await runKerasOnBoth<Output>('losses', {
      losses: lossCases.map((c) => ({ name: c.name, ...c.keras, yTrue: pack(c.yTrue.data, c.yTrue.shape), yPred: pack(c.yPred.data, c.yPred.shape) })),
      metrics: metricCases.map((c) => ({ name: c.name, ...c.keras, yTrue: pack(c.yTrue.data, c.yTrue.shape), yPred: pack(c.yPred.data, c.yPred.shape) })),
      steps: stepCases.map(({ model: _m, ours: _o, yTensor: _y, ...c }) => c),
    });
  });
  afterAll(() => log.print());
  const both = <T>(pick: (o: Output) => T): BothBackends<T> => ({ tensorflow: pick(keras3.tensorflow), jax: pick(keras3.jax) });

  it('ran on both Keras backends', () => {
    expect([keras3.tensorflow.backend, keras3.jax.backend]).toEqual(['tensorflow', 'jax']);
  });

  it('loss values', () => {
    for (const c of lossCases) {
      log.withinSpread(c.name, [c.ours.call(c.yTrue, c.yPred).item()], both((o) => [o.losses[c.name]!]));
    }
  });

  it('metric values', () => {
    for (const c of metricCases) {
      log.withinSpread(c.name, [c.ours(c.yTrue, c.yPred)], both((o) => [o.metrics[c.name]!]));
    }
  });

  it('one SGD step with each loss: the loss before it and the weights after it', async () => {
    for (const c of stepCases) {
      const model = buildModel(c.inputShape, c.layers);
      model.setWeights(c.model.getWeights());
      model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: c.learningRate }), loss: c.ours });
      const history = await model.fit(x, c.yTensor, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
      expect(history.params.executor, c.name).toBe('autograd');
      log.withinSpread(`${c.name}: loss`, history.history.loss!, both((o) => [o.steps[c.name]!.loss]));
      const weights = concat(model.getWeights().map((w) => w.data));
      log.withinSpread(`${c.name}: weights after`, weights, both((o) => concat(o.steps[c.name]!.weights.map(unpack))));
    }
  });
});
