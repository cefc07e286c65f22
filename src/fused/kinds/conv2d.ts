/**
 * Conv2D as the fused executor runs it (the layer: src/layers/conv2d.ts; the
 * op and its gradients: src/tensor/ops/conv.ts). A row is one image
 * [H, W, C]; with P = OH·OW output positions per image, K = KH·KW·C values
 * per patch, the kernel W read as a [K, F] matrix and the bias b [F]:
 *
 *     forward    patches[r] = im2col(X[r])                        [P, K]
 *                Z[r] = patches[r] · W + b;   A[r] = f(Z[r])       [P, F]
 *     backward   dZ[r] = dA[r] ⊙ f'(A[r]);   dPatches[r] = dZ[r] · Wᵀ;   dX[r] = col2im(dPatches[r])
 *     weights    dW[p] = patches[:, p]ᵀ · dZ    (over the batch's B·P positions)
 *                db = Σ dZ;   θ ← rule(θ, dθ)
 *
 * The same kernel calls, in the same order per element, as autograd's
 * conv2d, bias add and activation: so the two executors agree bit for bit.
 *
 * The step keeps every image's patches from the rows phase to the weights
 * phase, since the kernel's gradient reads them all. There each thread owns
 * rows p0 … p1 − 1 of W (one patch column each, read in place with lda = K)
 * and sums over every position of the batch in the same order, as Dense's
 * kernel rows: one thread or several give the same bits.
 *
 * Predict and evaluate need no patches after the product: each thread reuses
 * one patch buffer for a few images at a time (forwardScratch).
 *
 * Every kernel here computes each output from its own image's values alone,
 * in a fixed order, so how rows are split between threads or chunks never
 * changes a bit.
 */
import { kernels, type ActivationKind, type GemmArgs, type OutputDerivativeKind, type WindowGeometry } from '../../tensor/kernels/index.js';
import { allocateFloat32 } from '../../tensor/storage.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ForwardRows, OpKind, OpRows, RowsContext } from './kind.js';
import { KernelAndBiasShares } from './weight-shares.js';

/** One Conv2D layer as the executor runs it; `W` as in DenseOp (tensors in a plan, arrays in a step). */
export interface Conv2DOp<W = Tensor> {
  readonly kind: 'conv2d';
  readonly name: string;
  readonly trainable: boolean;
  /** The window over one image (its batch is 1): sizes, steps, dilation, padding, output size. */
  readonly window: WindowGeometry;
  readonly filters: number;
  /** Element-wise (a softmax over channels stays with autograd: plan.ts). */
  readonly activation: ActivationKind;
  /** The model's own weights, kernel [KH, KW, C, F] and bias [F]: the executor reads and updates them in place. */
  readonly kernel: W;
  readonly bias: W | null;
}

/** Patch values a thread's buffer holds in predict and evaluate: 4 MiB, whatever the batch (at least one image). */
const FORWARD_PATCH_VALUES = 1 << 20;

/** P: output positions per image. */
function positions(op: Conv2DOp<unknown>): number {
  return op.window.outHeight * op.window.outWidth;
}

/** K: values per patch, the kernel's rows. */
function patchWidth(op: Conv2DOp<unknown>): number {
  const w = op.window;
  return w.kernelHeight * w.kernelWidth * w.channels;
}

/** Values per input image. */
function imageSize(op: Conv2DOp<unknown>): number {
  const w = op.window;
  return w.inHeight * w.inWidth * w.channels;
}

/** Images whose patches fit a predict/evaluate thread's buffer at once (at least one, at most `rows`). */
function forwardChunk(op: Conv2DOp<unknown>, rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor(FORWARD_PATCH_VALUES / (positions(op) * patchWidth(op)))));
}

/**
 * One thread's forward rows of a Conv2D layer, from its first image r0:
 * im2col into the patches, one product, then bias and activation in place.
 * Its views and product arguments are made once; a call changes only counts.
 *
 * In the training step (`keep`) `patches` holds the whole batch's patches
 * (image r at row r·P), kept for the weights phase, and the product writes
 * the outputs directly. In predict and evaluate it is the thread's own
 * buffer of a few images (`chunk`), reused image group by image group, the
 * product going to `chunkOutputs` and copied out: so the views made do not
 * depend on how many rows a thread is given.
 */
class ConvForward implements ForwardRows {
  /** The window, its batch set to the images of each im2col. */
  private readonly window: WindowGeometry;
  /** The input and the outputs from image r0 on. */
  private readonly input: Float32Array;
  private readonly output: Float32Array;
  private readonly product: GemmArgs;
  /** Images per im2col and product (all of them, with `keep`). */
  private readonly chunk: number;

  constructor(
    private readonly op: Conv2DOp<Float32Array>,
    input: Float32Array,
    output: Float32Array,
    private readonly r0: number,
    private readonly patches: Float32Array,
    /** Null with `keep` (the training step); else the thread's buffer for a chunk's outputs. */
    private readonly chunkOutputs: Float32Array | null,
  ) {
    this.window = { ...op.window };
    const P = positions(op);
    const K = patchWidth(op);
    const F = op.filters;
    this.input = input.subarray(r0 * imageSize(op));
    this.output = output.subarray(r0 * P * F);
    this.chunk = chunkOutputs === null ? Number.POSITIVE_INFINITY : chunkOutputs.length / (P * F);
    this.product = {
      transposeA: false, transposeB: false, m: 0, n: F, k: K,
      a: chunkOutputs === null ? patches.subarray(r0 * P * K) : patches, b: op.kernel, c: chunkOutputs ?? this.output, accumulate: false,
    };
  }

