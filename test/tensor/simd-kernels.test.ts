/**
 * The SIMD tier against the JS kernels (the reference), property by
 * property. Tolerances, where the tiers may differ:
 *
 * - gemm and column sums: the SIMD lanes accumulate in float32 (JS in
 *   float64), so a sum of K products of values in [-1, 1] may differ by
 *   about K float32 roundings: |C − C_ref| ≤ 1e-5·(K + 2).
 * - softmax crossentropy: exp is a polynomial (≈1-2 ulp) and the row sum
 *   is float32: gradient within 2e-6·scale, loss within 1e-5·(1 + |loss|).
 * - Adam and SGD: float32 lanes against float64 rounded once: within
 *   1e-6·(|value| + 1), since a result may be the small difference of terms
 *   of order 1 (θ + μm − lr·g), each rounded to float32.
 * - bias + activation and the activation backward: equal bit for bit (the
 *   SIMD relu is the same comparison; sigmoid and tanh are the JS formula).
 *
 * And the tier's kernel table (what `kernels` is after setKernels('simd'))
 * gives the tier's bits on arrays outside its memory too, as autograd
 * passes them: no tolerance there.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { gemmReference } from '../../src/tensor/kernels/matmul.js';
import { ACTIVATION_KINDS, OUTPUT_DERIVATIVE_KINDS, activate, activationGradient, type OutputDerivativeKind } from '../../src/tensor/kernels/activations.js';
import { addBias, columnSums } from '../../src/tensor/kernels/bias.js';
import { softmaxCrossEntropy } from '../../src/tensor/kernels/softmax.js';
import { SimdKernels, kernelModuleBytes, simdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { Code, I32, emitModule, writeSigned, writeUnsigned } from '../../src/tensor/kernels/simd/wasm-emitter.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { kernels, im2col, col2im, maxPool, maxPoolBackward } from '../../src/tensor/kernels/index.js';
import { windowGeometry } from '../../src/tensor/ops/window.js';
import type { WindowGeometry } from '../../src/tensor/kernels/index.js';
import * as keras from '../../src/index.js';

const tier = SimdKernels.create();
afterEach(() => tier.reset());

/** Values in [lo, hi), float32, from a seeded generator. */
function values(n: number, seed: number, lo = -1, hi = 1, zeroFraction = 0): Float32Array {
  const g = new RandomGenerator(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = g.uniform() < zeroFraction ? 0 : lo + (hi - lo) * g.uniform();
  return out;
}

/** A copy of `source` in the tier's memory. */
function inMemory(source: Float32Array): Float32Array {
  const out = tier.allocate(source.length);
  out.set(source);
  return out;
}

function expectWithin(got: Float32Array | Float64Array, want: Float32Array | Float64Array, tolerance: (want: number) => number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= tolerance(w)) && !(Number.isNaN(g) && Number.isNaN(w))) {
      throw new Error(`${what}: [${i}] = ${g}, reference ${w} (tolerance ${tolerance(w)})`);
    }
  }
}

function expectBits(got: Float32Array, want: Float32Array, what: string): void {
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < want.length; i++) if (a[i] !== b[i]) throw new Error(`${what}: [${i}] = ${got[i]}, reference ${want[i]} (bits differ)`);
}

/** Dimensions with the edges of every block: 0, 1, below and above 4 and 16. */
const dim = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 19, 32, 33), fc.integer({ min: 0, max: 40 }));
const seed = fc.integer({ min: 0, max: 0x7fffffff });

