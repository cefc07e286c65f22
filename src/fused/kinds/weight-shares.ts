/**
 * One thread's share of the weights phase of a layer with a kernel and a
 * bias (Dense, Conv2D). With the layer's inputs as a matrix A [rows, K]
 * (Dense: its input; Conv2D: the patches of its input) and dZ [rows, F] the
 * gradient at its outputs before the activation:
 *
 *     dW[p] = A[:, p]ᵀ · dZ      for the thread's kernel rows p0 … p1 − 1   gemm (A transposed)
 *     db[j] = Σ_r dZ[r, j]       for the thread's bias columns            columnSums
 *     θ ← rule(θ, dθ)            on those elements                         optimizer.updateRange
 *
 * dW[p] reads only column p of A, in place (lda = K), and every thread sums
 * over all rows in the same order: one thread or several give the same bits.
 */
import { kernels, type GemmArgs } from '../../tensor/kernels/index.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { shareOf, type RowsContext } from './kind.js';

export class KernelAndBiasShares {
  /** dW[p0..p1) = A[:, p0..p1)ᵀ · dZ: this thread's kernel rows, made once; a step changes only the row count. */
  private readonly kernelGradArgs: GemmArgs;
  private readonly kernelRows: [number, number];
  private readonly biasColumns: [number, number];

  constructor(
    inputs: Float32Array,
    private readonly width: number,
    private readonly units: number,
    private readonly kernel: Float32Array,
    private readonly bias: Float32Array | null,
    private readonly at: RowsContext,
    private readonly optimizer: Optimizer,
  ) {
    const { thread, threads } = at;
    this.kernelRows = shareOf(width, thread, threads);
    const [p0, p1] = this.kernelRows;
    this.kernelGradArgs = {
      transposeA: true, transposeB: false, m: p1 - p0, n: units, k: 0,
      a: inputs.subarray(p0), b: at.gradient, c: at.weightGradients[0]!.subarray(p0 * units), accumulate: false, lda: width,
    };
    this.biasColumns = shareOf(units, thread, threads);
  }

  /** The gradients of this thread's shares over `rows` rows of A and dZ, and their update as step t. */
  update(rows: number, t: number): void {
    const { kernel, bias, units } = this;
    const { weightGradients, slots, gradient } = this.at;
    const p0 = this.kernelRows[0];
    const p1 = this.kernelRows[1];
    this.kernelGradArgs.k = rows;
    kernels.gemm(this.kernelGradArgs);
    this.optimizer.updateRange(weightGradients[0]!, kernel, slots[0]!, t, p0 * units, p1 * units);
    if (bias) {
      const c0 = this.biasColumns[0];
      const c1 = this.biasColumns[1];
      kernels.columnSums(gradient, rows, units, c0, c1, weightGradients[1]!);
      this.optimizer.updateRange(weightGradients[1]!, bias, slots[1]!, t, c0, c1);
    }
  }
}
