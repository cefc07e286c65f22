/**
 * The SIMD tier as a kernel table (../index.ts's `Kernels`), loaded by the
 * tier switch only when 'simd' is asked for (../tier.ts), and in pool
 * workers (../worker-tier.ts).
 *
 * The SIMD kernels read and write only their own memory. So while 'simd' is
 * in use, long-lived buffers (weights, optimizer slots, the fused
 * executor's step and inference buffers: ../../storage.ts) are allocated
 * there, and the kernels run on them with no copy.
 *
 * A kernel gives the tier's result wherever its arrays are: an array from
 * elsewhere (a value made by an autograd op, a user's input) is no reason
 * for other arithmetic. The matrix product, softmax crossentropy and
 * Winograd's transforms, whose SIMD arithmetic differs from the JS kernels'
 * (float32 lanes, a polynomial exp), copy such operands into a scratch block
 * of the memory, run there and copy their results back (`Staging`): copying
 * is O(mk + kn + mn), the product O(mnk). So autograd on this tier does the fused executor's
 * arithmetic, and the two agree bit for bit, as on the JS tier
 * (test/fused/simd-executor.test.ts). The other kernels are the JS kernels'
 * float32 operations lane for lane (bias add, relu, column sums in row
 * order, Adam, SGD, and the image loops' copies, sums and comparisons:
 * equal bit for bit, test/tensor/simd-kernels.test.ts),
 * so for arrays elsewhere they run the JS kernel itself. Only where the
 * memory cannot give a scratch block (an unshared memory that may not grow
 * any more) does a product or a loss fall back to the JS kernel.
 */
import { jsKernels, type Kernels } from '../index.js';
import { checkGemmArgs, type GemmArgs } from '../matmul.js';
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

