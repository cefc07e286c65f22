/**
 * The fused training step: the same math as autograd's step, as a fixed
 * sequence of kernel calls over buffers allocated once, instead of a fresh
 * graph per batch. It allocates nothing per step and splits its work between
 * threads without any reduction. What tf.function does for Keras, by hand.
 *
 * For Dense layers l = 0 … L−1 with input A₀ = X (the batch), kernel Wₗ,
 * bias bₗ, each line below and the autograd op it replaces
 * (kernels from src/tensor/kernels/, reached through `kernels`):
 *
 *   rows phase: each thread takes its own rows r of the batch, because
 *   every row's forward and backward pass is independent of the others':
 *     Zₗ[r] = Aₗ[r] · Wₗ                gemm                  ← x.matmul(kernel)       (layers/dense.ts)
 *     Zₗ[r] += bₗ                       addBias               ← .add(bias)
 *     Aₗ₊₁[r] = fₗ(Zₗ[r])               activate              ← .relu() / .sigmoid() / .tanh()  (ops/unary.ts)
 *     Dₗ₊₁[r] = Aₗ₊₁[r] ⊙ Mₗ[r]         applyMask             ← multiplyByMask  (layers/dropout.ts; when a Dropout follows)
 *     loss, dZ_L[r] = (softmax(z_r) − onehot(y_r)) / batch
 *                                        softmaxCrossEntropy   ← sparseSoftmaxCrossEntropyWithLogits + mean
 *     dAₗ[r] = dZₗ[r] · Wₗᵀ             gemm (B transposed)   ← matmul's backward for the input
 *     dAₗ[r] ⊙= Mₗ₋₁[r]                 applyMask             ← multiplyByMask's backward (with a Dropout)
 *     dZₗ₋₁[r] = dAₗ[r] ⊙ fₗ₋₁'(Aₗ[r])   activationGradient    ← the activation op's backward
 *
 *   weights phase: each thread takes its own rows p of every kernel (one
 *   input feature each), because dW[p] only reads column p of the input:
 *     dWₗ[p] = Aₗ[:, p]ᵀ · dZₗ          gemm (A transposed)   ← matmul's backward for the kernel
 *     dbₗ[j] = Σ_r dZₗ[r, j]            columnSums            ← add's backward (broadcast summed back)
 *     θ ← rule(θ, dθ) on those elements optimizer.updateRange ← optimizer.applyGradients
 *
 * where a layer followed by a Dropout feeds the next one Dₗ₊₁ instead of
 * Aₗ₊₁ (the next layer's input, also in dWₗ₊₁). The masks Mₗ are drawn for
 * the whole batch before the rows phase, on the calling thread
 * (`MaskDrawer`), in the order the autograd path draws them: so the threads
 * agree, and both executors drop the same units.
 *
 * A thread's rows and its shares of each kernel are fixed when the step is
 * built, so the views it reads through are made once, not per batch.
 */
import { kernels, type ActivationKind, type GemmArgs, type SoftmaxCrossEntropyArgs } from '../tensor/kernels/index.js';
import { getGlobalGenerator } from '../tensor/random.js';
import { allocateFloat32, allocateFloat64 } from '../tensor/storage.js';
import type { Optimizer } from '../optim/optimizer.js';
import { denseOps, dropoutAfterEach, type FusedDropout, type TrainingPlan } from './plan.js';
import { adoptSlots, adoptWeights } from './weights.js';

/** One Dense layer as the step sees it. The last layer's outputs are logits. */
export interface StepLayer {
  readonly inputDim: number;
  readonly units: number;
  /** The activation after this layer; the last layer's is linear (its softmax is fused into the loss). */
  readonly activation: ActivationKind;
  readonly hasBias: boolean;
}

/** Everything a thread needs to rebuild the same step; all arrays may be shared memory. */
export interface StepState {
  readonly layers: readonly StepLayer[];
  readonly maxBatch: number;
  readonly threads: number;
  /** The gathered batch: maxBatch × inputDim of layer 0, and its integer labels. */
  readonly x: Float32Array;
  readonly labels: Float32Array;
  /** Per layer: outputs Aₗ₊₁ and loss gradients dZₗ, maxBatch × units each. */
  readonly outputs: readonly Float32Array[];
  readonly deltas: readonly Float32Array[];
  /** Per layer followed by a Dropout (null otherwise): its mask Mₗ and the masked outputs Dₗ₊₁, maxBatch × units each. */
  readonly masks: readonly (Float32Array | null)[];
  readonly dropped: readonly (Float32Array | null)[];
  /** Per layer: the model's own weights, their gradients, and the optimizer's slots. */
  readonly kernels: readonly Float32Array[];
  readonly biases: readonly (Float32Array | null)[];
  readonly kernelGrads: readonly Float32Array[];
  readonly biasGrads: readonly (Float32Array | null)[];
  readonly kernelSlots: readonly (readonly Float32Array[])[];
  readonly biasSlots: readonly (readonly Float32Array[] | null)[];
  /** Per thread: [loss sum, correct predictions] of its rows in the last rows phase. */
  readonly totals: Float64Array;
}

