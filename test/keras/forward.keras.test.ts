/**
 * Forward passes, losses, the accuracy metric and one step's gradients
 * against real Keras 3, from the same weights and inputs: every layer and
 * activation tinykeras has, on both kernel tiers. One Python process per
 * Keras backend runs all the cases (python/forward.py).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { describeKeras, DistanceLog, pack, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';
import { buildModel, LOGITS_LAYERS, packWeights, SEED_LAYERS, syntheticImages, type LayerSpec } from './models.js';

interface ForwardCase { name: string; inputShape: number[]; layers: LayerSpec[]; weights: Packed[]; x: Packed; training?: boolean }
interface LossCase { name: string; loss: 'probs' | 'logits'; yTrue: number[]; yPred: Packed }
interface GradientCase { name: string; inputShape: number[]; layers: LayerSpec[]; weights: Packed[]; loss: 'probs' | 'logits'; x: Packed; y: number[] }
interface Output {
  backend: string;
  forward: Record<string, Packed>;
  losses: Record<string, { loss: number; perSample: Packed; accuracy: number }>;
  gradients: Record<string, { loss: number; grads: Packed[] }>;
}

const ACTIVATIONS: keras.ActivationName[] = ['relu', 'sigmoid', 'tanh', 'softmax', 'linear', 'elu', 'selu', 'leaky_relu', 'softplus', 'swish', 'silu', 'gelu'];
const TIERS: keras.KernelTier[] = ['js', 'simd'];

/** A forward case: the model built in tinykeras under a seed, its weights and a normal input. */
function forwardCase(name: string, inputShape: number[], layers: LayerSpec[], batch = 6, training = false): ForwardCase & { model: keras.Sequential; input: keras.Tensor } {
  keras.setRandomSeed(name.length * 31 + batch);
  const model = buildModel(inputShape, layers);
  const input = keras.randomNormal([batch, ...inputShape], 0, 2);
  return { name, inputShape, layers, weights: packWeights(model), x: pack(input.data, input.shape), training, model, input };
}

const forwardCases = [
  ...ACTIVATIONS.map((a) => forwardCase(`Dense(7, ${a})`, [5], [{ kind: 'Dense', units: 7, activation: a }])),
  ...ACTIVATIONS.map((a) => forwardCase(`Activation(${a})`, [9], [{ kind: 'Activation', activation: a }])),
  forwardCase('Flatten → Dense(4)', [3, 5], [{ kind: 'Flatten' }, { kind: 'Dense', units: 4 }]),
  forwardCase('ReLU()', [11], [{ kind: 'ReLU' }]),
  forwardCase('ReLU(maxValue 1.5)', [11], [{ kind: 'ReLU', maxValue: 1.5 }]),
  forwardCase('ReLU(negativeSlope 0.2)', [11], [{ kind: 'ReLU', negativeSlope: 0.2 }]),
  forwardCase('ReLU(threshold 0.5)', [11], [{ kind: 'ReLU', threshold: 0.5 }]),
  forwardCase('ReLU(all three)', [11], [{ kind: 'ReLU', maxValue: 2, negativeSlope: 0.1, threshold: 0.3 }]),
  forwardCase('Softmax()', [8], [{ kind: 'Softmax' }]),
  forwardCase('Softmax(axis 1)', [3, 4], [{ kind: 'Softmax', axis: 1 }]),
  forwardCase('Dropout(0.3), inference', [10], [{ kind: 'Dense', units: 12 }, { kind: 'Dropout', rate: 0.3 }, { kind: 'Dense', units: 3 }]),
  forwardCase('seed model', [28, 28], SEED_LAYERS, 16),
  forwardCase('logits model', [28, 28], LOGITS_LAYERS, 16),
];
/** Dropout while training: the kept elements are scaled by 1/(1 − rate); masks are random on each side. */
const dropoutTraining = forwardCase('Dropout(0.4), training', [500], [{ kind: 'Dropout', rate: 0.4 }], 4, true);

/** Loss cases: probabilities (with a true class at probability 0 and one at 1, which Keras clips), and logits. */
function lossCases(): (LossCase & { pred: keras.Tensor })[] {
  keras.setRandomSeed(3);
  const logits = keras.randomNormal([12, 10], 0, 3);
  const labels = Array.from({ length: 12 }, (_, i) => (i * 7) % 10);
  const probs = keras.ops.softmax(logits);
  const edge = probs.data.slice();
  edge.fill(0, 0, 10);
  edge[5] = 1; // row 0: all mass on class 5; its label is 0, at probability 0
  edge.fill(0, 10, 20);
  edge[10 + labels[1]!] = 1; // row 1: probability 1 on its label
  const edgeProbs = keras.tensor(edge, [12, 10]);
  return [
    // A plain tensor of the probabilities: a softmax output would carry its logits, which the loss uses instead.
    { name: 'sparse CE, probabilities', loss: 'probs', yTrue: labels, yPred: pack(probs.data, probs.shape), pred: keras.tensor(probs.data.slice(), [12, 10]) },
    { name: 'sparse CE, probabilities 0 and 1', loss: 'probs', yTrue: labels, yPred: pack(edge, [12, 10]), pred: edgeProbs },
    { name: 'sparse CE, fromLogits', loss: 'logits', yTrue: labels, yPred: pack(logits.data, logits.shape), pred: logits },
  ];
}
const losses = lossCases();

