/**
 * Metrics counted from a confusion matrix at thresholds, as Keras's: each
 * prediction value p against its target y (positive when y ≠ 0), each
 * weighted by its sample's weight w (1 without weights), at each threshold t:
 *
 *     p > t, y positive: true positive      p > t, y negative: false positive
 *     p ≤ t, y positive: false negative     p ≤ t, y negative: true negative
 *
 *     Precision = TP / (TP + FP)            Recall = TP / (TP + FN)        (0 when the sum is 0)
 *
 *     AUC (ROC curve, 'interpolation'), over thresholds t₀ < t₁ < … < t_{K−1}:
 *         recallₖ = TPₖ / (TPₖ + FNₖ)        false-positive rateₖ = FPₖ / (FPₖ + TNₖ)
 *         AUC = Σₖ (fprₖ − fprₖ₊₁) · (recallₖ + recallₖ₊₁) / 2
 *
 * AUC's K thresholds (200 by default) are −ε, 1/(K−1), 2/(K−1), …, (K−2)/(K−1), 1 + ε
 * (ε = 1e-7), in float32 as Keras compares them. The counts accumulate over
 * every batch until resetState, so the epoch value is the metric of the whole epoch.
 */
import { toTensorInput, type TensorInput } from '../tensor/convert.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { batchSampleWeights, metricName, optionsFromConfig, type Metric, type MetricConfig } from './metric.js';
import { EPSILON } from './losses.js';

/** True/false positive/negative totals at each of a list of thresholds. */
class ConfusionCounts {
  readonly truePositives: Float64Array;
  readonly falsePositives: Float64Array;
  readonly falseNegatives: Float64Array;
  readonly trueNegatives: Float64Array;

  constructor(readonly thresholds: Float32Array) {
    const k = thresholds.length;
    [this.truePositives, this.falsePositives, this.falseNegatives, this.trueNegatives] = [new Float64Array(k), new Float64Array(k), new Float64Array(k), new Float64Array(k)];
  }

  /** Adds a batch: every prediction value against its target, weighted by its sample's weight. */
  update(yTrue: TensorInput, yPred: TensorInput, sampleWeight: TensorInput | null | undefined, where: string, fromLogits: boolean): void {
    const [y, p] = [toTensorInput(yTrue, 'y_true', where), toTensorInput(yPred, 'y_pred', where)];
    if (y.size !== p.size) {
      throw new ShapeError(`${where}: the targets must hold one value per prediction. Received: y_true.shape=[${y.shape.join(', ')}], y_pred.shape=[${p.shape.join(', ')}]`);
    }
    const samples = p.rank === 0 ? 1 : p.shape[0]!;
    const weights = batchSampleWeights(sampleWeight, samples, where);
    const perSample = samples === 0 ? 0 : p.size / samples;
    const t = this.thresholds;
    for (let i = 0; i < p.size; i++) {
      const w = weights === null ? 1 : weights[Math.floor(i / perSample)]!;
      // In float32, as the Keras variables compare.
      const value = fromLogits ? Math.fround(1 / (1 + Math.exp(-p.data[i]!))) : p.data[i]!;
      const positive = y.data[i] !== 0;
      for (let k = 0; k < t.length; k++) {
        if (value > t[k]!) (positive ? this.truePositives : this.falsePositives)[k]! += w;
        else (positive ? this.falseNegatives : this.trueNegatives)[k]! += w;
      }
    }
  }

  reset(): void {
    for (const counts of [this.truePositives, this.falsePositives, this.falseNegatives, this.trueNegatives]) counts.fill(0);
  }
}

/** a / b, or 0 when b is 0 (Keras's divide_no_nan). */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** The threshold option of Precision and Recall: one number in [0, 1]; 0.5 by default. */
function thresholdOption(where: string, value: unknown): Float32Array {
  const threshold = value ?? 0.5;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new ValueError(`${where}: thresholds must be one number in [0, 1]. Received: thresholds=${describeValue(value)}`);
  }
  return Float32Array.of(threshold);
}

/** Precision's and Recall's options from a Keras config: thresholds one number (or a list of one), no top_k, no class_id. */
function thresholdsFromConfig(where: string, config: MetricConfig): { thresholds?: number; name?: string } {
  const options = optionsFromConfig(where, config, { thresholds: 'thresholds' }, { top_k: null, class_id: null });
  const t = options.thresholds;
  if (Array.isArray(t)) {
    if (t.length !== 1) throw new ValueError(`${where}.fromConfig: tinykeras has one threshold. Received: thresholds=${describeValue(t)}`);
    options.thresholds = t[0];
  }
  return options;
}

/** Precision and Recall: the confusion counts at one threshold (0.5 by default). */
abstract class CountsAtThreshold implements Metric {
  readonly name: string;
  protected readonly counts: ConfusionCounts;
  /** The threshold as given (null: the default, 0.5), as Keras's config keeps it. */
  private readonly thresholdGiven: number | null;

  constructor(where: string, defaultName: { unique: string }, options: { thresholds?: number; name?: string }) {
    this.name = metricName(where, defaultName, options, ['thresholds']);
    this.counts = new ConfusionCounts(thresholdOption(where, options.thresholds));
    this.thresholdGiven = options.thresholds ?? null;
  }

  getConfig(): MetricConfig {
    return { name: this.name, dtype: 'float32', thresholds: this.thresholdGiven, top_k: null, class_id: null };
  }

