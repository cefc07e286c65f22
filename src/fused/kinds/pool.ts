/**
 * MaxPooling2D and AveragePooling2D as the fused executor runs them (the
 * layers: src/layers/pooling.ts; the loops: src/tensor/kernels/pool.ts). A
 * row is one image [H, W, C]; each channel is pooled on its own:
 *
 *     forward    max:  Y[r] = the largest value of each window, its position kept in winners[r] (in training)
 *                avg:  Y[r] = the mean of each window's positions inside the image
 *     backward   max:  dX[r] = 0, then dX[r][winner] += dY[r]
 *                avg:  dX[r] = 0, then each window position += dY[r] / count
 *     weights    none
 *
 * The same loops over the thread's images as autograd's ops run over the
 * whole batch, starting from a zero gradient as autograd's does: the same
 * bits. Winners are indices into the thread's first image, kept as int32
 * in a buffer of the step (a float32 buffer's bytes, so it is shared with
 * the threads like every other).
 */
import { avgPool, avgPoolBackward, kernels, type WindowGeometry } from '../../tensor/kernels/index.js';
import { allocateFloat32 } from '../../tensor/storage.js';
import type { ForwardRows, OpKind, OpRows, RowsContext } from './kind.js';

/** One pooling layer: its window over one image (batch 1), and which pooling. */
export interface Pool2DOp {
  readonly kind: 'pool2d';
  readonly name: string;
  readonly mode: 'max' | 'avg';
  readonly window: WindowGeometry;
}

/** Values per input image. */
function imageSize(op: Pool2DOp): number {
  const w = op.window;
  return w.inHeight * w.inWidth * w.channels;
}

/** Values per output image. */
function outputSize(op: Pool2DOp): number {
  const w = op.window;
  return w.outHeight * w.outWidth * w.channels;
}

/** Int32 views of `winners` (float32 storage, one slot per output) from image r0 on. */
function winnersFrom(op: Pool2DOp, winners: Float32Array, r0: number): Int32Array {
  const start = r0 * outputSize(op);
  return new Int32Array(winners.buffer, winners.byteOffset + 4 * start, winners.length - start);
}

/** One thread's forward rows of a pooling layer from its first image r0; views made once. */
class PoolForward implements ForwardRows {
  private readonly window: WindowGeometry;
  private readonly input: Float32Array;
  private readonly output: Float32Array;

  constructor(
    private readonly op: Pool2DOp,
    input: Float32Array,
    output: Float32Array,
    r0: number,
    readonly mode: Pool2DOp['mode'],
    /** Max pooling's winners from image r0 on, in the training step; null for average pooling and inference. */
    readonly winners: Int32Array | null = null,
  ) {
    this.window = { ...op.window };
    this.input = input.subarray(r0 * imageSize(op));
    this.output = output.subarray(r0 * outputSize(op));
  }

  run(rows: number): void {
    this.window.batch = rows;
    if (this.mode === 'max') kernels.maxPool(this.input, this.window, this.output, this.winners);
    else avgPool(this.input, this.window, this.output);
  }
}

/** One thread's part of a pooling layer in the training step. */
class PoolRows implements OpRows {
  private readonly forwardRows: PoolForward;
  private readonly window: WindowGeometry;
  /** The gradients at its outputs and (null for the first op) at its inputs, from the thread's first image. */
  private readonly gradient: Float32Array;
  private readonly inputGradient: Float32Array | null;

  constructor(
    private readonly op: Pool2DOp,
    at: RowsContext,
  ) {
    const { input, output, gradient, inputGradient, own, r0 } = at;
    this.forwardRows = new PoolForward(op, input, output, r0, op.mode, op.mode === 'max' ? winnersFrom(op, own[0]!, r0) : null);
    this.window = { ...op.window };
    this.gradient = gradient.subarray(r0 * outputSize(op));
    this.inputGradient = inputGradient === null ? null : inputGradient.subarray(r0 * imageSize(op));
  }

  forward(_r0: number, rows: number): void {
    this.forwardRows.run(rows);
  }

  backward(_r0: number, rows: number): void {
    const dX = this.inputGradient;
    if (dX === null) return;
    // Both loops add into dX, as autograd's into its fresh (zero) gradient.
    dX.fill(0, 0, rows * imageSize(this.op));
    const winners = this.forwardRows.winners;
    if (winners) {
      kernels.maxPoolBackward(this.gradient, winners, dX, rows * outputSize(this.op));
    } else {
      this.window.batch = rows;
      avgPoolBackward(this.gradient, this.window, dX);
    }
  }

  weights(): void {}
}

export const pool2dKind: OpKind<Pool2DOp, Pool2DOp> = {
  inputWidth: imageSize,
  width: outputSize,
  // Comparisons or additions per image, counted as multiply-adds (what decides whether threads pay).
  work: (op) => outputSize(op) * op.window.kernelHeight * op.window.kernelWidth,
  weights: () => [],
  onThreads: (op) => op,
  inPlace: false,
  ownBuffers: (op, maxBatch) => (op.mode === 'max' ? [allocateFloat32(maxBatch * outputSize(op))] : []),
  // Inference keeps no winners (nothing goes backward).
  forwardScratch: () => [],
  rows: (op, at) => new PoolRows(op, at),
  inInference: true,
  forward: (op, input, output, r0) => new PoolForward(op, input, output, r0, op.mode),
};
