/**
 * The training step of a stack of Dense layers, compiled: a fixed sequence of
 * kernel calls over buffers allocated once, instead of a fresh autograd graph
 * per batch. It computes exactly what the autograd path computes (the tests
 * compare the two), allocates nothing per step, and splits its work between
 * threads without any reduction. What tf.function does for Keras, by hand.
 *
 * For layers l = 0 … L−1 with input A₀ = X (the batch), kernel Wₗ, bias bₗ:
 *
 *   rows phase: each thread takes its own rows r of the batch, because
 *   every row's forward and backward pass is independent of the others':
 *     forward    Aₗ₊₁[r] = fₗ(Aₗ[r] · Wₗ + bₗ)           (the last f is the softmax, fused below)
 *     loss       dZ_L[r] = (softmax(z_r) − onehot(y_r)) / batch
 *     backward   dZₗ₋₁[r] = (dZₗ[r] · Wₗᵀ) ⊙ fₗ₋₁'(Aₗ[r])
 *
 *   weights phase: each thread takes its own rows p of every kernel (one
 *   input feature each), because dW[p] only reads column p of the input:
 *     dWₗ[p] = Aₗ[:, p]ᵀ · dZₗ         dbₗ[j] = Σ_r dZₗ[r, j]
 *     then the optimizer updates exactly those elements of Wₗ and bₗ.
 *
 * A thread's rows and its shares of each kernel are fixed when the step is
 * built, so the views it reads through are made once, not per batch.
 */
import { Activation, activationBackward, biasActivation, columnSums, softmaxCrossEntropy, type ActivationCode } from '../tensor/kernels/dense.js';
import { gemm } from '../tensor/kernels/matmul.js';
import { allocateFloat32, allocateFloat64 } from '../tensor/storage.js';
import type { Optimizer } from '../optim/optimizer.js';

/** One Dense layer as the compiled step sees it. The last layer's outputs are logits. */
export interface DenseStepLayer {
  readonly inputDim: number;
  readonly units: number;
  /** The activation after this layer; the last layer's is linear (its softmax is fused into the loss). */
  readonly activation: ActivationCode;
  readonly hasBias: boolean;
}

/** Everything a thread needs to rebuild the same step; all arrays may be shared memory. */
export interface DenseStepState {
  readonly layers: readonly DenseStepLayer[];
  readonly maxBatch: number;
  readonly threads: number;
  /** The gathered batch: maxBatch × inputDim of layer 0, and its integer labels. */
  readonly x: Float32Array;
  readonly labels: Float32Array;
  /** Per layer: outputs Aₗ₊₁ and loss gradients dZₗ, maxBatch × units each. */
  readonly outputs: readonly Float32Array[];
  readonly deltas: readonly Float32Array[];
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

/** [start, end) of the `thread`-th of `threads` near-equal parts of 0..n. */
export function shareOf(n: number, thread: number, threads: number): [number, number] {
  return [Math.floor((thread * n) / threads), Math.floor(((thread + 1) * n) / threads)];
}

/** Allocates the step's own buffers (in shareable memory) around the model's weights and optimizer slots. */
export function allocateDenseStepState(args: {
  layers: readonly DenseStepLayer[];
  maxBatch: number;
  threads: number;
  kernels: readonly Float32Array[];
  biases: readonly (Float32Array | null)[];
  kernelSlots: readonly (readonly Float32Array[])[];
  biasSlots: readonly (readonly Float32Array[] | null)[];
}): DenseStepState {
  const { layers, maxBatch } = args;
  return {
    ...args,
    x: allocateFloat32(maxBatch * layers[0]!.inputDim),
    labels: allocateFloat32(maxBatch),
    outputs: layers.map((l) => allocateFloat32(maxBatch * l.units)),
    deltas: layers.map((l) => allocateFloat32(maxBatch * l.units)),
    kernelGrads: layers.map((l) => allocateFloat32(l.inputDim * l.units)),
    biasGrads: layers.map((l) => (l.hasBias ? allocateFloat32(l.units) : null)),
    totals: allocateFloat64(2 * args.threads),
  };
}

/** One thread's part of the compiled step. */
export class DenseStep {
  /** This thread's rows of the batch: [rowStart, rowStart + rowCapacity). */
  private readonly rowStart: number;
  private readonly rowCapacity: number;
  /** Views starting at this thread's first row, per layer (made once). */
  private readonly inputRows: Float32Array[];
  private readonly outputRows: Float32Array[];
  private readonly deltaRows: Float32Array[];
  /** Views starting at this thread's first kernel row, per layer. */
  private readonly kernelRowRange: Array<[number, number]>;
  private readonly biasRange: Array<[number, number]>;
  private readonly inputColumns: Float32Array[];
  private readonly gradRows: Float32Array[];
  private readonly totals: Float64Array;

