/**
 * The image ops against plain references, with fast-check: the output size
 * rules ('valid', TensorFlow's 'same', strides, dilation), the im2col + gemm
 * convolution against the textbook 7-loop one, pooling against window loops
 * written from the definition, zero padding and flipping by index.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor } from '../../src/tensor/tensor.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { conv2d } from '../../src/tensor/ops/conv.js';
import { avgPool2d, maxPool2d } from '../../src/tensor/ops/pool.js';
import { zeroPad2d } from '../../src/tensor/ops/pad.js';
import { flipImages } from '../../src/tensor/ops/flip.js';
import { fillIndex, type FillMode } from '../../src/tensor/ops/affine.js';
import { translateImages } from '../../src/tensor/ops/translate.js';
import { outputLength, paddingBefore, windowGeometry, type Padding } from '../../src/tensor/ops/window.js';
import { ShapeError } from '../../src/errors.js';
import { backward } from '../../src/tensor/autograd.js';
import { winogradApplies } from '../../src/tensor/kernels/index.js';
import { sum } from '../../src/tensor/ops/reduce.js';
import { mul } from '../../src/tensor/ops/elementwise.js';

function values(n: number, seed: number): Float32Array {
  const g = new RandomGenerator(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(g.uniform() * 2 - 1);
  return out;
}

const paddingArb = fc.constantFrom<Padding>('valid', 'same');

describe('output size rules', () => {
  it("'valid' counts the window positions that fit; 'same' covers the input with ⌈size / stride⌉ windows and TensorFlow's padding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), (size, kernel, stride, dilation) => {
        const span = (kernel - 1) * dilation + 1;
        // valid: starts 0, stride, 2·stride, … while the whole window fits.
        let fits = 0;
        for (let start = 0; start + span <= size; start += stride) fits++;
        expect(Math.max(outputLength(size, kernel, stride, dilation, 'valid'), 0)).toBe(fits);
        expect(paddingBefore(size, kernel, stride, dilation, 'valid')).toBe(0);
        // same: the fewest windows whose starts reach every stride step of the input.
        const out = outputLength(size, kernel, stride, dilation, 'same');
        expect(out * stride).toBeGreaterThanOrEqual(size);
        expect((out - 1) * stride).toBeLessThan(size);
        const before = paddingBefore(size, kernel, stride, dilation, 'same');
        const total = Math.max((out - 1) * stride + span - size, 0);
        // The last window ends exactly on the padded input's last value (or inside it, when no padding is needed).
        expect((out - 1) * stride + span).toBeLessThanOrEqual(size + total);
        // The padding is split with the odd one after: bottom/right.
        expect(total - before === before || total - before === before + 1).toBe(true);
      }),
    );
  });

  it('known cases: 28 → 26 (3×3 valid), 5 → 3 (same, stride 2), 7 → 3 (2×2 valid, floor), pad (0, 1) for an even kernel', () => {
    expect(outputLength(28, 3, 1, 1, 'valid')).toBe(26);
    expect(outputLength(5, 3, 2, 1, 'same')).toBe(3);
    expect(outputLength(7, 2, 2, 1, 'valid')).toBe(3);
    expect(paddingBefore(4, 2, 1, 1, 'same')).toBe(0); // total 1: nothing before, one row after
    expect(paddingBefore(5, 3, 1, 1, 'same')).toBe(1);
    expect(outputLength(7, 3, 1, 2, 'valid')).toBe(3);
  });

  it('a window larger than a valid input is a ShapeError naming the op', () => {
    expect(() => windowGeometry([1, 2, 2, 1], { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid' }, 'conv2d')).toThrow(ShapeError);
    expect(() => conv2d(new Tensor(new Float32Array(4), [1, 2, 2, 1]), new Tensor(new Float32Array(9), [3, 3, 1, 1]))).toThrow(/conv2d: a 3×3 window does not fit/);
    expect(() => conv2d(new Tensor(new Float32Array(8), [1, 2, 2, 2]), new Tensor(new Float32Array(9), [3, 3, 1, 1]), { padding: 'same' })).toThrow(/2 channels but the kernel expects 1/);
  });
});

/** Random shapes and settings for a window op: batch, height, width, channels, window, strides, dilation, padding. */
const windowCase = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 1, max: 9 }),
  width: fc.integer({ min: 1, max: 9 }),
  channels: fc.integer({ min: 1, max: 4 }),
  kh: fc.integer({ min: 1, max: 4 }),
  kw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  dh: fc.integer({ min: 1, max: 3 }),
  dw: fc.integer({ min: 1, max: 3 }),
  padding: paddingArb,
  seed: fc.integer({ min: 0, max: 1e6 }),
});