/** The kernels of `tier`, each falling back to the JS kernel for arrays outside its memory (exported for the bench's kernel jobs). */
export function simdTable(tier: SimdKernels): Kernels {
  const has = (a: Float32Array | Float64Array | Int32Array) => tier.holds(a);
  const staging = new Staging(tier);
  return Object.freeze({
    tier: 'simd',
    memory: tier,
    gemm(args: GemmArgs): void {
      if (has(args.a) && has(args.b) && has(args.c)) tier.gemm(args);
      else if (!staging.gemm(args)) jsKernels.gemm(args);
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
      if (inside) tier.softmaxCrossEntropy(args);
      else if (!staging.softmaxCrossEntropy(args)) jsKernels.softmaxCrossEntropy(args);
    },
    adamUpdate(g, theta, m, v, start, end, alpha, beta1, beta2, epsilon): void {
      (has(g) && has(theta) && has(m) && has(v) ? tier : jsKernels).adamUpdate(g, theta, m, v, start, end, alpha, beta1, beta2, epsilon);
    },
    sgdUpdate(g, theta, momentum, start, end, learningRate, mu, nesterov): void {
      const inside = has(g) && has(theta) && (momentum === null || has(momentum));
      (inside ? tier : jsKernels).sgdUpdate(g, theta, momentum, start, end, learningRate, mu, nesterov);
    },
    rmspropUpdate: jsKernels.rmspropUpdate,
    adagradUpdate: jsKernels.adagradUpdate,
    nadamUpdate: jsKernels.nadamUpdate,
    decayWeights: jsKernels.decayWeights,
    fillDropoutMask: jsKernels.fillDropoutMask,
    applyMask: jsKernels.applyMask,
    im2col(x, g, patches, firstImage): void {
      (has(x) && has(patches) ? tier : jsKernels).im2col(x, g, patches, firstImage);
    },
    convValid(x, g, kernel, F, y, firstImage): void {
      // Its bits are the SIMD gemm's only in the memory with F in whole vectors; elsewhere im2col and the staged gemm give them.
      if (has(x) && has(kernel) && has(y) && F % 4 === 0) tier.convValid(x, g, kernel, F, y, firstImage);
      else {
        const patches = new Float32Array(g.batch * g.outHeight * g.outWidth * g.kernelHeight * g.kernelWidth * g.channels);
        this.im2col(x, g, patches, firstImage);
        this.gemm({ transposeA: false, transposeB: false, m: g.batch * g.outHeight * g.outWidth, n: F, k: g.kernelHeight * g.kernelWidth * g.channels, a: patches, b: kernel, c: y, accumulate: false });
      }
    },
    col2im(dPatches, g, dX): void {
      (has(dPatches) && has(dX) ? tier : jsKernels).col2im(dPatches, g, dX);
    },
    maxPool(x, g, y, winners): void {
      (has(x) && has(y) && (winners === null || has(winners)) ? tier : jsKernels).maxPool(x, g, y, winners);
    },
    maxPoolBackward(dY, winners, dX, count): void {
      (has(dY) && has(winners) && has(dX) ? tier : jsKernels).maxPoolBackward(dY, winners, dX, count);
    },
    // Winograd's transforms in lanes need whole groups of four channels (winogradApplies asks for them);
    // on arrays elsewhere (autograd's) they run staged, as the product does, for the tier's bits.
    winogradKernel(kernel, C, F, U, flipped): void {
      if (F % 4 !== 0) jsKernels.winogradKernel(kernel, C, F, U, flipped);
      else if (has(kernel) && has(U)) tier.winogradKernel(kernel, C, F, U, flipped);
      else if (!staging.run([kernel, U], [true, false], [false, true], ([k, u]) => tier.winogradKernel(k!, C, F, u!, flipped))) {
        jsKernels.winogradKernel(kernel, C, F, U, flipped);
      }
    },
    winogradInput(x, g, V, capacity, firstImage): void {
      if (g.channels % 4 !== 0) jsKernels.winogradInput(x, g, V, capacity, firstImage);
      else if (has(x) && has(V)) tier.winogradInput(x, g, V, capacity, firstImage);
      else if (!staging.run([x, V], [true, false], [false, true], ([xs, vs]) => tier.winogradInput(xs!, g, vs!, capacity, firstImage))) {
        jsKernels.winogradInput(x, g, V, capacity, firstImage);
      }
    },
    winogradOutput(M, g, F, capacity, y, accumulate): void {
      if (F % 4 !== 0) jsKernels.winogradOutput(M, g, F, capacity, y, accumulate);
      else if (has(M) && has(y)) tier.winogradOutput(M, g, F, capacity, y, accumulate);
      else if (!staging.run([M, y], [true, accumulate], [false, true], ([ms, ys]) => tier.winogradOutput(ms!, g, F, capacity, ys!, accumulate))) {
        jsKernels.winogradOutput(M, g, F, capacity, y, accumulate);
      }
    },
    winogradGradientTiles(dY, g, F, E, capacity, firstImage): void {
      if (F % 4 !== 0) jsKernels.winogradGradientTiles(dY, g, F, E, capacity, firstImage);
      else if (has(dY) && has(E)) tier.winogradGradientTiles(dY, g, F, E, capacity, firstImage);
      else if (!staging.run([dY, E], [true, false], [false, true], ([d, e]) => tier.winogradGradientTiles(d!, g, F, e!, capacity, firstImage))) {
        jsKernels.winogradGradientTiles(dY, g, F, E, capacity, firstImage);
      }
    },
    winogradKernelGradient(Q, C, F, dW, c0, c1): void {
      // dW is copied in too: the channels outside c0 … c1 − 1 stay as they are.
      if (F % 4 !== 0) jsKernels.winogradKernelGradient(Q, C, F, dW, c0, c1);
      else if (has(Q) && has(dW)) tier.winogradKernelGradient(Q, C, F, dW, c0, c1);
      else if (!staging.run([Q, dW], [true, true], [false, true], ([q, w]) => tier.winogradKernelGradient(q!, C, F, w!, c0, c1))) {
        jsKernels.winogradKernelGradient(Q, C, F, dW, c0, c1);
      }
    },
  } satisfies Kernels);
}

/**
 * Runs the tier's matrix product or softmax crossentropy on arrays outside
 * the memory: copies the inputs (and C when accumulating, the loss totals)
 * into one scratch block, runs the kernel there, copies the results back.
 * The block is kept and grows by doubling. Main thread only (autograd).
 */