  updateState(yTrue: TensorInput, yPred: TensorInput, sampleWeight: TensorInput | null = null): void {
    this.counts.update(yTrue, yPred, sampleWeight, this.name, false);
  }

  abstract result(): number;

  resetState(): void {
    this.counts.reset();
  }
}

/** keras.metrics.Precision: TP / (TP + FP), a prediction counting as positive above the threshold (0.5). */
export class Precision extends CountsAtThreshold {
  constructor(options: { thresholds?: number; name?: string } = {}) {
    super('Precision', { unique: 'precision' }, options);
  }

  static fromConfig(config: MetricConfig): Precision {
    return new Precision(thresholdsFromConfig('Precision', config));
  }

  result(): number {
    return ratio(this.counts.truePositives[0]!, this.counts.truePositives[0]! + this.counts.falsePositives[0]!);
  }
}

/** keras.metrics.Recall: TP / (TP + FN), a prediction counting as positive above the threshold (0.5). */
export class Recall extends CountsAtThreshold {
  constructor(options: { thresholds?: number; name?: string } = {}) {
    super('Recall', { unique: 'recall' }, options);
  }

  static fromConfig(config: MetricConfig): Recall {
    return new Recall(thresholdsFromConfig('Recall', config));
  }

  result(): number {
    return ratio(this.counts.truePositives[0]!, this.counts.truePositives[0]! + this.counts.falseNegatives[0]!);
  }
}

export interface AUCOptions {
  /** How many thresholds approximate the curve; an integer > 1, 200 by default. */
  numThresholds?: number;
  /** 'ROC' only (Keras's default); tinykeras has no 'PR' curve yet. */
  curve?: 'ROC';
  /** 'interpolation' only (Keras's default): the trapezoid rule. */
  summationMethod?: 'interpolation';
  /** Whether the predictions are logits (a sigmoid makes them probabilities first). */
  fromLogits?: boolean;
  name?: string;
}

/** keras.metrics.AUC: the area under the ROC curve, by the trapezoid rule over numThresholds thresholds. */
export class AUC implements Metric {
  readonly name: string;
  readonly numThresholds: number;
  readonly fromLogits: boolean;
  private readonly counts: ConfusionCounts;

  constructor(options: AUCOptions = {}) {
    this.name = metricName('AUC', { unique: 'auc' }, options, ['numThresholds', 'curve', 'summationMethod', 'fromLogits']);
    const k = options.numThresholds ?? 200;
    if (!(Number.isInteger(k) && k > 1)) throw new ValueError(`AUC: numThresholds must be an integer > 1. Received: numThresholds=${describeValue(options.numThresholds)}`);
    if ((options.curve ?? 'ROC') !== 'ROC') throw new ValueError(`AUC: tinykeras has the 'ROC' curve only. Received: curve=${describeValue(options.curve)}`);
    if ((options.summationMethod ?? 'interpolation') !== 'interpolation') {
      throw new ValueError(`AUC: tinykeras has summationMethod 'interpolation' only. Received: summationMethod=${describeValue(options.summationMethod)}`);
    }
    if (options.fromLogits !== undefined && typeof options.fromLogits !== 'boolean') {
      throw new ValueError(`AUC: fromLogits must be true or false. Received: fromLogits=${describeValue(options.fromLogits)}`);
    }
    this.numThresholds = k;
    this.fromLogits = options.fromLogits ?? false;
    const thresholds = new Float32Array(k);
    thresholds[0] = 0 - EPSILON;
    for (let i = 1; i < k - 1; i++) thresholds[i] = i / (k - 1);
    thresholds[k - 1] = 1 + EPSILON;
    this.counts = new ConfusionCounts(thresholds);
  }

  getConfig(): MetricConfig {
    return {
      name: this.name, dtype: 'float32', num_thresholds: this.numThresholds, curve: 'ROC', summation_method: 'interpolation',
      multi_label: false, num_labels: null, label_weights: null, from_logits: this.fromLogits,
    };
  }

  static fromConfig(config: MetricConfig): AUC {
    const keys = { num_thresholds: 'numThresholds', curve: 'curve', summation_method: 'summationMethod', from_logits: 'fromLogits' };
    // Keras writes thresholds only when they were given as a list, which tinykeras's AUC does not take.
    return new AUC(optionsFromConfig('AUC', config, keys, { multi_label: false, num_labels: null, label_weights: null, thresholds: null }));
  }

  updateState(yTrue: TensorInput, yPred: TensorInput, sampleWeight: TensorInput | null = null): void {
    this.counts.update(yTrue, yPred, sampleWeight, this.name, this.fromLogits);
  }

  result(): number {
    const { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn } = this.counts;
    let area = 0;
    for (let k = 0; k + 1 < this.numThresholds; k++) {
      const [fprA, fprB] = [ratio(fp[k]!, fp[k]! + tn[k]!), ratio(fp[k + 1]!, fp[k + 1]! + tn[k + 1]!)];
      const [recallA, recallB] = [ratio(tp[k]!, tp[k]! + fn[k]!), ratio(tp[k + 1]!, tp[k + 1]! + fn[k + 1]!)];
      area += (fprA - fprB) * ((recallA + recallB) / 2);
    }
    return area;
  }

  resetState(): void {
    this.counts.reset();
  }
}