/** Runs fused steps: on this thread, or shared with worker threads. */
export interface StepRunner {
  readonly state: StepState;
  /** How many threads share each step. */
  readonly threads: number;
  /** One training step on the first `batchSize` rows of state.x / state.labels; the optimizer counts it. */
  run(batchSize: number): void;
  /** Stops any worker threads. */
  close(): Promise<void>;
}

/** [start, end) of the `thread`-th of `threads` near-equal parts of 0..n. */
export function shareOf(n: number, thread: number, threads: number): [number, number] {
  return [Math.floor((thread * n) / threads), Math.floor(((thread + 1) * n) / threads)];
}

/**
 * The step's own buffers (in shareable memory, or the SIMD tier's) around
 * the model's weights and the optimizer's slots, moved there first if needed.
 */
export function allocateStepState(plan: TrainingPlan, optimizer: Optimizer, maxBatch: number, threads: number): StepState {
  const dense = denseOps(plan.ops);
  const dropouts = dropoutAfterEach(plan.ops);
  adoptWeights(dense);
  adoptSlots(dense, optimizer);
  const last = dense.length - 1;
  const layers: StepLayer[] = dense.map((d, i) => ({
    inputDim: d.inputDim,
    units: d.units,
    // The last layer's softmax (or the logits' identity) belongs to the fused loss.
    activation: i === last ? 'linear' : (d.activation as ActivationKind),
    hasBias: d.bias !== null,
  }));
  return {
    layers,
    maxBatch,
    threads,
    x: allocateFloat32(maxBatch * layers[0]!.inputDim),
    labels: allocateFloat32(maxBatch),
    outputs: layers.map((l) => allocateFloat32(maxBatch * l.units)),
    deltas: layers.map((l) => allocateFloat32(maxBatch * l.units)),
    masks: layers.map((l, i) => (dropouts[i] ? allocateFloat32(maxBatch * l.units) : null)),
    dropped: layers.map((l, i) => (dropouts[i] ? allocateFloat32(maxBatch * l.units) : null)),
    kernels: dense.map((d) => d.kernel.data),
    biases: dense.map((d) => d.bias?.data ?? null),
    kernelGrads: layers.map((l) => allocateFloat32(l.inputDim * l.units)),
    biasGrads: layers.map((l) => (l.hasBias ? allocateFloat32(l.units) : null)),
    kernelSlots: dense.map((d) => optimizer.slotsOf(d.kernel)),
    biasSlots: dense.map((d) => (d.bias ? optimizer.slotsOf(d.bias) : null)),
    totals: allocateFloat64(2 * threads),
  };
}

/**
 * Draws every Dropout mask of a step, on the calling thread: in layer order,
 * batch × units uniforms each, from the layer's generator or the global one,
 * exactly as the layers draw them on the autograd path.
 */
export class MaskDrawer {
  private readonly dropouts: readonly (FusedDropout | null)[];

  constructor(
    private readonly state: StepState,
    plan: TrainingPlan,
  ) {
    this.dropouts = dropoutAfterEach(plan.ops);
  }

  draw(batchSize: number): void {
    const { layers, masks } = this.state;
    for (let i = 0; i < layers.length; i++) {
      const dropout = this.dropouts[i];
      if (dropout) kernels.fillDropoutMask(masks[i]!, dropout.rate, dropout.generator ?? getGlobalGenerator(), batchSize * layers[i]!.units);
    }
  }
}

/** One thread's part of the fused step. */
export class FusedStep {
  /** This thread's rows of the batch: [rowStart, rowStart + rowCapacity). */
  private readonly rowStart: number;
  private readonly rowCapacity: number;
  /** Per layer: this thread's rows of the kernel, and its columns of the bias. */
  private readonly kernelRowRange: Array<[number, number]>;
  private readonly biasRange: Array<[number, number]>;
  /**
   * Per layer, the arguments of its three matrix products, made once (with
   * views starting at this thread's first row or kernel row); a step changes
   * only the number of rows (m) or the batch size (k).
   */
  private readonly forward: GemmArgs[];
  private readonly backward: (GemmArgs | null)[];
  private readonly kernelGrad: GemmArgs[];
  /** The loss kernel's arguments, made once; a step changes only rowEnd and scale. */
  private readonly loss: SoftmaxCrossEntropyArgs;

