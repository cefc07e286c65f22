/**
 * Decoupled weight decay (Loshchilov & Hutter, 2019), as Keras 3 applies it
 * to every optimizer given `weight_decay`: before the update rule, each
 * weight shrinks by its own fraction wd·lr,
 *
 *     θ ← θ − (θ·wd)·lr
 *
 * (the loop is decayWeights in src/tensor/kernels/adaptive-optimizers.ts).
 * AdamW is Adam with wd = 0.004 by default; RMSprop, Adagrad and Nadam take
 * it as an option (null: none).
 */
import { describeValue, ValueError } from '../errors.js';

/** The weight decay option checked: a non-negative number, or null for none. */
export function checkedWeightDecay(where: string, value: unknown, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new ValueError(`${where}: weightDecay must be a non-negative number or null. Received: weightDecay=${describeValue(value)}`);
  }
  return value;
}

/** The weight decay in an optimizer's config (weight_decay, or TF.js-style weightDecay): a number, null, or undefined when absent. */
export function weightDecayFromConfig(config: Readonly<Record<string, unknown>>): number | null | undefined {
  const value = config.weight_decay !== undefined ? config.weight_decay : config.weightDecay;
  return value as number | null | undefined;
}
