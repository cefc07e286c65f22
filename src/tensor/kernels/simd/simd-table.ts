/**
 * The SIMD tier as a kernel table (../index.ts's `Kernels`), loaded by the
 * tier switch only when 'simd' is asked for (../tier.ts), and in pool
 * workers (../worker-tier.ts).
 *
 * The SIMD kernels read and write only their own memory. So while 'simd' is
 * in use, long-lived buffers (weights, optimizer slots, the fused
 * executor's step and inference buffers: ../../storage.ts) are allocated
 * there, and the kernels run on them with no copy. An array from elsewhere
 * (a gradient made by autograd, a user's input) goes to the JS kernel
 * instead, except in a large matrix product, which copies its operands into
 * a scratch block of the memory first: copying is O(mk + kn + mn), the
 * product O(mnk).
 */
import { jsKernels, type Kernels } from '../index.js';
import type { GemmArgs } from '../matmul.js';
import type { SoftmaxCrossEntropyArgs } from '../softmax.js';
import type { ActivationKind, OutputDerivativeKind } from '../activations.js';
import { SimdKernels, simdSupported } from './simd-kernels.js';

/** The process's SIMD table, made on first use and kept (buffers may still live in its memory). */
let processTable: Kernels | null = null;

/** The SIMD table of this process (the main thread's), or null where WebAssembly SIMD is unavailable. */
export function processSimdTable(): Kernels | null {
  if (processTable === null && simdSupported()) processTable = simdTable(SimdKernels.create());
  return processTable;
}

/** In a worker: the table over the main thread's compiled module and shared memory. */
export function attachedSimdTable(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  return simdTable(SimdKernels.attach(module, memory));
}

/** Multiply-adds from which a product with operands outside the memory is worth copying in. */
const STAGING_MIN_WORK = 1 << 16;

/** The kernels of `tier`, each falling back to the JS kernel for arrays outside its memory. */
function simdTable(tier: SimdKernels): Kernels {
  const has = (a: Float32Array | Float64Array) => tier.holds(a);
  const staging = new GemmStaging(tier);
  return Object.freeze({
    tier: 'simd',
    memory: tier,
    gemm(args: GemmArgs): void {
      if (has(args.a) && has(args.b) && has(args.c)) tier.gemm(args);
      else if (args.m * args.n * args.k < STAGING_MIN_WORK || !staging.run(args)) jsKernels.gemm(args);
    },
    addBias(A: Float32Array, bias: Float32Array, rowStart: number, rowEnd: number, units: number): void {
      (has(A) && has(bias) ? tier : jsKernels).addBias(A, bias, rowStart, rowEnd, units);
    },
    activate(kind: ActivationKind, z: Float32Array, y: Float32Array, start: number, end: number): void {
      (has(z) && has(y) ? tier : jsKernels).activate(kind, z, y, start, end);
    },
    activationGradient(kind: OutputDerivativeKind, y: Float32Array, grad: Float32Array, into: Float32Array, start: number, end: number): void {
      (has(y) && has(grad) && has(into) ? tier : jsKernels).activationGradient(kind, y, grad, into, start, end);
    },
    columnSums(dZ: Float32Array, rows: number, units: number, colStart: number, colEnd: number, out: Float32Array): void {
      (has(dZ) && has(out) ? tier : jsKernels).columnSums(dZ, rows, units, colStart, colEnd, out);
    },
    softmaxRows: jsKernels.softmaxRows,
    activationGradientFromInput: jsKernels.activationGradientFromInput,
    softmaxSlice: jsKernels.softmaxSlice,
    softmaxCrossEntropy(args: SoftmaxCrossEntropyArgs): void {
      const inside = has(args.logits) && has(args.labels) && has(args.grad) && has(args.totals) && (args.rowLosses === null || has(args.rowLosses));
      (inside ? tier : jsKernels).softmaxCrossEntropy(args);
    },
    adamUpdate(g, theta, m, v, start, end, alpha, beta1, beta2, epsilon): void {
      (has(g) && has(theta) && has(m) && has(v) ? tier : jsKernels).adamUpdate(g, theta, m, v, start, end, alpha, beta1, beta2, epsilon);
    },
    sgdUpdate(g, theta, momentum, start, end, learningRate, mu, nesterov): void {
      const inside = has(g) && has(theta) && (momentum === null || has(momentum));
      (inside ? tier : jsKernels).sgdUpdate(g, theta, momentum, start, end, learningRate, mu, nesterov);
    },
    fillDropoutMask: jsKernels.fillDropoutMask,
    applyMask: jsKernels.applyMask,
  } satisfies Kernels);
}

/**
 * A matrix product on operands outside the memory: copy A, B (and C when
 * accumulating) into one scratch block, multiply there, copy C back. The
 * block is kept and grows by doubling. Main thread only (autograd).
 */
class GemmStaging {
  private scratch: Float32Array | null = null;
  private readonly staged: GemmArgs = {
    transposeA: false, transposeB: false, m: 0, n: 0, k: 0,
    a: new Float32Array(0), b: new Float32Array(0), c: new Float32Array(0), accumulate: false,
  };

  constructor(private readonly tier: SimdKernels) {}

  /** Runs the product through the scratch block; false when the memory cannot give one (then the caller uses JS). */
  run(args: GemmArgs): boolean {
    const { transposeA, m, n, k } = args;
    const lda = args.lda ?? (transposeA ? m : k);
    const aLength = transposeA ? (k - 1) * lda + m : (m - 1) * lda + k;
    const bLength = k * n;
    const cLength = m * n;
    const scratch = this.scratchOf(aLength + bLength + cLength);
    if (scratch === null) return false;
    const a = scratch.subarray(0, aLength);
    const b = scratch.subarray(aLength, aLength + bLength);
    const c = scratch.subarray(aLength + bLength, aLength + bLength + cLength);
    a.set(args.a.subarray(0, aLength));
    b.set(args.b.subarray(0, bLength));
    if (args.accumulate) c.set(args.c.subarray(0, cLength));
    Object.assign(this.staged, args, { a, b, c, lda });
    this.tier.gemm(this.staged);
    args.c.set(c);
    return true;
  }

  private scratchOf(length: number): Float32Array | null {
    if (this.scratch !== null && this.scratch.length >= length) return this.scratch;
    try {
      const grown = this.tier.allocate(Math.max(length, 2 * (this.scratch?.length ?? 0)));
      if (this.scratch !== null) this.tier.release(this.scratch);
      this.scratch = grown;
      return grown;
    } catch {
      return null; // an unshared memory that may not grow any more
    }
  }
}

/** Whether the tier's memory can be shared here; without it, the process table is not offered (tier.ts says why). */
export { sharedMemorySupported } from './simd-kernels.js';
