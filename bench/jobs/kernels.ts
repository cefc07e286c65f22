/**
 * Kernel throughput on the seed model's own shapes (784-128-10 MLP, batch 32),
 * on both kernel tiers: the plain TypeScript loops ('js', src/tensor/kernels/)
 * and WebAssembly SIMD ('simd', src/tensor/kernels/simd/), each on the same
 * operands (copied into the SIMD tier's memory for 'simd').
 *
 * - `gemm` in GFLOP/s, 2·M·N·K flops per call, for the five products one
 *   training step runs:
 *     layer 1 forward   X·W1    32×784 · 784×128
 *     layer 1 dW1       Xᵀ·dZ1  (784×32 · 32×128, transA)
 *     layer 2 forward   H·W2    32×128 · 128×10
 *     layer 2 dW2       Hᵀ·dY   (128×32 · 32×10, transA)
 *     layer 2 dH        dY·W2ᵀ  (32×10 · (128×10)ᵀ, transB)
 *   with realistic operands: X is the first 32 training images scaled to
 *   [0, 1] (about half exact zeros), W1 and W2 are glorot-uniform,
 *   H = relu(X·W1) (its zeros are real ReLU zeros), dZ1 is a dense gradient
 *   masked by H > 0 (as relu's backward masks it), dY is dense.
 * - The element-wise kernels of a step, in millions of elements per second:
 *   bias + relu and relu's backward on [32, 128], the bias gradient (column
 *   sums of [32, 128]), softmax crossentropy on [32, 10], and Adam's update
 *   (`adamUpdate`) over the model's four variables (101,770 parameters).
 *
 * Everything is warmed up first (≈2 s, all kernels interleaved, as training
 * interleaves them), then timed as 9 repetitions of enough back-to-back calls
 * to take ≥ 100 ms; the median repetition is reported.
 *
 *     npx tsx bench/jobs/kernels.ts            # indented JSON
 *     npm run bench -- --only kernels          # as a table
 */
import * as keras from '../../src/index.js';
import { jsKernels } from '../../src/tensor/kernels/index.js';
import { loadSeedData } from '../lib/seed-data.js';
import { kernelTiers, medianMsPerCall, warmUp, type Timed } from '../lib/kernel-timing.js';
import {
  emitResult, parseJobOptions, processStats, progress,
  type ElementwiseKernelResult, type KernelResult, type KernelsJobResult,
} from '../lib/protocol.js';

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
jsKernels.gemm({ transposeA: false, transposeB: false, m: batch, n: hidden, k: inputs, a: X, b: W1, c: H, accumulate: false });
for (let i = 0; i < H.length; i++) H[i] = Math.max(0, H[i]!);
const dZ1 = keras.random.normal([batch, hidden], 0, 1 / batch).data;
for (let i = 0; i < dZ1.length; i++) if (H[i] === 0) dZ1[i] = 0;
const dY = keras.random.normal([batch, classes], 0, 1 / batch).data;

const shapes: Shape[] = [
  { name: 'layer 1 forward', transA: false, transB: false, M: batch, N: hidden, K: inputs, A: X, B: W1 },
  { name: 'layer 1 dW (transA)', transA: true, transB: false, M: inputs, N: hidden, K: batch, A: X, B: dZ1 },
  { name: 'layer 2 forward', transA: false, transB: false, M: batch, N: classes, K: hidden, A: H, B: W2 },
  { name: 'layer 2 dW (transA)', transA: true, transB: false, M: hidden, N: classes, K: batch, A: H, B: dY },
  { name: 'layer 2 dX (transB)', transA: false, transB: true, M: batch, N: hidden, K: classes, A: dY, B: W2 },
];

const { tiers, simdAvailable } = kernelTiers(options);

const gemmCalls = shapes.map((s) =>
  tiers.map(({ tier, k, place }): Timed => {
    const args = { transposeA: s.transA, transposeB: s.transB, m: s.M, n: s.N, k: s.K, a: place(s.A), b: place(s.B), c: place(new Float32Array(s.M * s.N)), accumulate: false };
    return { tier, call: () => k.gemm(args) };
  }),
);

// Element-wise kernels of one step, on the seed's shapes.
const Z1 = H.map((h, i) => h - 0.5 * (i % 3)); // pre-activations with negatives
const b1 = keras.random.normal([hidden], 0, 0.1).data;
const Z2 = keras.random.normal([batch, classes], 0, 3).data;
const labels = Float32Array.from({ length: batch }, (_, i) => i % classes);
const adam = new keras.optimizers.Adam();
const variables = [[inputs, hidden], [hidden], [hidden, classes], [classes]].map((dims) => dims.reduce((a, b) => a * b, 1));
const adamParams = variables.reduce((a, b) => a + b, 0);

