/**
 * Metrics, as Keras 3 defines them. Most are the mean of a per-sample value
 * (Keras's MeanMetricWrapper), kept as a running total over every batch of
 * an epoch, so the epoch value is exact over every sample seen:
 *
 *     value of a batch:  vᵢ per sample i         (the formulas below)
 *     state:             total += Σ wᵢ·vᵢ,  count += Σ wᵢ      (wᵢ = 1 without sample weights)
 *     result:            total / count
 *
 *     sparse categorical accuracy:  v = [ argmax(ŷ) = y ]
 *     categorical accuracy:         v = [ argmax(ŷ) = argmax(y) ]
 *     binary accuracy:              v = meanⱼ [ (ŷⱼ > threshold) = yⱼ ]      (threshold 0.5)
 *     mean absolute error:          v = meanⱼ |ŷⱼ − yⱼ|
 *     crossentropies:               v = the loss of the sample (losses.ts)
 *     a user's function f:          v = f(y, ŷ), averaged over any axes after the first
 *
 * argmax takes the first index on ties, as Keras does. AUC, Precision and
 * Recall count a confusion matrix instead (confusion-metrics.ts).
 */
import { Tensor } from '../tensor/tensor.js';
export type { Metric } from './metric.js';
import { sparseLabels } from './labels.js';
import { suggestClosest } from '../utils/suggest.js';
import { uniqueName } from '../utils/naming.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { toTensorInput, type TensorInput } from '../tensor/convert.js';
import { batchSampleWeights, metricName, optionsFromConfig, type Metric, type MetricConfig } from './metric.js';
import { AUC, Precision, Recall } from './confusion-metrics.js';
import { noGrad } from '../tensor/autograd.js';
import { BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, type SmoothedCrossentropyOptions, type CrossentropyOptions } from './losses.js';

/** A metric function of the public API: the batch's mean value. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => number;

/** A metric's value for each sample of a batch, in order. */
export type SampleValuesFn = (yTrue: Tensor, yPred: Tensor) => Float32Array | Float64Array;

function sparseCategoricalAccuracyValues(yTrue: Tensor, yPred: Tensor): Float64Array {
  const labels = sparseLabels(yTrue, yPred, 'sparse_categorical_accuracy');
  const [N, C] = [yPred.shape[0]!, yPred.shape[1]!];
  const values = new Float64Array(N);
  for (let n = 0; n < N; n++) values[n] = argmaxRow(yPred.data, n * C, C) === labels.data[n] ? 1 : 0;
  return values;
}

function categoricalAccuracyValues(yTrue: Tensor, yPred: Tensor): Float64Array {
  const C = yPred.shape[yPred.rank - 1]!;
  const values = new Float64Array(yPred.size / C);
  for (let n = 0; n < values.length; n++) values[n] = argmaxRow(yPred.data, n * C, C) === argmaxRow(yTrue.data, n * C, C) ? 1 : 0;
  return values;
}

function binaryAccuracyValues(threshold: number): SampleValuesFn {
  return (yTrue, yPred) => {
    requireSameSize(yTrue, yPred, 'binary_accuracy');
    return perSampleMeans(yPred, (i) => ((yPred.data[i]! > threshold ? 1 : 0) === yTrue.data[i] ? 1 : 0));
  };
}

function meanAbsoluteErrorValues(yTrue: Tensor, yPred: Tensor): Float64Array {
  requireSameSize(yTrue, yPred, 'mean_absolute_error');
  return perSampleMeans(yPred, (i) => Math.abs(yPred.data[i]! - yTrue.data[i]!));
}

function meanSquaredErrorValues(yTrue: Tensor, yPred: Tensor): Float64Array {
  requireSameSize(yTrue, yPred, 'mean_squared_error');
  return perSampleMeans(yPred, (i) => (yPred.data[i]! - yTrue.data[i]!) ** 2);
}