describe('conv2d (im2col + gemm) against the 7-loop definition', () => {
  it('agrees on every shape, padding, stride and dilation, and has the output size of the rules', () => {
    fc.assert(
      fc.property(windowCase, fc.integer({ min: 1, max: 5 }), (c, filters) => {
        const { batch: N, height: H, width: W, channels: C, kh: KH, kw: KW, padding } = c;
        const strides = [c.sh, c.sw] as const;
        const dilation = [c.dh, c.dw] as const;
        const OH = outputLength(H, KH, c.sh, c.dh, padding);
        const OW = outputLength(W, KW, c.sw, c.dw, padding);
        fc.pre(OH > 0 && OW > 0);
        const x = new Tensor(values(N * H * W * C, c.seed), [N, H, W, C]);
        const k = new Tensor(values(KH * KW * C * filters, c.seed + 1), [KH, KW, C, filters]);
        const y = conv2d(x, k, { strides, dilationRate: dilation, padding });
        expect(y.shape).toEqual([N, OH, OW, filters]);
        const top = paddingBefore(H, KH, c.sh, c.dh, padding);
        const left = paddingBefore(W, KW, c.sw, c.dw, padding);
        for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let f = 0; f < filters; f++) {
          let sum = 0;
          for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) for (let ch = 0; ch < C; ch++) {
            const ih = oh * c.sh - top + i * c.dh;
            const iw = ow * c.sw - left + j * c.dw;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            sum += x.data[((n * H + ih) * W + iw) * C + ch]! * k.data[((i * KW + j) * C + ch) * filters + f]!;
          }
          const got = y.data[((n * OH + oh) * OW + ow) * filters + f]!;
          expect(Math.abs(got - sum)).toBeLessThanOrEqual(1e-5 * (KH * KW * C + 1));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('pooling against window loops from the definition', () => {
  it('max and average pooling agree on every shape, pool size, stride and padding', () => {
    fc.assert(
      fc.property(windowCase, (c) => {
        const { batch: N, height: H, width: W, channels: C, kh: PH, kw: PW, padding } = c;
        const OH = outputLength(H, PH, c.sh, 1, padding);
        const OW = outputLength(W, PW, c.sw, 1, padding);
        fc.pre(OH > 0 && OW > 0);
        const x = new Tensor(values(N * H * W * C, c.seed), [N, H, W, C]);
        const options = { poolSize: [PH, PW] as const, strides: [c.sh, c.sw] as const, padding };
        const maxY = maxPool2d(x, options);
        const avgY = avgPool2d(x, options);
        expect(maxY.shape).toEqual([N, OH, OW, C]);
        expect(avgY.shape).toEqual([N, OH, OW, C]);
        const top = paddingBefore(H, PH, c.sh, 1, padding);
        const left = paddingBefore(W, PW, c.sw, 1, padding);
        for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let ch = 0; ch < C; ch++) {
          let max = -Infinity;
          let sum = 0;
          let count = 0;
          for (let i = 0; i < PH; i++) for (let j = 0; j < PW; j++) {
            const ih = oh * c.sh - top + i;
            const iw = ow * c.sw - left + j;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            const v = x.data[((n * H + ih) * W + iw) * C + ch]!;
            max = Math.max(max, v);
            sum += v;
            count++;
          }
          const at = ((n * OH + oh) * OW + ow) * C + ch;
          expect(maxY.data[at]).toBe(max);
          expect(Math.abs(avgY.data[at]! - sum / count)).toBeLessThanOrEqual(1e-6 * count);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('max pooling passes NaN on, as argmax does', () => {
    const x = new Tensor(Float32Array.of(1, NaN, 3, 2), [1, 2, 2, 1]);
    expect(Number.isNaN(maxPool2d(x, { poolSize: [2, 2] }).data[0]!)).toBe(true);
  });
});

describe('zero padding and flipping by index', () => {
  it('zeroPad2d puts each value at (top + i, left + j) and zeros elsewhere', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), (N, H, W, C, [t, b, l, r]) => {
        const x = new Tensor(values(N * H * W * C, N + H + W), [N, H, W, C]);
        const y = zeroPad2d(x, [[t!, b!], [l!, r!]]);
        const OH = t! + H + b!;
        const OW = l! + W + r!;
        expect(y.shape).toEqual([N, OH, OW, C]);
        for (let n = 0; n < N; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let ch = 0; ch < C; ch++) {
          const inside = i >= t! && i < t! + H && j >= l! && j < l! + W;
          const want = inside ? x.data[((n * H + i - t!) * W + j - l!) * C + ch]! : 0;
          expect(y.data[((n * OH + i) * OW + j) * C + ch]).toBe(want);
        }
      }),
    );
  });

  it('flipImages mirrors the chosen images along the chosen axes and copies the others', () => {
    const x = new Tensor(Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i), [2, 2, 3, 1]);
    expect(flipImages(x, Uint8Array.of(1, 0), true, false).toArray()).toEqual([[[[2], [1], [0]], [[5], [4], [3]]], [[[6], [7], [8]], [[9], [10], [11]]]]);
    expect(flipImages(x, Uint8Array.of(0, 1), false, true).toArray()).toEqual([[[[0], [1], [2]], [[3], [4], [5]]], [[[9], [10], [11]], [[6], [7], [8]]]]);
    expect(flipImages(x, Uint8Array.of(1, 1), true, true).toArray()).toEqual([[[[5], [4], [3]], [[2], [1], [0]]], [[[11], [10], [9]], [[8], [7], [6]]]]);
  });
});

describe('translation by index', () => {
  it('fillIndex repeats the fill patterns: reflect dcba|abcd|dcba, mirror dcb|abcd|cba, wrap, nearest, constant', () => {
    const around = (mode: FillMode, size: number) => Array.from({ length: 3 * size }, (_, k) => fillIndex(k - size, size, mode));
    expect(around('reflect', 4)).toEqual([3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]);
    expect(around('mirror', 4)).toEqual([2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1]);
    expect(around('wrap', 4)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    expect(around('nearest', 4)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3]);
    expect(around('constant', 4)).toEqual([-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1]);
    expect(around('mirror', 1)).toEqual([0, 0, 0]);
    fc.assert(fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 7 }), fc.constantFrom<FillMode>('reflect', 'mirror', 'wrap', 'nearest'), (index, size, mode) => {
      const i = fillIndex(index, size, mode);
      expect(Number.isInteger(i) && i >= 0 && i < size).toBe(true);
    }));
  });

  it('a whole-pixel shift moves every value by that many pixels, filling by the mode', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: -8, max: 8 }), fc.integer({ min: -8, max: 8 }), fc.constantFrom<FillMode>('reflect', 'mirror', 'wrap', 'nearest', 'constant'), fc.constantFrom('bilinear' as const, 'nearest' as const), (H, W, dy, dx, mode, interpolation) => {
        const x = new Tensor(values(H * W * 2, H * 10 + W), [1, H, W, 2]);
        const y = translateImages(x, Float32Array.of(dy, dx), mode, 7, interpolation);
        for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < 2; c++) {
          const r = fillIndex(i - dy, H, mode);
          const k = fillIndex(j - dx, W, mode);
          expect(y.data[(i * W + j) * 2 + c]).toBe(r < 0 || k < 0 ? 7 : x.data[(r * W + k) * 2 + c]);
        }
      }),
    );
  });

  it('a half-pixel shift averages neighbours (bilinear)', () => {
    const x = new Tensor(Float32Array.of(0, 2, 4, 8), [1, 1, 4, 1]);
    expect(Array.from(translateImages(x, Float32Array.of(0, 0.5), 'nearest', 0, 'bilinear').data)).toEqual([0, 1, 3, 6]);
    expect(Array.from(translateImages(x, Float32Array.of(0, -0.5), 'constant', 10, 'bilinear').data)).toEqual([1, 3, 6, 9]);
  });
});

