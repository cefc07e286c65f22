/**
 * The image layers as a user meets them: constructors (Keras's defaults,
 * positional and options forms, clear errors), output shapes against the
 * shapes the layers really produce, configs that rebuild the layer,
 * BatchNormalization's training and inference modes, and the TensorFlow
 * tutorial's CNN trained through autograd.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { ShapeError, TinykerasError, ValueError } from '../../src/errors.js';
import { affineTransformImages, rotationTransform, zoomTransform } from '../../src/tensor/ops/affine.js';

const L = keras.layers;
beforeEach(() => keras.utils.clearSession());

describe('constructors', () => {
  it("take Keras's defaults", () => {
    const conv = new L.Conv2D(8, 3);
    expect([conv.kernelSize, conv.strides, conv.padding, conv.dilationRate, conv.activationName, conv.useBias]).toEqual([[3, 3], [1, 1], 'valid', [1, 1], 'linear', true]);
    expect(conv.name).toBe('conv2d');
    const pool = new L.MaxPooling2D();
    expect([pool.poolSize, pool.strides, pool.padding, pool.name]).toEqual([[2, 2], [2, 2], 'valid', 'max_pooling2d']);
    expect(new L.AveragePooling2D({ poolSize: 3 }).strides).toEqual([3, 3]);
    const bn = new L.BatchNormalization();
    expect([bn.axis, bn.momentum, bn.epsilon, bn.center, bn.scale, bn.name]).toEqual([-1, 0.99, 1e-3, true, true, 'batch_normalization']);
    expect(new L.ZeroPadding2D().padding).toEqual([[1, 1], [1, 1]]);
    expect(new L.ZeroPadding2D([2, 3]).padding).toEqual([[2, 2], [3, 3]]);
    expect(new L.RandomFlip().mode).toBe('horizontal_and_vertical');
    expect(new L.Rescaling(1 / 255).offset).toBe(0);
  });

  it('accept the Keras (positional) and TF.js (options) forms alike', () => {
    const a = new L.Conv2D(4, [3, 2], { strides: 2, padding: 'SAME' as 'same' });
    const b = new L.Conv2D({ filters: 4, kernelSize: [3, 2], strides: [2, 2], padding: 'same' });
    const c = new L.Conv2D(4, { kernelSize: [3, 2], strides: 2, padding: 'same' });
    for (const layer of [a, b, c]) expect([layer.filters, layer.kernelSize, layer.strides, layer.padding]).toEqual([4, [3, 2], [2, 2], 'same']);
  });

  it('reject bad arguments with the option named', () => {
    expect(() => new L.Conv2D(8, 3, { kernel_initializer: 'zeros' } as never)).toThrow(/Did you mean kernelInitializer\?/);
    expect(() => new L.Conv2D(0, 3)).toThrow(/filters must be a positive integer/);
    expect(() => new L.Conv2D(8)).toThrow(/kernelSize is required/);
    expect(() => new L.Conv2D(8, [3, 3, 3] as never)).toThrow(/kernelSize must be an integer ≥ 1 or a list of 2/);
    expect(() => new L.Conv2D(8, 3, { padding: 'causal' as never })).toThrow(/padding must be 'valid' or 'same'. Received: padding='causal'/);
    expect(() => new L.Conv2D(8, 3, { strides: 2, dilationRate: 2 })).toThrow(/strides > 1 cannot be combined with dilationRate > 1/);
    expect(() => new L.Conv2D(8, 3, { dataFormat: 'channels_first' as never })).toThrow(/channels_last/);
    expect(() => new L.Conv2D(8, 3, { kernelSize: 3 })).toThrow(/kernelSize is given twice/);
    expect(() => new L.MaxPooling2D({ pool_size: 2 } as never)).toThrow(/Did you mean poolSize\?/);
    expect(() => new L.BatchNormalization({ axis: 1 })).toThrow(/last axis only/);
    expect(() => new L.BatchNormalization({ momentum: 2 })).toThrow(/momentum must be a number in \[0, 1\]/);
    expect(() => new L.Reshape([2, -1, -1])).toThrow(/one of which may be -1/);
    expect(() => new L.RandomFlip('diagonal' as never)).toThrow(/mode must be one of/);
    expect(() => new L.Rescaling(Number.NaN)).toThrow(ValueError);
    expect(() => new L.ZeroPadding2D(-1)).toThrow(/padding must be an integer ≥ 0/);
    expect(() => new L.RandomTranslation(1.5, 0.1)).toThrow(/heightFactor must be a number in \[-1, 1\]/);
    expect(() => new L.RandomTranslation(0.1, undefined as never)).toThrow(/widthFactor must be/);
    expect(() => new L.RandomTranslation(0.1, 0.1, { fillMode: 'mirror' as never })).toThrow(/fillMode must be one of 'reflect', 'wrap', 'constant', 'nearest'/);
    expect(() => new L.RandomTranslation(0.1, 0.1, { fill_mode: 'constant' } as never)).toThrow(/Did you mean fillMode\?/);
    const rotation = new L.RandomRotation(0.2);
    expect([rotation.factor, rotation.fillMode, rotation.interpolation, rotation.fillValue, rotation.seed, rotation.name]).toEqual([[-0.2, 0.2], 'reflect', 'bilinear', 0, null, 'random_rotation']);
    expect(new L.RandomRotation([0.3, -0.1]).factor).toEqual([-0.1, 0.3]);
    const zoom = new L.RandomZoom(-0.2);
    expect([zoom.heightFactor, zoom.widthFactor, zoom.fillMode, zoom.interpolation, zoom.fillValue, zoom.name]).toEqual([-0.2, null, 'reflect', 'bilinear', 0, 'random_zoom']);
    expect(new L.RandomZoom({ heightFactor: 0.1, widthFactor: [0, 0.3], seed: 2 }).widthFactor).toEqual([0, 0.3]);
    expect(() => new L.RandomRotation(1.5)).toThrow(/factor must be a number in \[-1, 1\]/);
    expect(() => new L.RandomRotation(0.1, { fillMode: 'mirror' as never })).toThrow(/fillMode must be one of/);
    expect(() => new L.RandomRotation(0.1, { fill_value: 1 } as never)).toThrow(/Did you mean fillValue\?/);
    expect(() => new L.RandomRotation(0.1, { factor: 0.2 })).toThrow(/factor is given twice/);
    expect(() => new L.RandomZoom(-1)).toThrow(/heightFactor must be a number in \(-1, 1\]/);
    expect(() => new L.RandomZoom(0.1, [0.2, 1.1])).toThrow(/widthFactor must be a number in \(-1, 1\]/);
    expect(() => new L.RandomZoom(0.1, 0.1, { interpolation: 'bicubic' as never })).toThrow(/interpolation must be 'bilinear' or 'nearest'/);
    expect(() => new L.RandomZoom(0.1, null, { heightFactor: 0.2 })).toThrow(/heightFactor is given twice/);
  });

  it('reject inputs that are not images, or too small for a valid window, with a ShapeError naming the layer', () => {
    expect(() => new L.Conv2D(2, 3).apply(keras.ops.zeros([2, 8, 8]))).toThrow(/Layer "conv2d": expects images of shape \[batch, height, width, channels\]/);
    expect(() => new L.Conv2D(2, 3).apply(keras.ops.zeros([1, 2, 5, 1]))).toThrow(ShapeError);
    expect(() => new L.MaxPooling2D(3).apply(keras.ops.zeros([1, 2, 2, 1]))).toThrow(/the 3×3 window does not fit/);
    const conv = new L.Conv2D(2, 3);
    conv.apply(keras.ops.zeros([1, 5, 5, 3]));
    expect(() => conv.apply(keras.ops.zeros([1, 5, 5, 2]))).toThrow(/expected shape=\(None, None, None, 3\), found shape=\(None, 5, 5, 2\)/);
    expect(() => new L.Reshape([7]).apply(keras.ops.zeros([2, 3, 2]))).toThrow(/cannot reshape samples of shape \[3, 2\]/);
    expect(() => new L.ZeroPadding2D(100_000).apply(keras.ops.zeros([1, 2, 2, 1]))).toThrow(/zeroPad2d: the padded batch \[1, 200002, 200002, 1\] would hold 40,000,800,004 values, more than one array can/);
  });
});

describe('any value in any argument', () => {
  const anyValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.anything({ maxDepth: 2, withNullPrototype: true, withTypedArray: true, withBoxedValues: true }),
    fc.constantFrom<unknown>(undefined, null, NaN, -0, Infinity, 1e300, Symbol('s'), () => 1, 10n, [[1, 2], [3]], [2, -1], { kernelSize: 3 }, { filters: 2, kernelSize: [1, 1] }, keras.ops.zeros([2])),
  );
  /** `call` returns or throws a TinykerasError; a layer it returns can be applied to images, again with only TinykerasErrors. */
  const outcome = (call: () => unknown) => {
    try {
      const layer = call();
      if (layer instanceof L.Layer) layer.apply(keras.ops.zeros([1, 6, 6, 2]), { training: true });
    } catch (error) {
      if (!(error instanceof TinykerasError)) throw error;
    }
  };
  const makers: Record<string, (a: unknown, b: unknown, c: unknown) => unknown> = {
    Conv2D: (a, b, c) => new L.Conv2D(a as never, b as never, c as never),
    MaxPooling2D: (a, b) => new L.MaxPooling2D(a as never, b as never),
    AveragePooling2D: (a, b) => new L.AveragePooling2D(a as never, b as never),
    GlobalAveragePooling2D: (a) => new L.GlobalAveragePooling2D(a as never),
    GlobalMaxPooling2D: (a) => new L.GlobalMaxPooling2D(a as never),
    ZeroPadding2D: (a, b) => new L.ZeroPadding2D(a as never, b as never),
    Reshape: (a, b) => new L.Reshape(a as never, b as never),
    BatchNormalization: (a) => new L.BatchNormalization(a as never),
    Rescaling: (a, b) => new L.Rescaling(a as never, b as never),
    RandomFlip: (a, b) => new L.RandomFlip(a as never, b as never),
    RandomTranslation: (a, b, c) => new L.RandomTranslation(a as never, b as never, c as never),
    RandomRotation: (a, b) => new L.RandomRotation(a as never, b as never),
    RandomZoom: (a, b, c) => new L.RandomZoom(a as never, b as never, c as never),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: constructed from any arguments, or from any config values, only TinykerasErrors`, () => {
      fc.assert(fc.property(anyValue, anyValue, anyValue, (a, b, c) => outcome(() => make(a, b, c))), { numRuns: 150 });
      const cls = (L as unknown as Record<string, { fromConfig(c: unknown): unknown }>)[name]!;
      const keys = ['filters', 'kernel_size', 'strides', 'padding', 'pool_size', 'target_shape', 'scale', 'offset', 'mode', 'seed', 'axis', 'momentum', 'epsilon', 'height_factor', 'width_factor', 'factor', 'fill_value', 'interpolation', 'fill_mode', 'keepdims', 'kernel_initializer', 'groups', 'data_format'];
      fc.assert(fc.property(fc.dictionary(fc.constantFrom(...keys), anyValue), (config) => outcome(() => cls.fromConfig(config))), { numRuns: 150 });
    });
  }
});

describe('output shapes', () => {
  it('computeOutputShape gives the shape each layer produces', () => {
    fc.assert(
      fc.property(
        fc.record({
          h: fc.integer({ min: 5, max: 9 }), w: fc.integer({ min: 5, max: 9 }), c: fc.integer({ min: 1, max: 3 }),
          k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }),
          padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
        }),
        ({ h, w, c, k, s, d, padding }) => {
          const x = keras.ops.zeros([2, h, w, c]);
          const layers = [
            new L.Conv2D(2, k, { strides: s, padding }),
            new L.Conv2D(2, [k, 1], { dilationRate: [d, 1], padding }),
            new L.MaxPooling2D(k, { strides: s, padding }),
            new L.AveragePooling2D([k, 1], { padding }),
            new L.GlobalAveragePooling2D(), new L.GlobalMaxPooling2D({ keepdims: true }),
            new L.ZeroPadding2D([[k, 0], [1, s]]), new L.Reshape([-1]), new L.BatchNormalization(),
            new L.Rescaling(2), new L.RandomFlip(), new L.RandomTranslation(0.2, 0.3), new L.RandomRotation(0.1), new L.RandomZoom(0.2),
          ];
          for (const layer of layers) {
            expect(layer.computeOutputShape([null, h, w, c])).toEqual([null, ...layer.apply(x).shape.slice(1)]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("summary() shows the tutorial model as Keras does (shapes and parameter counts)", () => {
    const model = tutorialModel();
    const lines: string[] = [];
    model.summary((line: string) => lines.push(line));
    const text = lines.join('\n');
    for (const [name, shape, params] of [
      ['conv2d (Conv2D)', '(None, 26, 26, 32)', '320'], ['max_pooling2d (MaxPooling2D)', '(None, 13, 13, 32)', '0'],
      ['conv2d_1 (Conv2D)', '(None, 11, 11, 64)', '18496'], ['max_pooling2d_1 (MaxPooling2D)', '(None, 5, 5, 64)', '0'],
      ['conv2d_2 (Conv2D)', '(None, 3, 3, 64)', '36928'], ['flatten (Flatten)', '(None, 576)', '0'],
      ['dense (Dense)', '(None, 64)', '36928'], ['dense_1 (Dense)', '(None, 10)', '650'],
    ]) {
      // The table cuts a long "name (Class)" to its column, as Keras 2 and TF.js print it.
      expect(text).toMatch(new RegExp(`${escape(name!.slice(0, 28))}\\S*\\s+${escape(shape!)}\\s+${params}`));
    }
    expect(text).toContain('Total params: 93,322');
  });

  it('summary() counts the moving statistics as non-trainable', () => {
    const model = new keras.Sequential([new L.Conv2D(4, 3, { inputShape: [5, 5, 1] }), new L.BatchNormalization()]);
    const lines: string[] = [];
    model.summary((line: string) => lines.push(line));
    expect(lines.join('\n')).toMatch(/Total params: 56\nTrainable params: 48\nNon-trainable params: 8/);
  });
});

const escape = (s: string) => s.replace(/[()[\]]/g, '\\$&');

describe('configs', () => {
  it('fromConfig(getConfig()) rebuilds the same layer, with the Keras keys', () => {
    const layers = [
      new L.Conv2D(4, [3, 2], { strides: [1, 2], padding: 'same', activation: 'relu', useBias: false, kernelInitializer: 'he_normal', inputShape: [8, 8, 3] }),
      new L.MaxPooling2D(3, { strides: 1, padding: 'same' }), new L.AveragePooling2D([2, 3]),
      new L.GlobalAveragePooling2D({ keepdims: true }), new L.GlobalMaxPooling2D(),
      new L.ZeroPadding2D([[1, 2], [3, 4]]), new L.Reshape([4, -1]),
      new L.BatchNormalization({ momentum: 0.9, epsilon: 1e-5, center: false }),
      new L.Rescaling(1 / 255, { offset: 0.5 }), new L.RandomFlip('vertical', { seed: 4 }),
      new L.RandomTranslation([-0.2, 0.1], 0.3, { fillMode: 'constant', fillValue: 1, interpolation: 'nearest', seed: 2 }),
      new L.RandomRotation([-0.2, 0.1], { fillMode: 'wrap', fillValue: 1, interpolation: 'nearest', seed: 2 }), new L.RandomZoom(0.2),
      new L.RandomZoom([-0.3, 0.1], 0.2, { fillMode: 'constant', fillValue: -1, seed: 8 }),
    ];
    for (const layer of layers) {
      const cls = layer.constructor as unknown as { fromConfig(c: Record<string, unknown>): Layer };
      expect(cls.fromConfig(layer.getConfig()).getConfig()).toEqual(layer.getConfig());
    }
    expect(Object.keys(layers[0]!.getConfig())).toEqual(expect.arrayContaining(['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer']));
    expect(layers[0]!.getConfig()).toMatchObject({ kernel_size: [3, 2], strides: [1, 2], kernel_initializer: { class_name: 'HeNormal', config: { seed: null } }, batch_input_shape: [null, 8, 8, 3] });
    expect(Object.keys(layers[7]!.getConfig())).toEqual(expect.arrayContaining(['axis', 'momentum', 'epsilon', 'center', 'scale', 'moving_mean_initializer', 'moving_variance_initializer']));
  });
});

describe('weightShapes', () => {
  it('are the shapes build creates, in order, counted before building', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean(), fc.boolean(), (channels, size, useBias, center, scale) => {
        const input = [null, 5, 5, channels] as const;
        for (const layer of [new L.Conv2D(3, size, { useBias }), new L.BatchNormalization({ center, scale })]) {
          const counted = layer.weightShapes(input);
          layer.build(input);
          expect(layer.weights.map((w) => w.shape)).toEqual(counted);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('BatchNormalization', () => {
  const x = () => {
    keras.utils.setRandomSeed(3);
    return keras.random.normal([4, 2, 2, 3]).mul(2).add(1);
  };

  it("has Keras's four weights, two of them non-trainable", () => {
    const bn = new L.BatchNormalization();
    bn.apply(x());
    expect(bn.weights.map((w) => [w.name, w.shape])).toEqual([
      ['batch_normalization/gamma', [3]], ['batch_normalization/beta', [3]],
      ['batch_normalization/moving_mean', [3]], ['batch_normalization/moving_variance', [3]],
    ]);
    expect(bn.trainableWeights.map((w) => w.name)).toEqual(['batch_normalization/gamma', 'batch_normalization/beta']);
  });

  it('in training normalises with the batch statistics and moves the moving ones toward them', () => {
    const bn = new L.BatchNormalization({ momentum: 0.9 });
    const input = x();
    const y = bn.apply(input, { training: true });
    // Per channel, the output has mean 0 and variance var / (var + ε).
    const flat = input.reshape([-1, 3]);
    const mean = flat.mean(0);
    const variance = flat.sub(mean).square().mean(0);
    const out = y.reshape([-1, 3]);
    for (let c = 0; c < 3; c++) {
      expect(out.mean(0).data[c]).toBeCloseTo(0, 5);
      expect(out.sub(out.mean(0)).square().mean(0).data[c]).toBeCloseTo(variance.data[c]! / (variance.data[c]! + 1e-3), 4);
      expect(bn.movingMean!.data[c]).toBeCloseTo(0.1 * mean.data[c]!, 6);
      expect(bn.movingVariance!.data[c]).toBeCloseTo(0.9 + 0.1 * variance.data[c]!, 6);
    }
  });

  it('at inference uses the moving statistics and changes nothing', () => {
    const bn = new L.BatchNormalization();
    const input = x();
    bn.apply(input);
    bn.setWeights([[2, 2, 2], [1, 1, 1], [0.5, 0, -0.5], [4, 4, 4]]);
    const y = bn.apply(input);
    const expected = input.sub(keras.tensor([0.5, 0, -0.5])).div(Math.sqrt(4 + 1e-3)).mul(2).add(1);
    for (let i = 0; i < y.size; i++) expect(y.data[i]).toBeCloseTo(expected.data[i]!, 5);
    expect(Array.from(bn.movingMean!.data)).toEqual([0.5, 0, -0.5]);
  });

  it('with trainable = false runs in inference mode even in training, and updates nothing (Keras 3)', () => {
    const bn = new L.BatchNormalization();
    const input = x();
    bn.apply(input);
    bn.trainable = false;
    const before = bn.getWeights().map((w) => Array.from(w.data));
    const y = bn.apply(input, { training: true });
    const z = bn.apply(input, { training: false });
    expect(Array.from(y.data)).toEqual(Array.from(z.data));
    expect(bn.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    expect(bn.trainableWeights).toEqual([]);
  });

  it('fit updates the moving statistics; evaluate and predict do not', async () => {
    const model = new keras.Sequential([new L.Conv2D(2, 3, { inputShape: [5, 5, 1] }), new L.BatchNormalization(), new L.Flatten(), new L.Dense(2)]);
    model.compile({ optimizer: 'sgd', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), runEagerly: true });
    const images = keras.random.uniform([8, 5, 5, 1], 0, 1);
    const labels = keras.tensor([0, 1, 0, 1, 0, 1, 0, 1]);
    const bn = model.layers[1] as InstanceType<typeof L.BatchNormalization>;
    model.predict(images);
    model.evaluate(images, labels, { verbose: 0 });
    expect(Array.from(bn.movingMean!.data)).toEqual([0, 0]);
    await model.fit(images, labels, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Array.from(bn.movingMean!.data).some((v) => v !== 0)).toBe(true);
  });
});

describe('RandomFlip', () => {
  it('is the identity at inference and flips whole images, seeded, in training', () => {
    const x = keras.random.uniform([16, 3, 4, 2], 0, 1);
    const flip = new L.RandomFlip('horizontal', { seed: 1 });
    expect(flip.apply(x)).toBe(x);
    const y = flip.apply(x, { training: true });
    const images = (t: keras.Tensor) => t.toArray() as number[][][][];
    let flipped = 0;
    images(y).forEach((image, n) => {
      const original = images(x)[n]!;
      const mirrored = original.map((row) => [...row].reverse());
      const same = JSON.stringify(image) === JSON.stringify(original);
      expect(same || JSON.stringify(image) === JSON.stringify(mirrored)).toBe(true);
      if (!same) flipped++;
    });
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(16);
    // The same seed draws the same flips.
    expect(new L.RandomFlip('horizontal', { seed: 1 }).apply(x, { training: true }).toArray()).toEqual(y.toArray());
  });
});

describe('RandomTranslation', () => {
  it('is the identity at inference and shifts each image by a seeded fraction of its size in training', () => {
    const x = keras.random.uniform([6, 4, 5, 1], 0, 1);
    const layer = new L.RandomTranslation({ heightFactor: 0.5, widthFactor: [0, 0], fillMode: 'constant', interpolation: 'nearest', seed: 3 });
    expect(layer.apply(x)).toBe(x);
    const y = layer.apply(x, { training: true });
    expect(y.shape).toEqual(x.shape);
    // Vertical whole-pixel shifts only: each output column is its input column moved down by some k ∈ [-2, 2], zeros shifted in.
    const xs = x.toArray() as number[][][][];
    const ys = y.toArray() as number[][][][];
    let moved = 0;
    ys.forEach((image, n) => {
      const k = [-2, -1, 0, 1, 2].find((shift) => image.every((row, i) => row.every((v, j) => v[0] === (xs[n]![i - shift] ? xs[n]![i - shift]![j]![0] : 0))));
      expect(k).toBeDefined();
      if (k !== 0) moved++;
    });
    expect(moved).toBeGreaterThan(0);
    expect(new L.RandomTranslation({ heightFactor: 0.5, widthFactor: [0, 0], fillMode: 'constant', interpolation: 'nearest', seed: 3 }).apply(x, { training: true }).toArray()).toEqual(y.toArray());
  });
});

describe('RandomRotation', () => {
  it('is the identity at inference and turns each image about its centre by a seeded angle in training', () => {
    const x = keras.random.uniform([4, 5, 5, 1], 0, 1);
    const layer = new L.RandomRotation({ factor: [0.25, 0.25], interpolation: 'nearest', seed: 3 });
    expect(layer.apply(x)).toBe(x);
    // A quarter turn counter-clockwise: y[i][j] = x[j][4 − i], for every image.
    const xs = x.toArray() as number[][][][];
    const ys = layer.apply(x, { training: true }).toArray() as number[][][][];
    ys.forEach((image, n) => image.forEach((row, i) => row.forEach((v, j) => expect(v[0]).toBe(xs[n]![j]![4 - i]![0]))));
  });

  it('draws one angle per image from its seed, in degrees lower·360 + (upper − lower)·360·u', () => {
    const x = keras.random.uniform([3, 4, 6, 2], 0, 1);
    const y = new L.RandomRotation([-0.1, 0.2], { fillMode: 'constant', seed: 11 }).apply(x, { training: true });
    const generator = new keras.random.RandomGenerator(11);
    const transforms = new Float32Array(18);
    for (let n = 0; n < 3; n++) rotationTransform(-36 + 108 * generator.uniform(), 4, 6, transforms, 6 * n);
    expect(Array.from(y.data)).toEqual(Array.from(affineTransformImages(x, transforms, 'constant', 0, 'bilinear').data));
    expect(Array.from(y.data)).not.toEqual(Array.from(x.data));
    // Unseeded, the draws come from the global generator: setRandomSeed repeats them.
    const unseeded = new L.RandomRotation(0.3);
    keras.utils.setRandomSeed(4);
    const first = unseeded.apply(x, { training: true });
    keras.utils.setRandomSeed(4);
    expect(unseeded.apply(x, { training: true }).toArray()).toEqual(first.toArray());
  });
});

describe('RandomZoom', () => {
  it('is the identity at inference, and at zoom 1 in training', () => {
    const x = keras.random.uniform([2, 4, 5, 3], 0, 1);
    expect(new L.RandomZoom(0.5).apply(x)).toBe(x);
    expect(Array.from(new L.RandomZoom([0, 0], [0, 0]).apply(x, { training: true }).data)).toEqual(Array.from(x.data));
  });

  it('draws every height zoom, then every width zoom (or reuses the height zoom without a widthFactor), from its seed', () => {
    const x = keras.random.uniform([3, 5, 4, 1], 0, 1);
    const expected = (heights: number[], widths: number[], mode: 'reflect' | 'nearest') => {
      const transforms = new Float32Array(18);
      for (let n = 0; n < 3; n++) zoomTransform(Math.fround(heights[n]!), Math.fround(widths[n]!), 5, 4, transforms, 6 * n);
      return Array.from(affineTransformImages(x, transforms, mode, 0, 'bilinear').data);
    };
    const g = new keras.random.RandomGenerator(6);
    const heights = [0, 1, 2].map(() => 1 - 0.3 + 0.4 * g.uniform());
    const widths = [0, 1, 2].map(() => 1 - 0.5 + 1 * g.uniform());
    expect(Array.from(new L.RandomZoom([-0.3, 0.1], 0.5, { fillMode: 'nearest', seed: 6 }).apply(x, { training: true }).data)).toEqual(expected(heights, widths, 'nearest'));
    const h = new keras.random.RandomGenerator(6);
    const same = [0, 1, 2].map(() => 1 - 0.2 + 0.4 * h.uniform());
    expect(Array.from(new L.RandomZoom(0.2, null, { seed: 6 }).apply(x, { training: true }).data)).toEqual(expected(same, same, 'reflect'));
  });
});

/** The TensorFlow CNN tutorial's model, for 28×28×1 images (as in its Fashion-MNIST/MNIST variants). */
function tutorialModel(): keras.Sequential {
  return new keras.Sequential([
    new L.Conv2D(32, [3, 3], { activation: 'relu', inputShape: [28, 28, 1] }),
    new L.MaxPooling2D([2, 2]),
    new L.Conv2D(64, [3, 3], { activation: 'relu' }),
    new L.MaxPooling2D([2, 2]),
    new L.Conv2D(64, [3, 3], { activation: 'relu' }),
    new L.Flatten(),
    new L.Dense(64, { activation: 'relu' }),
    new L.Dense(10),
  ]);
}

/** n images 28×28×1 whose label (0-9) is the row band that is bright, plus noise. */
function bandImages(n: number): [keras.Tensor, keras.Tensor] {
  const rng = new keras.random.RandomGenerator(42);
  const images = new Float32Array(n * 784);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = 0.2 * rng.uniform() + (Math.floor(Math.floor(p / 28) / 2.8) === label ? 0.8 : 0);
  }
  return [new keras.Tensor(images, [n, 28, 28, 1]), new keras.Tensor(labels, [n])];
}

describe("the TensorFlow tutorial's CNN", () => {
  it('trains through autograd: the loss falls; evaluate and predict run', async () => {
    keras.utils.setRandomSeed(1);
    const model = tutorialModel();
    model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'], runEagerly: true });
    const [x, y] = bandImages(40);
    const history = await model.fit(x, y, { epochs: 4, batchSize: 10, verbose: 0 });
    const losses = history.history.loss!;
    expect(history.params).toMatchObject({ executor: 'autograd', reason: 'runEagerly is true' });
    expect(losses[3]!).toBeLessThan(losses[0]! * 0.7);
    const [loss] = model.evaluate(x, y, { verbose: 0 }) as number[];
    expect(loss).toBeLessThan(losses[0]!);
    const logits = model.predict(x.sliceRows(0, 5)) as keras.Tensor;
    expect(logits.shape).toEqual([5, 10]);
  });

  it("falls back to autograd under jitCompile 'auto' with a layer the fused executor lacks, saying why, and refuses jitCompile: true", async () => {
    keras.utils.setRandomSeed(2);
    const model = new keras.Sequential([new L.Conv2D(2, 3, { inputShape: [6, 6, 1] }), new L.BatchNormalization(), new L.Flatten(), new L.Dense(3)]);
    const [x, y] = [keras.random.uniform([6, 6, 6, 1], 0, 1), keras.tensor([0, 1, 2, 0, 1, 2])];
    model.compile({ optimizer: 'sgd', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    const history = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(history.params).toMatchObject({ executor: 'autograd', reason: 'layer "batch_normalization" (BatchNormalization) has no fused form' });
    expect((model.predict(x) as keras.Tensor).shape).toEqual([6, 3]);
    model.compile({ optimizer: 'sgd', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), jitCompile: true });
    await expect(model.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/jitCompile is true, but the fused executor cannot run model "sequential(_\d+)?": layer "batch_normalization" \(BatchNormalization\) has no fused form/);
  });
});
