/**
 * Metrics. Each returns its batch value (the fraction of correct predictions,
 * or a mean error); `fit` and `evaluate` keep a running mean weighted by batch
 * size, so the epoch value is the exact mean over every sample seen.
 *
 *     sparse categorical accuracy:  mean[ argmax(ŷ) = y ]
 *     categorical accuracy:         mean[ argmax(ŷ) = argmax(y) ]
 *     binary accuracy:              mean[ (ŷ > threshold) = y ]      (threshold 0.5)
 *     mean absolute error:          mean |ŷ − y|
 *
 * argmax takes the first index on ties, as Keras does.
 */
import { Tensor } from '../tensor/tensor.js';
import { sparseLabels } from './labels.js';
import { suggestClosest } from '../utils/suggest.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions } from '../utils/options.js';
import { toTensorInput, type TensorInput } from '../tensor/convert.js';

export type MetricFn = (yTrue: Tensor, yPred: Tensor) => number;

export interface Metric {
  /** The name in logs and History: the user's string, as Keras keeps it ("accuracy", "acc"). */
  readonly name: string;
  readonly fn: MetricFn;
}

export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  const labels = sparseLabels(yTrue, yPred, 'sparse_categorical_accuracy');
  const [N, C] = [yPred.shape[0]!, yPred.shape[1]!];
  let correct = 0;
  for (let n = 0; n < N; n++) if (argmaxRow(yPred.data, n * C, C) === labels.data[n]) correct++;
  return N === 0 ? 0 : correct / N;
}

export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  const C = yPred.shape[yPred.rank - 1]!;
  const N = yPred.size / C;
  let correct = 0;
  for (let n = 0; n < N; n++) if (argmaxRow(yPred.data, n * C, C) === argmaxRow(yTrue.data, n * C, C)) correct++;
  return N === 0 ? 0 : correct / N;
}

/** The fraction of predictions on the right side of `threshold` (above it for a target of 1, not above for 0). */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): number {
  requireSameSize(yTrue, yPred, 'binary_accuracy');
  let correct = 0;
  for (let i = 0; i < yPred.size; i++) if ((yPred.data[i]! > threshold ? 1 : 0) === yTrue.data[i]) correct++;
  return yPred.size === 0 ? 0 : correct / yPred.size;
}

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): number {
  requireSameSize(yTrue, yPred, 'mean_absolute_error');
  let total = 0;
  for (let i = 0; i < yPred.size; i++) total += Math.abs(yPred.data[i]! - yTrue.data[i]!);
  return yPred.size === 0 ? 0 : total / yPred.size;
}

/** Element-wise metrics compare y and ŷ value by value: [N] against [N, 1] is fine, other counts are not. */
function requireSameSize(yTrue: Tensor, yPred: Tensor, where: string): void {
  if (yTrue.size !== yPred.size) {
    throw new ShapeError(
      `${where}: the targets must hold one value per prediction. ` +
        `Received: y_true.shape=[${yTrue.shape.join(', ')}], y_pred.shape=[${yPred.shape.join(', ')}]`,
    );
  }
}

function argmaxRow(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (values[start + j]! > values[start + best]!) best = j;
  return best;
}

/**
 * A metric object, as Keras's metric classes: usable in `compile({ metrics })`
 * (its `fn` gives each batch's value) and on its own, keeping a running mean
 * over the samples of every batch given to `updateState`.
 */
abstract class MeanMetric implements Metric {
  readonly name: string;
  abstract readonly fn: MetricFn;
  private total = 0;
  private count = 0;

  constructor(where: string, defaultName: string, options: { name?: string } | undefined, allowed: readonly string[]) {
    checkOptions(where, options, ['name', ...allowed]);
    const name = options?.name ?? defaultName;
    if (typeof name !== 'string' || name === '') throw new ValueError(`${where}: name must be a non-empty string. Received: name=${describeValue(name)}`);
    this.name = name;
  }