  constructor(
    readonly state: DenseStepState,
    readonly optimizer: Optimizer,
    readonly thread: number,
  ) {
    const { layers, maxBatch, threads } = state;
    const chunk = Math.ceil(maxBatch / threads);
    this.rowStart = Math.min(thread * chunk, maxBatch);
    this.rowCapacity = Math.min(chunk, maxBatch - this.rowStart);
    const inputOf = (l: number) => (l === 0 ? state.x : state.outputs[l - 1]!);
    this.inputRows = layers.map((l, i) => inputOf(i).subarray(this.rowStart * l.inputDim));
    this.outputRows = layers.map((l, i) => state.outputs[i]!.subarray(this.rowStart * l.units));
    this.deltaRows = layers.map((l, i) => state.deltas[i]!.subarray(this.rowStart * l.units));
    this.kernelRowRange = layers.map((l) => shareOf(l.inputDim, thread, threads));
    this.biasRange = layers.map((l) => shareOf(l.units, thread, threads));
    this.inputColumns = layers.map((_, i) => inputOf(i).subarray(this.kernelRowRange[i]![0]));
    this.gradRows = layers.map((l, i) => state.kernelGrads[i]!.subarray(this.kernelRowRange[i]![0] * l.units));
    this.totals = state.totals.subarray(2 * thread, 2 * thread + 2);
  }

  /** Forward, loss and backward for this thread's rows of a batch of `batchSize` rows. */
  rowsPhase(batchSize: number): void {
    const { layers, kernels, biases, outputs, deltas, labels } = this.state;
    const r0 = this.rowStart;
    const rows = Math.max(0, Math.min(this.rowCapacity, batchSize - r0));
    const last = layers.length - 1;
    this.totals[0] = 0;
    this.totals[1] = 0;
    if (rows === 0) return;

    for (let i = 0; i <= last; i++) {
      const l = layers[i]!;
      gemm(false, false, rows, l.units, l.inputDim, this.inputRows[i]!, kernels[i]!, this.outputRows[i]!, false);
      biasActivation(outputs[i]!, biases[i]!, r0, r0 + rows, l.units, i === last ? Activation.linear : l.activation);
    }
    softmaxCrossEntropy(outputs[last]!, labels, r0, r0 + rows, layers[last]!.units, 1 / batchSize, deltas[last]!, this.totals);
    for (let i = last; i > 0; i--) {
      const l = layers[i]!;
      gemm(false, true, rows, l.inputDim, l.units, this.deltaRows[i]!, kernels[i]!, this.deltaRows[i - 1]!, false);
      activationBackward(deltas[i - 1]!, outputs[i - 1]!, r0, r0 + rows, l.inputDim, layers[i - 1]!.activation);
    }
  }

  /** Gradients of this thread's share of every weight, and the optimizer's update of them (step t). */
  weightsPhase(batchSize: number, t: number): void {
    const { layers, kernels, biases, deltas, kernelGrads, biasGrads, kernelSlots, biasSlots } = this.state;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      const [p0, p1] = this.kernelRowRange[i]!;
      gemm(true, false, p1 - p0, l.units, batchSize, this.inputColumns[i]!, deltas[i]!, this.gradRows[i]!, false, l.inputDim);
      this.optimizer.updateRange(kernelGrads[i]!, kernels[i]!, kernelSlots[i]!, t, p0 * l.units, p1 * l.units);
      const bias = biases[i];
      if (bias) {
        const [c0, c1] = this.biasRange[i]!;
        columnSums(deltas[i]!, batchSize, l.units, c0, c1, biasGrads[i]!);
        this.optimizer.updateRange(biasGrads[i]!, bias, biasSlots[i]!, t, c0, c1);
      }
    }
  }
}
