/**
 * Matrix-multiply kernel benchmark: GFLOP/s (2·M·N·K flops per call) of
 * `gemm` and `gemmReference` on the shapes a 784-128-10 MLP trained at batch
 * 32 actually runs, with realistic data:
 *
 * - input images: synthetic 28×28 "blobs" (random ellipse of non-zero pixels
 *   on a zero background, ≈55% exact zeros, spatially clustered like real
 *   Fashion-MNIST borders);
 * - hidden activations: ReLU outputs (≈50% zeros, scattered);
 * - weights and output gradients: dense uniform in [-1, 1].
 *
 * Every shape is first warmed up in a mixed order (as in training, where all
 * four variants run interleaved), then each is timed: 9 repetitions (3 for the
 * slowest reference runs) of enough calls to take ≥ 100 ms; the median is
 * reported. On a shared or virtualised machine, expect ±20% between runs.
 *
 *     npx tsx bench/matmul.ts
 */
import { gemm, gemmReference } from '../src/tensor/kernels/matmul.js';
import { RandomGenerator } from '../src/tensor/random.js';

type Kernel = typeof gemm;

/** A seeded uniform [0, 1) source (the library's own generator), so a failing case replays exactly. */
function rng(seed: number): () => number {
  const generator = new RandomGenerator(seed);
  return () => generator.uniform();
}
const r = rng(2024);

function images(n: number): Float32Array {
  const x = new Float32Array(n * 784);
  for (let s = 0; s < n; s++) {
    const cx = 11.5 + r() * 5, cy = 11.5 + r() * 5, rx = 8 + r() * 4, ry = 9 + r() * 4;
    for (let y = 0; y < 28; y++) {
      for (let xx = 0; xx < 28; xx++) {
        const inside = ((xx - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1;
        x[s * 784 + y * 28 + xx] = inside ? r() : 0;
      }
    }
  }
  return x;
}
function dense(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = r() * 2 - 1;
  return x;
}
function relu(n: number): Float32Array {
  const x = dense(n);
  for (let i = 0; i < n; i++) x[i] = Math.max(0, x[i]!);
  return x;
}
function zeroFraction(x: Float32Array): number {
  let z = 0;
  for (const v of x) if (v === 0) z++;
  return x.length === 0 ? 0 : z / x.length;
}

interface Shape {
  name: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  A: Float32Array;
  B: Float32Array;
}

const X32 = images(32);
const H32 = relu(32 * 128);
const W1 = dense(784 * 128);
const W2 = dense(128 * 10);
const shapes: Shape[] = [
  { name: 'layer 1 forward  X·W1', transA: false, transB: false, M: 32, N: 128, K: 784, A: X32, B: W1 },
  { name: 'layer 1 fwd, dense A', transA: false, transB: false, M: 32, N: 128, K: 784, A: dense(32 * 784), B: W1 },
  { name: 'layer 1 dW1 = Xᵀ·dY', transA: true, transB: false, M: 784, N: 128, K: 32, A: X32, B: dense(32 * 128) },
  { name: 'layer 2 forward  H·W2', transA: false, transB: false, M: 32, N: 10, K: 128, A: H32, B: W2 },
  { name: 'layer 2 dW2 = Hᵀ·dY', transA: true, transB: false, M: 128, N: 10, K: 32, A: H32, B: dense(32 * 10) },
  { name: 'layer 2 dX = dY·W2ᵀ', transA: false, transB: true, M: 32, N: 128, K: 10, A: dense(32 * 10), B: W2 },
  { name: 'predict 10000 rows', transA: false, transB: false, M: 10000, N: 128, K: 784, A: images(10000), B: W1 },
];

function callOnce(f: Kernel, s: Shape, C: Float32Array): void {
  f({ transposeA: s.transA, transposeB: s.transB, m: s.M, n: s.N, k: s.K, a: s.A, b: s.B, c: C, accumulate: false });
}

/** Median GFLOP/s over `reps` timed repetitions, each ≥ 100 ms of back-to-back calls. */
function measure(f: Kernel, s: Shape, C: Float32Array): number {
  const flops = 2 * s.M * s.N * s.K;
  let t0 = performance.now();
  callOnce(f, s, C);
  const one = Math.max(performance.now() - t0, 1e-3);
  const calls = Math.max(1, Math.ceil(100 / one));
  const reps = one > 500 ? 3 : 9;
  const perCall: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    t0 = performance.now();
    for (let c = 0; c < calls; c++) callOnce(f, s, C);
    perCall.push((performance.now() - t0) / calls);
  }
  perCall.sort((a, b) => a - b);
  const ms = perCall[Math.floor(reps / 2)]!;
  return flops / (ms * 1e6);
}

// Warm-up (≈2 s): every variant, interleaved, so the JIT sees the same mix as
// training and has fully optimised both functions before anything is timed.
const outputs = shapes.map((s) => new Float32Array(s.M * s.N));
const warmEnd = performance.now() + 2000;
for (let round = 0; round < 3 || performance.now() < warmEnd; round++) {
  shapes.forEach((s, i) => {
    if (s.M * s.N * s.K < 1e7 || round < 2) callOnce(gemm, s, outputs[i]!);
    if (s.M * s.N * s.K < 1e6) callOnce(gemmReference, s, outputs[i]!);
  });
}

const header = ['shape', 'tA', 'tB', 'M', 'N', 'K', 'A zeros', 'gemm', 'reference', 'speedup'];
const rows: string[][] = [];
for (const [i, s] of shapes.entries()) {
  const C = outputs[i]!;
  const Cref = new Float32Array(C.length);
  const fast = measure(gemm, s, C);
  const ref = measure(gemmReference, s, Cref);
  let maxDiff = 0;
  for (let j = 0; j < C.length; j++) maxDiff = Math.max(maxDiff, Math.abs(C[j]! - Cref[j]!));
  if (maxDiff > 1e-5 * s.K) throw new Error(`${s.name}: gemm and reference differ by ${maxDiff}`);
  rows.push([
    s.name,
    s.transA ? 'T' : 'N',
    s.transB ? 'T' : 'N',
    String(s.M),
    String(s.N),
    String(s.K),
    `${Math.round(100 * zeroFraction(s.A))}%`,
    fast.toFixed(2),
    ref.toFixed(2),
    `${(fast / ref).toFixed(1)}×`,
  ]);
}

const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
const line = (cells: string[]): string =>
  cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
console.log(`gemm vs gemmReference, GFLOP/s (2·M·N·K per call), node ${process.version}`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
