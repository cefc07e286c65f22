/**
 * Where training finds the regularization penalties to add to its loss, as
 * Keras's `model.losses`:
 *
 *     total loss = Σₖ wₖ·lossₖ + Σ weight penalties + Σ activity penalties
 *
 * added after the losses are reduced, so neither sample weights nor loss
 * weights scale them. A weight penalty is its regularizer on the weight
 * (trainable weights only, as Keras: a frozen layer adds none). An activity
 * penalty is its regularizer on the layer's output divided by the batch size,
 * one per call of the layer during the forward pass being collected
 * (`collectActivityPenalties`); outside one (predict) nothing is recorded.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Regularizer } from './regularizers.js';

/** The penalties recorded by the forward pass under way; null when none is being collected. */
let collecting: Tensor[] | null = null;

/** Runs `forward`, returning what it returns and the activity penalties the layers recorded meanwhile. */
export function collectActivityPenalties<T>(forward: () => T): [T, Tensor[]] {
  const outer = collecting;
  const penalties: Tensor[] = [];
  collecting = penalties;
  try {
    return [forward(), penalties];
  } finally {
    collecting = outer;
  }
}

/** Called by a layer with an activity regularizer on its output: records regularizer(output) / batch size. */
export function recordActivityPenalty(regularizer: Regularizer, output: Tensor): void {
  if (collecting === null) return;
  const batch = output.rank === 0 ? 1 : output.shape[0]!;
  collecting.push(regularizer.call(output).div(batch));
}

/** What a layer with weight regularizers gives: each regularized weight with its regularizer. */
export interface RegularizedWeights {
  regularizedWeights(): readonly (readonly [Tensor, Regularizer])[];
}

/** Whether a layer has any regularizer (weights or activity): the fused executor, which has none, then steps aside. */
export interface HasRegularizers {
  hasRegularizers(): boolean;
}
