/**
 * Each class owns its forms: a layer's getConfig() is the config a saved
 * model.json holds for it and its static fromConfig() reads it back; an
 * optimizer's getConfig()/fromConfig() are what files hold and worker
 * threads rebuild it from. Saving adds nothing per class.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { ValueError } from '../../src/errors.js';
import { Dense } from '../../src/layers/dense.js';
import { Dropout } from '../../src/layers/dropout.js';
import { Flatten } from '../../src/layers/flatten.js';
import { Activation, ReLU, Softmax } from '../../src/layers/activation-layers.js';
import { withWeightsToBeLoaded } from '../../src/layers/layer.js';
import { serializeOptimizer } from '../../src/optim/registry.js';
import { failure } from '../support/helpers.js';

const L = keras.layers;

/** One of each saveable class, with options away from their defaults. */
function layers() {
  return [
    new Flatten({ inputShape: [3, 4] }),
    new Dense(5, { activation: 'tanh', useBias: false, kernelInitializer: 'heNormal', biasInitializer: 'ones', trainable: false }),
    new Dropout(0.25, { noiseShape: [null, 5], seed: 3 }),
    new Softmax({ axis: 1 }),
    new Activation('sigmoid'),
    new ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5 }),
  ];
}
const CLASSES = [Flatten, Dense, Dropout, Softmax, Activation, ReLU];

describe("a layer's config", () => {
  it('fromConfig(getConfig()) rebuilds the same class with the same config, for every saveable class', () => {
    layers().forEach((layer, i) => {
      const config = layer.getConfig();
      const rebuilt = CLASSES[i]!.fromConfig({ ...config, name: `${layer.name}_copy` });
      expect(rebuilt.constructor).toBe(layer.constructor);
      expect(rebuilt.getConfig()).toEqual({ ...config, name: `${layer.name}_copy` });
    });
  });

  it("is what the saved file holds for the layer, Dense's initializers included", async () => {
    const model = new keras.Sequential([new L.Flatten({ inputShape: [2, 3] }), new L.Dense(4, { activation: 'relu', kernelInitializer: 'lecun_uniform' }), new L.Dense(2)]);
    const memory = keras.io.memory();
    await model.save(memory);
    const saved = (memory.artifacts!.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
    expect(saved.map((entry) => entry.class_name)).toEqual(['Flatten', 'Dense', 'Dense']);
    // The model's input shape goes on the first layer; the rest is each layer's getConfig().
    expect(saved[0]!.config).toEqual({ ...model.layers[0]!.getConfig(), batch_input_shape: [null, 2, 3] });
    expect(saved[1]!.config).toEqual(model.layers[1]!.getConfig());
    expect(model.layers[1]!.getConfig()).toMatchObject({
      dtype: 'float32',
      kernel_initializer: { class_name: 'LeCunUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
    });
  });

  it("keeps an initializer tinykeras does not have as written, and draws the slot's default", () => {
    const orthogonal = { class_name: 'Orthogonal', config: { gain: 2, seed: 1 } };
    const layer = Dense.fromConfig({ units: 3, kernel_initializer: orthogonal, bias_initializer: null });
    expect(layer.getConfig()).toMatchObject({ kernel_initializer: orthogonal, bias_initializer: null });
    keras.utils.setRandomSeed(1);
    layer.build([null, 4]);
    keras.utils.setRandomSeed(1);
    const glorot = new Dense(3, { inputShape: [4] });
    glorot.build([null, 4]);
    expect(layer.kernel!.data).toEqual(glorot.kernel!.data);
  });

  it('a wrong-typed value and an unsupported one are ValueErrors saying which key', async () => {
    const cases: [() => unknown, RegExp][] = [
      [() => Dense.fromConfig({ units: 'ten' }), /^units must be a positive integer. Received: units='ten'/],
      [() => Dense.fromConfig({ units: 2, use_bias: 'yes' }), /^use_bias must be true or false/],
      [() => Dense.fromConfig({ units: 2, activation: 'mish' }), /^unknown activation; tinykeras supports .*Received: activation='mish'/],
      [() => Dense.fromConfig({ units: 2, kernel_constraint: { class_name: 'MaxNorm' } }), /no constraints yet on this layer.*kernel_constraint=/],
      [() => Dense.fromConfig({ units: 2, kernel_regularizer: { class_name: 'OrthogonalRegularizer' } }), /the regularizers L1, L2 and L1L2/],
      [() => Flatten.fromConfig({ data_format: 'channels_first' }), /channels_first would flatten in another order/],
      [() => Flatten.fromConfig({ dtype: 'float16' }), /float32 only. Received: dtype='float16'/],
      [() => Activation.fromConfig({ name: 'a' }), /unknown activation.*Received: activation=undefined/],
      [() => Dropout.fromConfig({ rate: 1 }), /rate must be a number in \[0, 1\)/],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(message);
    }
  });

  it('builds with zeros and draws no random number while weights are to be loaded', () => {
    keras.utils.setRandomSeed(5);
    const expected = keras.random.uniform([3]).data;
    keras.utils.setRandomSeed(5);
    const model = withWeightsToBeLoaded(() => new keras.Sequential([new L.Dense(8, { inputShape: [4] }), new L.Dense(2)]));
    expect(model.getWeights().every((w) => w.data.every((v) => v === 0))).toBe(true);
    expect(keras.random.uniform([3]).data).toEqual(expected);
    // Outside it, the initializers draw again.
    expect(new keras.Sequential([new L.Dense(8, { inputShape: [4] })]).getWeights()[0]!.data.some((v) => v !== 0)).toBe(true);
  });
});

describe("an optimizer's config", () => {
  it('fromConfig(getConfig()) rebuilds it, under the keys Keras writes', () => {
    const adam = new keras.optimizers.Adam({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
    expect(adam.getConfig()).toEqual({ learning_rate: 0.02, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-6 });
    expect(keras.optimizers.Adam.fromConfig(adam.getConfig()).getConfig()).toEqual(adam.getConfig());
    const sgd = new keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.5, nesterov: true });
    expect(sgd.getConfig()).toEqual({ learning_rate: 0.1, momentum: 0.5, nesterov: true });
    expect(keras.optimizers.SGD.fromConfig(sgd.getConfig()).getConfig()).toEqual(sgd.getConfig());
    // TF.js's camelCase spellings read the same.
    expect(keras.optimizers.Adam.fromConfig({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }).getConfig()).toEqual(adam.getConfig());
    expect((() => { try { keras.optimizers.Adam.fromConfig({ lr: 'schedule' }); } catch (e) { return e; } })()).toBeInstanceOf(ValueError);
  });

  it('is serialized for files and threads only for the registered classes themselves', () => {
    expect(serializeOptimizer(new keras.optimizers.SGD())).toEqual({ className: 'SGD', config: { learning_rate: 0.01, momentum: 0, nesterov: false } });
    class HalfSGD extends keras.optimizers.SGD {}
    expect(serializeOptimizer(new HalfSGD())).toBeNull();
  });
});
