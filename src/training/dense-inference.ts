/**
 * predict() for a stack of Flatten and Dense layers, through the fused
 * kernels: per batch, Aₗ₊₁ = fₗ(Aₗ · Wₗ + bₗ) into buffers made once, the
 * last layer written straight into the output. The same numbers as the
 * layer-by-layer forward pass, without a tensor per layer per batch.
 */
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import type { Layer } from '../layers/layer.js';
import { Activation, biasActivation, softmaxRows, type ActivationCode } from '../tensor/kernels/dense.js';
import { gemm } from '../tensor/kernels/matmul.js';
import { sizeOf } from '../tensor/shape.js';

interface InferenceLayer {
  kernel: Float32Array;
  bias: Float32Array | null;
  inputDim: number;
  units: number;
  activation: ActivationCode | 'softmax';
}

/**
 * The Dense layers of a model that is a plain Dense stack (Flatten layers
 * first, then Dense layers, exact classes, built, its first kernel fitting
 * one sample of `sampleShape`), or a sentence saying why it is not one.
 * Exact classes only: a subclass may compute something else in call().
 */
export function denseLayersOf(layers: readonly Layer[], sampleShape: readonly number[]): Dense[] | string {
  const dense: Dense[] = [];
  for (const layer of layers) {
    const kind: unknown = layer.constructor;
    if (kind === Dense) dense.push(layer as Dense);
    else if (kind !== Flatten) return `layer "${layer.name}" (${layer.className}) is not Flatten or Dense`;
    else if (dense.length > 0) return 'a Flatten layer comes after a Dense layer';
  }
  if (dense.length === 0) return 'the model has no Dense layer';
  if (!dense.every((d) => d.kernel !== null)) return 'the model is not built';
  if (layers[0]!.constructor !== Flatten && sampleShape.length !== 1) return 'inputs of rank > 2 without a Flatten layer';
  if (sizeOf(sampleShape) !== dense[0]!.kernel!.shape[0]) return 'the input size does not match the first kernel';
  return dense;
}

/** The layers as the fused forward pass runs them, or null when the model is not a plain Dense stack. */
export function planInference(layers: readonly Layer[], sampleShape: readonly number[]): InferenceLayer[] | null {
  const dense = denseLayersOf(layers, sampleShape);
  if (typeof dense === 'string') return null;
  const plan: InferenceLayer[] = [];
  for (const d of dense) {
    const activation = d.activationName === 'softmax' ? 'softmax' : Activation[d.activationName];
    if (activation === undefined) return null;
    plan.push({ kernel: d.kernel!.data, bias: d.bias?.data ?? null, inputDim: d.kernel!.shape[0]!, units: d.units, activation });
  }
  return plan;
}

/**
 * Runs the plan on rows [0, n) of x in batches of `batchSize`, writing the
 * outputs (n × units of the last layer) into `out`; `onBatch(b, start, end)`
 * after each. With `logits`, a softmax output layer stops before its softmax.
 */
export function inferDense(
  plan: readonly InferenceLayer[],
  x: Float32Array,
  n: number,
  batchSize: number,
  out: Float32Array,
  onBatch: (batch: number, start: number, end: number) => void,
  logits = false,
): void {
  const hidden = plan.slice(0, -1).map((l) => new Float32Array(batchSize * l.units));
  const last = plan.length - 1;
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const rows = Math.min(batchSize, n - start);
    let input = x.subarray(start * plan[0]!.inputDim);
    for (let i = 0; i <= last; i++) {
      const l = plan[i]!;
      const output = i === last ? out.subarray(start * l.units) : hidden[i]!;
      gemm(false, false, rows, l.units, l.inputDim, input, l.kernel, output, false);
      if (l.activation === 'softmax') {
        biasActivation(output, l.bias, 0, rows, l.units, Activation.linear);
        if (!logits) softmaxRows(output, 0, rows, l.units);
      } else {
        biasActivation(output, l.bias, 0, rows, l.units, l.activation);
      }
      input = output;
    }
    onBatch(b, start, start + rows);
  }
}
