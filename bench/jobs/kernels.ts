/**
 * Kernel throughput on the seed model's own shapes (784-128-10 MLP, batch 32):
 *
 * - `gemm` (src/tensor/kernels/matmul.ts) in GFLOP/s, 2·M·N·K flops per call,
 *   for the five products one training step runs:
 *     layer 1 forward   X·W1    32×784 · 784×128
 *     layer 1 dW1       Xᵀ·dZ1  (784×32 · 32×128, transA)
 *     layer 2 forward   H·W2    32×128 · 128×10
 *     layer 2 dW2       Hᵀ·dY   (128×32 · 32×10, transA)
 *     layer 2 dH        dY·W2ᵀ  (32×10 · (128×10)ᵀ, transB)
 *   with realistic operands: X is the first 32 training images scaled to
 *   [0, 1] (about half exact zeros), W1 and W2 are glorot-uniform,
 *   H = relu(X·W1) (its zeros are real ReLU zeros), dZ1 is a dense gradient
 *   masked by H > 0 (as relu's backward masks it), dY is dense.
 * - Adam: `new keras.optimizers.Adam()` and one `applyGradients` call over the
 *   model's four variables (784×128, 128, 128×10, 10: 101,770 parameters),
 *   in parameters updated per second.
 *
 * Everything is warmed up first (≈2 s, all shapes interleaved, as training
 * interleaves them), then timed as 9 repetitions of enough back-to-back calls
 * to take ≥ 100 ms (≥ 200 ms for Adam); the median repetition is reported.
 *
 *     npx tsx bench/jobs/kernels.ts            # indented JSON
 *     npm run bench -- --only kernels          # as a table
 */
import * as keras from '../../src/index.js';
import { gemm } from '../../src/tensor/kernels/matmul.js';
import { loadSeedData } from '../lib/seed-data.js';
import { emitResult, median, parseJobOptions, processStats, progress, type KernelResult, type KernelsJobResult } from '../lib/protocol.js';

interface Shape {
  name: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  A: Float32Array;
  B: Float32Array;
  C: Float32Array;
}

const REPETITIONS = 9;
const WARM_UP_MS = 2000;

const options = parseJobOptions(1);
const batch = 32, inputs = 784, hidden = 128, classes = 10;

// Operands.
keras.utils.setRandomSeed(1);
const { x } = await loadSeedData(batch);
const X = Float32Array.from(x.data); // [32, 784], real scaled images
const W1 = glorotUniform(inputs, hidden);
const W2 = glorotUniform(hidden, classes);
const H = new Float32Array(batch * hidden);
gemm({ transposeA: false, transposeB: false, m: batch, n: hidden, k: inputs, a: X, b: W1, c: H, accumulate: false });
for (let i = 0; i < H.length; i++) H[i] = Math.max(0, H[i]!);
const dZ1 = keras.randomNormal([batch, hidden], 0, 1 / batch).data;
for (let i = 0; i < dZ1.length; i++) if (H[i] === 0) dZ1[i] = 0;
const dY = keras.randomNormal([batch, classes], 0, 1 / batch).data;

const shapes: Shape[] = [
  shape('layer 1 forward', false, false, batch, hidden, inputs, X, W1),
  shape('layer 1 dW (transA)', true, false, inputs, hidden, batch, X, dZ1),
  shape('layer 2 forward', false, false, batch, classes, hidden, H, W2),
  shape('layer 2 dW (transA)', true, false, hidden, classes, batch, H, dY),
  shape('layer 2 dX (transB)', false, true, batch, hidden, classes, dY, W2),
];

// Adam over the seed model's variables, with fixed gradients.
const adam = new keras.optimizers.Adam();
const pairs = [
  [inputs, hidden],
  [hidden],
  [hidden, classes],
  [classes],
].map((dims) => [keras.randomNormal(dims, 0, 0.01), keras.randomUniform(dims, -0.1, 0.1)] as const);
const adamParams = pairs.reduce((n, [, variable]) => n + variable.size, 0);
const adamStep = (): void => adam.applyGradients(pairs);

progress(options, `warming up for ${WARM_UP_MS / 1000} s`);
const warmEnd = performance.now() + WARM_UP_MS;
while (performance.now() < warmEnd) {
  for (const s of shapes) callOnce(s);
  adamStep();
}

const gemmResults: KernelResult[] = shapes.map((s) => {
  const ms = medianMsPerCall(() => callOnce(s), 100);
  const result: KernelResult = {
    name: s.name,
    transA: s.transA,
    transB: s.transB,
    M: s.M,
    N: s.N,
    K: s.K,
    aZeroFraction: zeroFraction(s.A),
    gflops: (2 * s.M * s.N * s.K) / (ms * 1e6),
    microsecondsPerCall: ms * 1000,
  };
  progress(options, `${s.name}: ${result.gflops.toFixed(2)} GFLOP/s`);
  return result;
});
const adamMs = medianMsPerCall(adamStep, 200);
progress(options, `Adam: ${((adamParams / adamMs) * 1e-3).toFixed(0)} M params/s`);

const result: KernelsJobResult = {
  job: 'kernels',
  gemm: gemmResults,
  adam: { params: adamParams, paramsPerSecond: (adamParams / adamMs) * 1000, microsecondsPerStep: adamMs * 1000 },
  ...processStats(),
};
emitResult(options, result);

function shape(name: string, transA: boolean, transB: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array): Shape {
  return { name, transA, transB, M, N, K, A, B, C: new Float32Array(M * N) };
}

function callOnce(s: Shape): void {
  gemm({ transposeA: s.transA, transposeB: s.transB, m: s.M, n: s.N, k: s.K, a: s.A, b: s.B, c: s.C, accumulate: false });
}

/** Median milliseconds per call over REPETITIONS runs of back-to-back calls, each ≥ minMs long. */
function medianMsPerCall(call: () => void, minMs: number): number {
  let t0 = performance.now();
  call();
  const one = Math.max(performance.now() - t0, 1e-3);
  const calls = Math.max(1, Math.ceil(minMs / one));
  const perCall: number[] = [];
  for (let rep = 0; rep < REPETITIONS; rep++) {
    t0 = performance.now();
    for (let c = 0; c < calls; c++) call();
    perCall.push((performance.now() - t0) / calls);
  }
  return median(perCall);
}

/** A fan-in × fan-out matrix drawn as Keras's default Dense kernel is. */
function glorotUniform(fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return keras.randomUniform([fanIn, fanOut], -limit, limit).data;
}

function zeroFraction(values: Float32Array): number {
  let zeros = 0;
  for (const v of values) if (v === 0) zeros++;
  return values.length === 0 ? 0 : zeros / values.length;
}
