/**
 * The training guide's options against real Keras 3 on both backends
 * (python/training_options.py): the same small models from the same
 * weights, trained two epochs with SGD without shuffling, then evaluated:
 * sampleWeight (with a short last batch, and in validationData),
 * classWeight, loss functions returning values per sample (or per value),
 * metric functions and objects (AUC, Precision, Recall, crossentropies),
 * weightedMetrics, metricsNames before and after fit, and L1/L2/L1L2
 * regularizers on Dense and Conv2D kernels, biases and outputs. Compared:
 * history keys and every value, the weights after training, evaluate's
 * dict, and metricsNames.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { concat, describeKeras, DistanceLog, pack, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';

type RegularizerSpec = string | { className: 'L1' | 'L2' | 'L1L2'; config: { l1?: number; l2?: number } };
type LayerSpec =
  | { kind: 'Dense'; units: number; activation?: keras.ActivationName; kernelRegularizer?: RegularizerSpec; biasRegularizer?: RegularizerSpec; activityRegularizer?: RegularizerSpec }
  | { kind: 'Conv2D'; filters: number; kernelSize: number; activation?: keras.ActivationName; kernelRegularizer?: RegularizerSpec; activityRegularizer?: RegularizerSpec }
  | { kind: 'Flatten' };
type MetricSpec = string | { fn: 'average' } | { className: 'AUC' | 'Precision' | 'Recall' | 'BinaryCrossentropy' | 'SparseCategoricalCrossentropy'; config: Record<string, never> };
type LossSpec = string | { fn: 'squared' | 'squares' };

interface Case {
  name: string;
  inputShape: number[];
  layers: LayerSpec[];
  functional?: boolean;
  x: keras.Tensor;
  y: keras.Tensor | keras.Tensor[];
  loss: LossSpec;
  metrics: MetricSpec[] | MetricSpec[][];
  weightedMetrics?: MetricSpec[] | MetricSpec[][];
  fit: { epochs: number; batchSize: number; sampleWeight?: keras.Tensor; classWeight?: Record<number, number>; validationSampleWeight?: keras.Tensor };
  evaluate: { sampleWeight?: keras.Tensor };
  /** Start the biases away from 0, where |x| has a kink whose gradient Keras's backends disagree on (TensorFlow 0, JAX 1). */
  nonZeroBiases?: boolean;
}

interface CaseOutput {
  history: Record<string, number[]>;
  weights: Packed[];
  evaluate: Record<string, number>;
  metricsNamesBefore: string[];
  metricsNamesAfter: string[];
}

/** The functions python/training_options.py defines, under the same names. */
function squared(yTrue: keras.Tensor, yPred: keras.Tensor): keras.Tensor {
  return yPred.sub(yTrue).square().mean(-1);
}
function squares(yTrue: keras.Tensor, yPred: keras.Tensor): keras.Tensor {
  return yPred.sub(yTrue).square();
}
function average(_yTrue: keras.Tensor, yPred: keras.Tensor): keras.Tensor {
  return yPred.mean(-1);
}

function regularizer(spec: RegularizerSpec | undefined): keras.regularizers.RegularizerIdentifier | undefined {
  if (spec === undefined || typeof spec === 'string') return spec as keras.regularizers.RegularizerIdentifier | undefined;
  return spec.className === 'L1' ? new keras.regularizers.L1(spec.config) : spec.className === 'L2' ? new keras.regularizers.L2(spec.config) : new keras.regularizers.L1L2(spec.config);
}

function layer(spec: LayerSpec): InstanceType<typeof keras.layers.Layer> {
  if (spec.kind === 'Flatten') return new keras.layers.Flatten();
  const options = { activation: spec.activation, kernelRegularizer: regularizer(spec.kernelRegularizer), activityRegularizer: regularizer(spec.activityRegularizer) };
  if (spec.kind === 'Conv2D') return new keras.layers.Conv2D(spec.filters, spec.kernelSize, options);
  return new keras.layers.Dense(spec.units, { ...options, biasRegularizer: regularizer(spec.biasRegularizer) });
}

function metric(spec: MetricSpec): string | keras.metrics.Metric | keras.metrics.UserMetricFn {
  if (typeof spec === 'string') return spec;
  if ('fn' in spec) return average;
  return new keras.metrics[spec.className]();
}

function build(c: Case): keras.Sequential | keras.Model {
  if (!c.functional) return new keras.Sequential([keras.Input({ shape: c.inputShape }), ...c.layers.map(layer)]);
  const inputs = keras.Input({ shape: c.inputShape });
  let h: keras.KerasTensor = inputs;
  for (const spec of c.layers) h = layer(spec).apply(h) as keras.KerasTensor;
  const outputs = [new keras.layers.Dense(1, { name: 'a' }).apply(h) as keras.KerasTensor, new keras.layers.Dense(2, { name: 'b' }).apply(h) as keras.KerasTensor];
  return new keras.Model({ inputs, outputs });
}

