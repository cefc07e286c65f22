/**
 * `predict` and `evaluate` through the fused kernels: Aₗ₊₁ = fₗ(Aₗ · Wₗ + bₗ)
 * over buffers made once per call, in the kernels' storage (the SIMD tier's
 * memory when it is selected), with no tensor or typed array per batch.
 * Evaluation adds the fused crossentropy kernel on the logits, for the loss
 * and the correct count, batch by batch.
 *
 * Inference rows are independent, so the rows run in rounds larger than
 * the user's batch: one block per thread (forward-block.ts), shared with the
 * process's worker pool when it is up and the call has enough work. The
 * results are the bits one thread gives batch by batch; only the callbacks
 * (progress bar, per-batch logs) still come per batch.
 *
 * Each is a generator that yields after every round, so that a caller can
 * let the event loop run between rounds (src/training/yielding.ts); run to
 * its end without pausing, it is one plain pass.
 */
import { kernels, type SoftmaxCrossEntropyArgs } from '../tensor/kernels/index.js';
import { allocateFloat32, allocateFloat64 } from '../tensor/storage.js';
import { kindOf, type FusedOp } from './kinds/index.js';
import { adoptWeights } from './weights.js';
import { ForwardBlock, type ForwardBuffers } from './forward-block.js';
import { readyPool } from './runner.js';
import { Phase, Slot } from './threads/protocol.js';
import { simdAttachment } from './threads/pool.js';

/** Multiply-adds per call below which other threads cost more than they save. */
const MIN_CALL_MULTIPLY_ADDS_FOR_THREADS = 4_000_000;
/** Rows per thread per round, at most, about: a round is a whole number of batches. */
const BLOCK_ROWS = 256;
/**
 * Values the widest op's outputs may take in one block: each op's outputs
 * are read by the next while they are still in the cache (1 MiB, a core's
 * L2 or so). A convolution's outputs are large (the CNN tutorial's first
 * layer: 21,632 values an image), and a block of 256 such rows is 22 MB,
 * which went out to memory and back between every pair of ops: predict
 * of 10,000 images took 0.81 s with 256 rows a block, 0.69 s with 32.
 */
const BLOCK_VALUES = 1 << 18;

/**
 * Runs the ops (a forward plan: inferenceOps of plan.ts) on rows [0, n) of
 * x; `onBatch(b, start, end, output, row)` for each batch of `batchSize`
 * rows, in order, with the batch's outputs (units of the last op per row) at rows [row, row + end − start) of
 * `output`, valid until the next call. With `logits`, a softmax output layer
 * stops before its softmax.
 */
export function* runForward(
  ops: readonly FusedOp[],
  x: Float32Array,
  n: number,
  batchSize: number,
  onBatch: (batch: number, start: number, end: number, output: Float32Array, row: number) => void,
  logits = false,
): Generator<void, void, void> {
  adoptWeights(ops);
  const work = ops.reduce((sum, op) => sum + n * kindOf(op).work(op), 0);
  const pool = work >= MIN_CALL_MULTIPLY_ADDS_FOR_THREADS ? readyPool() : null;
  const threads = pool === null ? 1 : Math.min(pool.size, pool.cores() - 1) + 1;
  // A block is a whole number of batches, no more than a thread's share of n needs, its widest outputs in the cache.
  const widest = Math.max(...ops.map((op) => kindOf(op).width(op)));
  const blockRows = Math.min(BLOCK_ROWS, Math.floor(BLOCK_VALUES / widest));
  const batchesPerBlock = Math.max(1, Math.min(Math.floor(blockRows / batchSize), Math.ceil(n / threads / batchSize)));
  const buffers = forwardBuffers(ops, threads, Math.min(batchesPerBlock * batchSize, Math.max(n, 1)), logits);
  const output = buffers.outputs[ops.length - 1]!;
  const inputDim = kindOf(ops[0]!).inputWidth(ops[0]!);
  pool?.begin({ kind: 'forward', buffers, simd: simdAttachment() }, threads - 1);
  const local = new ForwardBlock(buffers, 0);
  try {
    for (let start = 0, b = 0; start < n; ) {
      const roundRows = Math.min(threads * buffers.blockRows, n - start);
      copyRange(x, start * inputDim, buffers.input, 0, roundRows * inputDim);
      if (pool) {
        pool.setArgument(Slot.batchSize, roundRows);
        pool.announce(Phase.forward);
      }
      local.run(roundRows);
      pool?.await();
      for (let row = 0; row < roundRows; row += batchSize, b++) {
        const rows = Math.min(batchSize, roundRows - row);
        onBatch(b, start + row, start + row + rows, output, row);
      }
      start += roundRows;
      yield;
    }
  } finally {
    pool?.end();
  }
}

