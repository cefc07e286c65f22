/**
 * The image layers in TF.js's layers-model format: a CNN saved by tinykeras
 * loads back with the same configs, weights and predictions (drawing no
 * random numbers), loads in TF.js and predicts the same there, and a CNN
 * saved by TF.js loads in tinykeras.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { loadSequential } from '../support/helpers.js';
import { getGlobalGenerator } from '../../src/tensor/random.js';

const L = keras.layers;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => keras.utils.clearSession());

/** Conv2D, BatchNormalization (with moved statistics), pooling and Dense: a small version of the tutorial's CNN. */
function convNet(): keras.Sequential {
  keras.utils.setRandomSeed(4);
  const model = new keras.Sequential([
    new L.Rescaling(1 / 255, { inputShape: [12, 12, 2] }),
    new L.ZeroPadding2D([[1, 0], [0, 1]]),
    new L.Conv2D(4, 3, { activation: 'relu', strides: [1, 2], padding: 'same', kernelInitializer: 'he_uniform' }),
    new L.BatchNormalization({ momentum: 0.9 }),
    new L.MaxPooling2D(2, { padding: 'same' }),
    new L.Conv2D(3, [2, 2], { dilationRate: 2, useBias: false }),
    new L.AveragePooling2D({ poolSize: 2, strides: 1 }),
    new L.Reshape([4, 3]),
    new L.Flatten(),
    new L.Dense(5),
  ]);
  // Moving statistics away from their initial values, so that loading them is tested.
  const bn = model.layers[3]!;
  bn.setWeights(bn.getWeights().map((w, i) => keras.random.uniform(w.shape, i === 3 ? 0.5 : -1, i === 3 ? 2 : 1)));
  return model;
}

const images = () => keras.random.uniform([3, 12, 12, 2], 0, 255);
const predictions = (model: keras.Sequential, x: keras.Tensor) => Array.from((model.predict(x, { verbose: 0 }) as keras.Tensor).data);

describe('saving and loading the image layers', () => {
  it('round-trips a CNN: same configs, weights and predictions, and no random numbers drawn', async () => {
    const model = convNet();
    const withGlobal = new keras.Sequential([
      new L.RandomFlip('horizontal', { seed: 3, inputShape: [5, 5, 1] }), new L.RandomTranslation(0.1, [0, 0.2], { seed: 1 }),
      new L.RandomRotation([-0.1, 0.2], { fillMode: 'constant', fillValue: 0.5 }), new L.RandomZoom(0.2, [-0.1, 0], { interpolation: 'nearest', seed: 5 }), new L.Conv2D(2, 3), new L.GlobalAveragePooling2D(), new L.Dense(2),
    ]);
    const withMax = new keras.Sequential([new L.Conv2D(2, 3, { inputShape: [5, 5, 1] }), new L.GlobalMaxPooling2D({ keepdims: true }), new L.Reshape([-1])]);
    for (const [original, x] of [[model, images()], [withGlobal, keras.random.uniform([2, 5, 5, 1], 0, 1)], [withMax, keras.random.uniform([2, 5, 5, 1], 0, 1)]] as const) {
      const handler = keras.io.memory();
      await original.save(handler);
      keras.utils.setRandomSeed(9);
      const loaded = await loadSequential(handler);
      const next = getGlobalGenerator().uniform();
      keras.utils.setRandomSeed(9);
      expect(next).toBe(getGlobalGenerator().uniform());
      // The initializer entries too: a loaded layer keeps its file's (they fill nothing: weights.bin does).
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(original.layers.map((l) => l.getConfig()));
      expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(original.getWeights().map((w) => Array.from(w.data)));
      expect(predictions(loaded, x)).toEqual(predictions(original, x));
    }
  });

  it("writes Keras's class names, weight names and initializer objects, and writes a loaded file's back unchanged", async () => {
    const handler = keras.io.memory();
    await convNet().save(handler);
    // `artifacts` hands out a copy: edit one and load from it.
    const artifacts = handler.artifacts!;
    const topology = artifacts.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(topology.config.layers.map((l) => l.class_name)).toEqual([
      'Rescaling', 'ZeroPadding2D', 'Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Conv2D', 'AveragePooling2D', 'Reshape', 'Flatten', 'Dense',
    ]);
    expect(topology.config.layers[2]!.config).toMatchObject({
      name: 'conv2d', filters: 4, kernel_size: [3, 3], strides: [1, 2], padding: 'same', dilation_rate: [1, 1], activation: 'relu',
      kernel_initializer: { class_name: 'HeUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
    });
    expect(topology.config.layers[3]!.config).toMatchObject({ axis: -1, momentum: 0.9, epsilon: 1e-3, gamma_initializer: { class_name: 'Ones', config: {} } });
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual([
      'conv2d/kernel', 'conv2d/bias', 'batch_normalization/gamma', 'batch_normalization/beta',
      'batch_normalization/moving_mean', 'batch_normalization/moving_variance', 'conv2d_1/kernel', 'dense/kernel', 'dense/bias',
    ]);
    // A file's initializer objects (here: one tinykeras has no name for) are written back as they were.
    const custom = { class_name: 'VarianceScaling', config: { scale: 3, mode: 'fan_out', distribution: 'uniform', seed: null } };
    (topology.config.layers[2]!.config as Record<string, unknown>).kernel_initializer = custom;
    const again = keras.io.memory();
    await (await loadSequential(keras.io.fromMemory(artifacts))).save(again);
    expect((again.artifacts!.modelTopology as typeof topology).config.layers[2]!.config.kernel_initializer).toEqual(custom);
  });

  it('names what it cannot load: grouped convolutions, regularizers', async () => {
    const handler = keras.io.memory();
    await convNet().save(handler);
    const artifacts = handler.artifacts!;
    const topology = artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } };
    topology.config.layers[2]!.config.groups = 2;
    await expect(keras.models.loadModel(keras.io.fromMemory(artifacts))).rejects.toThrow(/layer 2 \("conv2d", Conv2D\).*grouped convolutions.*Received: groups=2/);
    topology.config.layers[2]!.config.groups = 1;
    topology.config.layers[3]!.config.gamma_regularizer = { class_name: 'L2', config: { l2: 0.01 } };
    await expect(keras.models.loadModel(keras.io.fromMemory(artifacts))).rejects.toThrow(/no regularizers or constraints yet on this layer.*gamma_regularizer=/);
  });
});