describe("conv2d's Winograd road (3×3, stride 1, ≥ 16 channels, images it pays on) against the definitions", () => {
  /** y, and the gradients of Σ y·w at x and the kernel, by the 7-loop definitions (float64). */
  function reference(x: Tensor, k: Tensor, w: Float32Array, padding: Padding): { y: Float64Array; dx: Float64Array; dk: Float64Array; scale: Float64Array } {
    const [N, H, W, C] = x.shape as [number, number, number, number];
    const F = k.shape[3]!;
    const OH = outputLength(H, 3, 1, 1, padding), OW = outputLength(W, 3, 1, 1, padding);
    const top = paddingBefore(H, 3, 1, 1, padding), left = paddingBefore(W, 3, 1, 1, padding);
    const y = new Float64Array(N * OH * OW * F), scale = new Float64Array(y.length);
    const dx = new Float64Array(x.size), dk = new Float64Array(k.size);
    for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let f = 0; f < F; f++) {
      const o = ((n * OH + oh) * OW + ow) * F + f;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let ch = 0; ch < C; ch++) {
        const ih = oh - top + i, iw = ow - left + j;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
        const xi = ((n * H + ih) * W + iw) * C + ch, ki = ((i * 3 + j) * C + ch) * F + f;
        y[o]! += x.data[xi]! * k.data[ki]!;
        scale[o]! += Math.abs(x.data[xi]! * k.data[ki]!);
        dx[xi]! += w[o]! * k.data[ki]!;
        dk[ki]! += w[o]! * x.data[xi]!;
      }
    }
    return { y, dx, dk, scale };
  }

  it('gives y, dx and dW within float32 rounding of the sums, on every size, padding and channel count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }), fc.integer({ min: 4, max: 14 }), fc.integer({ min: 4, max: 14 }),
        fc.constantFrom(16, 20, 32), fc.constantFrom(16, 24), paddingArb, fc.integer({ min: 0, max: 1e6 }),
        (N, H, W, C, F, padding, seed) => {
          fc.pre(winogradApplies(windowGeometry([N, H, W, C], { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding }, 'test'), F));
          const x = new Tensor(values(N * H * W * C, seed), [N, H, W, C]);
          const k = new Tensor(values(9 * C * F, seed + 1), [3, 3, C, F]);
          x.requiresGrad = true;
          k.requiresGrad = true;
          const y = conv2d(x, k, { padding });
          const w = values(y.size, seed + 2);
          backward(sum(mul(y, new Tensor(w, y.shape))));
          const want = reference(x, k, w, padding);
          const maxOf = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          // Winograd rounds through transformed tiles up to ~100× the inputs: a few 1e-6 of the largest term sums.
          const close = (got: Float32Array, expected: Float64Array, bound: number): void => {
            for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(bound);
          };
          close(y.data, want.y, 2e-5 * maxOf(want.scale) + 1e-6);
          close(x.grad!.data, want.dx, 2e-5 * maxOf(want.dx) * 4 + 1e-5);
          close(k.grad!.data, want.dk, 2e-5 * maxOf(want.dk) * 4 + 1e-5);
        },
      ),
      { numRuns: 40 },
    );
  });
});