  constructor(
    readonly state: StepState,
    readonly optimizer: Optimizer,
    readonly thread: number,
  ) {
    const { layers, maxBatch, threads } = state;
    const chunk = Math.ceil(maxBatch / threads);
    this.rowStart = Math.min(thread * chunk, maxBatch);
    this.rowCapacity = Math.min(chunk, maxBatch - this.rowStart);
    // A layer's input: the batch, the outputs below, or those outputs with their Dropout mask applied.
    const inputOf = (l: number) => (l === 0 ? state.x : (state.dropped[l - 1] ?? state.outputs[l - 1]!));
    const r0 = this.rowStart;
    this.kernelRowRange = layers.map((l) => shareOf(l.inputDim, thread, threads));
    this.biasRange = layers.map((l) => shareOf(l.units, thread, threads));
    // Zₗ[r] = Aₗ[r] · Wₗ
    this.forward = layers.map((l, i) => ({
      transposeA: false, transposeB: false, m: 0, n: l.units, k: l.inputDim,
      a: inputOf(i).subarray(r0 * l.inputDim), b: state.kernels[i]!, c: state.outputs[i]!.subarray(r0 * l.units), accumulate: false,
    }));
    // dAₗ[r] = dZₗ[r] · Wₗᵀ, written where dZₗ₋₁ goes (none for layer 0: the input needs no gradient).
    this.backward = layers.map((l, i) =>
      i === 0
        ? null
        : {
            transposeA: false, transposeB: true, m: 0, n: l.inputDim, k: l.units,
            a: state.deltas[i]!.subarray(r0 * l.units), b: state.kernels[i]!, c: state.deltas[i - 1]!.subarray(r0 * l.inputDim), accumulate: false,
          },
    );
    // dWₗ[p0..p1) = Aₗ[:, p0..p1)ᵀ · dZₗ: this thread's kernel rows, reading its columns of the input in place.
    this.kernelGrad = layers.map((l, i) => {
      const [p0, p1] = this.kernelRowRange[i]!;
      return {
        transposeA: true, transposeB: false, m: p1 - p0, n: l.units, k: 0,
        a: inputOf(i).subarray(p0), b: state.deltas[i]!, c: state.kernelGrads[i]!.subarray(p0 * l.units), accumulate: false, lda: l.inputDim,
      };
    });
    const last = layers.length - 1;
    this.loss = {
      logits: state.outputs[last]!,
      labels: state.labels,
      classes: layers[last]!.units,
      rowStart: this.rowStart,
      rowEnd: this.rowStart,
      scale: 1,
      grad: state.deltas[last]!,
      totals: state.totals.subarray(2 * thread, 2 * thread + 2),
      rowLosses: null,
    };
  }

  /** Forward, loss and backward for this thread's rows of a batch of `batchSize` rows. */
  rowsPhase(batchSize: number): void {
    const { layers, biases, outputs, deltas, masks, dropped } = this.state;
    const r0 = this.rowStart;
    const rows = Math.max(0, Math.min(this.rowCapacity, batchSize - r0));
    const last = layers.length - 1;
    const loss = this.loss;
    loss.totals[0] = 0;
    loss.totals[1] = 0;
    if (rows === 0) return;

    for (let i = 0; i <= last; i++) {
      const l = layers[i]!;
      const product = this.forward[i]!;
      product.m = rows;
      kernels.gemm(product);
      const bias = biases[i];
      if (bias) kernels.addBias(outputs[i]!, bias, r0, r0 + rows, l.units);
      kernels.activate(l.activation, outputs[i]!, outputs[i]!, r0 * l.units, (r0 + rows) * l.units);
      const mask = masks[i];
      if (mask) kernels.applyMask(outputs[i]!, mask, dropped[i]!, r0 * l.units, (r0 + rows) * l.units);
    }
    loss.rowEnd = r0 + rows;
    loss.scale = 1 / batchSize;
    kernels.softmaxCrossEntropy(loss);
    for (let i = last; i > 0; i--) {
      const l = layers[i]!;
      const below = deltas[i - 1]!;
      const product = this.backward[i]!;
      product.m = rows;
      kernels.gemm(product);
      const mask = masks[i - 1];
      if (mask) kernels.applyMask(below, mask, below, r0 * l.inputDim, (r0 + rows) * l.inputDim);
      kernels.activationGradient(layers[i - 1]!.activation, outputs[i - 1]!, below, below, r0 * l.inputDim, (r0 + rows) * l.inputDim);
    }
  }

  /** Gradients of this thread's share of every weight, and the optimizer's update of them as step t. */
  weightsPhase(batchSize: number, t: number): void {
    const { layers, kernels: W, biases, deltas, kernelGrads, biasGrads, kernelSlots, biasSlots } = this.state;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      const [p0, p1] = this.kernelRowRange[i]!;
      const product = this.kernelGrad[i]!;
      product.k = batchSize;
      kernels.gemm(product);
      this.optimizer.updateRange(kernelGrads[i]!, W[i]!, kernelSlots[i]!, t, p0 * l.units, p1 * l.units);
      const bias = biases[i];
      if (bias) {
        const [c0, c1] = this.biasRange[i]!;
        kernels.columnSums(deltas[i]!, batchSize, l.units, c0, c1, biasGrads[i]!);
        this.optimizer.updateRange(biasGrads[i]!, bias, biasSlots[i]!, t, c0, c1);
      }
    }
  }
}
