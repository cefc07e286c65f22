/**
 * Winograd's F(4×4, 3×3) kernels (src/tensor/kernels/winograd.ts): the 1-D
 * transforms, written out with shared sums, against the matrices of the
 * header; and the SIMD tier's transforms, emitted from those matrices, against
 * the JS ones. The tiers round differently (float32 lanes in a fixed order,
 * against float64 rounded once), by at most a few float32 ulps of the
 * largest term: within 1e-5 of the largest |value| involved. And predict's
 * product without patches for a first layer (convValid), which must give
 * the bits of im2col and the product on each tier.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  WINOGRAD_AT, WINOGRAD_BT, WINOGRAD_G,
  inputTransform1d, kernelTransform1d, kernelTransposed1d, outputTransform1d, outputTransposed1d,
  winogradGradientTiles, winogradInput, winogradKernel, winogradKernelGradient, winogradOutput, winogradTiles,
} from '../../src/tensor/kernels/winograd.js';
import { SimdKernels } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { convValid, convValidApplies, im2col } from '../../src/tensor/kernels/conv.js';
import { gemm } from '../../src/tensor/kernels/matmul.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { windowGeometry } from '../../src/tensor/ops/window.js';

function values(n: number, seed: number): Float32Array {
  const g = new RandomGenerator(seed);
  return Float32Array.from({ length: n }, () => g.uniform() * 2 - 1);
}

/** M · v for a matrix given as rows. */
const times = (m: readonly (readonly number[])[], v: number[]): number[] => m.map((row) => row.reduce((s, c, j) => s + c * v[j]!, 0));
const transposed = (m: readonly (readonly number[])[]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));

describe('the 1-D transforms apply the matrices of the header', () => {
  const run = (f: (to: Float64Array) => void, n: number): number[] => {
    const out = new Float64Array(n);
    f(out);
    return Array.from(out);
  };
  it('Bᵀ, Aᵀ, G and their transposes A and Gᵀ', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 6, maxLength: 6 }), (v) => {
      const [a, b, c, d, e, f] = v as [number, number, number, number, number, number];
      const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 9));
      close(run((to) => inputTransform1d(a, b, c, d, e, f, to, 0, 1), 6), times(WINOGRAD_BT, v));
      close(run((to) => outputTransform1d(a, b, c, d, e, f, to, 0, 1), 4), times(WINOGRAD_AT, v));
      close(run((to) => kernelTransform1d(a, b, c, to, 0, 1), 6), times(WINOGRAD_G, v.slice(0, 3)));
      close(run((to) => outputTransposed1d(a, b, c, d, to, 0, 1), 6), times(transposed(WINOGRAD_AT), v.slice(0, 4)));
      close(run((to) => kernelTransposed1d(a, b, c, d, e, f, to, 0, 1), 3), times(transposed(WINOGRAD_G), v));
    }));
  });
  it('Aᵀ[(G g) ⊙ (Bᵀ d)] is the 3-tap correlation of d with g (the identity the method rests on)', () => {
    const d = [0.5, -1, 2, 0.25, 3, -2], g = [1.5, -0.5, 2];
    const product = times(WINOGRAD_G, g).map((u, i) => u * times(WINOGRAD_BT, d)[i]!);
    const y = times(WINOGRAD_AT, product);
    y.forEach((value, r) => expect(value).toBeCloseTo(d[r]! * g[0]! + d[r + 1]! * g[1]! + d[r + 2]! * g[2]!, 12));
  });
});

/** One tier for the file: instances made apart may share a memory, and each knows only the buffers it saw grow. */
const tier = SimdKernels.create();