/** The buffers of a forward pass in the kernels' storage: `threads` blocks of `blockRows` rows. */
function forwardBuffers(ops: readonly FusedOp[], threads: number, blockRows: number, logits: boolean): ForwardBuffers {
  const rows = threads * blockRows;
  return {
    ops: ops.map((op) => kindOf(op).onThreads(op)),
    threads,
    blockRows,
    input: allocateFloat32(rows * kindOf(ops[0]!).inputWidth(ops[0]!)),
    outputs: ops.map((op) => allocateFloat32(rows * kindOf(op).width(op))),
    scratch: Array.from({ length: threads }, () => ops.map((op) => kindOf(op).forwardScratch(op, blockRows))),
    logits,
  };
}

/** The width of the last op's outputs: the model's outputs (the classes, for evaluate). */
export function outputWidth(ops: readonly FusedOp[]): number {
  const last = ops[ops.length - 1]!;
  return kindOf(last).width(last);
}

/** to[toStart + i] = from[fromStart + i] for i < count: a plain loop, so no view is made per batch. */
function copyRange(from: Float32Array, fromStart: number, to: Float32Array, toStart: number, count: number): void {
  for (let i = 0; i < count; i++) to[toStart + i] = from[fromStart + i]!;
}

/** The outputs for rows [0, n) of x, n × units of the last op, in `out`. */
export function* predictForward(
  ops: readonly FusedOp[],
  x: Float32Array,
  n: number,
  batchSize: number,
  out: Float32Array,
  onBatch: (batch: number) => void,
): Generator<void, void, void> {
  const units = outputWidth(ops);
  yield* runForward(ops, x, n, batchSize, (b, start, end, output, row) => {
    copyRange(output, row * units, out, start * units, (end - start) * units);
    onBatch(b);
  });
}

/**
 * The loss and accuracy of a sparse-crossentropy classifier: the forward pass
 * up to the logits, then the fused crossentropy kernel per batch;
 * `onBatch(b, start, end, lossSum, correct)` receives each batch's totals.
 */
export function* evaluateForward(
  ops: readonly FusedOp[],
  x: Float32Array,
  labels: Float32Array,
  n: number,
  batchSize: number,
  onBatch: (batch: number, start: number, end: number, lossSum: number, correct: number) => void,
): Generator<void, void, void> {
  const classes = outputWidth(ops);
  let loss: SoftmaxCrossEntropyArgs | null = null;
  yield* runForward(ops, x, n, batchSize, (b, start, end, logits, row) => {
    // The round's logits buffer is the same every batch: the loss's buffers match it, made once.
    loss ??= {
      logits, labels: allocateFloat32(logits.length / classes), classes, rowStart: 0, rowEnd: 0, scale: 1,
      grad: allocateFloat32(logits.length), totals: allocateFloat64(2), rowLosses: null,
    };
    copyRange(labels, start, loss.labels, row, end - start);
    loss.rowStart = row;
    loss.rowEnd = row + (end - start);
    loss.totals[0] = 0;
    loss.totals[1] = 0;
    kernels.softmaxCrossEntropy(loss);
    onBatch(b, start, end, loss.totals[0]!, loss.totals[1]!);
  }, true);
}
