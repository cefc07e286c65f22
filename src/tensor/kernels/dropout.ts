/**
 * Inverted dropout's mask, the one place it is drawn:
 *
 *     mask[i] = 1 / (1 − rate)   with probability 1 − rate   (kept, scaled up)
 *               0                with probability rate       (dropped)
 *
 * Scaling the kept units at training time keeps each unit's expected value
 * unchanged, so inference needs no rescaling: dropout is then the identity.
 * The draws come from the given generator (the global, seeded one unless the
 * layer has its own seed), one uniform per mask element in order, so a seeded
 * run repeats its masks bit for bit. The fused executor draws with this same
 * function, in the same order, so both executors drop the same units.
 *
 * Applying it is one product per element, forward and backward alike:
 *
 *     forward   y = x ⊙ mask        backward   dx = dy ⊙ mask
 */
import type { RandomGenerator } from '../random.js';

/** Fills mask[0 … count) (all of it by default), one uniform draw per element in order. */
export function fillDropoutMask(mask: Float32Array, rate: number, generator: RandomGenerator, count = mask.length): void {
  const keep = 1 - rate;
  const scale = 1 / keep;
  for (let i = 0; i < count; i++) mask[i] = generator.uniform() < keep ? scale : 0;
}

/** out[i] = values[i] · mask[i] for i in [start, end); `out` may be `values` (in place). */
export function applyMask(values: Float32Array, mask: Float32Array, out: Float32Array, start: number, end: number): void {
  for (let i = start; i < end; i++) out[i] = values[i]! * mask[i]!;
}
