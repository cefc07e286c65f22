/**
 * fit on a Sequential whose layers have no input shape (the regression
 * tutorial's models): the model is built from the data before the first
 * step, so every step updates every weight, as Keras does.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';

beforeEach(() => keras.utils.clearSession());

it('trains a model built by fit itself from its first step, like the same model given an input shape', async () => {
  keras.utils.setRandomSeed(3);
  const x = keras.randomNormal([40, 3], 0, 1);
  const y = keras.tensor(Array.from({ length: 40 }, (_, i) => [x.data[i * 3]! + 10]));
  const train = async (inputShape?: number[]) => {
    keras.utils.setRandomSeed(5);
    const m = new keras.Sequential([new keras.layers.Dense(4, inputShape ? { inputShape } : {}), new keras.layers.Dense(1)]);
    m.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 0.1 }), loss: 'mean_absolute_error' });
    const history = await m.fit(x, y, { epochs: 3, verbose: 0, shuffle: false });
    return { loss: history.history.loss!, weights: m.getWeights().map((w) => Array.from(w.data)) };
  };
  const unbuilt = await train();
  expect(unbuilt.loss[2]).toBeLessThan(unbuilt.loss[0]!);
  expect(unbuilt).toEqual(await train([3]));
});

it('does not warn about large inputs when the model starts with a Normalization layer', async () => {
  const x = keras.randomNormal([20, 2], 1000, 100);
  const normalizer = new keras.layers.Normalization();
  normalizer.adapt(x);
  const m = new keras.Sequential([normalizer, new keras.layers.Dense(1)]);
  m.compile({ optimizer: 'adam', loss: 'mse' });
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  await m.fit(x, keras.zeros([20, 1]), { epochs: 1, verbose: 0 });
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
});

it('does not warn about pixel values 0-255 when the model starts with Rescaling(1 / 255), and does without it', async () => {
  const x = keras.random.uniform([20, 4, 4, 1], 0, 255);
  const make = (rescale: boolean) => new keras.Sequential([
    ...(rescale ? [new keras.layers.Rescaling(1 / 255, { inputShape: [4, 4, 1] })] : []),
    new keras.layers.Flatten(rescale ? {} : { inputShape: [4, 4, 1] }),
    new keras.layers.Dense(1),
  ]);
  const warnings = (m: keras.Sequential) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    m.predict(x.add(0), { verbose: 0 }); // a fresh array: values are checked once per array
    const calls = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    return calls;
  };
  expect(warnings(make(true))).toEqual([]);
  expect(warnings(make(false)).join('\n')).toMatch(/Pixel values 0-255 are usually divided by 255/);
});
