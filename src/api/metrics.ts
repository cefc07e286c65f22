/**
 * `keras.metrics`: the metric functions, each (yTrue, yPred) → its batch
 * value (the fraction of correct predictions, or the mean absolute error). `compile({ metrics })` takes
 * their Keras strings: 'accuracy' (or 'acc'), 'sparse_categorical_accuracy',
 * 'categorical_accuracy', 'binary_accuracy', 'mean_absolute_error' (or 'mae').
 */
export { sparseCategoricalAccuracy, categoricalAccuracy, binaryAccuracy, meanAbsoluteError, type MetricFn } from '../losses/metrics.js';
/** Keras's metric classes, which `compile({ metrics })` also takes: `new BinaryAccuracy({ threshold: 0.7 })`. */
export { BinaryAccuracy, CategoricalAccuracy, MeanAbsoluteErrorMetric as MeanAbsoluteError, type Metric } from '../losses/metrics.js';