class Staging {
  private scratch: Float32Array | null = null;
  /** The loss's [loss sum, correct] pair, in the memory (float64). */
  private totals: Float64Array | null = null;
  private readonly staged: GemmArgs = {
    transposeA: false, transposeB: false, m: 0, n: 0, k: 0,
    a: new Float32Array(0), b: new Float32Array(0), c: new Float32Array(0), accumulate: false,
  };
  private readonly stagedLoss: SoftmaxCrossEntropyArgs = {
    logits: new Float32Array(0), labels: new Float32Array(0), classes: 0, rowStart: 0, rowEnd: 0,
    scale: 1, grad: new Float32Array(0), totals: new Float64Array(0), rowLosses: null,
  };

  constructor(private readonly tier: SimdKernels) {}

  /** C = op(A)·op(B) through the scratch block; false when the memory cannot give one (then the caller uses JS). */
  gemm(args: GemmArgs): boolean {
    const { transposeA, m, n, k } = args;
    const lda = args.lda ?? (transposeA ? m : k);
    checkGemmArgs(m, n, k, args.a, args.b, args.c, transposeA, lda); // the JS kernel's errors, before copying
    const [storedRows, usedWidth] = transposeA ? [k, m] : [m, k];
    const aLength = storedRows === 0 || usedWidth === 0 ? 0 : (storedRows - 1) * lda + usedWidth;
    const parts = this.parts(aLength, k * n, m * n);
    if (parts === null) return false;
    const [a, b, c] = parts;
    a.set(args.a.subarray(0, a.length));
    b.set(args.b.subarray(0, b.length));
    if (args.accumulate) c.set(args.c.subarray(0, c.length));
    Object.assign(this.staged, args, { a, b, c, lda });
    this.tier.gemm(this.staged);
    args.c.set(c);
    return true;
  }

  /**
   * Runs `kernel` on copies of `arrays` in the scratch block: each copied in
   * where `copyIn` says, back out where `copyOut` says. False when the memory
   * cannot give a block (then the caller uses JS).
   */
  run(arrays: Float32Array[], copyIn: boolean[], copyOut: boolean[], kernel: (staged: Float32Array[]) => void): boolean {
    const parts = this.parts(...arrays.map((a) => a.length));
    if (parts === null) return false;
    parts.forEach((part, i) => { if (copyIn[i]) part.set(arrays[i]!); });
    kernel(parts);
    parts.forEach((part, i) => { if (copyOut[i]) arrays[i]!.set(part); });
    return true;
  }

  /** Softmax crossentropy of rows [rowStart, rowEnd) through the scratch block (as rows 0 …); false when there is none. */
  softmaxCrossEntropy(args: SoftmaxCrossEntropyArgs): boolean {
    const { classes, rowStart, rowEnd, rowLosses } = args;
    const rows = Math.max(0, rowEnd - rowStart);
    const parts = this.parts(rows * classes, rows, rows * classes, rowLosses === null ? 0 : rows);
    if (parts === null || (this.totals ??= this.float64Pair()) === null) return false;
    const [logits, labels, grad, losses] = parts;
    const first = rowStart * classes;
    logits.set(args.logits.subarray(first, first + logits.length));
    labels.set(args.labels.subarray(rowStart, rowStart + rows));
    this.totals.set(args.totals.subarray(0, 2));
    Object.assign(this.stagedLoss, args, { logits, labels, rowStart: 0, rowEnd: rows, grad, totals: this.totals, rowLosses: rowLosses === null ? null : losses });
    this.tier.softmaxCrossEntropy(this.stagedLoss);
    args.grad.set(grad, first);
    rowLosses?.set(losses!, rowStart);
    args.totals.set(this.totals);
    return true;
  }

  /** Consecutive views of the given lengths in the scratch block, or null when the memory cannot give one. */
  private parts(...lengths: number[]): Float32Array[] | null {
    const total = lengths.reduce((sum, length) => sum + length, 0);
    const scratch = this.scratchOf(total);
    if (scratch === null) return null;
    let offset = 0;
    return lengths.map((length) => scratch.subarray(offset, (offset += length)));
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

  private float64Pair(): Float64Array | null {
    try {
      return this.tier.allocateFloat64(2);
    } catch {
      return null;
    }
  }
}

/** Whether the tier's memory can be shared here; without it, the process table is not offered (tier.ts says why). */
export { sharedMemorySupported } from './simd-kernels.js';
