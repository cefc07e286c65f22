/**
 * The fused training step: the same math as autograd's step, as a fixed
 * sequence of kernel calls over buffers allocated once, instead of a fresh
 * graph per batch. It allocates nothing per step and splits its work between
 * threads without any reduction. What tf.function does for Keras, by hand.
 *
 * For Dense layers l = 0 … L−1 with input A₀ = X (the batch), kernel Wₗ,
 * bias bₗ, each line below and the autograd op it replaces
 * (kernels from src/tensor/kernels/, reached through `kernels`; each kind's
 * lines are written once, in its file of kinds/: dense.ts, dropout.ts, and
 * for images conv2d.ts and pool.ts, whose rows are whole images):
 *
 *   rows phase: each thread takes its own rows r of the batch, because
 *   every row's forward and backward pass is independent of the others':
 *     Zₗ[r] = Aₗ[r] · Wₗ                gemm                  ← x.matmul(kernel)       (layers/dense.ts)
 *     Zₗ[r] += bₗ                       addBias               ← .add(bias)
 *     Aₗ₊₁[r] = fₗ(Zₗ[r])               activate              ← .relu(), .tanh(), … (ops/unary.ts)
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
 * The step runs the plan's ops in order, whatever their kind: forward for
 * every op, the loss, backward for every op in reverse, then each op's
 * weights (kinds/kind.ts says what a kind provides).
 *
 * A thread's rows and its shares of each weight are fixed when the step is
 * built, so the views it reads through are made once, not per batch.
 */
import { kernels, type SoftmaxCrossEntropyArgs } from '../tensor/kernels/index.js';
import { getGlobalGenerator } from '../tensor/random.js';
import { allocateFloat32, allocateFloat64 } from '../tensor/storage.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { FusedOp, TrainingPlan } from './plan.js';
import { kindOf } from './kinds/index.js';
import type { OpBuffers, OpRows } from './kinds/kind.js';
import { adoptSlots, adoptWeights } from './weights.js';

/** Everything a thread needs to rebuild the same step; all arrays may be shared memory. */
export interface StepState {
  /** The plan's ops as plain data (their weights as the model's arrays), and each one's buffers. */
  readonly ops: readonly FusedOp<Float32Array>[];
  readonly buffers: readonly OpBuffers[];
  readonly maxBatch: number;
  readonly threads: number;
  /** The gathered batch: maxBatch × inputDim, and its integer labels. */
  readonly inputDim: number;
  readonly x: Float32Array;
  readonly labels: Float32Array;
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

/**
 * The step's own buffers (in shareable memory, or the SIMD tier's) around
 * the model's weights and the optimizer's slots, moved there first if needed.
 */
export function allocateStepState(plan: TrainingPlan, optimizer: Optimizer, maxBatch: number, threads: number): StepState {
  adoptWeights(plan.ops);
  adoptSlots(plan.ops, optimizer);
  const first = plan.ops[0]!;
  const inputDim = kindOf(first).inputWidth(first);
  const buffers: OpBuffers[] = [];
  plan.ops.forEach((op, i) => {
    const kind = kindOf(op);
    const size = maxBatch * kind.width(op);
    const weights = kind.weights(op);
    buffers.push({
      output: allocateFloat32(size),
      gradient: kind.inPlace && i > 0 ? buffers[i - 1]!.gradient : allocateFloat32(size),
      own: kind.ownBuffers(op, maxBatch, threads),
      weights: weights.map((w) => w.data),
      weightGradients: weights.map((w) => allocateFloat32(w.size)),
      slots: weights.map((w) => optimizer.slotsOf(w)),
    });
  });
  return {
    ops: plan.ops.map((op) => kindOf(op).onThreads(op)),
    buffers,
    maxBatch,
    threads,
    inputDim,
    x: allocateFloat32(maxBatch * inputDim),
    labels: allocateFloat32(maxBatch),
    totals: allocateFloat64(2 * threads),
  };
}

/**
 * Draws every Dropout mask of a step, on the calling thread: in layer order,
 * batch × units uniforms each, from the layer's generator or the global one,
 * exactly as the layers draw them on the autograd path.
 */
export class MaskDrawer {
  constructor(
    private readonly state: StepState,
    private readonly plan: TrainingPlan,
  ) {}

  draw(batchSize: number): void {
    const { ops } = this.plan;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.kind === 'dropout') kernels.fillDropoutMask(this.state.buffers[i]!.own[0]!, op.rate, op.generator ?? getGlobalGenerator(), batchSize * op.units);
    }
  }
}

/** One thread's part of the fused step. */
export class FusedStep {
  /** This thread's rows of the batch: [rowStart, rowStart + rowCapacity). */
  private readonly rowStart: number;
  private readonly rowCapacity: number;
  /** Per op, this thread's part of it, with its views made once; a step changes only row counts. */
  private readonly ops: readonly OpRows[];
  /** The loss kernel's arguments, made once; a step changes only rowEnd and scale. */
  private readonly loss: SoftmaxCrossEntropyArgs;

  constructor(
    readonly state: StepState,
    readonly optimizer: Optimizer,
    readonly thread: number,
  ) {
    const { ops, buffers, maxBatch, threads } = state;
    const chunk = Math.ceil(maxBatch / threads);
    this.rowStart = Math.min(thread * chunk, maxBatch);
    this.rowCapacity = Math.min(chunk, maxBatch - this.rowStart);
    const last = ops.length - 1;
    this.ops = ops.map((op, i) =>
      kindOf(op).rows(op, {
        ...buffers[i]!,
        // An op's input: the batch, or the outputs of the op before it.
        input: i === 0 ? state.x : buffers[i - 1]!.output,
        inputGradient: i === 0 ? null : buffers[i - 1]!.gradient,
        isOutput: i === last,
        r0: this.rowStart,
        rowCapacity: this.rowCapacity,
        thread,
        threads,
      }, optimizer),
    );
    this.loss = {
      logits: buffers[last]!.output,
      labels: state.labels,
      classes: kindOf(ops[last]!).width(ops[last]!),
      rowStart: this.rowStart,
      rowEnd: this.rowStart,
      scale: 1,
      grad: buffers[last]!.gradient,
      totals: state.totals.subarray(2 * thread, 2 * thread + 2),
      rowLosses: null,
    };
  }

  /** Forward, loss and backward for this thread's rows of a batch of `batchSize` rows. */
  rowsPhase(batchSize: number): void {
    const r0 = this.rowStart;
    const rows = Math.max(0, Math.min(this.rowCapacity, batchSize - r0));
    const loss = this.loss;
    loss.totals[0] = 0;
    loss.totals[1] = 0;
    if (rows === 0) return;
    const ops = this.ops;
    for (let i = 0; i < ops.length; i++) ops[i]!.forward(r0, rows);
    loss.rowEnd = r0 + rows;
    loss.scale = 1 / batchSize;
    kernels.softmaxCrossEntropy(loss);
    for (let i = ops.length - 1; i >= 0; i--) ops[i]!.backward(r0, rows);
  }

  /** Gradients of this thread's share of every weight, and the optimizer's update of them as step t. */
  weightsPhase(batchSize: number, t: number): void {
    const ops = this.ops;
    for (let i = 0; i < ops.length; i++) ops[i]!.weights(batchSize, t);
  }
}