/** Gradient cases: the seed and logits models on 32 synthetic images. */
const images = syntheticImages(32, 5);
function gradientCase(name: string, layers: LayerSpec[], loss: 'probs' | 'logits'): GradientCase & { model: keras.Sequential } {
  keras.setRandomSeed(11);
  const model = buildModel([28, 28], layers);
  return { name, inputShape: [28, 28], layers, weights: packWeights(model), loss, x: pack(images.x, [32, 28, 28]), y: Array.from(images.y), model };
}
const gradientCases = [
  gradientCase('seed model, sparse CE', SEED_LAYERS, 'probs'),
  gradientCase('logits model, sparse CE fromLogits', LOGITS_LAYERS, 'logits'),
  gradientCase('Dense(6, tanh) → Dense(10, sigmoid) → Softmax', [{ kind: 'Flatten' }, { kind: 'Dense', units: 6, activation: 'tanh' }, { kind: 'Dense', units: 10, activation: 'sigmoid' }, { kind: 'Softmax' }], 'probs'),
  gradientCase(
    'Dense(8, elu) → selu → leaky_relu → softplus → swish → gelu → Dense(10)',
    [{ kind: 'Flatten' }, ...(['elu', 'selu', 'leaky_relu', 'softplus', 'swish', 'gelu'] as const).map((activation) => ({ kind: 'Dense' as const, units: 8, activation })), { kind: 'Dense', units: 10 }],
    'logits',
  ),
];

const strip = <T extends { name: string }>(c: T, keys: (keyof T)[]) => Object.fromEntries(Object.entries(c).filter(([k]) => !keys.includes(k as keyof T)));

describeKeras('forward passes, losses, accuracy and gradients against real Keras', () => {
  const log = new DistanceLog('forward.keras.test.ts');
  let keras3: BothBackends<Output>;
  beforeAll(async () => {
    keras3 = await runKerasOnBoth<Output>('forward', {
      forward: [...forwardCases, dropoutTraining].map((c) => strip(c, ['model', 'input'])),
      losses: losses.map((c) => strip(c, ['pred'])),
      gradients: gradientCases.map((c) => strip(c, ['model'])),
    });
  });
  afterAll(() => log.print());
  const both = <T>(pick: (o: Output) => T): BothBackends<T> => ({ tensorflow: pick(keras3.tensorflow), jax: pick(keras3.jax) });

  it('ran on both Keras backends', () => {
    expect([keras3.tensorflow.backend, keras3.jax.backend]).toEqual(['tensorflow', 'jax']);
  });

  for (const tier of TIERS) {
    it(`layers and activations, inference (${tier} tier)`, async () => {
      await keras.config.setKernels(tier);
      for (const c of forwardCases) {
        const y = c.model.predict(c.input, { batchSize: c.input.shape[0] });
        log.withinSpread(`${c.name} [${tier}]`, y.data, both((o) => unpack(o.forward[c.name]!)));
      }
      await keras.config.setKernels('js');
    });
  }

  it('Dropout while training scales the kept elements by 1/(1 − rate), as Keras does', () => {
    const c = dropoutTraining;
    const ours = c.model.apply(c.input, { training: true }).data;
    const [tf, jax] = [unpack(keras3.tensorflow.forward[c.name]!), unpack(keras3.jax.forward[c.name]!)];
    // Where all three kept an element, compare the values.
    const kept = [...ours.keys()].filter((i) => ours[i] !== 0 && tf[i] !== 0 && jax[i] !== 0);
    expect(kept.length).toBeGreaterThan(100);
    const at = (a: Float32Array) => kept.map((i) => a[i]!);
    log.withinSpread(`${c.name}: kept elements`, at(ours), { tensorflow: at(tf), jax: at(jax) });
    // Every dropped element is 0 on each side.
    for (const a of [ours, tf, jax]) expect(a.filter((v, i) => v !== 0 && Math.abs(v - c.input.data[i]! / 0.6) > 1e-5 * Math.abs(v)).length).toBe(0);
  });

  it('sparse crossentropy (from probabilities and from logits) and accuracy', () => {
    for (const c of losses) {
      const loss = new keras.losses.SparseCategoricalCrossentropy({ fromLogits: c.loss === 'logits' });
      const labels = keras.tensor(c.yTrue);
      const mean = loss.call(labels, c.pred).item();
      log.withinSpread(`${c.name}: mean`, [mean], both((o) => [o.losses[c.name]!.loss]));
      const row = (n: number) => keras.tensor(c.pred.data.slice(n * 10, n * 10 + 10), [1, 10]);
      const rows = c.yTrue.map((label, n) => loss.call(keras.tensor([label]), row(n)).item());
      log.withinSpread(`${c.name}: per sample`, rows, both((o) => unpack(o.losses[c.name]!.perSample)));
      const accuracy = keras.metrics.sparseCategoricalAccuracy(labels, c.pred);
      // Keras's metric is a float32 variable: the same count over the same total, rounded to float32.
      expect(Math.fround(accuracy), c.name).toBe(keras3.tensorflow.losses[c.name]!.accuracy);
      expect(Math.fround(accuracy), c.name).toBe(keras3.jax.losses[c.name]!.accuracy);
    }
  });

  for (const tier of TIERS) {
    it(`the loss and gradients of one step (${tier} tier)`, async () => {
      await keras.config.setKernels(tier);
      for (const c of gradientCases) {
        const model = buildModel(c.inputShape, c.layers);
        model.setWeights(c.model.getWeights());
        const loss = new keras.losses.SparseCategoricalCrossentropy({ fromLogits: c.loss === 'logits' });
        const value = loss.call(keras.tensor(c.y), model.apply(keras.tensor(images.x, [32, 28, 28]), { training: true }));
        value.backward();
        log.withinSpread(`${c.name}: loss [${tier}]`, [value.item()], both((o) => [o.gradients[c.name]!.loss]));
        model.trainableWeights.forEach((w, i) => {
          log.withinSpread(`${c.name}: gradient ${i} [${tier}]`, w.grad!.data, both((o) => unpack(o.gradients[c.name]!.grads[i]!)));
        });
      }
      await keras.config.setKernels('js');
    });
  }
});
