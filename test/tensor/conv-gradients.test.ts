/**
 * Finite-difference gradient checks of the image ops (conv2d, max and
 * average pooling, zero padding, flipping) and of every image layer's
 * forward pass (weights and inputs), across paddings, strides, dilations
 * and odd sizes. As in gradients.test.ts, outputs are reduced with a fixed
 * random weighting Σ wᵢ·yᵢ, and inputs come from fixed seeds.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import type { GradCheckOptions } from '../../src/tensor/gradcheck.js';
import { distinct, expectGradientsMatch, normal, weighted } from '../support/gradients.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import type { Shape } from '../../src/tensor/shape.js';
import { conv2d, type Conv2dOptions } from '../../src/tensor/ops/conv.js';
import { avgPool2d, maxPool2d, type Pool2dOptions } from '../../src/tensor/ops/pool.js';
import { zeroPad2d } from '../../src/tensor/ops/pad.js';
import { flipImages } from '../../src/tensor/ops/flip.js';
import { translateImages } from '../../src/tensor/ops/translate.js';
import { affineTransformImages, rotationTransform, zoomTransform } from '../../src/tensor/ops/affine.js';
import * as keras from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';

/** expectGradientsMatch, and more: every input gets some clearly non-zero gradient. */
function expectEveryGradientMatches(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradCheckOptions = {}): void {
  const result = expectGradientsMatch(f, inputs, options);
  for (const g of result.analytic) expect(g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(1e-3);
}

describe('conv2d gradients (input and kernel)', () => {
  const cases: Array<[string, Shape, Shape, Conv2dOptions]> = [
    ['valid 3×3', [2, 5, 6, 2], [3, 3, 2, 3], {}],
    ['same 3×3', [2, 5, 6, 2], [3, 3, 2, 3], { padding: 'same' }],
    ['same 2×2 (extra padding at the bottom/right)', [1, 5, 4, 2], [2, 2, 2, 2], { padding: 'same' }],
    ['valid, strides 2 on odd sizes', [2, 7, 5, 1], [3, 3, 1, 2], { strides: [2, 2] }],
    ['same, strides [2, 3] on odd sizes', [1, 7, 8, 2], [3, 2, 2, 2], { strides: [2, 3], padding: 'same' }],
    ['valid, dilation 2', [1, 7, 7, 2], [3, 3, 2, 2], { dilationRate: [2, 2] }],
    ['same, dilation [2, 1]', [1, 6, 5, 1], [2, 3, 1, 3], { dilationRate: [2, 1], padding: 'same' }],
    ['1×1 kernel', [2, 3, 3, 4], [1, 1, 4, 2], {}],
  ];
  cases.forEach(([name, xShape, kShape, options], i) => {
    it(name, () => {
      expectEveryGradientMatches((x, k) => weighted(conv2d(x, k, options)), [normal(xShape, 10 + i), normal(kShape, 20 + i, 0.5)]);
    });
  });
});

describe('pooling gradients', () => {
  const cases: Array<[string, Shape, Pool2dOptions]> = [
    ['2×2 valid', [2, 4, 6, 2], { poolSize: [2, 2] }],
    ['2×2 valid on odd sizes (floor)', [1, 5, 7, 2], { poolSize: [2, 2] }],
    ['2×2 same on odd sizes', [1, 5, 7, 2], { poolSize: [2, 2], padding: 'same' }],
    ['3×3 strides 1 same (overlapping)', [1, 4, 5, 2], { poolSize: [3, 3], strides: [1, 1], padding: 'same' }],
    ['3×2 strides [2, 1] valid', [2, 6, 5, 1], { poolSize: [3, 2], strides: [2, 1] }],
  ];
  cases.forEach(([name, shape, options], i) => {
    it(`maxPool2d ${name}`, () => {
      expectEveryGradientMatches((x) => weighted(maxPool2d(x, options)), [distinct(shape, 30 + i)], { step: 1e-2 });
    });
    it(`avgPool2d ${name}`, () => {
      expectEveryGradientMatches((x) => weighted(avgPool2d(x, options)), [normal(shape, 40 + i)]);
    });
  });
});

describe('zero padding and flipping gradients', () => {
  it('zeroPad2d', () => {
    expectEveryGradientMatches((x) => weighted(zeroPad2d(x, [[1, 2], [0, 3]])), [normal([2, 3, 4, 2], 50)]);
  });
  for (const [h, v] of [[true, false], [false, true], [true, true]] as const) {
    it(`flipImages horizontal=${h} vertical=${v}`, () => {
      expectEveryGradientMatches((x) => weighted(flipImages(x, Uint8Array.of(1, 0, 1), h, v)), [normal([3, 3, 4, 2], 51)]);
    });
  }
});

describe('translation gradients', () => {
  const shifts = Float32Array.of(1.3, -0.6, -2, 3.5, 0.4, 0.25);
  for (const fillMode of ['reflect', 'mirror', 'wrap', 'nearest', 'constant'] as const) {
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      it(`translateImages fillMode '${fillMode}', interpolation '${interpolation}'`, () => {
        expectEveryGradientMatches((x) => weighted(translateImages(x, shifts, fillMode, 0.5, interpolation)), [normal([3, 4, 5, 2], 52)]);
      });
    }
  }
});