describe('wasm-emitter', () => {
  it('writes LEB128 as the specification examples do', () => {
    const u: number[] = [];
    writeUnsigned(u, 624485);
    expect(u).toEqual([0xe5, 0x8e, 0x26]);
    const s: number[] = [];
    writeSigned(s, -123456);
    expect(s).toEqual([0xc0, 0xbb, 0x78]);
    const small: number[] = [];
    writeSigned(small, 63);
    writeSigned(small, 64);
    writeSigned(small, -64);
    writeSigned(small, -65);
    expect(small).toEqual([0x3f, 0xc0, 0x00, 0x40, 0xbf, 0x7f]);
  });

  it('writes modules that validate, shared and unshared, and a function that computes', () => {
    expect(simdSupported()).toBe(true); // Node 20 has WebAssembly SIMD
    for (const shared of [false, true]) expect(WebAssembly.validate(kernelModuleBytes({ maximumPages: 100, shared }))).toBe(true);
    // add3(a, b, c) = a + b + c, stored at address 0 of the memory
    const code = new Code([I32, I32, I32]);
    code.i32Const(0).get(code.param(0)).get(code.param(1)).i32Add().get(code.param(2)).i32Add();
    code.bytes.push(0x36, 2, 0); // i32.store (not needed by the kernels, written by hand here)
    const bytes = emitModule({ initialPages: 1, maximumPages: 1, shared: false }, [{ name: 'add3', results: [], code }]);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const { add3 } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { add3: (a: number, b: number, c: number) => void };
    add3(40, 1, 1);
    expect(new Int32Array(memory.buffer)[0]).toBe(42);
  });
});

describe('SIMD gemm', () => {
  const caseArb = fc.record({
    M: dim, N: dim, K: dim,
    transA: fc.boolean(), transB: fc.boolean(), accumulate: fc.boolean(),
    ldaExtra: fc.constantFrom(0, 0, 1, 5),
    zeros: fc.constantFrom(0, 0.5),
    seed,
  });

  it('matches gemmReference in all four transpose forms, with leading dimensions (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ M, N, K, transA, transB, accumulate, ldaExtra, zeros, seed }) => {
        const lda = (transA ? M : K) + ldaExtra;
        const storedRows = transA ? K : M;
        const A = values(storedRows * lda, seed, -1, 1, zeros);
        const B = values(K * N, seed + 1);
        const C0 = accumulate ? values(M * N, seed + 2) : new Float32Array(M * N).fill(NaN);
        const want = accumulate ? C0.slice() : new Float32Array(M * N);
        gemmReference({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: want, accumulate, lda });
        const [a, b, c] = [inMemory(A), inMemory(B), inMemory(C0)];
        tier.gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a, b, c, accumulate, lda });
        expectWithin(c, want, () => 1e-5 * (K + 2), `M=${M} N=${N} K=${K} tA=${transA} tB=${transB} acc=${accumulate} lda=${lda}`);
        // The same call again gives the same bits.
        const again = inMemory(C0);
        tier.gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: a, b: b, c: again, accumulate, lda });
        expectBits(again, c, 'repeat');
        tier.reset();
      }),
      { numRuns: 300 },
    );
  });

  it('computes the seed model\'s shapes (32×784·784×128 and its gradients)', () => {
    for (const [tA, tB, M, N, K] of [[false, false, 32, 128, 784], [true, false, 784, 128, 32], [false, true, 32, 128, 10], [true, true, 20, 33, 17]] as const) {
      const A = values(M * K, 7, 0, 1, 0.5), B = values(K * N, 8);
      const want = new Float32Array(M * N);
      gemmReference({ transposeA: tA, transposeB: tB, m: M, n: N, k: K, a: A, b: B, c: want, accumulate: false });
      const c = tier.allocate(M * N);
      tier.gemm({ transposeA: tA, transposeB: tB, m: M, n: N, k: K, a: inMemory(A), b: inMemory(B), c, accumulate: false });
      expectWithin(c, want, () => 1e-5 * (K + 2), `${M}×${K}·${K}×${N}`);
      tier.reset();
    }
  });

  it('gives a share of Aᵀ·B\'s rows (a view at its first column of A, as each thread computes dW) the bits of the whole product (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), dim, dim, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), seed, (M, N, K, cut0, cut1, seed) => {
        const [p0, p1] = [Math.min(cut0, cut1) % (M + 1), Math.max(cut0, cut1) % (M + 1)].sort((x, y) => x - y) as [number, number];
        const a = inMemory(values(K * M, seed, -1, 1, 0.5)), b = inMemory(values(K * N, seed + 1));
        const whole = tier.allocate(M * N);
        tier.gemm({ transposeA: true, transposeB: false, m: M, n: N, k: K, a, b, c: whole, accumulate: false });
        const share = tier.allocate(M * N);
        tier.gemm({ transposeA: true, transposeB: false, m: p1 - p0, n: N, k: K, a: a.subarray(p0), b, c: share.subarray(p0 * N), accumulate: false, lda: M });
        expectBits(share.subarray(p0 * N, p1 * N), whole.subarray(p0 * N, p1 * N), `rows ${p0}..${p1} of ${M}`);
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });

  it('rejects arrays outside its memory and short arrays', () => {
    const inside = tier.allocate(16);
    expect(() => tier.gemm({ transposeA: false, transposeB: false, m: 4, n: 4, k: 4, a: new Float32Array(16), b: inside, c: inside, accumulate: false })).toThrow(keras.ValueError);
    expect(() => tier.gemm({ transposeA: false, transposeB: false, m: 4, n: 4, k: 5, a: inside, b: inside, c: inside, accumulate: false })).toThrow(RangeError);
  });
});