keras.setRandomSeed(2020);
const N = 12;
const x = keras.randomNormal([N, 3]);
const images = keras.randomNormal([N, 5, 5, 1]);
const yBinary = keras.tensor(Array.from({ length: N }, (_, i) => ((i * 7) % 5 < 2 ? 1 : 0)), [N, 1]);
const yClasses = keras.tensor(Array.from({ length: N }, (_, i) => (i * 5) % 3));
const yReal = keras.randomNormal([N, 2]);
const weightsOfSamples = keras.tensor([1, 2, 0, 1, 3, 1, 1, 0.5, 2, 1, 0.25, 4]);
const binaryHead: LayerSpec[] = [{ kind: 'Dense', units: 4, activation: 'tanh' }, { kind: 'Dense', units: 1, activation: 'sigmoid' }];

const cases: Case[] = [
  {
    name: 'sampleWeight, weightedMetrics, validation weights',
    inputShape: [3], layers: binaryHead, x, y: yBinary, loss: 'binary_crossentropy',
    metrics: ['accuracy', 'mae'], weightedMetrics: ['accuracy', { className: 'AUC', config: {} }],
    fit: { epochs: 2, batchSize: 5, sampleWeight: weightsOfSamples, validationSampleWeight: weightsOfSamples.mul(0.5) },
    evaluate: { sampleWeight: weightsOfSamples },
  },
  {
    name: 'classWeight',
    inputShape: [3], layers: [{ kind: 'Dense', units: 3, activation: 'softmax' }], x, y: yClasses, loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy', { className: 'SparseCategoricalCrossentropy', config: {} }], weightedMetrics: ['accuracy'],
    fit: { epochs: 2, batchSize: 5, classWeight: { 0: 1, 1: 3, 2: 0.5 } }, evaluate: {},
  },
  {
    name: 'a loss function per sample, a metric function',
    inputShape: [3], layers: [{ kind: 'Dense', units: 2 }], x, y: yReal, loss: { fn: 'squared' },
    metrics: [{ fn: 'average' }, 'mae'], fit: { epochs: 2, batchSize: 5, sampleWeight: weightsOfSamples }, evaluate: {},
  },
  {
    name: 'a loss function per value',
    inputShape: [3], layers: [{ kind: 'Dense', units: 2 }], x, y: yReal, loss: { fn: 'squares' },
    metrics: [], fit: { epochs: 2, batchSize: 5 }, evaluate: {},
  },
  {
    name: 'AUC, Precision, Recall, BinaryCrossentropy',
    inputShape: [3], layers: binaryHead, x, y: yBinary, loss: 'binary_crossentropy',
    metrics: [{ className: 'AUC', config: {} }, { className: 'Precision', config: {} }, { className: 'Recall', config: {} }, { className: 'BinaryCrossentropy', config: {} }, 'auc'],
    fit: { epochs: 2, batchSize: 5 }, evaluate: {},
  },
  {
    name: 'Dense regularizers: L2 kernel, L1 bias, L1L2 activity, l1 kernel',
    inputShape: [3], nonZeroBiases: true,
    layers: [
      { kind: 'Dense', units: 4, activation: 'tanh', kernelRegularizer: { className: 'L2', config: { l2: 0.01 } }, biasRegularizer: { className: 'L1', config: { l1: 0.02 } }, activityRegularizer: { className: 'L1L2', config: { l1: 0.01, l2: 0.01 } } },
      { kind: 'Dense', units: 2, kernelRegularizer: 'l1' },
    ],
    x, y: yReal, loss: 'mse', metrics: ['mae'], fit: { epochs: 2, batchSize: 5, sampleWeight: weightsOfSamples }, evaluate: {},
  },
  {
    name: 'Conv2D regularizers: L2 kernel, l2 activity',
    inputShape: [5, 5, 1],
    layers: [{ kind: 'Conv2D', filters: 2, kernelSize: 3, activation: 'relu', kernelRegularizer: { className: 'L2', config: { l2: 0.05 } }, activityRegularizer: 'l2' }, { kind: 'Flatten' }, { kind: 'Dense', units: 2 }],
    x: images, y: yReal, loss: 'mse', metrics: [], fit: { epochs: 2, batchSize: 5 }, evaluate: {},
  },
  {
    name: 'two outputs: metricsNames, one sampleWeight for both',
    inputShape: [3], layers: [{ kind: 'Dense', units: 4, activation: 'tanh' }], functional: true, x, y: [yBinary, yReal], loss: 'mse',
    // Batches of equal size: over unequal ones Keras's backends log each output's loss differently (TensorFlow
    // averages the batches' values, JAX weights them by batch size, as tinykeras and every backend's total loss do).
    metrics: [['mae'], []], fit: { epochs: 2, batchSize: 4, sampleWeight: weightsOfSamples }, evaluate: {},
  },
];

