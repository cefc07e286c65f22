/**
 * What the fused executor needs of each kind of op (one file per kind in
 * this folder: dense.ts, conv2d.ts, pool.ts, dropout.ts), so that the step (step.ts), the forward
 * pass (forward-block.ts) and the planner handle every kind the same way.
 * A kind is a record (its plain-data op, as the plan holds it and as worker
 * threads receive it) and the three parts of its training math, each over a
 * thread's own share:
 *
 *     forward    its outputs for rows r0 … r0 + rows − 1 of the batch
 *     backward   the loss's gradient at its input from the one at its output, same rows
 *     weights    its weights' gradients and the optimizer's update, this thread's share of each weight
 *
 * Rows are independent in forward and backward (no op mixes rows), so
 * threads split the batch by rows; a weight's gradient sums over every row,
 * so threads split each weight instead. Predict and evaluate run the same
 * forward rows (`forward`), on blocks of rows per thread (forward-block.ts).
 * A row is one sample: an op on images sees it as the image, channels last.
 *
 * Whatever a kind needs beyond its outputs and gradients (Dropout's mask,
 * Conv2D's patch matrix) is allocated once, with the step or the forward
 * pass (`ownBuffers`, `forwardScratch`), never per step.
 */
import type { Optimizer } from '../../optim/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';

/** [start, end) of the `thread`-th of `threads` near-equal parts of 0..n. */
export function shareOf(n: number, thread: number, threads: number): [number, number] {
  return [Math.floor((thread * n) / threads), Math.floor(((thread + 1) * n) / threads)];
}

/** An op's buffers in the step, shared by every thread (maxBatch rows × its width where per row). */
export interface OpBuffers {
  /** Its outputs. */
  readonly output: Float32Array;
  /** The loss's gradient at its outputs; an op that works in place (Dropout) shares its input's. */
  readonly gradient: Float32Array;
  /** Buffers of the kind's own (Dropout: its mask). */
  readonly own: readonly Float32Array[];
  /** Its weights (the model's own arrays), their gradients and the optimizer's slots, in the kind's weight order. */
  readonly weights: readonly Float32Array[];
  readonly weightGradients: readonly Float32Array[];
  readonly slots: readonly (readonly Float32Array[])[];
}

/** Where one thread runs an op: the op's buffers, its input's, and the thread's rows. */
export interface RowsContext extends OpBuffers {
  /** The op's input: the batch, or the outputs of the op before it. */
  readonly input: Float32Array;
  /** The gradient at its input (the op before it's gradient), or null for the first op. */
  readonly inputGradient: Float32Array | null;
  /** Whether this op's outputs are the model's, which the loss reads (their softmax belongs to the loss). */
  readonly isOutput: boolean;
  /** This thread's first row, the most rows it is given, and which of how many threads it is. */
  readonly r0: number;
  readonly rowCapacity: number;
  readonly thread: number;
  readonly threads: number;
}

/** One thread's forward rows of one op in predict or evaluate, its views made once. */
export interface ForwardRows {
  /** Its outputs for `rows` rows from the thread's first; `logits`: the model's outputs, to stop before a softmax. */
  run(rows: number, logits: boolean): void;
}

/** One thread's part of one op in the training step, its views made once. */
export interface OpRows {
  forward(r0: number, rows: number): void;
  backward(r0: number, rows: number): void;
  weights(batchSize: number, t: number): void;
}

/** A kind of op: `ThreadOp` as threads receive it, `PlanOp` as the plan holds it. */
export interface OpKind<ThreadOp, PlanOp> {
  /** Inputs per row. */
  inputWidth(op: PlanOp | ThreadOp): number;
  /** Outputs per row. */
  width(op: PlanOp | ThreadOp): number;
  /** Multiply-adds per row of a training step's forward pass (what decides whether threads pay). */
  work(op: PlanOp | ThreadOp): number;
  /** The model's weights it trains, in order. */
  weights(op: PlanOp): readonly Tensor[];
  /** The op as plain data for threads: arrays for tensors, nothing that only the calling thread uses. */
  onThreads(op: PlanOp): ThreadOp;
  /** Whether its backward works in place on the gradient at its outputs, which is then its input's too. */
  readonly inPlace: boolean;
  /** Its own buffers in the training step, for a batch of up to maxBatch rows, shared by the `threads` threads (a thread's own part is its business). */
  ownBuffers(op: PlanOp, maxBatch: number, threads: number): Float32Array[];
  /** One thread's scratch buffers in predict and evaluate, for up to `rows` rows at a time. */
  forwardScratch(op: PlanOp, rows: number): Float32Array[];
  /** One thread's part of it in the step. */
  rows(op: ThreadOp, at: RowsContext, optimizer: Optimizer): OpRows;
  /** Whether predict and evaluate run it (Dropout is the identity there, so they leave it out). */
  readonly inInference: boolean;
  /**
   * One thread's forward rows of it in predict and evaluate, from row r0 of
   * `input` into `output`, up to `rows` rows a call, with its `scratch` (forwardScratch's).
   */
  forward(op: ThreadOp, input: Float32Array, output: Float32Array, r0: number, rows: number, scratch: readonly Float32Array[]): ForwardRows;
}