/** meanⱼ value(i) over each sample's elements j (the flat indices i of its row); a rank-0 or rank-1 yPred has one element per sample. */
function perSampleMeans(yPred: Tensor, value: (i: number) => number): Float64Array {
  const N = yPred.rank === 0 ? 1 : yPred.shape[0]!;
  const per = N === 0 ? 0 : yPred.size / N;
  const values = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let total = 0;
    for (let j = 0; j < per; j++) total += value(n * per + j);
    values[n] = total / per;
  }
  return values;
}

/** The mean of a batch's per-sample values (0 for an empty batch). */
function meanOf(values: Float32Array | Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return values.length === 0 ? 0 : total / values.length;
}

export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  return meanOf(sparseCategoricalAccuracyValues(yTrue, yPred));
}

export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  return meanOf(categoricalAccuracyValues(yTrue, yPred));
}

/** The fraction of predictions on the right side of `threshold` (above it for a target of 1, not above for 0). */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): number {
  return meanOf(binaryAccuracyValues(threshold)(yTrue, yPred));
}

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): number {
  return meanOf(meanAbsoluteErrorValues(yTrue, yPred));
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
 * The mean of a per-sample value over every sample since the last reset
 * (weighted by the sample weights when given): Keras's MeanMetricWrapper.
 */
export class MeanMetric implements Metric {
  readonly name: string;
  /** The public function of the same formula (the batch mean), for metrics that have one; it also identifies the metric (the fused executor computes sparse categorical accuracy). */
  readonly fn: MetricFn | null;
  private total = 0;
  private count = 0;

  constructor(name: string, readonly sampleValues: SampleValuesFn, fn: MetricFn | null = null) {
    this.name = name;
    this.fn = fn;
  }

  updateState(yTrue: TensorInput, yPred: TensorInput, sampleWeight: TensorInput | null = null): void {
    const [y, p] = [toTensorInput(yTrue, 'y_true', this.name), toTensorInput(yPred, 'y_pred', this.name)];
    const values = noGrad(() => this.sampleValues(y, p));
    const weights = batchSampleWeights(sampleWeight, values.length, this.name);
    for (let i = 0; i < values.length; i++) {
      const w = weights === null ? 1 : weights[i]!;
      this.total += values[i]! * w;
      this.count += w;
    }
  }

  /**
   * Adds a batch known only by its mean over `samples` unweighted samples
   * (the fused executor's count of correct predictions, as a fraction).
   */
  updateFromMean(mean: number, samples: number): void {
    this.total += mean * samples;
    this.count += samples;
  }

  /** The mean over every sample given since the last reset (0 before any, or when the weights sum to 0). */
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }

  /** Keras's config of a metric class with no options: its name and dtype (the classes with options add theirs). */
  getConfig(): MetricConfig {
    return { name: this.name, dtype: 'float32' };
  }
}

/** `binary_accuracy` with its threshold: mean[ (ŷ > threshold) = y ]. */
export class BinaryAccuracy extends MeanMetric {
  readonly threshold: number;

  constructor(options: { threshold?: number; name?: string } = {}) {
    const name = metricName('BinaryAccuracy', 'binary_accuracy', options, ['threshold']);
    const threshold = options.threshold ?? 0.5;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new ValueError(`BinaryAccuracy: threshold must be a finite number. Received: threshold=${describeValue(threshold)}`);
    }
    super(name, binaryAccuracyValues(threshold));
    this.threshold = threshold;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), threshold: this.threshold };
  }

  static fromConfig(config: MetricConfig): BinaryAccuracy {
    return new BinaryAccuracy(optionsFromConfig('BinaryAccuracy', config, { threshold: 'threshold' }));
  }
}

/** `categorical_accuracy`: mean[ argmax(ŷ) = argmax(y) ]. */
export class CategoricalAccuracy extends MeanMetric {
  constructor(options: { name?: string } = {}) {
    super(metricName('CategoricalAccuracy', 'categorical_accuracy', options, []), categoricalAccuracyValues, categoricalAccuracy);
  }

  static fromConfig(config: MetricConfig): CategoricalAccuracy {
    return new CategoricalAccuracy(optionsFromConfig('CategoricalAccuracy', config, {}));
  }
}

