/**
 * What every metric object is (Keras's Metric: updateState, result,
 * resetState), and the checks every metric class shares.
 */
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions } from '../utils/options.js';
import { uniqueName } from '../utils/naming.js';
import { toTensorInput, type TensorInput } from '../tensor/convert.js';

export type { TensorInput };

/**
 * A metric object, as Keras's metric classes: compile({ metrics }) takes it,
 * and it keeps state over the batches given to `updateState` until `resetState`.
 * fit and evaluate reset it at the start of every epoch and evaluation.
 */
export interface Metric {
  /** The name in logs and History: the user's string, as Keras keeps it ("accuracy", "acc"). */
  readonly name: string;
  /** Adds one batch; `sampleWeight` holds one weight per sample, or is absent (all 1). */
  updateState(yTrue: TensorInput, yPred: TensorInput, sampleWeight?: TensorInput | null): void;
  /** The value over every batch since the last reset. */
  result(): number;
  resetState(): void;
  /**
   * Keras's get_config of the metric (name, dtype, then its options, with
   * Keras's keys): what a Keras file's compile config holds for one of the
   * metric classes (losses/metrics.ts's METRIC_CLASSES). A user's own metric
   * class may leave it out; a metric made from a function is no class a file
   * can name, whatever its config.
   */
  getConfig?(): MetricConfig;
}

/** A metric's Keras config: get_config's keys and values. */
export type MetricConfig = Record<string, unknown>;

/**
 * The options a metric class's `fromConfig` passes to its constructor, from a
 * Keras config: `keys` maps each Keras key tinykeras has to its option (name
 * always); `fixed` lists the keys it has only at Keras's value (dtype 'float32',
 * axis −1, top_k null, …), any other value being an error that names the
 * key. Keys in neither are Keras's bookkeeping, ignored.
 */
export function optionsFromConfig(
  where: string,
  config: MetricConfig,
  keys: Readonly<Record<string, string>>,
  fixed: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [kerasKey, option] of Object.entries({ name: 'name', ...keys })) {
    const value = config[kerasKey];
    if (value !== undefined && value !== null) options[option] = value;
  }
  for (const [kerasKey, value] of Object.entries({ dtype: 'float32', ...fixed })) {
    const given = config[kerasKey];
    if (given !== undefined && given !== value && !(kerasKey === 'dtype' && given === null)) {
      throw new ValueError(`${where}.fromConfig: tinykeras has ${kerasKey}=${describeValue(value)} only. Received: ${kerasKey}=${describeValue(given)}`);
    }
  }
  return options;
}

/**
 * Checks a metric object's options (known keys, a non-empty name) and returns its name. `defaultName` is a
 * fixed name, or { unique: base } for the classes Keras names like layers (`base`, `base_1`, … per session:
 * AUC, Precision, Recall), the counter taken only when no name is given.
 */
export function metricName(where: string, defaultName: string | { unique: string }, options: { name?: string } | undefined, allowed: readonly string[]): string {
  checkOptions(where, options, ['name', ...allowed]);
  const name = options?.name ?? (typeof defaultName === 'string' ? defaultName : uniqueName(defaultName.unique));
  if (typeof name !== 'string' || name === '') throw new ValueError(`${where}: name must be a non-empty string. Received: name=${describeValue(name)}`);
  return name;
}

/**
 * The sample weights of a batch of `samples` samples as a flat array: one
 * per sample ([N] or [N, 1]), checked; null when there are none.
 */
export function batchSampleWeights(sampleWeight: TensorInput | null | undefined, samples: number, where: string): Float32Array | null {
  if (sampleWeight === undefined || sampleWeight === null) return null;
  const w = toTensorInput(sampleWeight, 'sample_weight', where);
  const perSample = (w.rank === 1 || (w.rank === 2 && w.shape[1] === 1)) && w.shape[0] === samples;
  if (!perSample) {
    throw new ShapeError(`${where}: sample_weight must hold one weight per sample, shape [${samples}]. Received: sample_weight.shape=[${w.shape.join(', ')}]`);
  }
  return w.data;
}

