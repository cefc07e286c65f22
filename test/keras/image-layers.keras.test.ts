/**
 * The image layers against real Keras 3 on the same weights and inputs, on
 * both of Keras's backends: forward outputs across paddings, strides,
 * dilations and odd sizes (each Keras layer made by `from_config` from the
 * config tinykeras writes), and one SGD step of a small CNN with
 * BatchNormalization (weights and moving statistics after the step); and the
 * resampling layers in training (RandomRotation, RandomZoom,
 * RandomTranslation), Keras's layer given tinykeras's uniform draws.
 *
 * Tolerance: Keras's own TensorFlow-vs-JAX spread, measured in the same run,
 * times 4, with a floor of a few float32 ulps (1e-6 relative): when both
 * backends happen to agree exactly, summation order alone still differs.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { relativeL2, runKeras, type KerasBackend } from './oracle.js';
import { translateImages, type FillMode, type Interpolation } from '../../src/tensor/ops/translate.js';

const FLOOR = 1e-6;
type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

interface Case {
  label: string;
  layer: Layer;
  shape: number[];
  training?: boolean;
  /** Weights to set after building (BatchNormalization's statistics); by default the layer's own initial ones. */
  weights?: keras.Tensor[];
}

function uniformTensor(shape: number[], lo: number, hi: number): keras.Tensor {
  return keras.random.uniform(shape, lo, hi);
}

