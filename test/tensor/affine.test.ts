/**
 * The affine resampling op (Keras's affine_transform) against plain
 * references, with fast-check: the identity map copies, quarter turns and
 * mirror maps move pixels by index, zooms read the pixels the formula names,
 * and bilinear sampling reproduces any linear image exactly at points inside
 * the image. Keras's own numbers are the oracle suite's
 * (test/keras/image-layers.keras.test.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor } from '../../src/tensor/tensor.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { affineTransformImages, fillIndex, rotationTransform, zoomTransform, type FillMode, type Interpolation } from '../../src/tensor/ops/affine.js';
import { flipImages } from '../../src/tensor/ops/flip.js';
import { ShapeError } from '../../src/errors.js';

function images(shape: [number, number, number, number], seed: number): Tensor {
  const g = new RandomGenerator(seed);
  return new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => Math.fround(g.uniform() * 2 - 1)), shape);
}

const fillModes = fc.constantFrom<FillMode>('reflect', 'mirror', 'wrap', 'nearest', 'constant');
const interpolations = fc.constantFrom<Interpolation>('bilinear', 'nearest');
const sizes = fc.record({ H: fc.integer({ min: 1, max: 6 }), W: fc.integer({ min: 1, max: 6 }), C: fc.integer({ min: 1, max: 3 }) });

describe('affineTransformImages', () => {
  it('the identity map [1 0 0; 0 1 0] copies every image', () => {
    fc.assert(fc.property(sizes, fillModes, interpolations, ({ H, W, C }, mode, interpolation) => {
      const x = images([2, H, W, C], H * 7 + W);
      const y = affineTransformImages(x, Float32Array.of(1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0), mode, 3, interpolation);
      expect(Array.from(y.data)).toEqual(Array.from(x.data));
    }));
  });

  it('the mirror map [-1 0 W-1; 0 1 0] is a horizontal flip', () => {
    fc.assert(fc.property(sizes, fillModes, interpolations, ({ H, W, C }, mode, interpolation) => {
      const x = images([1, H, W, C], H * 5 + W);
      const y = affineTransformImages(x, Float32Array.of(-1, 0, W - 1, 0, 1, 0), mode, 3, interpolation);
      expect(Array.from(y.data)).toEqual(Array.from(flipImages(x, Uint8Array.of(1), true, false).data));
    }));
  });

  it("a quarter turn about the centre (Keras's rotation matrix for 90°) reads y[i, j] = x[j, n−1−i]: counter-clockwise", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 2 }), (n, C) => {
      const x = images([1, n, n, C], n);
      const transform = new Float32Array(6);
      rotationTransform(90, n, n, transform, 0);
      const y = affineTransformImages(x, transform, 'constant', 0, 'nearest');
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let c = 0; c < C; c++) {
        expect(y.data[(i * n + j) * C + c]).toBe(x.data[(j * n + (n - 1 - i)) * C + c]);
      }
    }));
  });

  it('a zoom reads row zy·i + (H−1)/2·(1−zy) and column zx·j + (W−1)/2·(1−zx), filled by the mode', () => {
    fc.assert(fc.property(sizes, fc.constantFrom(0.5, 2, 3), fc.constantFrom(0.5, 1, 2), fillModes, ({ H, W, C }, zy, zx, mode) => {
      const x = images([1, H, W, C], H * 3 + W);
      const transform = new Float32Array(6);
      zoomTransform(zy, zx, H, W, transform, 0);
      const y = affineTransformImages(x, transform, mode, 9, 'nearest');
      const round = (v: number) => Math.sign(v) * Math.round(Math.abs(v));
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) {
        const r = fillIndex(round(zy * i + ((H - 1) / 2) * (1 - zy)), H, mode);
        const k = fillIndex(round(zx * j + ((W - 1) / 2) * (1 - zx)), W, mode);
        expect(y.data[(i * W + j) * C + c]).toBe(r < 0 || k < 0 ? 9 : x.data[(r * W + k) * C + c]);
      }
    }));
  });

  it('bilinear sampling of a linear image α·row + β·column + γ gives α·row + β·column + γ at any point inside', () => {
    fc.assert(fc.property(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: 0.3, max: 1, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (degrees, zoom, alpha, beta) => {
      const [H, W] = [7, 8];
      const x = new Tensor(Float32Array.from({ length: H * W }, (_, p) => alpha * Math.floor(p / W) + beta * (p % W) + 0.5), [1, H, W, 1]);
      // A turn (only the points that land inside the image), then a zoom in (all inside).
      const turn = new Float32Array(6);
      rotationTransform(degrees, H, W, turn, 0);
      const y = affineTransformImages(x, turn, 'nearest', 0, 'bilinear');
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
        const column = turn[0]! * j + turn[1]! * i + turn[2]!;
        const row = turn[3]! * j + turn[4]! * i + turn[5]!;
        if (row < 0 || row > H - 1 || column < 0 || column > W - 1) continue;
        expect(y.data[i * W + j]).toBeCloseTo(alpha * row + beta * column + 0.5, 4);
      }
      const zoomed = new Float32Array(6);
      zoomTransform(zoom, zoom, H, W, zoomed, 0);
      const z = affineTransformImages(x, zoomed, 'nearest', 0, 'bilinear');
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
        expect(z.data[i * W + j]).toBeCloseTo(alpha * (zoom * i + 3 * (1 - zoom)) + beta * (zoom * j + 3.5 * (1 - zoom)) + 0.5, 4);
      }
    }));
  });

  it('wants images [batch, height, width, channels] and six numbers per image', () => {
    expect(() => affineTransformImages(images([2, 3, 3, 1], 1), new Float32Array(6), 'reflect', 0, 'bilinear')).toThrow(ShapeError);
    expect(() => affineTransformImages(new Tensor(new Float32Array(9), [3, 3]), new Float32Array(18), 'reflect', 0, 'bilinear')).toThrow(/expects images \[batch, height, width, channels\]/);
  });
});
