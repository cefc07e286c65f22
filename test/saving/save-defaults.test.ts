import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as keras from '../../src/index.js';
import { useTempDir, loadSequential } from '../support/helpers.js';

const dir = useTempDir('save-defaults');

function trainedModel() {
  keras.utils.setRandomSeed(4);
  const model = new keras.Sequential([new keras.layers.Flatten({ inputShape: [2, 2] }), new keras.layers.Dense(3)]);
  model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const x = keras.random.normal([12, 2, 2]);
  const y = keras.tensor(Array.from({ length: 12 }, (_, i) => i % 3));
  return { model, x, y };
}

describe('save() as Keras saves', () => {
  it('includes the optimizer by default: save → loadModel → evaluate gives the same numbers, and fit resumes', async () => {
    const { model, x, y } = trainedModel();
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const path = join(dir(), 'default');
    await model.save(path);
    const loaded = await keras.models.loadModel(path);
    expect(loaded.compiled).not.toBeNull();
    expect(loaded.evaluate(x, y, { verbose: 0 })).toEqual(model.evaluate(x, y, { verbose: 0 }));
    expect(loaded.compiled!.optimizer.iterations).toBe(6);
    await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(model.getWeights().map((w) => Array.from(w.data)));
  });

  it('includeOptimizer: false leaves the optimizer out; an uncompiled model saves without one', async () => {
    const { model } = trainedModel();
    const path = join(dir(), 'no-optimizer');
    await model.save(path, { includeOptimizer: false });
    expect((await keras.models.loadModel(path)).compiled).toBeNull();
    const bare = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
    await bare.save(join(dir(), 'bare'));
    expect((await keras.models.loadModel(join(dir(), 'bare'))).compiled).toBeNull();
  });

  it('a custom loss function only warns by default (saved without the optimizer), and is an error when asked for', async () => {
    const model = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
    model.compile({ optimizer: 'sgd', loss: (a: keras.Tensor, b: keras.Tensor) => a.sub(b).square().mean() });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await model.save(join(dir(), 'custom'));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/custom function.*saved without its optimizer/));
    warn.mockRestore();
    await expect(model.save(join(dir(), 'custom-2'), { includeOptimizer: true })).rejects.toThrow(keras.ValueError);
  });

  it.each(['model.h5', 'file://out/model.H5', 'model.hdf5'])('saves %s as a legacy Keras HDF5 file, which loads back compiled', async (name) => {
    const { model } = trainedModel();
    await mkdir(join(dir(), 'out'), { recursive: true });
    const path = name.startsWith('file://') ? `file://${join(dir(), name.slice(7))}` : join(dir(), name);
    await model.save(path);
    const bytes = readFileSync(path.replace('file://', ''));
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x89, 0x48, 0x44, 0x46]);
    const loaded = await keras.models.loadModel(path);
    expect(loaded.compiled).not.toBeNull();
    expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(model.getWeights().map((w) => Array.from(w.data)));
    await expect(keras.models.loadModel(join(dir(), 'missing.h5'))).rejects.toThrow(/missing\.h5: cannot read the Keras model file; expected a readable regular file/);
  });

  it('saves fashion.keras in Keras 3\'s format, which loads back compiled', async () => {
    const { model } = trainedModel();
    const path = join(dir(), 'fashion.keras');
    await model.save(path);
    const loaded = await keras.models.loadModel(path);
    expect(loaded.compiled).not.toBeNull();
    expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(model.getWeights().map((w) => Array.from(w.data)));
  });

  it('saves and loads the weightless layers (Dropout, Softmax, Activation, ReLU) with their configs', async () => {
    keras.utils.setRandomSeed(8);
    const { Dense, Dropout, Softmax, Activation, ReLU } = keras.layers;
    const model = new keras.Sequential([
      keras.Input({ shape: [4] }),
      new Dense(6),
      new ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5 }),
      new Dropout(0.3, { noiseShape: [null, 6], seed: 3 }),
      new Dense(5),
      new Activation('tanh'),
      new Dense(3),
      new Softmax({ axis: -1 }),
    ]);
    const path = join(dir(), 'weightless');
    await model.save(path);
    const loaded = await loadSequential(path);
    // The InputLayer's shape comes back on the first layer, as TF.js writes it.
    expect(loaded.builtInputShape).toEqual([null, 4]);
    expect(loaded.layers.slice(1).map((l) => l.getConfig())).toEqual(model.layers.slice(1).map((l) => l.getConfig()));
    const x = keras.random.normal([7, 4]);
    expect(Array.from(loaded.predict(x, { verbose: 0 }).data)).toEqual(Array.from(model.predict(x, { verbose: 0 }).data));
  });

  it('saves a nested Sequential as Keras does (a layer whose config holds its layers) and loads it back', async () => {
    const { Dense, Dropout, Flatten, Softmax } = keras.layers;
    const inner = new keras.Sequential([new Flatten({ inputShape: [2, 3] }), new Dense(4, { activation: 'relu' }), new Dropout(0.2)]);
    inner.trainable = false;
    const outer = new keras.Sequential([inner, new Dense(3), new Softmax()]);
    outer.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const path = join(dir(), 'nested');
    await outer.save(path);
    const json = JSON.parse(await readFile(join(path, 'model.json'), 'utf8'));
    const nestedEntry = json.modelTopology.config.layers[0];
    expect(nestedEntry).toMatchObject({ class_name: 'Sequential', config: { name: inner.name, trainable: false } });
    expect(nestedEntry.config.layers[0].config.batch_input_shape).toEqual([null, 2, 3]);

    const loaded = await loadSequential(path);
    const loadedInner = loaded.layers[0] as keras.Sequential;
    expect(loadedInner).toBeInstanceOf(keras.Sequential);
    expect(loadedInner.layers.map((l) => l.name)).toEqual(inner.layers.map((l) => l.name));
    expect(loadedInner.trainable).toBe(false);
    expect(loaded.builtInputShape).toEqual([null, 2, 3]);
    const x = keras.random.normal([5, 2, 3]);
    expect(Array.from(loaded.predict(x, { verbose: 0 }).data)).toEqual(Array.from(outer.predict(x, { verbose: 0 }).data));
    expect(loaded.compiled).not.toBeNull();
  });
});