keras.utils.setRandomSeed(11);
const L = keras.layers;
const cases: Case[] = [
  { label: 'Conv2D 3×3 valid relu', layer: new L.Conv2D(4, 3, { activation: 'relu', biasInitializer: 'random_uniform' }), shape: [2, 6, 7, 3] },
  { label: 'Conv2D 3×3 same strides 2 on 7×7', layer: new L.Conv2D(3, 3, { strides: 2, padding: 'same' }), shape: [2, 7, 7, 2] },
  { label: 'Conv2D 2×2 same (extra padding bottom/right)', layer: new L.Conv2D(2, 2, { padding: 'same' }), shape: [1, 5, 4, 2] },
  { label: 'Conv2D 4×3 same strides [2, 3] on 7×8', layer: new L.Conv2D(2, [4, 3], { strides: [2, 3], padding: 'same' }), shape: [1, 7, 8, 2] },
  { label: 'Conv2D dilation 2 valid', layer: new L.Conv2D(3, 3, { dilationRate: 2 }), shape: [1, 7, 8, 2] },
  { label: 'Conv2D dilation [2, 3] same, tanh', layer: new L.Conv2D(2, [2, 3], { dilationRate: [2, 3], padding: 'same', activation: 'tanh' }), shape: [1, 6, 7, 1] },
  { label: 'Conv2D 1×1 without bias', layer: new L.Conv2D(5, 1, { useBias: false }), shape: [2, 3, 3, 4] },
  { label: 'MaxPooling2D 2 valid on 7×5 (floor)', layer: new L.MaxPooling2D(2), shape: [2, 7, 5, 3] },
  { label: 'MaxPooling2D 2 same on 7×5', layer: new L.MaxPooling2D(2, { padding: 'same' }), shape: [2, 7, 5, 3] },
  { label: 'MaxPooling2D 3 strides 1 same', layer: new L.MaxPooling2D({ poolSize: 3, strides: 1, padding: 'same' }), shape: [1, 5, 6, 2] },
  { label: 'MaxPooling2D [3, 2] strides [2, 1] valid', layer: new L.MaxPooling2D([3, 2], { strides: [2, 1] }), shape: [1, 7, 6, 2] },
  { label: 'AveragePooling2D 2 valid on 7×5', layer: new L.AveragePooling2D(2), shape: [2, 7, 5, 3] },
  { label: 'AveragePooling2D 2 same on 7×5 (padding not counted)', layer: new L.AveragePooling2D(2, { padding: 'same' }), shape: [2, 7, 5, 3] },
  { label: 'AveragePooling2D 3 strides 1 same', layer: new L.AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' }), shape: [1, 5, 6, 2] },
  { label: 'AveragePooling2D 3 strides 2 same on 8×9', layer: new L.AveragePooling2D(3, { strides: 2, padding: 'same' }), shape: [1, 8, 9, 2] },
  { label: 'GlobalAveragePooling2D', layer: new L.GlobalAveragePooling2D(), shape: [2, 5, 4, 3] },
  { label: 'GlobalMaxPooling2D keepdims', layer: new L.GlobalMaxPooling2D({ keepdims: true }), shape: [2, 5, 4, 3] },
  { label: 'ZeroPadding2D 1', layer: new L.ZeroPadding2D(), shape: [1, 3, 4, 2] },
  { label: 'ZeroPadding2D [[1, 2], [0, 3]]', layer: new L.ZeroPadding2D([[1, 2], [0, 3]]), shape: [1, 3, 4, 2] },
  { label: 'Reshape [-1, 2]', layer: new L.Reshape([-1, 2]), shape: [2, 3, 4, 2] },
  { label: 'Rescaling 1/127.5 offset -1', layer: new L.Rescaling(1 / 127.5, { offset: -1 }), shape: [2, 3, 3, 1] },
  { label: 'RandomFlip at inference (the identity)', layer: new L.RandomFlip('horizontal'), shape: [2, 3, 3, 1] },
  { label: 'RandomTranslation at inference (the identity)', layer: new L.RandomTranslation(0.2, [-0.1, 0.3], { fillMode: 'constant' }), shape: [2, 3, 3, 1] },
  { label: 'RandomRotation at inference (the identity)', layer: new L.RandomRotation(0.2, { fillMode: 'constant' }), shape: [2, 3, 3, 1] },
  { label: 'RandomZoom at inference (the identity)', layer: new L.RandomZoom(0.2, [-0.1, 0.3]), shape: [2, 3, 3, 1] },
  {
    label: 'BatchNormalization at inference (moving statistics)',
    layer: new L.BatchNormalization(),
    shape: [2, 3, 3, 4],
    weights: [uniformTensor([4], 0.5, 2), uniformTensor([4], -1, 1), uniformTensor([4], -1, 1), uniformTensor([4], 0.5, 2)],
  },
  {
    label: 'BatchNormalization in training (batch statistics), epsilon 0.01, no center',
    layer: new L.BatchNormalization({ epsilon: 0.01, center: false }),
    shape: [3, 2, 3, 4],
    training: true,
    weights: [uniformTensor([4], 0.5, 2), uniformTensor([4], -1, 1), uniformTensor([4], 0.5, 2)],
  },
];

describe('image layers against real Keras', () => {
  const inputs = cases.map((c) => {
    const x = uniformTensor(c.shape, -2, 2);
    c.layer.apply(x);
    if (c.weights) c.layer.setWeights(c.weights);
    const weights = c.layer.getWeights();
    // Our output before the Keras run, which sees the weights as they are now.
    const y = c.layer.apply(x, { training: c.training ?? false });
    const { batch_input_shape: _shape, ...config } = c.layer.getConfig();
    return { ours: Array.from(y.data), keras: { class_name: c.layer.className, config, weights: weights.map((w) => w.toArray()), x: x.toArray(), training: c.training ?? false } };
  });
  const run = (backend: KerasBackend) => runKeras<{ ys: Nested[]; backend: string }>('layer_forward', { cases: inputs.map((i) => i.keras) }, { backend });
  const tf = run('tensorflow');
  const jax = run('jax');

  it('ran on both backends', () => {
    expect([tf.backend, jax.backend]).toEqual(['tensorflow', 'jax']);
  });
  cases.forEach((c, i) => {
    it(`${c.label}: Keras's outputs within its own TensorFlow-vs-JAX spread`, () => {
      const want = flat(tf.ys[i]!);
      expect(inputs[i]!.ours.length).toBe(want.length);
      const spread = relativeL2(flat(jax.ys[i]!), want);
      expect(relativeL2(inputs[i]!.ours, want)).toBeLessThanOrEqual(Math.max(4 * spread, FLOOR));
    });
  });
});

describe('one training step of a CNN with BatchNormalization against real Keras', () => {
  keras.utils.setRandomSeed(5);
  const model = new keras.Sequential([
    new L.Conv2D(4, 3, { activation: 'relu', inputShape: [6, 6, 1] }),
    new L.BatchNormalization(),
    new L.MaxPooling2D(2),
    new L.Flatten(),
    new L.Dense(3),
  ]);
  const x = uniformTensor([8, 6, 6, 1], 0, 1);
  const y = keras.tensor([0, 1, 2, 0, 1, 2, 0, 1]);
  const before = model.getWeights().map((w) => w.toArray());
  const input = { x: x.toArray(), y: y.toArray(), weights: before, learning_rate: 0.1 };
  const run = (backend: KerasBackend) => runKeras<{ weights: Nested[]; loss: number; backend: string }>('cnn_train_step', input, { backend });
  const tf = run('tensorflow');
  const jax = run('jax');

  it('gives Keras\'s weights and moving statistics after one SGD step', async () => {
    model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 0.1 }), loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), runEagerly: true });
    const history = await model.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    expect(Math.abs(history.history.loss![0]! - tf.loss)).toBeLessThanOrEqual(Math.max(4 * Math.abs(jax.loss - tf.loss), 1e-6 * Math.abs(tf.loss)));
    const after = model.getWeights();
    expect(after.length).toBe(tf.weights.length);
    after.forEach((w, i) => {
      const want = flat(tf.weights[i]!);
      const spread = relativeL2(flat(jax.weights[i]!), want);
      // The step itself moved the weight: the comparison is about the update, not the starting point.
      expect(relativeL2(flat(before[i] as Nested), want), `weight ${i} (${w.name}) changed`).toBeGreaterThan(0);
      expect(relativeL2(Array.from(w.data), want), `weight ${i} (${model.weights[i]!.name})`).toBeLessThanOrEqual(Math.max(4 * spread, FLOOR));
    });
  });
});