/** `sparse_categorical_accuracy`: mean[ argmax(ŷ) = y ]. */
export class SparseCategoricalAccuracy extends MeanMetric {
  constructor(options: { name?: string } = {}) {
    super(metricName('SparseCategoricalAccuracy', 'sparse_categorical_accuracy', options, []), sparseCategoricalAccuracyValues, sparseCategoricalAccuracy);
  }

  static fromConfig(config: MetricConfig): SparseCategoricalAccuracy {
    return new SparseCategoricalAccuracy(optionsFromConfig('SparseCategoricalAccuracy', config, {}));
  }
}

/** `mean_absolute_error` as a metric (keras.metrics.MeanAbsoluteError): mean |ŷ − y|. */
export class MeanAbsoluteErrorMetric extends MeanMetric {
  constructor(options: { name?: string } = {}) {
    super(metricName('MeanAbsoluteError', 'mean_absolute_error', options, []), meanAbsoluteErrorValues, meanAbsoluteError);
  }

  static fromConfig(config: MetricConfig): MeanAbsoluteErrorMetric {
    return new MeanAbsoluteErrorMetric(optionsFromConfig('MeanAbsoluteError', config, {}));
  }
}

/** `mean_squared_error` as a metric (keras.metrics.MeanSquaredError): mean (ŷ − y)². */
export class MeanSquaredErrorMetric extends MeanMetric {
  constructor(options: { name?: string } = {}) {
    super(metricName('MeanSquaredError', 'mean_squared_error', options, []), meanSquaredErrorValues);
  }

  static fromConfig(config: MetricConfig): MeanSquaredErrorMetric {
    return new MeanSquaredErrorMetric(optionsFromConfig('MeanSquaredError', config, {}));
  }
}

/** A loss's per-sample values as a metric's, without recording gradients. */
function lossValues(loss: { perSample(yTrue: Tensor, yPred: Tensor): Tensor }): SampleValuesFn {
  return (yTrue, yPred) => {
    const values = loss.perSample(yTrue, yPred);
    return values.rank === 0 ? Float32Array.of(values.item()) : values.data;
  };
}

/** keras.metrics.BinaryCrossentropy: the mean binary crossentropy (losses.ts), with the loss's fromLogits and labelSmoothing. */
export class BinaryCrossentropyMetric extends MeanMetric {
  readonly loss: BinaryCrossentropy;

  constructor(options: SmoothedCrossentropyOptions & { name?: string } = {}) {
    const name = metricName('BinaryCrossentropy', 'binary_crossentropy', options, ['fromLogits', 'labelSmoothing']);
    const loss = new BinaryCrossentropy({ fromLogits: options.fromLogits ?? false, labelSmoothing: options.labelSmoothing ?? 0 });
    super(name, lossValues(loss));
    this.loss = loss;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), from_logits: this.loss.fromLogits, label_smoothing: this.loss.labelSmoothing };
  }

  static fromConfig(config: MetricConfig): BinaryCrossentropyMetric {
    return new BinaryCrossentropyMetric(optionsFromConfig('BinaryCrossentropy', config, { from_logits: 'fromLogits', label_smoothing: 'labelSmoothing' }));
  }
}

/** keras.metrics.CategoricalCrossentropy: the mean categorical crossentropy (losses.ts), with its fromLogits and labelSmoothing. */
export class CategoricalCrossentropyMetric extends MeanMetric {
  readonly loss: CategoricalCrossentropy;

  constructor(options: SmoothedCrossentropyOptions & { name?: string } = {}) {
    const name = metricName('CategoricalCrossentropy', 'categorical_crossentropy', options, ['fromLogits', 'labelSmoothing']);
    const loss = new CategoricalCrossentropy({ fromLogits: options.fromLogits ?? false, labelSmoothing: options.labelSmoothing ?? 0 });
    super(name, lossValues(loss));
    this.loss = loss;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), from_logits: this.loss.fromLogits, label_smoothing: this.loss.labelSmoothing, axis: -1 };
  }

  static fromConfig(config: MetricConfig): CategoricalCrossentropyMetric {
    const options = optionsFromConfig('CategoricalCrossentropy', config, { from_logits: 'fromLogits', label_smoothing: 'labelSmoothing' }, { axis: -1 });
    return new CategoricalCrossentropyMetric(options);
  }
}

