/**
 * Conv2D as the fused executor runs it (the layer: src/layers/conv2d.ts; the
 * op and its gradients: src/tensor/ops/conv.ts). A row is one image
 * [H, W, C]; with P = OH·OW output positions per image, K = KH·KW·C values
 * per patch, the kernel W read as a [K, F] matrix and the bias b [F]:
 *
 *     forward    patches[r] = im2col(X[r])                        [P, K]
 *                Z[r] = patches[r] · W + b;   A[r] = f(Z[r])       [P, F]
 *     backward   dZ[r] = dA[r] ⊙ f'(A[r]);   dPatches[r] = dZ[r] · Wᵀ;   dX[r] = col2im(dPatches[r])
 *                (Wᵀ: each thread's own transposed copy of W, made at its backward: see ops/conv.ts)
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
 * A 3×3, stride-1 layer with enough channels (`winogradApplies`) takes
 * Winograd's road instead, as autograd's conv2d does: ./conv2d-winograd.ts.
 *
 * Every kernel here computes each output from its own image's values alone,
 * in a fixed order, so how rows are split between threads or chunks never
 * changes a bit.
 */
import { convValidApplies, kernels, transposeInto, winogradApplies, winogradTiles, type ActivationKind, type GemmArgs, type OutputDerivativeKind, type WindowGeometry } from '../../tensor/kernels/index.js';
import { allocateFloat32 } from '../../tensor/storage.js';
import { WinogradConv } from '../../tensor/ops/winograd-conv.js';
import { WinogradConvRows, WinogradForward, winogradForwardScratch, winogradStepBuffers } from './conv2d-winograd.js';
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

/**
 * Patch values a thread's buffer holds in predict and evaluate: 256 KiB,
 * whatever the batch (at least one image), so that the product reads the
 * patches im2col has just written from the core's L2 (with 4 MiB, predict
 * of 10,000 images took 3% longer).
 */
const FORWARD_PATCH_VALUES = 1 << 16;
/** Tiles a predict/evaluate thread runs through Winograd's products at once (the rows of each product). */
const WINOGRAD_TILES_PER_RUN = 256;

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

/**
 * Images a predict/evaluate thread transforms at once (at least one, at most
 * `rows`): as many as their patches fit its buffer, or on Winograd's road
 * enough for WINOGRAD_TILES_PER_RUN tiles, so that each of the 36 products
 * has rows enough to run at speed.
 */
function forwardChunk(op: Conv2DOp<unknown>, rows: number): number {
  const images = byWinograd(op)
    ? Math.ceil(WINOGRAD_TILES_PER_RUN / winogradTiles(op.window).perImage)
    : Math.floor(FORWARD_PATCH_VALUES / (positions(op) * patchWidth(op)));
  return Math.max(1, Math.min(rows, images));
}

/** The patch widths (KH·KW·C) up to which predict skips the patches (convValid): a first layer's few channels. */
const DIRECT_PATCH_WIDTH = 64;

/**
 * Whether predict and evaluate compute the layer's product without patches
 * (kernels' convValid, the same bits as im2col and the product): on the SIMD
 * tier (the JS loop, one output at a time, is slower than im2col and the JS
 * tier's blocked product), for windows inside the image, few values a patch
 * and filters in whole vectors.
 */
function byDirectProduct(op: Conv2DOp<unknown>): boolean {
  return kernels.tier === 'simd' && convValidApplies(op.window) && patchWidth(op) <= DIRECT_PATCH_WIDTH && op.filters % 4 === 0;
}

/** Whether the layer takes Winograd's road (the rule autograd's conv2d follows too). */
function byWinograd(op: Conv2DOp<unknown>): boolean {
  return winogradApplies(op.window, op.filters);
}

