/**
 * Two models that hold every layer class tinykeras has between them, for
 * the tests that take each class through Keras's config and files
 * (test/saving/keras-config.test.ts, test/keras/keras-models.keras.test.ts).
 */
import * as keras from '../../src/index.js';

const L = keras.layers;

/** Every layer class tinykeras has, in one image model and one model of merges. */
export function everyLayerModels(): [keras.Sequential, keras.Model] {
  keras.utils.setRandomSeed(3);
  const normalization = new L.Normalization();
  const image = new keras.Sequential([
    keras.Input({ shape: [10, 10, 2] }),
    normalization,
    new L.Rescaling(0.5, { offset: 0.1 }),
    new L.RandomFlip('horizontal', { seed: 1 }),
    new L.RandomTranslation(0.1, 0.1, { seed: 2 }),
    new L.RandomRotation(0.1, { seed: 4 }),
    new L.RandomZoom(0.2, null, { seed: 5 }),
    new L.ZeroPadding2D(1),
    new L.Conv2D(3, 3, { activation: 'relu', padding: 'same' }),
    new L.BatchNormalization(),
    new L.MaxPooling2D(2),
    new L.AveragePooling2D({ poolSize: 2, strides: 1 }),
    new L.ReLU({ maxValue: 6 }),
    new L.Reshape([5, 15, 1]),
    new L.Conv2D(2, 1),
    new L.GlobalMaxPooling2D({ keepdims: true }),
    new L.Flatten(),
    new L.Dropout(0.3),
    new L.Dense(4),
    new L.Activation('tanh'),
    new L.Softmax(),
  ]);
  // Adapted statistics, so that the Normalization has its weights (mean, variance, count).
  normalization.adapt(keras.tensor(Array.from({ length: 3 * 200 }, (_, i) => Math.sin(i)), [3, 10, 10, 2]));
  const a = keras.Input({ shape: [4], name: 'a' });
  const b = keras.Input({ shape: [4], name: 'b' });
  const merged = [new L.Add(), new L.Subtract(), new L.Multiply(), new L.Average(), new L.Maximum(), new L.Minimum()].map((layer) => layer.apply([a, b]));
  const joined = new L.Concatenate().apply(merged);
  const pooled = new L.GlobalAveragePooling2D().apply(new L.Reshape([2, 2, 6]).apply(joined));
  const model = new keras.Model({ inputs: [a, b], outputs: new L.Dense(2).apply(pooled), name: 'merges' });
  return [image, model];
}

