/**
 * Conv2D as the fused executor runs it when the layer takes Winograd's road
 * (a 3×3 kernel, stride 1, enough channels: `winogradApplies`), the same
 * transforms and products as autograd's conv2d (src/tensor/ops/winograd-conv.ts).
 * With T tiles per image and the batch's tiles kept from one phase to the next:
 *
 *     forward    U = G W Gᵀ (each thread its own);  V[r] = Bᵀ X[r] B        V [36, B·T, C]
 *                Z[r] = Aᵀ (V[r] · U) A + b;   A[r] = f(Z[r])
 *     backward   dZ[r] = dA[r] ⊙ f'(A[r]);   E[r] = A dZ[r] Aᵀ              E [36, B·T, F]
 *                dX[r] = the same forward road on dZ[r] with W turned 180° (channels ↔ filters)
 *     weights    Q[p] = V[p]ᵀ · E[p] over all the batch's tiles, for the thread's input channels
 *                dW = Gᵀ Q G;   db = Σ dZ;   θ ← rule(θ, dθ)
 *
 * A thread owns input channels c0 … c1 − 1 of dW (their nine taps) and sums
 * over every tile of the batch in the same order, so one thread or several
 * give the same bits, and the same as autograd's.
 */
import { kernels, winogradTiles, type ActivationKind, type OutputDerivativeKind, type WindowGeometry } from '../../tensor/kernels/index.js';
import { allocateFloat32 } from '../../tensor/storage.js';
import { inputGradientWindow, slabTiles, WinogradConv, WinogradKernelGradient } from '../../tensor/ops/winograd-conv.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { shareOf, type ForwardRows, type OpRows, type RowsContext } from './kind.js';

/** The parts of a Conv2D op this road reads (conv2d.ts's Conv2DOp). */
interface WinogradOp {
  readonly window: WindowGeometry;
  readonly filters: number;
  readonly activation: ActivationKind;
  readonly kernel: Float32Array;
  readonly bias: Float32Array | null;
}

/** What the buffers' sizes depend on. */
type WinogradShape = Pick<WinogradOp, 'window' | 'filters'>;

/** Values per input image, and output values per image. */
function imageSize(op: WinogradShape): number {
  return op.window.inHeight * op.window.inWidth * op.window.channels;
}
function outputSize(op: WinogradShape): number {
  return op.window.outHeight * op.window.outWidth * op.filters;
}

/** One thread's Z's buffers (U, M) and its dX's (U, V, M), for `images` rows. */
function threadSpaces(op: WinogradShape, images: number): [forward: number, inputGradient: number] {
  return [
    WinogradConv.space({ ...op.window, batch: images }, op.filters, false),
    WinogradConv.space({ ...inputGradientWindow(op.window, op.filters), batch: images }, op.window.channels),
  ];
}

/** The step's buffers: V and E of the whole batch, Q, and each thread's spaces. */
export function winogradStepBuffers(op: WinogradShape, maxBatch: number, threads: number): Float32Array[] {
  const tiles = slabTiles(maxBatch * winogradTiles(op.window).perImage);
  const [forward, inputGradient] = threadSpaces(op, Math.ceil(maxBatch / threads));
  return [
    allocateFloat32(36 * tiles * op.window.channels),
    allocateFloat32(36 * tiles * op.filters),
    allocateFloat32(36 * op.window.channels * op.filters),
    allocateFloat32(threads * (forward + inputGradient)),
  ];
}

/** A predict/evaluate thread's buffers for `images` images at a time. */
export function winogradForwardScratch(op: WinogradShape, images: number): Float32Array[] {
  return [allocateFloat32(WinogradConv.space({ ...op.window, batch: images }, op.filters))];
}

/**
 * One thread's forward rows: Z by Winograd, a group of `conv.capacity`
 * images at a time (all its rows in the step), then bias and activation in
 * place. The outputs of each group are views made the first time it comes.
 */
export class WinogradForward implements ForwardRows {
  private readonly input: Float32Array;
  private readonly output: Float32Array;
  private readonly groupViews: Float32Array[] = [];

  /** Whether U is made: in predict and evaluate the weights stay as they are for the whole call, so U is made once. */
  private kernelMade = false;

  constructor(
    private readonly op: WinogradOp,
    input: Float32Array,
    output: Float32Array,
    r0: number,
    private readonly conv: WinogradConv,
    /** The training step: the kernel changes every step, and so must U. */
    private readonly training: boolean,
  ) {
    this.input = input.subarray(r0 * imageSize(op));
    this.output = output.subarray(r0 * outputSize(op));
  }