/**
 * One thread's forward rows of a Conv2D layer, from its first image r0:
 * im2col into the patches, one product, then bias and activation in place.
 * Its views and product arguments are made once; a call changes only counts.
 *
 * In the training step (`keep`) `patches` holds the whole batch's patches
 * (image r at row r·P), kept for the weights phase, and the product writes
 * the outputs directly. In predict and evaluate it is the thread's own
 * buffer of a few images (`chunk`), reused image group by image group, each
 * group's product written straight to its place in the outputs.
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
  /** Predict and evaluate: the outputs from each chunk's first image on, made once each (outputsOfChunk). */
  private readonly chunkViews: Float32Array[] = [];

  constructor(
    private readonly op: Conv2DOp<Float32Array>,
    input: Float32Array,
    output: Float32Array,
    r0: number,
    patches: Float32Array,
    /** The training step: `patches` holds the whole batch's patches, kept for the weights phase. */
    private readonly keep: boolean,
  ) {
    this.window = { ...op.window };
    const P = positions(op);
    const K = patchWidth(op);
    const F = op.filters;
    this.input = input.subarray(r0 * imageSize(op));
    this.output = output.subarray(r0 * P * F);
    this.chunk = keep ? Number.POSITIVE_INFINITY : Math.floor(patches.length / (P * K));
    this.product = {
      transposeA: false, transposeB: false, m: 0, n: F, k: K,
      a: keep ? patches.subarray(r0 * P * K) : patches, b: op.kernel, c: this.output, accumulate: false,
    };
  }

  /** With `logits`, a softmax would be left out: a Conv2D is never the output (plan.ts), so there is none. */
  run(rows: number): void {
    const { op, window, product, output } = this;
    const P = positions(op);
    const F = op.filters;
    if (!this.keep && byDirectProduct(op)) {
      window.batch = rows;
      kernels.convValid(this.input, window, op.kernel, F, output);
    } else {
      for (let done = 0, chunk = 0; done < rows; done += this.chunk, chunk++) {
        const images = Math.min(this.chunk, rows - done);
        window.batch = images;
        kernels.im2col(this.input, window, product.a, done);
        product.m = images * P;
        if (!this.keep) product.c = this.outputsOfChunk(chunk, done * P * F);
        kernels.gemm(product);
      }
    }
    if (op.bias) kernels.addBias(this.output, op.bias, 0, rows * P, F);
    kernels.activate(op.activation, output, output, 0, rows * P * F);
  }

  /**
   * The outputs of the chunk-th group of images, from `at` on: a view made
   * the first time that chunk comes and kept, so later batches make none.
   */
  private outputsOfChunk(chunk: number, at: number): Float32Array {
    return (this.chunkViews[chunk] ??= this.output.subarray(at));
  }
}

/** One thread's part of a Conv2D layer in the training step. */
class ConvRows implements OpRows {
  private readonly forwardRows: ConvForward;
  /** dPatches = dZ · Wᵀ for the thread's images, Wᵀ its own copy; null for the first layer (the batch needs no gradient). */
  private readonly backwardArgs: GemmArgs | null;
  private readonly kernelT: Float32Array;
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
    const [patches, patchGradients, kernelsT] = own as [Float32Array, Float32Array, Float32Array];
    const P = positions(op);
    const K = patchWidth(op);
    const F = op.filters;
    this.forwardRows = new ConvForward(op, input, output, r0, patches, true);
    this.window = { ...op.window };
    this.patchGradients = patchGradients.subarray(r0 * P * K);
    this.inputGradient = inputGradient === null ? null : inputGradient.subarray(r0 * imageSize(op));
    this.kernelT = kernelsT.subarray(at.thread * K * F, (at.thread + 1) * K * F);
    this.backwardArgs = inputGradient === null ? null : {
      transposeA: false, transposeB: false, m: 0, n: K, k: F,
      a: gradient.subarray(r0 * P * F), b: this.kernelT, c: this.patchGradients, accumulate: false,
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
    transposeInto(op.kernel, patchWidth(op), op.filters, this.kernelT);
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
  // The batch's patches (kept for the weights phase), their gradients, and each thread's Wᵀ.
  ownBuffers: (op, maxBatch, threads) => byWinograd(op)
    ? winogradStepBuffers(op, maxBatch, threads)
    : [
      allocateFloat32(maxBatch * positions(op) * patchWidth(op)),
      allocateFloat32(maxBatch * positions(op) * patchWidth(op)),
      allocateFloat32(threads * patchWidth(op) * op.filters),
    ],
  // A chunk's patches (or Winograd buffers; nothing for the direct product).
  forwardScratch: (op, rows) => byWinograd(op)
    ? winogradForwardScratch(op, forwardChunk(op, rows))
    : [allocateFloat32(byDirectProduct(op) ? 0 : forwardChunk(op, rows) * positions(op) * patchWidth(op))],
  rows: (op, at, optimizer) => (byWinograd(op) ? new WinogradConvRows(op, at, optimizer) : new ConvRows(op, at, optimizer)),
  inInference: true,
  forward: (op, input, output, r0, rows, scratch) => byWinograd(op)
    ? new WinogradForward(op, input, output, r0, new WinogradConv({ ...op.window, batch: forwardChunk(op, rows) }, op.filters, scratch[0]!), false)
    : new ConvForward(op, input, output, r0, scratch[0]!, false),
};