  /** Adds one batch: its value, weighted by its number of samples (rows). */
  updateState(yTrue: TensorInput, yPred: TensorInput): void {
    const [y, p] = [toTensorInput(yTrue, 'y_true', this.name), toTensorInput(yPred, 'y_pred', this.name)];
    const samples = p.rank > 1 ? p.shape[0]! : 1;
    this.total += this.fn(y, p) * samples;
    this.count += samples;
  }

  /** The mean over every sample given since the last reset (0 before any). */
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }
}

/** `binary_accuracy` with its threshold: mean[ (ŷ > threshold) = y ]. */
export class BinaryAccuracy extends MeanMetric {
  readonly threshold: number;
  readonly fn: MetricFn;

  constructor(options: { threshold?: number; name?: string } = {}) {
    super('BinaryAccuracy', 'binary_accuracy', options, ['threshold']);
    const threshold = options.threshold ?? 0.5;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new ValueError(`BinaryAccuracy: threshold must be a finite number. Received: threshold=${describeValue(threshold)}`);
    }
    this.threshold = threshold;
    this.fn = (yTrue, yPred) => binaryAccuracy(yTrue, yPred, threshold);
  }
}

/** `categorical_accuracy`: mean[ argmax(ŷ) = argmax(y) ]. */
export class CategoricalAccuracy extends MeanMetric {
  readonly fn: MetricFn = categoricalAccuracy;

  constructor(options: { name?: string } = {}) {
    super('CategoricalAccuracy', 'categorical_accuracy', options, []);
  }
}

/** `mean_absolute_error` as a metric (keras.metrics.MeanAbsoluteError): mean |ŷ − y|. */
export class MeanAbsoluteErrorMetric extends MeanMetric {
  readonly fn: MetricFn = meanAbsoluteError;

  constructor(options: { name?: string } = {}) {
    super('MeanAbsoluteError', 'mean_absolute_error', options, []);
  }
}

/** Whether `value` is a metric object (a name and a batch function), such as a BinaryAccuracy. */
export function isMetric(value: unknown): value is Metric {
  return typeof value === 'object' && value !== null && typeof (value as Metric).name === 'string' && typeof (value as Metric).fn === 'function';
}

const NAMED_METRICS: Record<string, MetricFn> = {
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  categorical_accuracy: categoricalAccuracy,
  binary_accuracy: binaryAccuracy,
  mean_absolute_error: meanAbsoluteError,
  mae: meanAbsoluteError,
};

/**
 * Resolves a metric string once the shapes are known, as Keras's
 * compile_utils does: "accuracy"/"acc" becomes binary accuracy when the
 * model has one output unit, sparse categorical accuracy when the labels
 * have lower rank (or a last dimension of 1 against several classes), and
 * categorical accuracy otherwise. The metric keeps the user's string as name.
 * A metric object is taken as it is.
 */
export function resolveMetric(identifier: string | Metric, yTrueShape: readonly number[], yPredShape: readonly number[]): Metric {
  if (typeof identifier !== 'string') return identifier;
  const key = identifier.toLowerCase();
  if (key === 'accuracy' || key === 'acc') {
    const classes = yPredShape[yPredShape.length - 1];
    const isBinary = classes === 1;
    const isSparse =
      yTrueShape.length < yPredShape.length || (yTrueShape[yTrueShape.length - 1] === 1 && (classes ?? 0) > 1);
    const fn = isBinary ? binaryAccuracy : isSparse ? sparseCategoricalAccuracy : categoricalAccuracy;
    return { name: identifier, fn };
  }
  requireKnownMetric(identifier);
  return { name: identifier, fn: NAMED_METRICS[key]! };
}

/** The metric strings `compile` accepts. */
export const METRIC_NAMES = ['accuracy', 'acc', ...Object.keys(NAMED_METRICS)];

/** Throws, listing the valid names and the closest one, unless `identifier` names a metric. */
export function requireKnownMetric(identifier: unknown): void {
  if (typeof identifier === 'string' && METRIC_NAMES.includes(identifier.toLowerCase())) return;
  const name = typeof identifier === 'string' ? identifier : describeValue(identifier);
  throw new ValueError(`Unknown metric: '${name}'.${suggestClosest(name, METRIC_NAMES)} Valid metrics: ${METRIC_NAMES.join(', ')}.`);
}
