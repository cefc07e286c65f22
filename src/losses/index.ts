/**
 * Resolving the loss given to `compile`: a Keras string in snake_case or
 * camelCase, a Loss instance, or a plain function (yTrue, yPred) → its loss
 * per sample (or one number), which training reduces as Keras does (reduction.ts).
 */
import { Tensor } from '../tensor/tensor.js';
import { BinaryCrossentropy, CategoricalCrossentropy, Huber, MeanAbsoluteError, MeanSquaredError, SparseCategoricalCrossentropy, type Loss } from './losses.js';
import { ownEntry, toSnakeCase } from '../utils/registry.js';
import { suggestClosest } from '../utils/suggest.js';
import { describeValue, ValueError } from '../errors.js';

export * from './losses.js';
export * from './metrics.js';
export * from './metric.js';
export * from './confusion-metrics.js';
export { reduceLoss } from './reduction.js';
export { sparseSoftmaxCrossEntropyWithLogits } from './sparse-softmax-crossentropy.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export type LossIdentifier = string | Loss | LossFn;

const LOSS_FACTORIES: Record<string, () => Loss> = {
  sparse_categorical_crossentropy: () => new SparseCategoricalCrossentropy(),
  categorical_crossentropy: () => new CategoricalCrossentropy(),
  binary_crossentropy: () => new BinaryCrossentropy(),
  mean_squared_error: () => new MeanSquaredError(),
  mean_absolute_error: () => new MeanAbsoluteError(),
  huber: () => new Huber(),
  // Keras's short aliases.
  mse: () => new MeanSquaredError(),
  mae: () => new MeanAbsoluteError(),
  bce: () => new BinaryCrossentropy(),
};

/** The loss strings `compile` accepts (camelCase spellings are accepted too). */
export const LOSS_NAMES = Object.keys(LOSS_FACTORIES);

/** The function giving a loss's unreduced values: its perSample, or (a user's Loss or function) its call. */
export function unreducedLoss(loss: Loss): (yTrue: Tensor, yPred: Tensor) => Tensor {
  return loss.perSample ? (yTrue, yPred) => loss.perSample!(yTrue, yPred) : (yTrue, yPred) => loss.call(yTrue, yPred);
}

export function getLoss(identifier: LossIdentifier): Loss {
  if (typeof identifier === 'function') return { name: identifier.name || 'loss', call: identifier };
  if (typeof identifier === 'object' && identifier !== null && typeof identifier.call === 'function') return identifier;
  if (typeof identifier !== 'string') {
    throw new ValueError(
      `Unknown loss: a loss is a name (${LOSS_NAMES.join(', ')}), a Loss instance or a function (yTrue, yPred) => loss. ` +
        `Received: loss=${describeValue(identifier)}`,
    );
  }
  const factory = ownEntry(LOSS_FACTORIES, toSnakeCase(identifier));
  if (!factory) {
    throw new ValueError(
      `Unknown loss: '${identifier}'.${suggestClosest(identifier, LOSS_NAMES)} Valid losses: ${LOSS_NAMES.join(', ')}.`,
    );
  }
  return factory();
}
