import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gemm, gemmReference, transposeInto } from '../../src/tensor/kernels/matmul.js';
import { RandomGenerator } from '../../src/tensor/random.js';

type Gemm = typeof gemm;

/** A seeded uniform [0, 1) source (the library's own generator), so a failing case replays exactly. */
function rng(seed: number): () => number {
  const generator = new RandomGenerator(seed);
  return () => generator.uniform();
}

/** How many exact zeros op(A) gets. `kslices` zeroes whole columns k of op(A), like image borders. */
type Zeros = 'dense' | 'half' | 'mostly' | 'all' | 'kslices';
const zerosArb = fc.constantFrom<Zeros>('dense', 'half', 'mostly', 'all', 'kslices');

/** Values in [-1, 1], rounded to float32. */
function uniform(r: () => number): number {
  return Math.fround(r() * 2 - 1);
}

/** op(A) is rows×cols; returns it stored as rows×cols, or cols×rows when `transposed`. */
function makeMatrix(rows: number, cols: number, transposed: boolean, zeros: Zeros, r: () => number): Float32Array {
  const out = new Float32Array(rows * cols);
  const zeroCol: boolean[] = [];
  for (let c = 0; c < cols; c++) zeroCol.push(r() < 0.5);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      let v: number;
      switch (zeros) {
        case 'dense': v = uniform(r); break;
        case 'half': v = r() < 0.5 ? 0 : uniform(r); break;
        case 'mostly': v = r() < 0.9 ? 0 : uniform(r); break;
        case 'all': v = 0; break;
        case 'kslices': v = zeroCol[c] || r() < 0.3 ? 0 : uniform(r); break;
      }
      out[transposed ? c * rows + i : i * cols + c] = v;
    }
  }
  return out;
}

/** Values that must never leak into a result computed with accumulate = false. */
function garbage(n: number, r: () => number): Float32Array {
  const junk = [NaN, Infinity, -Infinity, 1e30, -1e30, 12345];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = junk[Math.floor(r() * junk.length)]!;
  return out;
}

/**
 * Sums of K products of values in [-1, 1] (plus a starting C in [-1, 1]):
 * allow a relative 1e-5 of the largest possible magnitude.
 */
function expectClose(got: Float32Array, want: Float32Array, K: number, what: string): void {
  expect(got.length).toBe(want.length);
  const tol = 1e-5 * (K + 2);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= tol)) {
      throw new Error(`${what}: C[${i}] = ${g}, reference ${w} (tolerance ${tol})`);
    }
  }
}

const dimArb = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17),
  fc.integer({ min: 0, max: 37 }),
);