describe("RandomTranslation's shift against Keras's affine_transform", () => {
  keras.utils.setRandomSeed(8);
  const x = uniformTensor([3, 5, 6, 2], -1, 1);
  // (dy, dx) per image: fractional, whole, and beyond the edge by more than a pixel.
  const shifts = Float32Array.of(1.3, -0.6, -2, 3, 0.4, 0.25);
  const transforms = [0, 1, 2].map((n) => [1, 0, -shifts[2 * n + 1]!, 0, 1, -shifts[2 * n]!, 0, 0]);
  const cases: Array<[FillMode, Interpolation, KerasBackend[]]> = [
    ['reflect', 'bilinear', ['tensorflow', 'jax']],
    ['nearest', 'bilinear', ['tensorflow', 'jax']],
    ['constant', 'bilinear', ['tensorflow', 'jax']],
    ['reflect', 'nearest', ['tensorflow', 'jax']],
    // Keras's backends disagree on 'wrap' between pixels at the edges; tinykeras follows JAX (SciPy's map_coordinates).
    ['wrap', 'bilinear', ['jax']],
  ];
  const input = { x: x.toArray(), transforms, fill_value: 0.5, cases: cases.map(([fillMode, interpolation]) => ({ fill_mode: fillMode, interpolation })) };
  const tf = runKeras<{ ys: Nested[] }>('affine_transform', input, { backend: 'tensorflow' });
  const jax = runKeras<{ ys: Nested[] }>('affine_transform', input, { backend: 'jax' });
  cases.forEach(([fillMode, interpolation, backends], i) => {
    it(`fillMode '${fillMode}', interpolation '${interpolation}' (${backends.join(' and ')})`, () => {
      const ours = Array.from(translateImages(x, shifts, fillMode, 0.5, interpolation).data);
      const want = flat(jax.ys[i]!);
      const spread = backends.includes('tensorflow') ? relativeL2(flat(tf.ys[i]!), want) : 0;
      expect(relativeL2(ours, want)).toBeLessThanOrEqual(Math.max(4 * spread, FLOOR));
    });
  });
});