  run(rows: number): void {
    const { op, conv, output } = this;
    if (this.training || !this.kernelMade) conv.setKernel(op.kernel);
    this.kernelMade = true;
    for (let done = 0, group = 0; done < rows; done += conv.capacity, group++) {
      const images = Math.min(conv.capacity, rows - done);
      conv.run(this.input, done, images, (this.groupViews[group] ??= output.subarray(done * outputSize(op))));
    }
    const P = op.window.outHeight * op.window.outWidth;
    if (op.bias) kernels.addBias(output, op.bias, 0, rows * P, op.filters);
    kernels.activate(op.activation, output, output, 0, rows * outputSize(op));
  }
}

/** One thread's part of a Winograd Conv2D layer in the training step. */
export class WinogradConvRows implements OpRows {
  private readonly forwardRows: WinogradForward;
  /** dX's road (null for the first layer: the batch needs no gradient). */
  private readonly inputGradient: WinogradConv | null;
  private readonly dX: Float32Array | null;
  /** dZ of this thread's rows, their E, and the window over them. */
  private readonly dZ: Float32Array;
  private readonly gradientTiles: Float32Array;
  private readonly tileCapacity: number;
  private readonly window: WindowGeometry;
  /** dW for this thread's input channels, and its bias columns. */
  private readonly kernelGradient: WinogradKernelGradient;
  private readonly channels: [number, number];
  private readonly biasColumns: [number, number];

  constructor(private readonly op: WinogradOp, private readonly at: RowsContext, private readonly optimizer: Optimizer) {
    const { r0, rowCapacity, thread, threads } = at;
    const [V, E, Q, spaces] = at.own as [Float32Array, Float32Array, Float32Array, Float32Array];
    const C = op.window.channels, F = op.filters;
    const T = winogradTiles(op.window).perImage;
    this.tileCapacity = E.length / (36 * F);
    const [forwardSpace, inputGradientSpace] = threadSpaces(op, rowCapacity);
    const mine = spaces.subarray(thread * (forwardSpace + inputGradientSpace));
    const inputs = { values: V.subarray(r0 * T * C), capacity: this.tileCapacity };
    const forward = new WinogradConv({ ...op.window, batch: rowCapacity }, F, mine, inputs);
    this.forwardRows = new WinogradForward(op, at.input, at.output, r0, forward, true);
    this.window = { ...op.window };
    this.dZ = at.gradient.subarray(r0 * outputSize(op));
    this.gradientTiles = E.subarray(r0 * T * F);
    this.dX = at.inputGradient === null ? null : at.inputGradient.subarray(r0 * imageSize(op));
    this.inputGradient = this.dX === null
      ? null
      : new WinogradConv({ ...inputGradientWindow(op.window, F), batch: rowCapacity }, C, mine.subarray(forwardSpace));
    this.channels = shareOf(C, thread, threads);
    this.kernelGradient = new WinogradKernelGradient(
      op.window, F,
      { values: V, capacity: this.tileCapacity }, { values: E, capacity: this.tileCapacity },
      Q, this.channels[0], this.channels[1],
    );
    this.biasColumns = shareOf(F, thread, threads);
  }

  forward(_r0: number, rows: number): void {
    this.forwardRows.run(rows);
  }

  backward(r0: number, rows: number): void {
    const { op, at, window } = this;
    const span = outputSize(op);
    // A Conv2D is never the output layer (plan.ts): the gradient at its outputs came from the layer after it.
    kernels.activationGradient(op.activation as OutputDerivativeKind, at.output, at.gradient, at.gradient, r0 * span, (r0 + rows) * span);
    const dZ = this.dZ;
    window.batch = rows;
    kernels.winogradGradientTiles(dZ, window, op.filters, this.gradientTiles, this.tileCapacity);
    if (this.inputGradient === null || this.dX === null) return;
    // Added to zeros, as autograd adds its dx to a fresh gradient.
    this.inputGradient.setKernel(op.kernel, true);
    this.dX.fill(0, 0, rows * imageSize(op));
    this.inputGradient.run(dZ, 0, rows, this.dX, true);
  }

  weights(batchSize: number, t: number): void {
    const { op, at, optimizer } = this;
    const { weightGradients, slots, gradient } = at;
    const C = op.window.channels, F = op.filters;
    const [c0, c1] = this.channels;
    this.kernelGradient.run(batchSize, weightGradients[0]!);
    // The thread's channels are a run of rows in each of the nine taps of W [3, 3, C, F].
    for (let tap = 0; tap < 9; tap++) {
      optimizer.updateRange(weightGradients[0]!, op.kernel, slots[0]!, t, (tap * C + c0) * F, (tap * C + c1) * F);
    }
    if (op.bias) {
      const [f0, f1] = this.biasColumns;
      kernels.columnSums(gradient, batchSize * op.window.outHeight * op.window.outWidth, F, f0, f1, weightGradients[1]!);
      optimizer.updateRange(weightGradients[1]!, op.bias, slots[1]!, t, f0, f1);
    }
  }
}
