/**
 * Accuracy metrics. Each returns the fraction of correct predictions in a
 * batch; `fit` and `evaluate` keep a running mean weighted by batch size, so
 * the epoch value is the exact fraction over every sample seen.
 *
 *     sparse categorical accuracy:  mean[ argmax(ŷ) = y ]
 *     categorical accuracy:         mean[ argmax(ŷ) = argmax(y) ]
 *     binary accuracy:              mean[ (ŷ > 0.5) = y ]
 *
 * argmax takes the first index on ties, as Keras does.
 */
import { Tensor } from '../tensor/tensor.js';
import { sparseLabels } from './labels.js';
import { suggestClosest } from '../utils/suggest.js';
import { describeValue, ValueError } from '../errors.js';

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

export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): number {
  let correct = 0;
  for (let i = 0; i < yPred.size; i++) if ((yPred.data[i]! > 0.5 ? 1 : 0) === yTrue.data[i]) correct++;
  return yPred.size === 0 ? 0 : correct / yPred.size;
}

function argmaxRow(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (values[start + j]! > values[start + best]!) best = j;
  return best;
}

const NAMED_METRICS: Record<string, MetricFn> = {
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  categorical_accuracy: categoricalAccuracy,
  binary_accuracy: binaryAccuracy,
};

/**
 * Resolves a metric string once the shapes are known, as Keras's
 * compile_utils does: "accuracy"/"acc" becomes binary accuracy when the
 * model has one output unit, sparse categorical accuracy when the labels
 * have lower rank (or a last dimension of 1 against several classes), and
 * categorical accuracy otherwise. The metric keeps the user's string as name.
 */
export function resolveMetric(identifier: string, yTrueShape: readonly number[], yPredShape: readonly number[]): Metric {
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
