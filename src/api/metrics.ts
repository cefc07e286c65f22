/**
 * `keras.metrics`: the metric functions, each (yTrue, yPred) → its batch
 * value (the fraction of correct predictions, or the mean absolute error),
 * and Keras's metric classes. `compile({ metrics })` takes the functions
 * (named in logs by their Keras names), the objects, any function
 * (yTrue, yPred) => per-sample values (named by the function's name), and the
 * Keras strings: 'accuracy' (or 'acc'), 'sparse_categorical_accuracy',
 * 'categorical_accuracy', 'binary_accuracy', 'mean_absolute_error' (or 'mae'),
 * 'mean_squared_error' (or 'mse'),
 * 'binary_crossentropy' (or 'bce'), 'categorical_crossentropy',
 * 'sparse_categorical_crossentropy', 'auc', 'precision', 'recall'.
 */
export { sparseCategoricalAccuracy, categoricalAccuracy, binaryAccuracy, meanAbsoluteError, type MetricFn, type UserMetricFn } from '../losses/metrics.js';
/** Keras's metric classes, stateful over the batches of an epoch: `new BinaryAccuracy({ threshold: 0.7 })`, `new AUC()`. */
export {
  BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, MeanAbsoluteErrorMetric as MeanAbsoluteError, MeanSquaredErrorMetric as MeanSquaredError,
  BinaryCrossentropyMetric as BinaryCrossentropy, CategoricalCrossentropyMetric as CategoricalCrossentropy,
  SparseCategoricalCrossentropyMetric as SparseCategoricalCrossentropy,
} from '../losses/metrics.js';
export { AUC, Precision, Recall, type AUCOptions } from '../losses/confusion-metrics.js';
export type { Metric } from '../losses/metric.js';
