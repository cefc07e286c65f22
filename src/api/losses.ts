/**
 * `keras.losses`: the loss classes `compile` takes (it also takes their
 * Keras strings, 'sparse_categorical_crossentropy', or a function
 * (yTrue, yPred) => loss). Accuracy functions are in `keras.metrics`.
 */
export {
  SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy, MeanSquaredError, MeanAbsoluteError, Huber,
  type Loss, type CrossentropyOptions, type SmoothedCrossentropyOptions, type HuberOptions,
} from '../losses/losses.js';
export type { LossFn, LossIdentifier } from '../losses/index.js';
