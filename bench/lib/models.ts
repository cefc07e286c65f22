/**
 * The models the bench trains, the same in every implementation it compares
 * (bench/peers/*.py build them again in Keras and PyTorch):
 *
 *   seed  Flatten → Dense(128, relu) → Dense(10, softmax); sparse_categorical_crossentropy
 *   cnn   TensorFlow's CNN tutorial: Conv2D 32 3×3 relu → MaxPooling2D 2 → Conv2D 64 3×3 relu
 *         → MaxPooling2D 2 → Conv2D 64 3×3 relu → Flatten → Dense 64 relu → Dense 10 (logits);
 *         SparseCategoricalCrossentropy({ fromLogits: true })
 *
 * both compiled with adam and accuracy.
 */
import * as keras from '../../src/index.js';
import type { BenchModel } from './protocol.js';

export function compiledModel(model: BenchModel): keras.Sequential {
  const L = keras.layers;
  if (model === 'seed') {
    const seed = new keras.Sequential([
      new L.Flatten({ inputShape: [28, 28] }),
      new L.Dense(128, { activation: 'relu' }),
      new L.Dense(10, { activation: 'softmax' }),
    ]);
    seed.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    return seed;
  }
  const cnn = new keras.Sequential([
    new L.Conv2D(32, [3, 3], { activation: 'relu', inputShape: [28, 28, 1] }),
    new L.MaxPooling2D([2, 2]),
    new L.Conv2D(64, [3, 3], { activation: 'relu' }),
    new L.MaxPooling2D([2, 2]),
    new L.Conv2D(64, [3, 3], { activation: 'relu' }),
    new L.Flatten(),
    new L.Dense(64, { activation: 'relu' }),
    new L.Dense(10),
  ]);
  cnn.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  return cnn;
}
