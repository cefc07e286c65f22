/**
 * One thread's part of a fused forward pass (predict, evaluate): the rows of
 * a round are cut into blocks of `blockRows`, one block per thread, filled in
 * thread order (so only the last block of the last round may be short), and
 * each thread runs every op on its block, Dense layers as
 *
 *     Aₗ₊₁[block] = fₗ(Aₗ[block] · Wₗ + bₗ)
 *
 * with each kind's forward rows, the training step's own (kinds/).
 * A row's outputs depend only on that row and the weights (every kernel
 * works row by row, in the same order whatever the block), so any blocking
 * and any number of threads give the bits one thread gives batch by batch.
 */
import { kindOf, type FusedOp } from './kinds/index.js';
import type { ForwardRows } from './kinds/kind.js';

/** The buffers of a forward pass, shared by its threads: `threads` blocks of `blockRows` rows each. */
export interface ForwardBuffers {
  /** The ops as plain data (their weights as the model's arrays), so a worker thread can receive them. */
  readonly ops: readonly FusedOp<Float32Array>[];
  readonly threads: number;
  readonly blockRows: number;
  /** The round's input rows (threads · blockRows × inputDim), and every op's outputs. */
  readonly input: Float32Array;
  readonly outputs: readonly Float32Array[];
  /** Per thread, each op's scratch buffers (kinds' forwardScratch: Conv2D's patch matrix). */
  readonly scratch: readonly (readonly (readonly Float32Array[])[])[];
  /** Stop a softmax output layer before its softmax (evaluate works from the logits). */
  readonly logits: boolean;
}

/** Rows of a round of `roundRows` that thread `thread` runs: blocks are filled in thread order. */
export function blockRowsOf(buffers: ForwardBuffers, thread: number, roundRows: number): number {
  return Math.max(0, Math.min(buffers.blockRows, roundRows - thread * buffers.blockRows));
}

export class ForwardBlock {
  /** Per op, this thread's forward rows, made once. */
  private readonly ops: readonly ForwardRows[];

  constructor(readonly buffers: ForwardBuffers, readonly thread: number) {
    const { ops, blockRows, input, outputs, scratch } = buffers;
    const r0 = thread * blockRows;
    this.ops = ops.map((op, i) => kindOf(op).forward(op, i === 0 ? input : outputs[i - 1]!, outputs[i]!, r0, blockRows, scratch[thread]![i]!));
  }

  /** This thread's block of a round of `roundRows` rows. */
  run(roundRows: number): void {
    const rows = blockRowsOf(this.buffers, this.thread, roundRows);
    if (rows === 0) return;
    const ops = this.ops;
    const last = ops.length - 1;
    for (let i = 0; i <= last; i++) ops[i]!.run(rows, this.buffers.logits && i === last);
  }
}