describe('affine resampling gradients (rotations and zooms)', () => {
  // Image 0 turned by 33°, image 1 zoomed in (0.7 × 0.8), image 2 turned by −100°: points between pixels, and beyond the edges.
  const transforms = new Float32Array(18);
  rotationTransform(33, 4, 5, transforms, 0);
  zoomTransform(0.7, 0.8, 4, 5, transforms, 6);
  rotationTransform(-100, 4, 5, transforms, 12);
  for (const fillMode of ['reflect', 'mirror', 'wrap', 'nearest', 'constant'] as const) {
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      it(`affineTransformImages fillMode '${fillMode}', interpolation '${interpolation}'`, () => {
        expectEveryGradientMatches((x) => weighted(affineTransformImages(x, transforms, fillMode, 0.5, interpolation)), [normal([3, 4, 5, 2], 53)]);
      });
    }
  }
});

describe('image layer gradients (inputs and weights)', () => {
  /** Checks d(weighted output)/d(input and every weight) of a built layer, in the given mode. */
  function checkLayer(layer: Layer, x: Tensor, training = false, options: GradCheckOptions = {}): void {
    layer.apply(x);
    const weights = layer.weights.filter((w) => w.requiresGrad);
    expectEveryGradientMatches((input, ...ws) => {
      weights.forEach((w, i) => expect(ws[i]).toBe(w));
      return weighted(layer.apply(input, { training }));
    }, [x, ...weights], options);
  }

  it('Conv2D (same, strides 2, tanh)', () => {
    const layer = new keras.layers.Conv2D(3, 3, { strides: 2, padding: 'same', activation: 'tanh' });
    checkLayer(layer, normal([2, 5, 5, 2], 60));
  });
  it('Conv2D (valid, dilation 2, no bias)', () => {
    const layer = new keras.layers.Conv2D(2, [2, 3], { dilationRate: 2, useBias: false });
    checkLayer(layer, normal([1, 6, 7, 2], 61));
  });
  it('MaxPooling2D and AveragePooling2D', () => {
    checkLayer(new keras.layers.MaxPooling2D(2, { padding: 'same' }), distinct([2, 5, 5, 2], 62));
    checkLayer(new keras.layers.AveragePooling2D({ poolSize: 3, strides: 2 }), normal([2, 7, 5, 2], 63));
  });
  it('GlobalAveragePooling2D and GlobalMaxPooling2D', () => {
    checkLayer(new keras.layers.GlobalAveragePooling2D(), normal([2, 3, 4, 3], 64));
    checkLayer(new keras.layers.GlobalMaxPooling2D({ keepdims: true }), distinct([2, 3, 4, 3], 65));
  });
  it('ZeroPadding2D, Reshape and Rescaling', () => {
    checkLayer(new keras.layers.ZeroPadding2D([[1, 0], [2, 1]]), normal([2, 3, 3, 2], 66));
    checkLayer(new keras.layers.Reshape([6, -1]), normal([2, 3, 4, 2], 67));
    checkLayer(new keras.layers.Rescaling(0.5, { offset: -1 }), normal([2, 3, 3, 1], 68));
  });
  it('RandomFlip in training (a seeded draw per image)', () => {
    const layer = new keras.layers.RandomFlip({ seed: 3 });
    // Each call draws new flips: fix them by re-seeding the layer's generator per call.
    const x = normal([4, 3, 3, 2], 69);
    layer.apply(x);
    const seeded = (input: Tensor) => {
      (layer as unknown as { generator: RandomGenerator }).generator.seed(3);
      return weighted(layer.apply(input, { training: true }));
    };
    expectEveryGradientMatches(seeded, [x]);
  });
  it('RandomTranslation in training (seeded shifts)', () => {
    const layer = new keras.layers.RandomTranslation(0.3, [-0.5, 0.2], { seed: 5 });
    const x = normal([3, 4, 5, 2], 77);
    layer.apply(x);
    const seeded = (input: Tensor) => {
      (layer as unknown as { generator: RandomGenerator }).generator.seed(5);
      return weighted(layer.apply(input, { training: true }));
    };
    expectEveryGradientMatches(seeded, [x]);
  });
  it('RandomRotation and RandomZoom in training (seeded turns and zooms)', () => {
    for (const layer of [new keras.layers.RandomRotation(0.3, { seed: 6 }), new keras.layers.RandomZoom([-0.4, 0.3], 0.2, { fillMode: 'wrap', seed: 7 })]) {
      const x = normal([3, 4, 5, 2], 78);
      layer.apply(x);
      const seeded = (input: Tensor) => {
        (layer as unknown as { generator: RandomGenerator }).generator.seed(layer.seed!);
        return weighted(layer.apply(input, { training: true }));
      };
      expectEveryGradientMatches(seeded, [x]);
    }
  });
  it('BatchNormalization in training (batch statistics) and in inference (moving statistics)', () => {
    const training = new keras.layers.BatchNormalization({ momentum: 0 });
    const x = normal([3, 2, 2, 3], 70, 2);
    training.apply(x);
    training.setWeights([normal([3], 71), normal([3], 72), normal([3], 73), new Tensor(Float32Array.of(0.5, 1, 2), [3])]);
    checkLayer(training, x, true, { step: 3e-3 });
    const inference = new keras.layers.BatchNormalization();
    inference.apply(x);
    inference.setWeights([normal([3], 74), normal([3], 75), normal([3], 76), new Tensor(Float32Array.of(0.5, 1, 2), [3])]);
    checkLayer(inference, x, false);
  });
});
