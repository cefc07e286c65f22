/**
 * What every metric object is (Keras's Metric: updateState, result,
 * resetState), and the checks every metric class shares.
 */
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions } from '../utils/options.js';
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
}

/** Checks a metric object's options (known keys, a non-empty name) and returns its name. */
export function metricName(where: string, defaultName: string, options: { name?: string } | undefined, allowed: readonly string[]): string {
  checkOptions(where, options, ['name', ...allowed]);
  const name = options?.name ?? defaultName;
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

