/**
 * One thread's part of a fused forward pass (predict, evaluate): the rows of
 * a round are cut into blocks of `blockRows`, one block per thread, filled in
 * thread order (so only the last block of the last round may be short), and
 * each thread runs every layer on its block:
 *
 *     Aₗ₊₁[block] = fₗ(Aₗ[block] · Wₗ + bₗ)
 *
 * A row's outputs depend only on that row and the weights (every kernel
 * works row by row, in the same order whatever the block), so any blocking
 * and any number of threads give the bits one thread gives batch by batch.
 */
import { kernels, type GemmArgs } from '../tensor/kernels/index.js';
import type { ActivationName } from '../layers/activations.js';

/** A layer as the forward pass runs it: plain data, so a worker thread can receive it. */
export interface ForwardLayer {
  readonly inputDim: number;
  readonly units: number;
  readonly activation: ActivationName;
  readonly kernel: Float32Array;
  readonly bias: Float32Array | null;
}

/** The buffers of a forward pass, shared by its threads: `threads` blocks of `blockRows` rows each. */
export interface ForwardBuffers {
  readonly layers: readonly ForwardLayer[];
  readonly threads: number;
  readonly blockRows: number;
  /** The round's input rows (threads · blockRows × inputDim), and every layer's outputs. */
  readonly input: Float32Array;
  readonly outputs: readonly Float32Array[];
  /** Stop a softmax output layer before its softmax (evaluate works from the logits). */
  readonly logits: boolean;
}

/** Rows of a round of `roundRows` that thread `thread` runs: blocks are filled in thread order. */
export function blockRowsOf(buffers: ForwardBuffers, thread: number, roundRows: number): number {
  return Math.max(0, Math.min(buffers.blockRows, roundRows - thread * buffers.blockRows));
}

export class ForwardBlock {
  /** Per layer, the product's arguments over this thread's block, made once; a round changes only m. */
  private readonly products: GemmArgs[];
  private readonly outputs: Float32Array[];

  constructor(readonly buffers: ForwardBuffers, readonly thread: number) {
    const { layers, blockRows, input } = buffers;
    const r0 = thread * blockRows;
    this.outputs = buffers.outputs.map((o, i) => o.subarray(r0 * layers[i]!.units));
    this.products = layers.map((l, i) => ({
      transposeA: false, transposeB: false, m: 0, n: l.units, k: l.inputDim,
      a: i === 0 ? input.subarray(r0 * l.inputDim) : this.outputs[i - 1]!, b: l.kernel, c: this.outputs[i]!, accumulate: false,
    }));
  }

  /** This thread's block of a round of `roundRows` rows. */
  run(roundRows: number): void {
    const rows = blockRowsOf(this.buffers, this.thread, roundRows);
    if (rows === 0) return;
    const { layers, logits } = this.buffers;
    const last = layers.length - 1;
    for (let i = 0; i <= last; i++) {
      const l = layers[i]!;
      const output = this.outputs[i]!;
      this.products[i]!.m = rows;
      kernels.gemm(this.products[i]!);
      if (l.bias) kernels.addBias(output, l.bias, 0, rows, l.units);
      if (l.activation === 'softmax') {
        if (!(logits && i === last)) kernels.softmaxRows(output, 0, rows, l.units);
      } else {
        kernels.activate(l.activation, output, output, 0, rows * l.units);
      }
    }
  }
}