const models = cases.map((c) => {
  keras.setRandomSeed(c.name.length);
  const model = build(c);
  if (c.nonZeroBiases) model.setWeights(model.getWeights().map((w) => (w.rank === 1 ? keras.tensor(Array.from({ length: w.size }, (_, j) => (j % 2 ? -0.05 : 0.05) * (j + 1))) : w)));
  return model;
});

describeKeras('sampleWeight, classWeight, per-sample losses, metric objects, metricsNames and regularizers against real Keras', () => {
  const log = new DistanceLog('training-options.keras.test.ts');
  let keras3: BothBackends<{ backend: string; cases: Record<string, CaseOutput> }>;
  beforeAll(async () => {
    const packOf = (t: keras.Tensor) => pack(t.data, t.shape);
    keras3 = await runKerasOnBoth('training_options', {
      cases: cases.map((c, i) => ({
        name: c.name, inputShape: c.inputShape, layers: c.layers, functional: c.functional ?? false,
        weights: models[i]!.getWeights().map(packOf), x: packOf(c.x), y: Array.isArray(c.y) ? c.y.map(packOf) : packOf(c.y),
        loss: c.loss, metrics: c.metrics, weightedMetrics: c.weightedMetrics,
        fit: { ...c.fit, sampleWeight: c.fit.sampleWeight && packOf(c.fit.sampleWeight), validationSampleWeight: c.fit.validationSampleWeight && packOf(c.fit.validationSampleWeight) },
        evaluate: { sampleWeight: c.evaluate.sampleWeight && packOf(c.evaluate.sampleWeight) },
      })),
    }, { timeoutSeconds: 480 });
  }, 600_000);
  afterAll(() => log.print());

  it('ran on both Keras backends', () => {
    expect([keras3.tensorflow.backend, keras3.jax.backend]).toEqual(['tensorflow', 'jax']);
  });

  cases.forEach((c, i) => {
    it(c.name, async () => {
      const both = <T>(pick: (o: CaseOutput) => T): BothBackends<T> => ({ tensorflow: pick(keras3.tensorflow.cases[c.name]!), jax: pick(keras3.jax.cases[c.name]!) });
      const reference = keras3.tensorflow.cases[c.name]!;
      const model = models[i]!;
      const loss = typeof c.loss === 'string' ? c.loss : c.loss.fn === 'squared' ? squared : squares;
      const toMetric = (ms: MetricSpec[] | MetricSpec[][] | undefined) =>
        ms === undefined ? undefined : c.functional ? (ms as MetricSpec[][]).map((m) => m.map(metric)) : (ms as MetricSpec[]).map(metric);
      model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 0.1 }), loss, metrics: toMetric(c.metrics) as never, weightedMetrics: toMetric(c.weightedMetrics) as never });
      expect(model.metricsNames, 'metricsNames before fit').toEqual(reference.metricsNamesBefore);
      const history = await model.fit(c.x, c.y as never, {
        epochs: c.fit.epochs, batchSize: c.fit.batchSize, shuffle: false, verbose: 0,
        ...(c.fit.sampleWeight ? { sampleWeight: c.fit.sampleWeight } : {}),
        ...(c.fit.classWeight ? { classWeight: c.fit.classWeight } : {}),
        ...(c.fit.validationSampleWeight ? { validationData: [c.x, c.y as never, c.fit.validationSampleWeight] as const } : {}),
      });
      expect(model.metricsNames, 'metricsNames after fit').toEqual(reference.metricsNamesAfter);
      expect(Object.keys(history.history).sort(), 'history keys').toEqual(Object.keys(reference.history).sort());
      for (const key of Object.keys(reference.history)) log.withinSpread(`${c.name}: history.${key}`, history.history[key]!, both((o) => o.history[key]!));
      log.withinSpread(`${c.name}: weights after`, concat(model.getWeights().map((w) => w.data)), both((o) => concat(o.weights.map(unpack))));
      const evaluated = model.evaluate(c.x, c.y as never, { batchSize: c.fit.batchSize, verbose: 0, returnDict: true, ...(c.evaluate.sampleWeight ? { sampleWeight: c.evaluate.sampleWeight } : {}) });
      expect(Object.keys(evaluated).sort(), 'evaluate keys').toEqual(Object.keys(reference.evaluate).sort());
      for (const key of Object.keys(reference.evaluate)) log.withinSpread(`${c.name}: evaluate ${key}`, [evaluated[key]!], both((o) => [o.evaluate[key]!]));
    });
  });
});