describe('RandomRotation, RandomZoom and RandomTranslation in training against Keras, on the same draws', () => {
  keras.utils.setRandomSeed(12);
  // Each layer seeded: its draws are those of a fresh generator with its seed, in the order the layer uses them
  // (per call of Keras's random.uniform, one value per image), handed to Keras in place of its own.
  const randomCases: Array<{ layer: Layer & { seed: number | null }; shape: [number, number, number, number]; calls: number }> = [
    { layer: new L.RandomRotation(0.2, { seed: 1 }), shape: [3, 5, 6, 2], calls: 1 },
    { layer: new L.RandomRotation([-0.5, 0.5], { fillMode: 'constant', fillValue: 0.5, seed: 2 }), shape: [3, 6, 6, 1], calls: 1 },
    { layer: new L.RandomRotation(0.3, { fillMode: 'nearest', seed: 3 }), shape: [2, 7, 5, 2], calls: 1 },
    { layer: new L.RandomRotation(0.1, { interpolation: 'nearest', seed: 4 }), shape: [3, 5, 5, 1], calls: 1 },
    { layer: new L.RandomZoom(0.3, null, { seed: 5 }), shape: [3, 5, 6, 2], calls: 1 },
    { layer: new L.RandomZoom([-0.5, -0.1], [0.2, 0.6], { fillMode: 'constant', fillValue: -1, seed: 6 }), shape: [3, 6, 5, 1], calls: 2 },
    { layer: new L.RandomZoom(0.4, 0.2, { fillMode: 'nearest', interpolation: 'nearest', seed: 7 }), shape: [2, 7, 7, 2], calls: 2 },
    { layer: new L.RandomTranslation(0.3, [-0.2, 0.4], { seed: 8 }), shape: [3, 5, 6, 2], calls: 2 },
  ];
  const inputs = randomCases.map(({ layer, shape, calls }) => {
    const x = uniformTensor(shape, -1, 1);
    const y = layer.apply(x, { training: true });
    const generator = new keras.random.RandomGenerator(layer.seed!);
    const draws = Array.from({ length: calls }, () => Array.from({ length: shape[0] }, () => generator.uniform()));
    const { batch_input_shape: _shape, ...config } = layer.getConfig();
    return { ours: Array.from(y.data), keras: { class_name: layer.className, config, x: x.toArray(), draws } };
  });
  const run = (backend: KerasBackend) => runKeras<{ ys: Nested[]; backend: string }>('random_layer_draws', { cases: inputs.map((i) => i.keras) }, { backend });
  const tf = run('tensorflow');
  const jax = run('jax');
  randomCases.forEach(({ layer }, i) => {
    it(`${layer.className} ${JSON.stringify(inputs[i]!.keras.config, ['factor', 'height_factor', 'width_factor', 'fill_mode', 'interpolation'])}: within Keras's TensorFlow-vs-JAX spread`, () => {
      const want = flat(tf.ys[i]!);
      expect(inputs[i]!.ours.length).toBe(want.length);
      // The layer did move the pixels: the comparison is about the transform, not the identity.
      expect(relativeL2(flat(inputs[i]!.keras.x as Nested), want)).toBeGreaterThan(1e-3);
      const spread = relativeL2(flat(jax.ys[i]!), want);
      expect(relativeL2(inputs[i]!.ours, want)).toBeLessThanOrEqual(Math.max(4 * spread, FLOOR));
    });
  });
});