const caseArb = fc.record({
  M: dimArb,
  N: dimArb,
  K: dimArb,
  transA: fc.boolean(),
  transB: fc.boolean(),
  accumulate: fc.boolean(),
  zerosA: zerosArb,
  zerosB: fc.constantFrom<Zeros>('dense', 'half', 'all'),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

const RUNS = 400;

describe('gemmReference', () => {
  // A = [[1, 2, 3], [4, 5, 6]] (2×3), B = [[7, 8], [9, 10], [11, 12]] (3×2).
  const A = new Float32Array([1, 2, 3, 4, 5, 6]);
  const At = new Float32Array([1, 4, 2, 5, 3, 6]); // Aᵀ stored 3×2
  const B = new Float32Array([7, 8, 9, 10, 11, 12]);
  const Bt = new Float32Array([7, 9, 11, 8, 10, 12]); // Bᵀ stored 2×3
  // By hand: [1·7 + 2·9 + 3·11, 1·8 + 2·10 + 3·12; 4·7 + 5·9 + 6·11, 4·8 + 5·10 + 6·12]
  const AB = [58, 64, 139, 154];

  it('computes a hand-checked 2×3 · 3×2 product in all four storage layouts', () => {
    for (const [transA, a] of [[false, A], [true, At]] as const) {
      for (const [transB, b] of [[false, B], [true, Bt]] as const) {
        const C = new Float32Array([NaN, NaN, NaN, NaN]);
        gemmReference({ transposeA: transA, transposeB: transB, m: 2, n: 2, k: 3, a, b, c: C, accumulate: false });
        expect(Array.from(C)).toEqual(AB);
      }
    }
  });

  it('adds into C when accumulating', () => {
    const C = new Float32Array([1, -1, 0.5, 100]);
    gemmReference({ transposeA: false, transposeB: false, m: 2, n: 2, k: 3, a: A, b: B, c: C, accumulate: true });
    expect(Array.from(C)).toEqual([59, 63, 139.5, 254]);
  });

  it('computes Aᵀ·A and A·Aᵀ by hand', () => {
    // AᵀA (3×3) with A as K×M = 2×3; AAᵀ (2×2) with B = A stored N×K.
    const AtA = new Float32Array(9);
    gemmReference({ transposeA: true, transposeB: false, m: 3, n: 3, k: 2, a: A, b: A, c: AtA, accumulate: false });
    expect(Array.from(AtA)).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
    const AAt = new Float32Array(4);
    gemmReference({ transposeA: false, transposeB: true, m: 2, n: 2, k: 3, a: A, b: A, c: AAt, accumulate: false });
    expect(Array.from(AAt)).toEqual([14, 32, 32, 77]);
  });
});

describe('gemm', () => {
  it('matches the hand-checked example in all four variants', () => {
    const A = new Float32Array([1, 2, 3, 4, 5, 6]);
    const At = new Float32Array([1, 4, 2, 5, 3, 6]);
    const B = new Float32Array([7, 8, 9, 10, 11, 12]);
    const Bt = new Float32Array([7, 9, 11, 8, 10, 12]);
    for (const [transA, a] of [[false, A], [true, At]] as const) {
      for (const [transB, b] of [[false, B], [true, Bt]] as const) {
        const C = new Float32Array([NaN, NaN, NaN, NaN]);
        gemm({ transposeA: transA, transposeB: transB, m: 2, n: 2, k: 3, a, b, c: C, accumulate: false });
        expect(Array.from(C)).toEqual([58, 64, 139, 154]);
      }
    }
  });

  it('matches gemmReference on random shapes, all flag combinations (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ M, N, K, transA, transB, accumulate, zerosA, zerosB, seed }) => {
        const r = rng(seed);
        const A = makeMatrix(M, K, transA, zerosA, r);
        const B = makeMatrix(K, N, transB, zerosB, r);
        let C: Float32Array, Cref: Float32Array;
        if (accumulate) {
          C = makeMatrix(M, N, false, 'dense', r);
          Cref = C.slice();
        } else {
          C = garbage(M * N, r); // different garbage on each side
          Cref = garbage(M * N, r);
        }
        gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: C, accumulate });
        gemmReference({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: Cref, accumulate });
        expectClose(C, Cref, K, `M=${M} N=${N} K=${K} tA=${transA} tB=${transB} acc=${accumulate}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same product for every storage layout of the same op(A), op(B) (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ M, N, K, zerosA, zerosB, seed }) => {
        const opA = makeMatrix(M, K, false, zerosA, rng(seed));
        const opB = makeMatrix(K, N, false, zerosB, rng(seed + 1));
        const want = new Float32Array(M * N);
        gemmReference({ transposeA: false, transposeB: false, m: M, n: N, k: K, a: opA, b: opB, c: want, accumulate: false });
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const A = makeMatrix(M, K, transA, zerosA, rng(seed));
            const B = makeMatrix(K, N, transB, zerosB, rng(seed + 1));
            const C = new Float32Array(M * N);
            gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: C, accumulate: false });
            expectClose(C, want, K, `M=${M} N=${N} K=${K} tA=${transA} tB=${transB}`);
          }
        }
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('does not depend on what was in C when accumulate = false (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ M, N, K, transA, transB, zerosA, seed }) => {
        const r = rng(seed);
        const A = makeMatrix(M, K, transA, zerosA, r);
        const B = makeMatrix(K, N, transB, 'dense', r);
        const clean = new Float32Array(M * N);
        const dirty = garbage(M * N, r);
        gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: clean, accumulate: false });
        gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: dirty, accumulate: false });
        expect(Array.from(dirty)).toEqual(Array.from(clean));
        for (const v of dirty) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('accumulating twice doubles the product (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ M, N, K, transA, transB, zerosA, seed }) => {
        const r = rng(seed);
        const A = makeMatrix(M, K, transA, zerosA, r);
        const B = makeMatrix(K, N, transB, 'dense', r);
        const once = new Float32Array(M * N);
        gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: once, accumulate: false });
        const twice = garbage(M * N, r);
        gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: twice, accumulate: false });
        gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: twice, accumulate: true });
        expectClose(twice, once.map((v) => 2 * v), 2 * K, `M=${M} N=${N} K=${K}`);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('works on subarray views and leaves everything outside C[0, M·N) alone (property)', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        ({ M, N, K, transA, transB, accumulate, zerosA, seed }, offset, extra) => {
          const r = rng(seed);
          const embed = (m: Float32Array): Float32Array => {
            // A view into a larger buffer, with `extra` trailing elements the kernel must ignore.
            const buf = new Float32Array(offset + m.length + extra).fill(-7);
            buf.set(m, offset);
            return buf.subarray(offset, offset + m.length + extra);
          };
          const A = makeMatrix(M, K, transA, zerosA, r);
          const B = makeMatrix(K, N, transB, 'half', r);
          const C0 = makeMatrix(M, N, false, 'dense', r);
          const Cref = C0.slice();
          gemmReference({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: Cref, accumulate });

          const Abuf = embed(A), Bbuf = embed(B);
          const Cbuf = new Float32Array(offset + M * N + extra).fill(-7);
          Cbuf.set(C0, offset);
          const Cview = Cbuf.subarray(offset, offset + M * N + extra);
          gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: Abuf, b: Bbuf, c: Cview, accumulate });

          expectClose(Cbuf.slice(offset, offset + M * N), Cref, K, `offset=${offset} extra=${extra}`);
          for (let i = 0; i < offset; i++) expect(Cbuf[i]).toBe(-7);
          for (let i = offset + M * N; i < Cbuf.length; i++) expect(Cbuf[i]).toBe(-7);
        },
      ),
      { numRuns: RUNS / 4 },
    );
  });

  it('K = 0: C becomes zero, or stays unchanged when accumulating', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const empty = new Float32Array(0);
        const C = new Float32Array([NaN, 1, Infinity, -3, 5, 6]);
        gemm({ transposeA: transA, transposeB: transB, m: 2, n: 3, k: 0, a: empty, b: empty, c: C, accumulate: false });
        expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
        const D = new Float32Array([1, 2, 3, 4, 5, 6]);
        gemm({ transposeA: transA, transposeB: transB, m: 2, n: 3, k: 0, a: empty, b: empty, c: D, accumulate: true });
        expect(Array.from(D)).toEqual([1, 2, 3, 4, 5, 6]);
      }
    }
  });

  it('M = 0 or N = 0: nothing is written', () => {
    const A = new Float32Array(12).fill(1);
    const C = new Float32Array([9, 9]);
    gemm({ transposeA: false, transposeB: false, m: 0, n: 3, k: 4, a: A, b: A, c: C, accumulate: false });
    gemm({ transposeA: false, transposeB: true, m: 3, n: 0, k: 4, a: A, b: A, c: C, accumulate: false });
    gemm({ transposeA: true, transposeB: false, m: 0, n: 0, k: 4, a: A, b: A, c: C, accumulate: true });
    expect(Array.from(C)).toEqual([9, 9]);
  });

  it('matches the reference on the MLP shapes, with image-like sparse inputs', () => {
    const r = rng(784128);
    // A 28×28 "image": a blob of non-zero pixels on a zero background (≈50% zeros).
    const images = (n: number): Float32Array => {
      const x = new Float32Array(n * 784);
      for (let s = 0; s < n; s++) {
        const cx = 11 + r() * 6, cy = 11 + r() * 6, rx = 8 + r() * 4, ry = 9 + r() * 4;
        for (let y = 0; y < 28; y++) {
          for (let xx = 0; xx < 28; xx++) {
            const inside = ((xx - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1;
            x[s * 784 + y * 28 + xx] = inside ? Math.fround(r()) : 0;
          }
        }
      }
      return x;
    };
    const dense = (n: number): Float32Array => makeMatrix(1, n, false, 'dense', r);
    const relu = (n: number): Float32Array => makeMatrix(1, n, false, 'half', r).map(Math.abs);
    const X = images(32);
    const cases: [string, boolean, boolean, number, number, number, Float32Array, Float32Array][] = [
      ['forward 1', false, false, 32, 128, 784, X, dense(784 * 128)],
      ['dW 1', true, false, 784, 128, 32, X, dense(32 * 128)],
      ['forward 2', false, false, 32, 10, 128, relu(32 * 128), dense(128 * 10)],
      ['dW 2', true, false, 128, 10, 32, relu(32 * 128), dense(32 * 10)],
      ['dX 2', false, true, 32, 128, 10, dense(32 * 10), dense(128 * 10)],
      ['predict (one sample)', false, false, 1, 128, 784, images(1), dense(784 * 128)],
      ['predict (rows not a multiple of 4)', false, false, 203, 128, 784, images(203), dense(784 * 128)],
    ];
    for (const [name, transA, transB, M, N, K, A, B] of cases) {
      const C = garbage(M * N, r);
      const Cref = new Float32Array(M * N);
      gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: C, accumulate: false });
      gemmReference({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: Cref, accumulate: false });
      expectClose(C, Cref, K, name);
    }
  });

  it('rejects bad dimensions and arrays that are too short', () => {
    const a = new Float32Array(6);
    const f: Gemm = gemm;
    const plain = { transposeA: false, transposeB: false, a, b: a, accumulate: false };
    expect(() => f({ ...plain, m: 2, n: 2, k: 3, c: new Float32Array(3) })).toThrow(RangeError);
    expect(() => f({ ...plain, m: 2, n: 2, k: 4, c: new Float32Array(4) })).toThrow(RangeError);
    expect(() => f({ ...plain, m: -1, n: 2, k: 3, c: a })).toThrow(RangeError);
    expect(() => f({ ...plain, m: 1.5, n: 2, k: 3, c: a })).toThrow(RangeError);
  });
});

describe('gemm with a leading dimension (lda)', () => {
  it('reads a block of A in place from a wider matrix, as if it had been copied out (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 13 }), // M
        fc.integer({ min: 0, max: 19 }), // N
        fc.integer({ min: 0, max: 11 }), // K
        fc.integer({ min: 0, max: 9 }), //  extra stored width beyond what is used
        fc.integer({ min: 0, max: 5 }), //  offset of the block within the wider row
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (M, N, K, extra, offsetRaw, transA, transB, seed) => {
          const r = rng(seed);
          const [storedRows, usedWidth] = transA ? [K, M] : [M, K];
          const offset = Math.min(offsetRaw, extra);
          const lda = usedWidth + extra;
          // The wide matrix, and the block of it that gemm should see.
          const wide = new Float32Array(storedRows * lda).map(() => (r() < 0.4 ? 0 : uniform(r)));
          const block = new Float32Array(storedRows * usedWidth);
          for (let row = 0; row < storedRows; row++) {
            block.set(wide.subarray(row * lda + offset, row * lda + offset + usedWidth), row * usedWidth);
          }
          const B = makeMatrix(K, N, transB, 'dense', r);
          const expected = new Float32Array(M * N);
          gemmReference({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: block, b: B, c: expected, accumulate: false });
          const viaLda = new Float32Array(M * N);
          gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: wide.subarray(offset), b: B, c: viaLda, accumulate: false, lda });
          const viaReferenceLda = new Float32Array(M * N);
          gemmReference({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: wide.subarray(offset), b: B, c: viaReferenceLda, accumulate: false, lda });
          for (let i = 0; i < M * N; i++) {
            expect(Math.abs(viaLda[i]! - expected[i]!)).toBeLessThanOrEqual(1e-5 * (K + 2));
            expect(viaReferenceLda[i]).toBe(expected[i]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects an lda smaller than the width used', () => {
    const A = new Float32Array(12);
    expect(() => gemm({ transposeA: false, transposeB: false, m: 2, n: 2, k: 3, a: A, b: new Float32Array(6), c: new Float32Array(4), accumulate: false, lda: 2 })).toThrow(/lda must be an integer ≥ 3/);
  });
});

describe('transposeInto', () => {
  it('writes aᵀ, and A·Bᵀ by gemm equals A·(its transposed copy of B) bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 1e6 }), (m, n, k, seed) => {
        const g = new RandomGenerator(seed);
        const a = Float32Array.from({ length: m * k }, () => g.uniform() - 0.5);
        const b = Float32Array.from({ length: n * k }, () => g.uniform() - 0.5); // stored n×k: op(B) = Bᵀ
        const bT = new Float32Array(k * n).fill(NaN);
        transposeInto(b, n, k, bT);
        for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) expect(bT[c * n + r]).toBe(b[r * k + c]);
        const viaFlag = new Float32Array(m * n), viaCopy = new Float32Array(m * n);
        gemm({ transposeA: false, transposeB: true, m, n, k, a, b, c: viaFlag, accumulate: false });
        gemm({ transposeA: false, transposeB: false, m, n, k, a, b: bT, c: viaCopy, accumulate: false });
        expect(Array.from(viaCopy)).toEqual(Array.from(viaFlag));
      }),
    );
  });
});
