/**
 * What the fused executor can run, read from the plain-data descriptions the
 * layers give (src/layers/fused-spec.ts), never from the layer classes:
 * Flatten layers, then Dense layers. Training also needs sparse categorical
 * crossentropy on a softmax output (or on logits with fromLogits), hidden
 * activations relu/sigmoid/tanh/linear, and accuracy as the only metric.
 * Anything else runs through autograd, which handles every model: the fused
 * executor is a second executor of the same math, never a different answer.
 *
 * Each planner returns the plan, or a sentence saying why it does not apply
 * (reported in history.params.reason, and thrown under jitCompile: true).
 */
import type { FusedLayerSpec } from '../layers/fused-spec.js';
import type { ActivationName } from '../layers/activations.js';
import { SparseCategoricalCrossentropy, type Loss } from '../losses/losses.js';
import { resolveMetric, sparseCategoricalAccuracy } from '../losses/metrics.js';
import { ACTIVATION_KINDS, type ActivationKind } from '../tensor/kernels/activations.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** What the executor needs of a layer: its description, and its name for messages. */
export interface DescribedLayer {
  readonly name: string;
  readonly className: string;
  fusedSpec(): FusedLayerSpec | null;
}

/** One Dense layer as the executor runs it. */
export interface FusedDense {
  readonly name: string;
  readonly trainable: boolean;
  readonly inputDim: number;
  readonly units: number;
  readonly activation: ActivationName;
  /** The model's own weights: the executor reads and updates them in place. */
  readonly kernel: Tensor;
  readonly bias: Tensor | null;
}

/** The loss and metrics `compile()` settled, as the training planner reads them. */
export interface LossAndMetrics {
  readonly loss: Loss;
  readonly metricNames: readonly string[];
}

/** The training plan: the Dense layers, and the number of classes of the fused loss. */
export interface TrainingPlan {
  readonly layers: readonly FusedDense[];
  readonly classes: number;
}

/** The Dense layers of a model the fused forward pass can run on samples of `sampleShape`, or why not. */
export function planForward(layers: readonly DescribedLayer[], sampleShape: readonly number[]): FusedDense[] | string {
  const dense: FusedDense[] = [];
  let flattened = false;
  for (const layer of layers) {
    const spec = layer.fusedSpec();
    if (spec === null) return `layer "${layer.name}" (${layer.className}) has no fused form`;
    if (spec.kind === 'flatten') {
      if (dense.length > 0) return 'a Flatten layer comes after a Dense layer';
      flattened = true;
      continue;
    }
    if (spec.kernel === null) return 'the model is not built';
    const { name, trainable, units, activation, kernel, bias } = spec;
    dense.push({ name, trainable, inputDim: kernel.shape[0]!, units, activation, kernel, bias });
  }
  if (dense.length === 0) return 'the model has no Dense layer';
  if (!flattened && sampleShape.length !== 1) return 'inputs of rank > 2 without a Flatten layer';
  if (sizeOf(sampleShape) !== dense[0]!.inputDim) return 'the input size does not match the first kernel';
  return dense;
}

/** The fused training plan for this model, loss, metrics and data shapes, or why there is none. */
export function planTraining(
  layers: readonly DescribedLayer[],
  settings: LossAndMetrics,
  sampleShape: readonly number[],
  labelShape: readonly number[],
): TrainingPlan | string {
  const dense = planForward(layers, sampleShape);
  if (typeof dense === 'string') return dense;
  const frozen = dense.find((d) => !d.trainable);
  if (frozen) return `layer "${frozen.name}" is not trainable`;
  const loss = settings.loss;
  if (!(loss instanceof SparseCategoricalCrossentropy)) return 'the loss is not sparse categorical crossentropy';
  const output = dense[dense.length - 1]!;
  const outputOk = loss.fromLogits ? output.activation === 'linear' : output.activation === 'softmax';
  if (!outputOk) return 'the output is not softmax probabilities (or logits with fromLogits)';
  const classes = output.units;
  if (classes < 2) return 'fewer than two classes';
  if (!(labelShape.length === 1 || (labelShape.length === 2 && labelShape[1] === 1))) return 'labels are not one integer per sample';
  for (const name of settings.metricNames) {
    if (resolveMetric(name, [labelShape[0]!], [labelShape[0]!, classes]).fn !== sparseCategoricalAccuracy) {
      return `metric '${name}' is not sparse categorical accuracy`;
    }
  }
  const hidden = dense.slice(0, -1).find((d) => !isElementwise(d.activation));
  if (hidden) return `layer "${hidden.name}" has activation '${hidden.activation}'`;
  return { layers: dense, classes };
}

/** Whether an activation is one of the element-wise kernels (softmax is not: it reads a whole row). */
export function isElementwise(activation: ActivationName): activation is ActivationKind {
  return (ACTIVATION_KINDS as readonly string[]).includes(activation);
}
