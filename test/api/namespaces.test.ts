/**
 * The public namespaces are Keras's: keras.layers, models, optimizers,
 * losses, metrics, callbacks, utils, datasets, ops, random, config, io; the
 * internals stay inside; the old top-level names still work for one release
 * as deprecated aliases of the new places; and both entry points export the
 * same names.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as keras from '../../src/index.js';
import type * as browser from '../../src/browser.js';
import { parseIdx } from '../../src/data/idx.js';

describe('the public namespaces', () => {
  it('are the Keras namespaces, each an object of what Keras keeps there', () => {
    for (const name of ['layers', 'models', 'optimizers', 'losses', 'metrics', 'regularizers', 'callbacks', 'utils', 'datasets', 'ops', 'random', 'config', 'io'] as const) {
      expect(typeof keras[name], name).toBe('object');
    }
    expect(Object.keys(keras.metrics).sort()).toEqual(
      [
        'AUC', 'BinaryAccuracy', 'BinaryCrossentropy', 'CategoricalAccuracy', 'CategoricalCrossentropy', 'MeanAbsoluteError', 'MeanSquaredError', 'Precision', 'Recall',
        'SparseCategoricalAccuracy', 'SparseCategoricalCrossentropy', 'binaryAccuracy', 'categoricalAccuracy', 'meanAbsoluteError', 'sparseCategoricalAccuracy',
      ],
    );
    expect(Object.keys(keras.regularizers).sort()).toEqual(['L1', 'L1L2', 'L2', 'Regularizer', 'l1', 'l1l2', 'l2']);
    expect(Object.keys(keras.losses).sort()).toEqual(
      ['BinaryCrossentropy', 'CategoricalCrossentropy', 'Huber', 'MeanAbsoluteError', 'MeanSquaredError', 'SparseCategoricalCrossentropy'],
    );
    expect(Object.keys(keras.optimizers).sort()).toEqual(['Adagrad', 'Adam', 'AdamW', 'Nadam', 'Optimizer', 'RMSprop', 'SGD', 'schedules']);
    expect(Object.keys(keras.optimizers.schedules).sort()).toEqual(['CosineDecay', 'ExponentialDecay', 'InverseTimeDecay', 'LearningRateSchedule', 'PiecewiseConstantDecay']);
    expect(Object.keys(keras.random).sort()).toEqual(['RandomGenerator', 'normal', 'uniform']);
    expect(Object.keys(keras.utils).sort()).toEqual(['checkGradients', 'clearSession', 'plotModel', 'setRandomSeed', 'toCategorical']);
    expect(Object.keys(keras.callbacks).sort()).toEqual(
      ['CSVLogger', 'Callback', 'EarlyStopping', 'History', 'LearningRateScheduler', 'ModelCheckpoint', 'ProgbarLogger', 'ProgressCallback', 'ReduceLROnPlateau', 'TerminateOnNaN'],
    );
    expect(Object.keys(keras.models).sort()).toEqual(['Model', 'Sequential', 'loadModel', 'modelFromJSON', 'saveModel']);
    expect(Object.keys(keras.layers).sort()).toEqual([
      'Activation', 'Add', 'Average', 'AveragePooling2D', 'BatchNormalization', 'Concatenate', 'Conv2D', 'Dense', 'Dropout', 'Flatten', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
      'Input', 'InputLayer', 'Layer', 'MaxPooling2D', 'Maximum', 'Minimum', 'Multiply', 'Normalization', 'RandomFlip', 'RandomRotation', 'RandomTranslation', 'RandomZoom', 'ReLU', 'Rescaling', 'Reshape', 'Softmax', 'Subtract', 'ZeroPadding2D',
    ]);
    expect(Object.keys(keras.datasets).sort()).toEqual(['fashionMnist', 'mnist', 'parseIdx']);
    for (const name of ['zeros', 'ones', 'full', 'argmax', 'matmul']) expect(typeof (keras.ops as Record<string, unknown>)[name], name).toBe('function');
  });

  it('export no internals', () => {
    const everything = Object.entries(keras).flatMap(([name, value]) =>
      typeof value === 'object' && value !== null ? [name, ...Object.keys(value).map((key) => `${name}.${key}`)] : [name],
    );
    for (const internal of ['resolveMetric', 'METRIC_NAMES', 'EPSILON', 'formatFilepath', 'getLoss', 'getOptimizer', 'LOSS_NAMES', 'OPTIMIZER_NAMES', 'CallbackList', 'requireKnownMetric', 'sparseSoftmaxCrossEntropyWithLogits']) {
      expect(everything.filter((name) => name === internal || name.endsWith(`.${internal}`)), internal).toEqual([]);
    }
  });

  it('keeps the old top-level names as aliases of the new places', () => {
    expect(keras.zeros).toBe(keras.ops.zeros);
    expect(keras.ones).toBe(keras.ops.ones);
    expect(keras.full).toBe(keras.ops.full);
    expect(keras.randomUniform).toBe(keras.random.uniform);
    expect(keras.randomNormal).toBe(keras.random.normal);
    expect(keras.setRandomSeed).toBe(keras.utils.setRandomSeed);
    expect(keras.checkGradients).toBe(keras.utils.checkGradients);
    expect(keras.clearSession).toBe(keras.utils.clearSession);
    expect(keras.parseIdx).toBe(keras.datasets.parseIdx);
    expect(keras.datasets.parseIdx).toBe(parseIdx);
    for (const name of ['Callback', 'History', 'EarlyStopping', 'ProgbarLogger', 'TerminateOnNaN', 'ProgressCallback'] as const) {
      expect(keras[name], name).toBe(keras.callbacks[name]);
    }
    // An old-style program still runs, and a callback made from the alias is the namespace's class.
    keras.setRandomSeed(3);
    const a = keras.randomUniform([4]);
    keras.utils.setRandomSeed(3);
    expect(Array.from(keras.random.uniform([4]).data)).toEqual(Array.from(a.data));
    expect(new keras.History()).toBeInstanceOf(keras.callbacks.Callback);
  });

  it('are the same in the browser entry as in the Node entry', () => {
    expectTypeOf<keyof typeof browser>().toEqualTypeOf<keyof typeof keras>();
    expectTypeOf<keyof (typeof browser)['datasets']>().toEqualTypeOf<keyof (typeof keras)['datasets']>();
  });
});
