/**
 * What the fused executor can run, read from the plain-data descriptions the
 * layers give (src/layers/fused-spec.ts), never from the layer classes: a
 * chain of ops on images (Conv2D, MaxPooling2D, AveragePooling2D), then on
 * vectors (Dense), each optionally followed by a Dropout; Flatten layers
 * anywhere (a row-major sample is already a vector); a nested model's layers
 * count as the parent's. An Activation, ReLU or Softmax layer right after a
 * Dense (or Conv2D) layer without activation becomes that layer's
 * activation (the same op on the same numbers). Training also needs sparse categorical crossentropy on a softmax
 * output (or on logits with fromLogits), hidden activations whose derivative
 * is a function of their output (not swish or gelu: hasOutputDerivative), and
 * accuracy as the only metric. Anything else
 * runs through autograd, which handles every model: the fused executor is a
 * second executor of the same math, never a different answer.
 *
 * Each planner returns the plan, or a sentence saying why it does not apply
 * (reported in history.params.reason, and thrown under jitCompile: true).
 */
import type { FusedLayerSpec, SpecSource } from '../layers/fused-spec.js';
import type { ActivationName } from '../layers/activations.js';
import { SparseCategoricalCrossentropy, type Loss } from '../losses/losses.js';
import { resolveMetric, sparseCategoricalAccuracy, type Metric } from '../losses/metrics.js';
import { OUTPUT_DERIVATIVE_KINDS, type OutputDerivativeKind } from '../tensor/kernels/index.js';
import { sizeOf } from '../tensor/shape.js';
import { outputLength, windowGeometry, type Window2D } from '../tensor/ops/window.js';
import type { WindowGeometry } from '../tensor/kernels/index.js';
import { checkFusedSpec } from './check-spec.js';
import { ValueError } from '../errors.js';
import { kindOf, type DenseOp, type FusedOp } from './kinds/index.js';

/** What the executor needs of a layer: its description, and its name for messages. */
export type DescribedLayer = SpecSource;

export type { Conv2DOp, DenseOp, DropoutOp, FusedOp, Pool2DOp } from './kinds/index.js';

/** The loss and metrics `compile()` settled, as the training planner reads them. */
export interface LossAndMetrics {
  readonly loss: Loss;
  /** The metrics: Keras strings, or metric objects (none of which the fused executor computes). */
  readonly metricEntries: readonly (string | Metric)[];
}

/** The training plan: the ops, and the number of classes of the fused loss. */
export interface TrainingPlan {
  readonly ops: readonly FusedOp[];
  readonly classes: number;
}

/** The Dense ops of a plan, in order. */
export function denseOps(ops: readonly FusedOp[]): DenseOp[] {
  return ops.filter((op): op is DenseOp => op.kind === 'dense');
}

/** The ops predict and evaluate run, in order: those that compute anything outside training (not Dropout). */
export function inferenceOps(ops: readonly FusedOp[]): FusedOp[] {
  return ops.filter((op) => kindOf(op).inInference);
}

/** A layer's description, with the layer for messages; a frozen nested model freezes what it holds. */
interface Described {
  readonly layer: DescribedLayer;
  readonly spec: Exclude<FusedLayerSpec, { kind: 'nested' }>;
}

/** Every layer's description in running order, nested models opened up; or why one has none. */
function describeAll(layers: readonly DescribedLayer[], frozen: boolean, out: Described[], within: readonly DescribedLayer[] = []): string | null {
  for (const layer of layers) {
    const spec = checkFusedSpec(layer.fusedSpec(), layer);
    if (spec === null) return `layer "${layer.name}" (${layer.className}) has no fused form`;
    if (spec.kind === 'nested') {
      // A description that holds itself would be opened forever.
      if (within.includes(layer)) throw new ValueError(`Layer "${layer.name}" (${layer.className}): fusedSpec() describes a nested model that contains itself.`);
      const why = describeAll(spec.layers, frozen || !spec.trainable, out, [...within, layer]);
      if (why !== null) return why;
    } else if ((spec.kind === 'dense' || spec.kind === 'conv2d') && frozen) {
      out.push({ layer, spec: { ...spec, trainable: false } });
    } else {
      out.push({ layer, spec });
    }
  }
  return null;
}