/** keras.metrics.SparseCategoricalCrossentropy: the mean sparse categorical crossentropy (losses.ts), with its fromLogits. */
export class SparseCategoricalCrossentropyMetric extends MeanMetric {
  readonly loss: SparseCategoricalCrossentropy;

  constructor(options: CrossentropyOptions & { name?: string } = {}) {
    const name = metricName('SparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', options, ['fromLogits']);
    const loss = new SparseCategoricalCrossentropy({ fromLogits: options.fromLogits ?? false });
    super(name, lossValues(loss));
    this.loss = loss;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), from_logits: this.loss.fromLogits, ignore_class: null, axis: -1 };
  }

  static fromConfig(config: MetricConfig): SparseCategoricalCrossentropyMetric {
    const options = optionsFromConfig('SparseCategoricalCrossentropy', config, { from_logits: 'fromLogits' }, { ignore_class: null, axis: -1 });
    return new SparseCategoricalCrossentropyMetric(options);
  }
}

/** A user's metric function (yTrue, yPred) → a tensor of per-sample values (or one number for the batch). */
export type UserMetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor | number;

/**
 * A user's metric function as a metric, named by the function's name, as
 * Keras names it. Its values are averaged over any axes after the first, so
 * that each sample has one; a function that returns one number for the
 * batch counts as one sample, as in Keras (each batch then weighs the same).
 */
export function metricFromFunction(fn: UserMetricFn): MeanMetric {
  const builtin = BUILTIN_FUNCTIONS.get(fn as unknown as MetricFn);
  if (builtin) return new MeanMetric(builtin.name, builtin.values, fn as unknown as MetricFn);
  const name = fn.name || 'metric';
  return new MeanMetric(name, (yTrue, yPred) => {
    const out = fn(yTrue, yPred);
    if (typeof out === 'number') return Float32Array.of(out);
    if (!(out instanceof Tensor)) {
      throw new ValueError(`Metric function '${name}' must return a Tensor (one value per sample) or a number. Received: ${describeValue(out)}`);
    }
    if (out.rank <= 1) return out.rank === 0 ? Float32Array.of(out.item()) : out.data;
    return perSampleMeans(out, (i) => out.data[i]!);
  });
}

/** Whether `value` is a metric object (a name, updateState and result), such as a BinaryAccuracy or an AUC. */
export function isMetric(value: unknown): value is Metric {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Metric;
  return typeof m.name === 'string' && typeof m.updateState === 'function' && typeof m.result === 'function' && typeof m.resetState === 'function';
}

/** The per-sample form and Keras name of each public metric function. */
const BUILTIN_FUNCTIONS = new Map<MetricFn, { name: string; values: SampleValuesFn }>([
  [sparseCategoricalAccuracy, { name: 'sparse_categorical_accuracy', values: sparseCategoricalAccuracyValues }],
  [categoricalAccuracy, { name: 'categorical_accuracy', values: categoricalAccuracyValues }],
  [binaryAccuracy, { name: 'binary_accuracy', values: binaryAccuracyValues(0.5) }],
  [meanAbsoluteError, { name: 'mean_absolute_error', values: meanAbsoluteErrorValues }],
]);

