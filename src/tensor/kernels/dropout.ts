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
 * run repeats its masks bit for bit.
 */
import type { RandomGenerator } from '../random.js';

export function fillDropoutMask(mask: Float32Array, rate: number, generator: RandomGenerator): void {
  const keep = 1 - rate;
  const scale = 1 / keep;
  for (let i = 0; i < mask.length; i++) mask[i] = generator.uniform() < keep ? scale : 0;
}