describe('the SIMD transforms against the JS ones', () => {
  afterEach(() => tier.reset());
  const inMemory = (source: Float32Array): Float32Array => {
    const out = tier.allocate(source.length);
    out.set(source);
    return out;
  };
  const expectClose = (got: Float32Array, want: Float32Array, what: string): void => {
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i]! - want[i]!) <= 1e-5 * scale + 1e-7)) throw new Error(`${what}: [${i}] = ${got[i]}, JS ${want[i]}`);
    }
  };
  const caseArb = fc.record({
    batch: fc.integer({ min: 1, max: 3 }), first: fc.integer({ min: 0, max: 1 }),
    height: fc.integer({ min: 3, max: 12 }), width: fc.integer({ min: 3, max: 12 }),
    C: fc.constantFrom(4, 8, 12), F: fc.constantFrom(4, 8), padding: fc.constantFrom('valid' as const, 'same' as const),
    extra: fc.integer({ min: 0, max: 3 }), seed: fc.integer({ min: 0, max: 1e6 }),
  });

  it('input, output and gradient tiles, from any first image, any padding, into any capacity', () => {
    fc.assert(fc.property(caseArb, ({ batch, first, height, width, C, F, padding, extra, seed }) => {
      const all = first + batch;
      const g = { ...windowGeometry([all, height, width, C], { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding }, 't'), batch };
      const tiles = batch * winogradTiles(g).perImage, capacity = tiles + extra;
      const x = values(all * height * width * C, seed);
      const wantV = new Float32Array(36 * capacity * C), gotV = tier.allocate(wantV.length);
      winogradInput(x, g, wantV, capacity, first);
      tier.winogradInput(inMemory(x), g, gotV, capacity, first);
      expectClose(gotV, wantV, 'winogradInput');

      const M = values(36 * capacity * F, seed + 1);
      for (const accumulate of [false, true]) {
        const start = values(batch * g.outHeight * g.outWidth * F, seed + 2);
        const wantY = start.slice(), gotY = inMemory(start);
        winogradOutput(M, g, F, capacity, wantY, accumulate);
        tier.winogradOutput(inMemory(M), g, F, capacity, gotY, accumulate);
        expectClose(gotY, wantY, `winogradOutput accumulate=${accumulate}`);
      }

      const dY = values(all * g.outHeight * g.outWidth * F, seed + 3);
      const wantE = new Float32Array(36 * capacity * F), gotE = tier.allocate(wantE.length);
      winogradGradientTiles(dY, g, F, wantE, capacity, first);
      tier.winogradGradientTiles(inMemory(dY), g, F, gotE, capacity, first);
      expectClose(gotE, wantE, 'winogradGradientTiles');
    }), { numRuns: 60 });
  });

  it('the kernel, turned or not, and the kernel gradient for a range of channels', () => {
    fc.assert(fc.property(fc.constantFrom(1, 3, 4, 8), fc.constantFrom(4, 8, 12), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (C, F, flipped, seed) => {
      const w = values(9 * C * F, seed);
      const wantU = new Float32Array(36 * C * F), gotU = tier.allocate(wantU.length);
      winogradKernel(w, C, F, wantU, flipped);
      tier.winogradKernel(inMemory(w), C, F, gotU, flipped);
      expectClose(gotU, wantU, `winogradKernel flipped=${flipped}`);

      const Q = values(36 * C * F, seed + 1);
      const c0 = Math.floor(C / 3), c1 = C - Math.floor(C / 4);
      const start = values(9 * C * F, seed + 2);
      const wantW = start.slice(), gotW = inMemory(start);
      winogradKernelGradient(Q, C, F, wantW, c0, c1);
      tier.winogradKernelGradient(inMemory(Q), C, F, gotW, c0, c1);
      expectClose(gotW, wantW, 'winogradKernelGradient');
    }), { numRuns: 40 });
  });

  it('says which array is too short, in the JS kernels\' terms', () => {
    const g = windowGeometry([1, 6, 6, 4], { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid' }, 't');
    expect(() => tier.winogradInput(tier.allocate(144), g, tier.allocate(10), 1)).toThrow(/winogradInput: V has 10 values/);
    expect(() => tier.winogradKernel(tier.allocate(9), 1, 4, tier.allocate(144))).toThrow(/winogradKernel: kernel has 9 values/);
  });
});

describe("predict's product without patches (convValid) against im2col and gemm", () => {
  afterEach(() => tier.reset());
  it('gives their bits on both tiers, for any kernel size, channels and first image', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 3, max: 11 }), fc.integer({ min: 3, max: 11 }),
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(4, 8, 12, 32), fc.integer({ min: 0, max: 1e6 }),
      (batch, first, H, W, C, KH, KW, F, seed) => {
        const all = first + batch;
        const g = { ...windowGeometry([all, H, W, C], { kernel: [KH, KW], strides: [1, 1], dilation: [1, 1], padding: 'valid' }, 't'), batch };
        expect(convValidApplies(g)).toBe(true);
        const x = values(all * H * W * C, seed).map((v, i) => (i % 7 === 3 ? 0 : v)); // some zeros, as after relu
        const k = values(KH * KW * C * F, seed + 1);
        const rows = batch * g.outHeight * g.outWidth, K = KH * KW * C;
        // JS: convValid against im2col + gemm.
        const patches = new Float32Array(rows * K), want = new Float32Array(rows * F), got = new Float32Array(rows * F);
        im2col(x, g, patches, first);
        gemm({ transposeA: false, transposeB: false, m: rows, n: F, k: K, a: patches, b: k, c: want, accumulate: false });
        convValid(x, g, k, F, got, first);
        expect(got).toEqual(want);
        // SIMD: the same against its own im2col + gemm.
        const [xs, ks, ps, wantS, gotS] = [tier.allocate(x.length), tier.allocate(k.length), tier.allocate(patches.length), tier.allocate(rows * F), tier.allocate(rows * F)];
        xs.set(x); ks.set(k);
        tier.im2col(xs, g, ps, first);
        tier.gemm({ transposeA: false, transposeB: false, m: rows, n: F, k: K, a: ps, b: ks, c: wantS, accumulate: false });
        tier.convValid(xs, g, ks, F, gotS, first);
        expect(gotS).toEqual(wantS);
        tier.reset();
      },
    ), { numRuns: 80 });
  });
});