/** The metric strings other than accuracy: each makes a fresh metric object of that name. */
const NAMED_METRICS: Record<string, (name: string) => Metric> = {
  sparse_categorical_accuracy: (name) => new MeanMetric(name, sparseCategoricalAccuracyValues, sparseCategoricalAccuracy),
  categorical_accuracy: (name) => new MeanMetric(name, categoricalAccuracyValues, categoricalAccuracy),
  binary_accuracy: (name) => new MeanMetric(name, binaryAccuracyValues(0.5), binaryAccuracy),
  mean_absolute_error: (name) => new MeanMetric(name, meanAbsoluteErrorValues, meanAbsoluteError),
  mae: (name) => new MeanMetric(name, meanAbsoluteErrorValues, meanAbsoluteError),
  // Keras's 'mse' metric: mean (ŷ − y)² per sample, averaged over the epoch like 'mae'.
  mean_squared_error: (name) => new MeanSquaredErrorMetric({ name }),
  mse: (name) => new MeanSquaredErrorMetric({ name }),
  binary_crossentropy: (name) => new BinaryCrossentropyMetric({ name }),
  bce: (name) => new BinaryCrossentropyMetric({ name }),
  categorical_crossentropy: (name) => new CategoricalCrossentropyMetric({ name }),
  sparse_categorical_crossentropy: (name) => new SparseCategoricalCrossentropyMetric({ name }),
  // Keras makes these as AUC() etc. (taking a name from the session's counter: 'auc', 'auc_1', …), then renames them.
  auc: (name) => (uniqueName('auc'), new AUC({ name })),
  precision: (name) => (uniqueName('precision'), new Precision({ name })),
  recall: (name) => (uniqueName('recall'), new Recall({ name })),
};


/**
 * Resolves a metric string once the shapes are known, as Keras's
 * compile_utils does: "accuracy"/"acc" becomes binary accuracy when the
 * model has one output unit, sparse categorical accuracy when the labels
 * have lower rank (or a last dimension of 1 against several classes), and
 * categorical accuracy otherwise. The metric is named by the user's string,
 * or by `name` (compile's "weighted_accuracy"). A metric object is taken as it is.
 */
export function resolveMetric(
  identifier: string | Metric,
  yTrueShape: readonly number[],
  yPredShape: readonly number[],
  name?: string,
): Metric & { readonly fn?: MetricFn | null } {
  if (typeof identifier !== 'string') return identifier;
  const logName = name ?? identifier;
  const key = identifier.toLowerCase();
  if (key === 'accuracy' || key === 'acc') {
    const classes = yPredShape[yPredShape.length - 1];
    const isBinary = classes === 1;
    const isSparse =
      yTrueShape.length < yPredShape.length || (yTrueShape[yTrueShape.length - 1] === 1 && (classes ?? 0) > 1);
    return NAMED_METRICS[isBinary ? 'binary_accuracy' : isSparse ? 'sparse_categorical_accuracy' : 'categorical_accuracy']!(logName);
  }
  requireKnownMetric(identifier);
  return NAMED_METRICS[key]!(logName);
}

/** The metric strings `compile` accepts (any capitalisation: 'AUC' as well as 'auc'). */
export const METRIC_NAMES = ['accuracy', 'acc', ...Object.keys(NAMED_METRICS)];

/** Throws, listing the valid names and the closest one, unless `identifier` names a metric. */
export function requireKnownMetric(identifier: unknown): void {
  if (typeof identifier === 'string' && METRIC_NAMES.includes(identifier.toLowerCase())) return;
  const name = typeof identifier === 'string' ? identifier : describeValue(identifier);
  throw new ValueError(`Unknown metric: '${name}'.${suggestClosest(name, METRIC_NAMES)} Valid metrics: ${METRIC_NAMES.join(', ')}.`);
}

/**
 * The metric classes by Keras's class name, each with its fromConfig: what a
 * Keras file's compile config names (`{ class_name: 'AUC', config: {…} }`).
 */
export const METRIC_CLASSES: Readonly<Record<string, { fromConfig(config: MetricConfig): Metric }>> = {
  AUC, Precision, Recall, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
  MeanAbsoluteError: MeanAbsoluteErrorMetric,
  MeanSquaredError: MeanSquaredErrorMetric,
  BinaryCrossentropy: BinaryCrossentropyMetric,
  CategoricalCrossentropy: CategoricalCrossentropyMetric,
  SparseCategoricalCrossentropy: SparseCategoricalCrossentropyMetric,
};

/** The Keras class name of a metric object of these classes; null for one made from a function. */
export function metricClassName(metric: Metric): string | null {
  for (const [name, cls] of Object.entries(METRIC_CLASSES)) if (metric.constructor === (cls as unknown)) return name;
  return null;
}