  /** With `logits`, a softmax would be left out: a Conv2D is never the output (plan.ts), so there is none. */
  run(rows: number): void {
    const { op, window, product, chunkOutputs, output, r0 } = this;
    const P = positions(op);
    const F = op.filters;
    for (let done = 0; done < rows; done += this.chunk) {
      const images = Math.min(this.chunk, rows - done);
      window.batch = images;
      kernels.im2col(this.input, window, product.a, done);
      product.m = images * P;
      kernels.gemm(product);
      if (chunkOutputs !== null) copyInto(chunkOutputs, output, done * P * F, images * P * F);
    }
    if (op.bias) kernels.addBias(this.output, op.bias, 0, rows * P, F);
    kernels.activate(op.activation, output, output, 0, rows * P * F);
  }
}

/** to[at + i] = from[i] for i < count: a plain loop, so no view is made per call. */
function copyInto(from: Float32Array, to: Float32Array, at: number, count: number): void {
  for (let i = 0; i < count; i++) to[at + i] = from[i]!;
}

/** One thread's part of a Conv2D layer in the training step. */
class ConvRows implements OpRows {
  private readonly forwardRows: ConvForward;
  /** dPatches = dZ · Wᵀ for the thread's images; null for the first layer (the batch needs no gradient). */
  private readonly backwardArgs: GemmArgs | null;
  /** col2im's window, and the thread's patch gradients and input gradient, from its first image. */
  private readonly window: WindowGeometry;
  private readonly patchGradients: Float32Array;
  private readonly inputGradient: Float32Array | null;
  /** dW = patchesᵀ · dZ and db = Σ dZ: this thread's shares of them, and their update. */
  private readonly shares: KernelAndBiasShares;

  constructor(
    private readonly op: Conv2DOp<Float32Array>,
    private readonly at: RowsContext,
    optimizer: Optimizer,
  ) {
    const { input, inputGradient, output, gradient, own, r0 } = at;
    const [patches, patchGradients] = own as [Float32Array, Float32Array];
    const P = positions(op);
    const K = patchWidth(op);
    const F = op.filters;
    this.forwardRows = new ConvForward(op, input, output, r0, patches, null);
    this.window = { ...op.window };
    this.patchGradients = patchGradients.subarray(r0 * P * K);
    this.inputGradient = inputGradient === null ? null : inputGradient.subarray(r0 * imageSize(op));
    this.backwardArgs = inputGradient === null ? null : {
      transposeA: false, transposeB: true, m: 0, n: K, k: F,
      a: gradient.subarray(r0 * P * F), b: op.kernel, c: this.patchGradients, accumulate: false,
    };
    this.shares = new KernelAndBiasShares(patches, K, F, op.kernel, op.bias, at, optimizer);
  }

  forward(_r0: number, rows: number): void {
    this.forwardRows.run(rows);
  }

  backward(r0: number, rows: number): void {
    const { op, at } = this;
    const span = positions(op) * op.filters;
    // A Conv2D is never the output layer (plan.ts): the gradient at its outputs came from the layer after it.
    kernels.activationGradient(op.activation as OutputDerivativeKind, at.output, at.gradient, at.gradient, r0 * span, (r0 + rows) * span);
    const dX = this.inputGradient;
    if (this.backwardArgs === null || dX === null) return;
    this.backwardArgs.m = rows * positions(op);
    kernels.gemm(this.backwardArgs);
    // col2im adds each patch gradient where im2col read it: start from zero, as autograd's fresh gradient does.
    const size = imageSize(op);
    dX.fill(0, 0, rows * size);
    this.window.batch = rows;
    kernels.col2im(this.patchGradients, this.window, dX);
  }

  weights(batchSize: number, t: number): void {
    // Every position of every image is a row of the patches.
    this.shares.update(batchSize * positions(this.op), t);
  }
}

export const conv2dKind: OpKind<Conv2DOp<Float32Array>, Conv2DOp> = {
  inputWidth: imageSize,
  width: (op) => positions(op) * op.filters,
  work: (op) => positions(op) * patchWidth(op) * op.filters,
  weights: (op) => (op.bias === null ? [op.kernel] : [op.kernel, op.bias]),
  onThreads: (op) => ({ ...op, kernel: op.kernel.data, bias: op.bias?.data ?? null }),
  inPlace: false,
  // The batch's patches (kept for the weights phase) and their gradients.
  ownBuffers: (op, maxBatch) => [allocateFloat32(maxBatch * positions(op) * patchWidth(op)), allocateFloat32(maxBatch * positions(op) * patchWidth(op))],
  // A chunk's patches and outputs.
  forwardScratch: (op, rows) => {
    const chunk = forwardChunk(op, rows);
    return [allocateFloat32(chunk * positions(op) * patchWidth(op)), allocateFloat32(chunk * positions(op) * op.filters)];
  },
  rows: (op, at, optimizer) => new ConvRows(op, at, optimizer),
  inInference: true,
  forward: (op, input, output, r0, _rows, scratch) => new ConvForward(op, input, output, r0, scratch[0]!, scratch[1]!),
};