/** The ops of a model the fused forward pass can run on samples of `sampleShape`, or why not. */
export function planForward(layers: readonly DescribedLayer[], sampleShape: readonly number[]): FusedOp[] | string {
  const described: Described[] = [];
  const why = describeAll(layers, false, described);
  if (why !== null) return why;
  const ops: FusedOp[] = [];
  // The shape of one sample where the next layer reads it: an image [height, width, channels], or a vector.
  let shape = [...sampleShape];
  for (const { layer, spec } of described) {
    const previous = ops[ops.length - 1];
    switch (spec.kind) {
      case 'flatten':
        // Row-major samples are already vectors: no op, only the shape changes.
        shape = [sizeOf(shape)];
        break;
      case 'dense': {
        if (spec.kernel === null) return 'the model is not built';
        const { name, trainable, units, activation, kernel, bias } = spec;
        if (shape.length !== 1) return ops.length === 0 ? 'inputs of rank > 2 without a Flatten layer' : `layer "${name}" (Dense) receives images without a Flatten layer before it`;
        if (kernel.shape[0] !== shape[0]) {
          return ops.length === 0 ? 'the input size does not match the first kernel' : `layer "${name}" takes ${kernel.shape[0]} inputs but the layer before it gives ${shape[0]}`;
        }
        ops.push({ kind: 'dense', name, trainable, inputDim: kernel.shape[0]!, units, activation, kernel, bias });
        shape = [units];
        break;
      }
      case 'conv2d': {
        if (spec.kernel === null) return 'the model is not built';
        const { name, trainable, filters, activation, kernel, bias } = spec;
        const [kernelHeight, kernelWidth, channels] = kernel.shape as [number, number, number];
        if (shape.length !== 3 || shape[2] !== channels) return `layer "${name}" (Conv2D) takes images [height, width, ${channels}] but receives samples of shape [${shape.join(', ')}]`;
        if (activation === 'softmax') return `layer "${name}" (Conv2D) has activation 'softmax'`;
        const window = imageWindow(shape, { kernel: [kernelHeight, kernelWidth], strides: spec.strides, dilation: spec.dilationRate, padding: spec.padding });
        if (window === null) return `the kernel of layer "${name}" (Conv2D) does not fit its input`;
        ops.push({ kind: 'conv2d', name, trainable, window, filters, activation, kernel, bias });
        shape = [window.outHeight, window.outWidth, filters];
        break;
      }
      case 'pool2d': {
        if (shape.length !== 3) return `layer "${layer.name}" (${layer.className}) receives samples of shape [${shape.join(', ')}], not images`;
        const window = imageWindow(shape, { kernel: spec.poolSize, strides: spec.strides, dilation: [1, 1], padding: spec.padding });
        if (window === null) return `the window of layer "${layer.name}" (${layer.className}) does not fit its input`;
        ops.push({ kind: 'pool2d', name: spec.name, mode: spec.mode, window });
        shape = [window.outHeight, window.outWidth, shape[2]!];
        break;
      }
      case 'activation':
        // activation(x · W + b) is what the Dense (or Conv2D) layer computes with that activation: the same ops.
        if ((previous?.kind !== 'dense' && previous?.kind !== 'conv2d') || previous.activation !== 'linear') {
          return `layer "${layer.name}" (${layer.className}) does not come right after a Dense layer without activation`;
        }
        if (previous.kind === 'dense') ops[ops.length - 1] = { ...previous, activation: spec.activation };
        else if (spec.activation === 'softmax') return `layer "${layer.name}" (${layer.className}) takes a softmax over a Conv2D layer's channels`;
        else ops[ops.length - 1] = { ...previous, activation: spec.activation };
        break;
      case 'dropout':
        if (previous === undefined || previous.kind === 'dropout') return `layer "${layer.name}" (Dropout) does not come right after a Dense layer (or a Conv2D or pooling layer)`;
        // A rate of 0 draws no mask and changes nothing, on either executor.
        if (spec.rate > 0) ops.push({ kind: 'dropout', name: spec.name, rate: spec.rate, units: kindOf(previous).width(previous), generator: spec.generator });
        break;
    }
  }
  // Only a Dense layer takes vectors, and nothing but Flatten and Dropout may follow one: so it is also the output.
  if (denseOps(ops).length === 0) return 'the model has no Dense layer';
  return ops;
}

/** The window over one image of `shape` [height, width, channels] (batch 1), or null when it leaves no output. */
function imageWindow(shape: readonly number[], window: Window2D): WindowGeometry | null {
  const [height, width] = shape as [number, number];
  const fits = (size: number, axis: 0 | 1) => outputLength(size, window.kernel[axis], window.strides[axis], window.dilation[axis], window.padding) > 0;
  return fits(height, 0) && fits(width, 1) ? windowGeometry([1, ...shape], window, 'the fused executor') : null;
}

/** The fused training plan for this model, loss, metrics and data shapes, or why there is none. */
export function planTraining(
  layers: readonly DescribedLayer[],
  settings: LossAndMetrics,
  sampleShape: readonly number[],
  labelShape: readonly number[],
): TrainingPlan | string {
  const ops = planForward(layers, sampleShape);
  if (typeof ops === 'string') return ops;
  if (ops[ops.length - 1]!.kind === 'dropout') return 'a Dropout layer comes after the output layer';
  const dense = denseOps(ops);
  const weighted = ops.filter((op) => op.kind === 'dense' || op.kind === 'conv2d');
  const frozen = weighted.find((op) => !op.trainable);
  if (frozen) return `layer "${frozen.name}" is not trainable`;
  const loss = settings.loss;
  if (!(loss instanceof SparseCategoricalCrossentropy)) return 'the loss is not sparse categorical crossentropy';
  const output = dense[dense.length - 1]!;
  const outputOk = loss.fromLogits ? output.activation === 'linear' : output.activation === 'softmax';
  if (!outputOk) return 'the output is not softmax probabilities (or logits with fromLogits)';
  const classes = output.units;
  if (classes < 2) return 'fewer than two classes';
  if (!(labelShape.length === 1 || (labelShape.length === 2 && labelShape[1] === 1))) return 'labels are not one integer per sample';
  for (const metric of settings.metricEntries) {
    if (typeof metric !== 'string' || resolveMetric(metric, [labelShape[0]!], [labelShape[0]!, classes]).fn !== sparseCategoricalAccuracy) {
      return `metric '${typeof metric === 'string' ? metric : metric.name}' is not sparse categorical accuracy`;
    }
  }
  const hidden = weighted.slice(0, -1).find((d) => !hasOutputDerivative(d.activation));
  if (hidden) return `layer "${hidden.name}" has activation '${hidden.activation}'`;
  return { ops, classes };
}

/**
 * Whether an activation's derivative is a function of its output alone, as
 * the fused backward pass needs (it keeps only the output): not softmax, which
 * reads a whole row, nor swish or gelu, whose derivatives need the input.
 */
export function hasOutputDerivative(activation: ActivationName): activation is OutputDerivativeKind {
  return (OUTPUT_DERIVATIVE_KINDS as readonly string[]).includes(activation);
}