interface Elementwise {
  name: string;
  elements: number;
  calls: Timed[];
}
const elementwise: Elementwise[] = [
  {
    name: 'bias + relu [32, 128]',
    elements: batch * hidden,
    calls: tiers.map(({ tier, k, place }) => {
      // In place, call after call: the values drift by the bias each time, which changes nothing in the work.
      const [A, bias] = [place(Z1), place(b1)];
      return { tier, call: () => { k.addBias(A, bias, 0, batch, hidden); k.activate('relu', A, A, 0, batch * hidden); } };
    }),
  },
  {
    name: 'relu backward [32, 128]',
    elements: batch * hidden,
    calls: tiers.map(({ tier, k, place }) => {
      const [dZ, A] = [place(dZ1), place(H)];
      return { tier, call: () => k.activationGradient('relu', A, dZ, dZ, 0, batch * hidden) };
    }),
  },
  {
    name: 'bias gradient (column sums) [32, 128]',
    elements: batch * hidden,
    calls: tiers.map(({ tier, k, place }) => {
      const [dZ, out] = [place(dZ1), place(new Float32Array(hidden))];
      return { tier, call: () => k.columnSums(dZ, batch, hidden, 0, hidden, out) };
    }),
  },
  {
    name: 'softmax crossentropy [32, 10]',
    elements: batch * classes,
    calls: tiers.map(({ tier, k, place, totals }) => {
      const args = {
        logits: place(Z2), labels: place(labels), classes, rowStart: 0, rowEnd: batch, scale: 1 / batch,
        grad: place(new Float32Array(batch * classes)), totals: totals(), rowLosses: null,
      };
      return { tier, call: () => k.softmaxCrossEntropy(args) };
    }),
  },
  {
    name: `Adam (${adamParams.toLocaleString('en-US')} params)`,
    elements: adamParams,
    calls: tiers.map(({ tier, k, place }) => {
      const sets = variables.map((n) => ({
        g: place(keras.random.normal([n], 0, 0.01).data),
        theta: place(keras.random.uniform([n], -0.1, 0.1).data),
        m: place(new Float32Array(n)),
        v: place(new Float32Array(n)),
        n,
      }));
      const alpha = adam.stepSize(10);
      return { tier, call: () => { for (const s of sets) k.adamUpdate(s.g, s.theta, s.m, s.v, 0, s.n, alpha, adam.beta1, adam.beta2, adam.epsilon); } };
    }),
  },
];

progress(options, `warming up for ${WARM_UP_MS / 1000} s`);
warmUp([...gemmCalls.flat(), ...elementwise.flatMap((e) => e.calls)], WARM_UP_MS);

const gemmResults: KernelResult[] = shapes.flatMap((s, index) =>
  gemmCalls[index]!.map(({ tier, call }) => {
    const ms = medianMsPerCall(call, 100);
    const result: KernelResult = {
      name: s.name,
      tier,
      transA: s.transA,
      transB: s.transB,
      M: s.M,
      N: s.N,
      K: s.K,
      aZeroFraction: zeroFraction(s.A),
      gflops: (2 * s.M * s.N * s.K) / (ms * 1e6),
      microsecondsPerCall: ms * 1000,
    };
    progress(options, `${s.name} (${tier}): ${result.gflops.toFixed(2)} GFLOP/s`);
    return result;
  }),
);
const elementwiseResults: ElementwiseKernelResult[] = elementwise.flatMap((e) =>
  e.calls.map(({ tier, call }) => {
    const ms = medianMsPerCall(call, 100);
    progress(options, `${e.name} (${tier}): ${((e.elements / ms) * 1e-3).toFixed(0)} M elements/s`);
    return { name: e.name, tier, elements: e.elements, elementsPerSecond: (e.elements / ms) * 1000, microsecondsPerCall: ms * 1000 };
  }),
);

const result: KernelsJobResult = {
  job: 'kernels',
  simdAvailable,
  gemm: gemmResults,
  elementwise: elementwiseResults,
  ...processStats(),
};
emitResult(options, result);

/** A fan-in × fan-out matrix drawn as Keras's default Dense kernel is. */
function glorotUniform(fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return keras.random.uniform([fanIn, fanOut], -limit, limit).data;
}

function zeroFraction(values: Float32Array): number {
  let zeros = 0;
  for (const v of values) if (v === 0) zeros++;
  return values.length === 0 ? 0 : zeros / values.length;
}