describe('a topology that would build more weights than its file holds', () => {
  it('is refused before anything is allocated: Conv2D and BatchNormalization count their weights from the shapes', async () => {
    const model = convNet();
    const handler = keras.io.memory();
    await model.save(handler);
    const artifacts = handler.artifacts!;
    const topology = artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } };
    // 5,000,000 filters: conv2d 3·3·2·F + F, batch_normalization 4·F, conv2d_1 2·2·F·3, dense 12·5 + 5 = 35·F + 65 values.
    topology.config.layers[2]!.config.filters = 5_000_000;
    await expect(keras.models.loadModel(keras.io.fromMemory(artifacts))).rejects.toThrow(
      new RegExp(`modelTopology builds 175000065 weight values, but weightsManifest declares ${model.countParams()}`),
    );
  });
});

describe('the image layers and TF.js', () => {
  it('TF.js loads a CNN saved by tinykeras and predicts the same', async () => {
    const model = convNet();
    const x = images();
    const handler = keras.io.memory();
    await model.save(handler);
    const artifacts = handler.artifacts!;
    const theirs = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData }));
    const want = (theirs.predict(tf.tensor(x.data, x.shape as number[])) as tf.Tensor).dataSync();
    const ours = predictions(model, x);
    expect(ours.length).toBe(want.length);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]!)));
  });

  it('tinykeras loads a CNN saved by TF.js and predicts the same', async () => {
    const theirs = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [7, 7, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2 }),
      ],
    });
    let saved!: tf.io.ModelArtifacts;
    await theirs.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await loadSequential(keras.io.fromMemory(saved as never));
    expect(loaded.layers.map((l) => l.className)).toEqual(['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'GlobalAveragePooling2D', 'Dense']);
    const x = keras.random.uniform([2, 7, 7, 1], 0, 1);
    const want = (theirs.predict(tf.tensor(x.data, [2, 7, 7, 1])) as tf.Tensor).dataSync();
    const ours = predictions(loaded, x);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]!)));
  });
});
