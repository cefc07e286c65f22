/**
 * `predict` and `evaluate` through the fused kernels: per batch,
 * Aₗ₊₁ = fₗ(Aₗ · Wₗ + bₗ) into buffers made once per call, in the kernels'
 * storage (the SIMD tier's memory when it is selected). The same numbers as the layer-by-layer
 * forward pass, without a tensor or typed array per batch. Evaluation adds the
 * fused crossentropy kernel on the logits, for the loss and the correct count.
 *
 * Each is a generator that yields after every batch, so that a caller can
 * let the event loop run between batches (src/training/yielding.ts); run to
 * its end without pausing, it is one plain pass.
 */
import { kernels, type GemmArgs, type SoftmaxCrossEntropyArgs } from '../tensor/kernels/index.js';
import { allocateFloat32, allocateFloat64 } from '../tensor/storage.js';
import type { FusedDense } from './plan.js';
import { adoptWeights } from './weights.js';

/**
 * Runs the layers on rows [0, n) of x in batches of `batchSize`;
 * `onBatch(b, start, end, output)` after each, with the batch's outputs
 * (rows × units of the last layer) in `output`, valid until the next batch.
 * With `logits`, a softmax output layer stops before its softmax.
 *
 * Each batch's rows are copied into a buffer of the kernels' storage first
 * (about 1% of the work of the first product): the SIMD kernels read only
 * their own memory, and a buffer made once means no view per batch.
 */
export function* runForward(
  layers: readonly FusedDense[],
  x: Float32Array,
  n: number,
  batchSize: number,
  onBatch: (batch: number, start: number, end: number, output: Float32Array) => void,
  logits = false,
): Generator<void, void, void> {
  adoptWeights(layers);
  const rowsMax = Math.min(batchSize, n);
  const inputDim = layers[0]!.inputDim;
  const input = allocateFloat32(rowsMax * inputDim);
  const outputs = layers.map((l) => allocateFloat32(rowsMax * l.units));
  // Aₗ₊₁ = Aₗ · Wₗ, one argument object per layer, made once; a batch changes only m.
  const products: GemmArgs[] = layers.map((l, i) => ({
    transposeA: false, transposeB: false, m: 0, n: l.units, k: l.inputDim,
    a: i === 0 ? input : outputs[i - 1]!, b: l.kernel.data, c: outputs[i]!, accumulate: false,
  }));
  const last = layers.length - 1;
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const rows = Math.min(batchSize, n - start);
    copyRange(x, start * inputDim, input, 0, rows * inputDim);
    for (let i = 0; i <= last; i++) {
      const l = layers[i]!;
      const output = outputs[i]!;
      products[i]!.m = rows;
      kernels.gemm(products[i]!);
      if (l.bias) kernels.addBias(output, l.bias.data, 0, rows, l.units);
      if (l.activation === 'softmax') {
        if (!(logits && i === last)) kernels.softmaxRows(output, 0, rows, l.units);
      } else {
        kernels.activate(l.activation, output, output, 0, rows * l.units);
      }
    }
    onBatch(b, start, start + rows, outputs[last]!);
    yield;
  }
}

/** to[toStart + i] = from[fromStart + i] for i < count: a plain loop, so no view is made per batch. */
function copyRange(from: Float32Array, fromStart: number, to: Float32Array, toStart: number, count: number): void {
  for (let i = 0; i < count; i++) to[toStart + i] = from[fromStart + i]!;
}

/** The outputs for rows [0, n) of x, n × units of the last layer, in `out`. */
export function* predictForward(
  layers: readonly FusedDense[],
  x: Float32Array,
  n: number,
  batchSize: number,
  out: Float32Array,
  onBatch: (batch: number) => void,
): Generator<void, void, void> {
  const units = layers[layers.length - 1]!.units;
  yield* runForward(layers, x, n, batchSize, (b, start, end, output) => {
    copyRange(output, 0, out, start * units, (end - start) * units);
    onBatch(b);
  });
}

/**
 * The loss and accuracy of a sparse-crossentropy classifier: the forward pass
 * up to the logits, then the fused crossentropy kernel per batch;
 * `onBatch(b, start, end, lossSum, correct)` receives each batch's totals.
 */
export function* evaluateForward(
  layers: readonly FusedDense[],
  x: Float32Array,
  labels: Float32Array,
  n: number,
  batchSize: number,
  onBatch: (batch: number, start: number, end: number, lossSum: number, correct: number) => void,
): Generator<void, void, void> {
  const classes = layers[layers.length - 1]!.units;
  const rowsMax = Math.min(batchSize, n);
  const batchLabels = allocateFloat32(rowsMax);
  const loss: SoftmaxCrossEntropyArgs = {
    logits: batchLabels, labels: batchLabels, classes, rowStart: 0, rowEnd: 0, scale: 1,
    grad: allocateFloat32(rowsMax * classes), totals: allocateFloat64(2), rowLosses: null,
  };
  yield* runForward(layers, x, n, batchSize, (b, start, end, logits) => {
    copyRange(labels, start, batchLabels, 0, end - start);
    loss.logits = logits;
    loss.rowEnd = end - start;
    loss.totals.fill(0);
    kernels.softmaxCrossEntropy(loss);
    onBatch(b, start, end, loss.totals[0]!, loss.totals[1]!);
  }, true);
}