describe('SIMD element-wise kernels', () => {
  it('bias, activation and the activation gradient equal the JS kernels bit for bit (property)', () => {
    fc.assert(
      fc.property(dim, dim, fc.constantFrom(...ACTIVATION_KINDS), fc.boolean(), seed, (rows, units, activation, withBias, s) => {
        const rowStart = rows === 0 ? 0 : s % rows, rowEnd = rows;
        const Z = values(rows * units, s, -3, 3, 0.2);
        Z[0] = rows * units > 0 ? -0 : Z[0]!;
        const bias = withBias ? values(units, s + 1) : null;
        const want = Z.slice();
        if (bias) addBias(want, bias, rowStart, rowEnd, units);
        activate(activation, want, want, rowStart * units, rowEnd * units);
        const got = inMemory(Z);
        if (bias) tier.addBias(got, inMemory(bias), rowStart, rowEnd, units);
        tier.activate(activation, got, got, rowStart * units, rowEnd * units);
        expectBits(got, want, `bias + activation rows=${rows} units=${units} f=${activation}`);

        // The fused executor runs only these backward (the others' derivatives need the input: autograd only).
        if (!(OUTPUT_DERIVATIVE_KINDS as readonly string[]).includes(activation)) return;
        const outputKind = activation as OutputDerivativeKind;
        const dZ = values(rows * units, s + 2);
        const dWant = dZ.slice();
        activationGradient(outputKind, want, dWant, dWant, rowStart * units, rowEnd * units);
        const dGot = inMemory(dZ);
        tier.activationGradient(outputKind, got, dGot, dGot, rowStart * units, rowEnd * units);
        expectBits(dGot, dWant, `activationGradient f=${activation}`);
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });

  it('column sums match the JS kernel within float32 accumulation (property)', () => {
    fc.assert(
      fc.property(dim, dim, seed, (rows, units, s) => {
        const colStart = units === 0 ? 0 : s % units;
        const dZ = values(rows * units, s);
        const want = new Float32Array(units).fill(7);
        columnSums(dZ, rows, units, colStart, units, want);
        const got = inMemory(new Float32Array(units).fill(7));
        tier.columnSums(inMemory(dZ), rows, units, colStart, units, got);
        expectWithin(got, want, () => 1e-6 * (rows + 1), `columnSums rows=${rows} units=${units}`);
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });

  it('softmax crossentropy matches the JS kernel: losses, totals and gradient (property)', () => {
    fc.assert(
      fc.property(dim, fc.integer({ min: 1, max: 37 }), fc.constantFrom(1, 5, 30), seed, (rows, classes, spread, s) => {
        const Z = values(rows * classes, s, -spread, spread);
        const g = new RandomGenerator(s + 1);
        const labels = Float32Array.from({ length: rows }, () => Math.floor(g.uniform() * classes));
        const scale = rows === 0 ? 1 : 1 / rows;
        const rowStart = rows === 0 ? 0 : s % rows;
        const dWant = new Float32Array(rows * classes), totalsWant = new Float64Array([0.5, 2]), lossesWant = new Float32Array(rows);
        softmaxCrossEntropy({ logits: Z, labels, rowStart, rowEnd: rows, classes, scale, grad: dWant, totals: totalsWant, rowLosses: lossesWant });
        const dGot = tier.allocate(rows * classes), totalsGot = tier.allocateFloat64(2), lossesGot = tier.allocate(rows);
        totalsGot.set([0.5, 2]);
        tier.softmaxCrossEntropy({ logits: inMemory(Z), labels: inMemory(labels), rowStart, rowEnd: rows, classes, scale, grad: dGot, totals: totalsGot, rowLosses: lossesGot });
        const what = `rows=${rows} classes=${classes} spread=${spread}`;
        expectWithin(dGot, dWant, () => 2e-6 * scale, `${what} dZ`);
        expectWithin(lossesGot, lossesWant, (w) => 1e-5 * (1 + Math.abs(w)), `${what} row losses`);
        expectWithin(totalsGot.subarray(0, 1), totalsWant.subarray(0, 1), (w) => 1e-5 * (1 + Math.abs(w)), `${what} loss sum`);
        expect(totalsGot[1]).toBe(totalsWant[1]); // the same argmax
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });
});

describe('the SIMD kernel table on arrays outside its memory (autograd\'s)', () => {
  afterEach(() => keras.config.setKernels('js'));
  const rowsArb = fc.record({ rows: dim, classes: fc.integer({ min: 1, max: 37 }), spread: fc.constantFrom(1, 5, 30), withLosses: fc.boolean(), seed });

  it('gives a matrix product the bits of the tier, whatever its size (property)', async () => {
    await keras.config.setKernels('simd');
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.boolean(), seed, (M, N, K, transA, transB, accumulate, s) => {
        const args = { transposeA: transA, transposeB: transB, m: M, n: N, k: K, accumulate };
        const [A, B, C0] = [values(M * K, s, -1, 1, 0.3), values(K * N, s + 1), values(M * N, s + 2)];
        const want = inMemory(C0);
        tier.gemm({ ...args, a: inMemory(A), b: inMemory(B), c: want });
        const got = C0.slice();
        kernels.gemm({ ...args, a: A, b: B, c: got });
        expectBits(got, want, `M=${M} N=${N} K=${K} tA=${transA} tB=${transB} acc=${accumulate}`);
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });

  it('gives softmax crossentropy the bits of the tier for any rows, with or without row losses (property)', async () => {
    await keras.config.setKernels('simd');
    fc.assert(
      fc.property(rowsArb, ({ rows, classes, spread, withLosses, seed: s }) => {
        const Z = values(rows * classes, s, -spread, spread);
        const g = new RandomGenerator(s + 1);
        const labels = Float32Array.from({ length: rows }, () => Math.floor(g.uniform() * classes));
        const rowStart = rows === 0 ? 0 : s % rows;
        const common = { classes, rowStart, rowEnd: rows, scale: 1 / Math.max(1, rows) };
        const want = { grad: inMemory(new Float32Array(rows * classes).fill(3)), totals: tier.allocateFloat64(2), losses: inMemory(new Float32Array(rows).fill(3)) };
        want.totals.set([0.5, 2]);
        tier.softmaxCrossEntropy({ ...common, logits: inMemory(Z), labels: inMemory(labels), grad: want.grad, totals: want.totals, rowLosses: withLosses ? want.losses : null });
        const got = { grad: new Float32Array(rows * classes).fill(3), totals: new Float64Array([0.5, 2]), losses: new Float32Array(rows).fill(3) };
        kernels.softmaxCrossEntropy({ ...common, logits: Z, labels, grad: got.grad, totals: got.totals, rowLosses: withLosses ? got.losses : null });
        const what = `rows=${rows} from ${rowStart} classes=${classes}`;
        expectBits(got.grad, want.grad, `${what} dZ`);
        expectBits(got.losses, want.losses, `${what} row losses`);
        expect(Array.from(got.totals), what).toEqual(Array.from(want.totals));
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });

  it('scales softmax crossentropy\'s gradient last, as autograd\'s mean does: scale s gives scale 1 times float32(s), bit for bit (property)', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 100 }), ({ rows, classes, spread, seed: s }, batch) => {
        const Z = inMemory(values(rows * classes, s, -spread, spread));
        const g = new RandomGenerator(s + 1);
        const labels = inMemory(Float32Array.from({ length: rows }, () => Math.floor(g.uniform() * classes)));
        const run = (scale: number) => {
          const grad = tier.allocate(rows * classes);
          tier.softmaxCrossEntropy({ logits: Z, labels, classes, rowStart: 0, rowEnd: rows, scale, grad, totals: tier.allocateFloat64(2), rowLosses: null });
          return grad;
        };
        const scaled = run(1 / batch);
        const thenScaled = run(1).map((v) => Math.fround(v * Math.fround(1 / batch)));
        expectBits(scaled, thenScaled, `rows=${rows} classes=${classes} batch=${batch}`);
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });
});

describe('SIMD optimizer updates', () => {
  const optimizerArb = fc.oneof(
    fc.record({ kind: fc.constant('adam' as const), lr: fc.constantFrom(1e-3, 0.1), eps: fc.constantFrom(1e-7, 1e-3) }),
    fc.record({ kind: fc.constant('sgd' as const), lr: fc.constantFrom(0.01, 0.5), momentum: fc.constantFrom(0, 0.9), nesterov: fc.boolean() }),
  );
  type OptimizerCase = { kind: 'adam'; lr: number; eps: number } | { kind: 'sgd'; lr: number; momentum: number; nesterov: boolean };
  const build = (o: OptimizerCase): keras.optimizers.Optimizer =>
    o.kind === 'adam'
      ? new keras.optimizers.Adam({ learningRate: o.lr, epsilon: o.eps })
      : new keras.optimizers.SGD({ learningRate: o.lr, momentum: o.momentum, nesterov: o.nesterov });

  /** The optimizer's rule of step t on the SIMD tier: its scalars, then the tier's kernel. */
  const tierUpdate = (o: keras.optimizers.Optimizer, g: Float32Array, theta: Float32Array, slots: Float32Array[], t: number, start: number, end: number): void => {
    if (o instanceof keras.optimizers.Adam) tier.adamUpdate(g, theta, slots[0]!, slots[1]!, start, end, o.stepSize(t), o.beta1, o.beta2, o.epsilon);
    else if (o instanceof keras.optimizers.SGD) tier.sgdUpdate(g, theta, slots[0] ?? null, start, end, o.learningRate, o.momentum, o.nesterov);
  };

  it('Adam flushes a subnormal m to 0 in vectors and in the tail, and keeps the smallest normal one', () => {
    const adam = new keras.optimizers.Adam();
    const n = 7; // a vector of 4, then 3 one at a time
    const minNormal = 2 ** -126;
    const g = inMemory(new Float32Array(n)); // a gradient that stays 0
    const theta = inMemory(new Float32Array(n).fill(0.5));
    // b1·m: 0.9·2⁻¹²⁶ (subnormal), 0.9·2⁻¹²⁰ (normal), and their negatives.
    const m0 = [minNormal, 2 ** -120, -minNormal, -(2 ** -120), minNormal, 2 ** -120, -minNormal];
    const m = inMemory(Float32Array.from(m0));
    const v = inMemory(new Float32Array(n).fill(1e-8));
    tier.adamUpdate(g, theta, m, v, 0, n, adam.stepSize(1), adam.beta1, adam.beta2, adam.epsilon);
    m0.forEach((m0i, i) => {
      const want = Math.abs(m0i) === minNormal ? 0 : Math.fround(Math.fround(adam.beta1) * m0i);
      expect(Math.abs(m[i]! - want), `m[${i}]`).toBeLessThanOrEqual(Math.abs(want) * 1e-6);
      if (want === 0) expect(Object.is(m[i], 0) || Object.is(m[i], -0)).toBe(true);
    });
    tier.reset();
  });

  it('match updateRange bit for bit over any element range, for several steps (property)', () => {
    fc.assert(
      fc.property(optimizerArb, fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 3 }), seed, (o, n, steps, s) => {
        const optimizer = build(o);
        const start = n === 0 ? 0 : s % n, end = n === 0 ? 0 : start + ((s >> 8) % (n - start + 1));
        const theta0 = values(n, s), slots0 = Array.from({ length: optimizer.slotCount }, (_, i) => (i === 1 ? values(n, s + 9, 0, 1) : values(n, s + 8)));
        const [thetaWant, slotsWant] = [theta0.slice(), slots0.map((x) => x.slice())];
        const [thetaGot, slotsGot] = [inMemory(theta0), slots0.map(inMemory)];
        for (let t = 1; t <= steps; t++) {
          const g = values(n, s + 100 * t);
          optimizer.updateRange(g, thetaWant, slotsWant, t, start, end);
          tierUpdate(optimizer, inMemory(g), thetaGot, slotsGot, t, start, end);
        }
        // The same float32 operations in the same order on both tiers: the same bits.
        expect(Array.from(thetaGot), `${o.kind} n=${n} [${start}, ${end}) θ`).toEqual(Array.from(thetaWant));
        slotsGot.forEach((slot, i) => expect(Array.from(slot), `${o.kind} slot ${i}`).toEqual(Array.from(slotsWant[i]!)));
        // Outside [start, end) nothing changed.
        for (let i = 0; i < n; i++) if (i < start || i >= end) expect(thetaGot[i]).toBe(theta0[i]);
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });

  it('give the same bits when a range is split at any index (what threads do)', () => {
    fc.assert(
      fc.property(optimizerArb, fc.integer({ min: 1, max: 70 }), seed, (o, n, s) => {
        const optimizer = build(o);
        const cut = s % (n + 1);
        const g = inMemory(values(n, s + 1));
        const runs = [[0, n], [0, cut, n]].map((bounds) => {
          const theta = inMemory(values(n, s));
          const slots = Array.from({ length: optimizer.slotCount }, (_, i) => inMemory(values(n, s + 8 + i, 0, 1)));
          for (let b = 0; b + 1 < bounds.length; b++) tierUpdate(optimizer, g, theta, slots, 3, bounds[b]!, bounds[b + 1]!);
          return [theta, ...slots];
        });
        runs[0]!.forEach((array, i) => expectBits(runs[1]![i]!, array, `${o.kind} split at ${cut}`));
        tier.reset();
      }),
      { numRuns: 100 },
    );
  });
});

describe('SIMD image kernels (im2col, col2im, max pooling) against the JS loops', () => {
  /** A window over a small batch of images: any size, channels, kernel, stride, dilation, padding, and an image offset. */
  const windows = fc.record({
    batch: fc.integer({ min: 1, max: 3 }),
    firstImage: fc.integer({ min: 0, max: 2 }),
    height: fc.integer({ min: 1, max: 9 }),
    width: fc.integer({ min: 1, max: 9 }),
    channels: fc.oneof(fc.constantFrom(1, 3, 4, 8), fc.integer({ min: 1, max: 11 })),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.constantFrom('valid' as const, 'same' as const),
    seed,
  });

  /** The geometry, or null when the window does not fit (windowGeometry says so). */
  type Window = typeof windows extends fc.Arbitrary<infer T> ? T : never;
  function geometryOf(w: Window, pooling: boolean): WindowGeometry | null {
    try {
      return windowGeometry([w.batch, w.height, w.width, w.channels], {
        kernel: w.kernel, strides: w.strides, dilation: pooling ? [1, 1] : w.dilation, padding: w.padding,
      }, 'test');
    } catch {
      return null;
    }
  }

  it('im2col and col2im give the JS kernels\' bits, from any first image', () => {
    fc.assert(
      fc.property(windows, (w) => {
        const g = geometryOf(w, false);
        if (g === null) return;
        const imageSize = w.height * w.width * w.channels;
        const rows = g.batch * g.outHeight * g.outWidth;
        const K = g.kernelHeight * g.kernelWidth * g.channels;
        const x = values((w.firstImage + w.batch) * imageSize, w.seed);
        const want = new Float32Array(rows * K).fill(7); // stale values: every one must be written
        im2col(x, g, want, w.firstImage);
        const got = inMemory(new Float32Array(rows * K).fill(7));
        tier.im2col(inMemory(x), g, got, w.firstImage);
        expectBits(got, want, 'im2col');

        const dPatches = values(rows * K, w.seed + 1);
        const dxWant = values(w.batch * imageSize, w.seed + 2);
        const dxGot = inMemory(dxWant);
        col2im(dPatches, g, dxWant);
        tier.col2im(inMemory(dPatches), g, dxGot);
        expectBits(dxGot, dxWant, 'col2im');
        tier.reset();
      }),
      { numRuns: 300 },
    );
  });

  it('max pooling and its backward give the JS kernels\' values, winners and gradients, NaN and ties included, and the same values without winners', () => {
    fc.assert(
      fc.property(windows, (w) => {
        const g = geometryOf(w, true);
        if (g === null) return;
        const inputs = w.batch * w.height * w.width * w.channels;
        const outputs = g.batch * g.outHeight * g.outWidth * g.channels;
        // Few distinct values, so ties are common, and some NaN.
        const x = values(inputs, w.seed).map((v, i) => (i % 13 === 5 ? NaN : Math.round(v * 2) / 2));
        const yWant = new Float32Array(outputs), winnersWant = new Int32Array(outputs);
        maxPool(x, g, yWant, winnersWant);
        const yGot = inMemory(new Float32Array(outputs).fill(3));
        const winnersBlock = tier.allocate(outputs);
        const winners = new Int32Array(winnersBlock.buffer, winnersBlock.byteOffset, outputs);
        tier.maxPool(inMemory(x), g, yGot, winners);
        expectBits(yGot, yWant, 'maxPool values');
        expect(Array.from(winners)).toEqual(Array.from(winnersWant));
        // Inference's pooling, without winners: the same values on both tiers.
        const yAlone = new Float32Array(outputs), yAloneGot = inMemory(new Float32Array(outputs).fill(3));
        maxPool(x, g, yAlone, null);
        tier.maxPool(inMemory(x), g, yAloneGot, null);
        expectBits(yAlone, yWant, 'maxPool values without winners (JS)');
        expectBits(yAloneGot, yWant, 'maxPool values without winners (SIMD)');

        const dY = values(outputs, w.seed + 1);
        const dxWant = values(inputs, w.seed + 2);
        const dxGot = inMemory(dxWant);
        const count = outputs - (w.seed % 2); // all outputs, or all but the last
        maxPoolBackward(dY, winnersWant, dxWant, count);
        tier.maxPoolBackward(inMemory(dY), winners, dxGot, count);
        expectBits(dxGot, dxWant, 'maxPoolBackward');
        tier.reset();
      }),
      { numRuns: 300 },
    );
  });

  it('checks array lengths before the loops run (they do not)', () => {
    const g = windowGeometry([2, 5, 5, 3], { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid' }, 'test');
    const x = tier.allocate(2 * 75);
    expect(() => tier.im2col(x, g, tier.allocate(10))).toThrow(/im2col: patches has 10 values, the window needs 486/);
    expect(() => tier.im2col(x, g, tier.allocate(486), 1)).toThrow(/im2col: x has 150 values, the window needs 225/);
    expect(() => tier.col2im(tier.allocate(486), g, tier.allocate(5))).toThrow(/col2im: dX has 5 values/);
    tier.reset();
  });
});

describe('SIMD memory', () => {
  it('hands out aligned, zero-filled, disjoint views', () => {
    const a = tier.allocate(5), b = tier.allocate(3);
    expect(a.byteOffset % 64).toBe(0);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 20);
    expect(Array.from(b)).toEqual([0, 0, 0]);
    expect(tier.holds(a) && tier.holds(b)).toBe(true);
    expect(tier.holds(new Float32Array(4))).toBe(false);
  });

  it('reuses released blocks, merging neighbours, and rejects what it did not allocate', () => {
    const own = SimdKernels.create({ initialPages: 1 });
    const [a, b, c] = [own.allocate(100), own.allocate(100), own.allocate(100)];
    own.release(a);
    own.release(b); // a and b merge into one free block of 2 × 448 bytes
    const d = own.allocate(200).fill(1);
    expect(d.byteOffset).toBe(a.byteOffset);
    expect(c[0]).toBe(0); // c untouched
    own.release(c); // c, merged with what d left of b, goes back to the tail: the next block starts right after d
    expect(own.allocate(1000).byteOffset).toBe(d.byteOffset + 832);
    expect(own.allocate(3).every((v) => v === 0)).toBe(true);
    expect(() => own.release(new Float32Array(3))).toThrow(keras.ValueError);
    expect(() => own.release(d.subarray(1))).toThrow(keras.ValueError);
  });

  it('grows a shared memory without detaching the views it handed out', () => {
    const own = SimdKernels.create({ initialPages: 1, shared: true });
    const first = own.allocate(10).fill(3);
    const big = own.allocate(70_000); // more than a page: the memory grows
    own.gemm({ transposeA: false, transposeB: false, m: 1, n: 1, k: 10, a: first, b: first, c: big, accumulate: false });
    expect(first[9]).toBe(3);
    expect(big[0]).toBe(90);
  });

  it('refuses to grow an unshared memory once views exist, and says to reserve', () => {
    const own = SimdKernels.create({ initialPages: 1, shared: false });
    own.reserve(40_000);
    own.allocate(30_000);
    expect(() => own.allocate(30_000)).toThrow(/reserve/);
  });

  it('runs the same kernels from a second instance over the same shared memory (what a worker does)', () => {
    const a = inMemory(Float32Array.from([1, 2, 3, 4])), c = tier.allocate(1);
    const worker = SimdKernels.attach(tier.module, tier.memory);
    const va = worker.view(a.byteOffset, 4), vc = worker.view(c.byteOffset, 1);
    worker.gemm({ transposeA: false, transposeB: false, m: 1, n: 1, k: 4, a: va, b: va, c: vc, accumulate: false });
    expect(c[0]).toBe(30);
    expect(() => worker.allocate(1)).toThrow(keras.RuntimeError);
  });
});

describe('SIMD tier in a worker thread', () => {
  it('runs the kernels posted to a worker on the same shared memory', async () => {
    const { Worker } = await import('node:worker_threads');
    const a = inMemory(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8])), c = tier.allocate(4);
    // The worker gets the compiled module, the memory and byte offsets: no copy of any array.
    const source = `
      const { parentPort, workerData: { module, memory, pA, pC } } = require('node:worker_threads');
      const { exports } = new WebAssembly.Instance(module, { env: { memory, log: Math.log } });
      exports.gemmNN(2, 2, 2, pA, 2, pA, pC, 0); // [[1, 2], [3, 4]] squared, into C
      parentPort.postMessage('done');`;
    const worker = new Worker(source, { eval: true, workerData: { module: tier.module, memory: tier.memory, pA: a.byteOffset, pC: c.byteOffset } });
    await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(Array.from(c)).toEqual([7, 10, 15, 22]);
  });
});

describe('keras.config kernels', () => {
  afterEach(() => keras.config.setKernels('js'));

  it('is js by default, switches to simd (once loaded) and back, and rejects unknown names', async () => {
    expect(keras.config.kernels()).toBe('js');
    const switching = keras.config.setKernels('simd');
    expect(switching).toBeInstanceOf(Promise);
    expect(await switching).toBe(simdSupported() ? 'simd' : 'js');
    expect(keras.config.kernels()).toBe(simdSupported() ? 'simd' : 'js');
    expect(await keras.config.setKernels('js')).toBe('js');
    expect(keras.config.kernels()).toBe('js');
    expect(() => keras.config.setKernels('smid' as 'simd')).toThrow(/Did you mean 'simd'\?/);
  });

  it("lets a later setKernels('js') win over a SIMD load still under way", async () => {
    const simd = keras.config.setKernels('simd');
    keras.config.setKernels('js');
    expect(keras.config.kernels()).toBe('js');
    await simd;
    expect(keras.config.kernels()).toBe('js');
  });

  it('stays on js and warns once where WebAssembly SIMD is unavailable', async () => {
    vi.resetModules();
    vi.doMock('../../src/tensor/kernels/simd/simd-kernels.js', async (original) => ({
      ...(await original<object>()),
      simdSupported: () => false,
    }));
    const { setKernels, kernels } = await import('../../src/api/config.js');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await setKernels('simd');
    await setKernels('simd');
    expect(kernels()).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/no WebAssembly SIMD/);
    warn.mockRestore();
    vi.doUnmock('../../src/tensor/kernels/simd/simd-kernels.js');
  });

  it('stays on js and warns, without rejecting, when the SIMD tier fails to start', async () => {
    vi.resetModules();
    vi.doMock('../../src/tensor/kernels/simd/simd-table.js', () => ({
      sharedMemorySupported: () => true,
      processSimdTable: () => {
        throw new Error('out of memory');
      },
    }));
    const { setKernels, kernels } = await import('../../src/api/config.js');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(setKernels('simd')).resolves.toBe('js');
    expect(kernels()).toBe('js');
    expect(String(warn.mock.calls[0]![0])).toMatch(/^setKernels\('simd'\): the SIMD tier could not start \(out of memory\); the kernels stay on 'js'\.$/);
    warn.mockRestore();
    vi.doUnmock('../../src/tensor/kernels/simd/simd-table.js');
  });
});
