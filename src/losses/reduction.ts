/**
 * Keras's loss reduction, 'sum_over_batch_size': the loss values a loss
 * function gives per sample (shape [N], or [N, …] for a function that keeps
 * more axes), each multiplied by its sample's weight when there are weights,
 * summed, and divided by the number of values:
 *
 *     loss = Σᵢ wᵢ·ℓᵢ / (number of ℓ values)          (wᵢ = 1 without weights)
 *
 * The divisor counts values, not the sum of the weights: a weight of 0 drops
 * a sample from the sum but not from the count, as in Keras 3.
 */
import type { Tensor } from '../tensor/tensor.js';
import { ShapeError } from '../errors.js';

/**
 * The reduced loss, a scalar autograd can differentiate; `sampleWeight`
 * holds one weight per sample ([N]), or is null. Weighted, the values must
 * be one per sample, [N] or [N, 1], as Keras requires (it refuses [N, d]
 * against [N] weights); a loss that returns one number for the batch is
 * spread over it (Keras broadcasts it against the weights).
 */
export function reduceLoss(values: Tensor, sampleWeight: Tensor | null = null, lossName = 'the loss'): Tensor {
  if (sampleWeight === null) return values.rank === 0 ? values : values.mean();
  if (values.rank === 0) return sampleWeight.mul(values).mean();
  const n = sampleWeight.shape[0]!;
  if (values.shape[0] !== n || !(values.rank === 1 || (values.rank === 2 && values.shape[1] === 1))) {
    throw new ShapeError(
      `${lossName}: sample weights need one loss value per sample, shape [${n}] or [${n}, 1]; reduce the loss over its other axes ` +
        `(as the built-in losses take the mean over the last one). Received: loss values of shape [${values.shape.join(', ')}]`,
    );
  }
  return values.mul(values.rank === 1 ? sampleWeight : sampleWeight.reshape([n, 1])).mean();
}
