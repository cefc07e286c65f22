/**
 * `predict` and `evaluate` through the fused kernels: per batch,
 * Aₗ₊₁ = fₗ(Aₗ · Wₗ + bₗ) into buffers made once, the last layer written
 * straight into the output. The same numbers as the layer-by-layer forward
 * pass, without a tensor per layer per batch. Evaluation adds the fused
 * crossentropy kernel on the logits, for the loss and the correct count.
 */
import { kernels, type SoftmaxCrossEntropyArgs } from '../tensor/kernels/index.js';
import type { FusedDense } from './plan.js';

/**
 * Runs the layers on rows [0, n) of x in batches of `batchSize`, writing the
 * outputs (n × units of the last layer) into `out`; `onBatch(b, start, end)`
 * after each. With `logits`, a softmax output layer stops before its softmax.
 */
export function runForward(
  layers: readonly FusedDense[],
  x: Float32Array,
  n: number,
  batchSize: number,
  out: Float32Array,
  onBatch: (batch: number, start: number, end: number) => void,
  logits = false,
): void {
  const hidden = layers.slice(0, -1).map((l) => new Float32Array(batchSize * l.units));
  const last = layers.length - 1;
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const rows = Math.min(batchSize, n - start);
    let input = x.subarray(start * layers[0]!.inputDim);
    for (let i = 0; i <= last; i++) {
      const l = layers[i]!;
      const output = i === last ? out.subarray(start * l.units) : hidden[i]!;
      kernels.gemm({ transposeA: false, transposeB: false, m: rows, n: l.units, k: l.inputDim, a: input, b: l.kernel.data, c: output, accumulate: false });
      if (l.bias) kernels.addBias(output, l.bias.data, 0, rows, l.units);
      if (l.activation === 'softmax') {
        if (!(logits && i === last)) kernels.softmaxRows(output, 0, rows, l.units);
      } else {
        kernels.activate(l.activation, output, output, 0, rows * l.units);
      }
      input = output;
    }
    onBatch(b, start, start + rows);
  }
}

/**
 * The loss and accuracy of a sparse-crossentropy classifier: the forward pass
 * up to the logits, then the fused crossentropy kernel per batch;
 * `onBatch(b, start, end, lossSum, correct)` receives each batch's totals.
 */
export function evaluateForward(
  layers: readonly FusedDense[],
  x: Float32Array,
  labels: Float32Array,
  n: number,
  batchSize: number,
  onBatch: (batch: number, start: number, end: number, lossSum: number, correct: number) => void,
): void {
  const classes = layers[layers.length - 1]!.units;
  const logits = new Float32Array(n * classes);
  const loss: SoftmaxCrossEntropyArgs = {
    logits, labels, classes, rowStart: 0, rowEnd: 0, scale: 1,
    grad: new Float32Array(n * classes), totals: new Float64Array(2), rowLosses: null,
  };
  runForward(layers, x, n, batchSize, logits, (b, start, end) => {
    loss.rowStart = start;
    loss.rowEnd = end;
    loss.totals.fill(0);
    kernels.softmaxCrossEntropy(loss);
    onBatch(b, start, end, loss.totals[0]!, loss.totals[1]!);
  }, true);
}
