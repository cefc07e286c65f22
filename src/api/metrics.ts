/**
 * `keras.metrics`: the accuracy functions, each (yTrue, yPred) → the
 * fraction of correct predictions in the batch. `compile({ metrics })` takes
 * their Keras strings: 'accuracy' (or 'acc'), 'sparse_categorical_accuracy',
 * 'categorical_accuracy', 'binary_accuracy'.
 */
export { sparseCategoricalAccuracy, categoricalAccuracy, binaryAccuracy, type MetricFn } from '../losses/metrics.js';
