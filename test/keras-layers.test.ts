import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../src/index.js';
import { seedModel } from './helpers.js';

const { Dense, Flatten, Softmax, Activation, ReLU, InputLayer, Dropout } = keras.layers;

beforeEach(() => keras.utils.clearSession());

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) =>
  Array.from(a).every((v, i) => Math.abs(v - b[i]!) <= tol);

describe('Softmax, Activation and ReLU layers', () => {
  it('Softmax sums to 1 along its axis', () => {
    const x = keras.random.normal([2, 3, 4]);
    const last = new Softmax().apply(x);
    expect(close(last.sum(-1).data, new Float32Array(6).fill(1), 1e-6)).toBe(true);
    const middle = new Softmax({ axis: 1 }).apply(x);
    expect(close(middle.sum(1).data, new Float32Array(8).fill(1), 1e-6)).toBe(true);
    expect(() => new Softmax({ axis: 0.5 })).toThrow(keras.ValueError);
  });

  it('Activation applies the named function and suggests a name for a typo', () => {
    const x = keras.tensor([[-1, 0, 2]]);
    expect(Array.from(new Activation('relu').apply(x).data)).toEqual([0, 0, 2]);
    expect(close(new Activation({ activation: 'tanh' }).apply(x).data, [Math.tanh(-1), 0, Math.tanh(2)])).toBe(true);
    expect(() => new Activation('rleu' as never)).toThrow(/Did you mean 'relu'/);
  });

  it("ReLU: Keras's maxValue, negativeSlope and threshold, with gradients", () => {
    const x = keras.tensor([[-2, -0.5, 0.5, 3, 7]]);
    expect(Array.from(new ReLU().apply(x).data)).toEqual([0, 0, 0.5, 3, 7]);
    expect(Array.from(new ReLU({ maxValue: 6 }).apply(x).data)).toEqual([0, 0, 0.5, 3, 6]);
    const general = new ReLU({ negativeSlope: 0.5, threshold: 1 }).apply(x).data;
    expect(close(general, [-1.5, -0.75, -0.25, 3, 7])).toBe(true);
    const layer = new ReLU({ negativeSlope: 0.1, threshold: 0.3, maxValue: 2 });
    const input = keras.tensor([[-1.1, 0.05, 0.9, 1.4, 3.2]]);
    expect(keras.utils.checkGradients((t) => layer.apply(t).mul(t).sum(), [input], { step: 1e-3, rtol: 1e-2, atol: 1e-3 }).ok).toBe(true);
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/maxValue must be a non-negative number/);
  });
});

describe('keras.Input / InputLayer as the first entry of a Sequential', () => {
  it('builds the model from its shape, and is not one of model.layers or summary rows', () => {
    const model = new keras.Sequential([keras.Input({ shape: [28, 28] }), new Flatten(), new Dense(10)]);
    expect(model.built).toBe(true);
    expect(model.builtInputShape).toEqual([null, 28, 28]);
    expect(model.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense']);
    const lines: string[] = [];
    model.summary((line) => lines.push(line));
    expect(lines.some((l) => l.includes('InputLayer'))).toBe(false);
    expect(lines).toContain('Total params: 7,850');
    expect(model.predict(keras.ops.ones([2, 28, 28]), { verbose: 0 }).shape).toEqual([2, 10]);
  });

  it('only comes first, and then no layer may set inputShape again', () => {
    expect(() => new keras.Sequential([new Dense(2, { inputShape: [3] }), new InputLayer({ shape: [2] })])).toThrow(/can only be the first entry/);
    expect(() => new keras.Sequential([keras.Input({ shape: [3] }), new Dense(2, { inputShape: [3] })])).toThrow(/only the first layer may set inputShape/);
    expect(() => new InputLayer({})).toThrow(/shape is required/);
  });
});

describe('a model used as a layer', () => {
  it("the tutorial's probability model: built from the inner model, predicts softmax of its logits at once", () => {
    const model = new keras.Sequential([new Flatten({ inputShape: [28, 28] }), new Dense(128, { activation: 'relu' }), new Dense(10)]);
    const probabilityModel = new keras.Sequential([model, new Softmax()]);
    expect(probabilityModel.built).toBe(true);
    const x = keras.random.uniform([3, 28, 28]);
    const p = probabilityModel.predict(x, { verbose: 0 });
    const expected = model.predict(x, { verbose: 0 }).softmax();
    expect(close(p.data, expected.data, 1e-6)).toBe(true);
    expect(probabilityModel.countParams()).toBe(101770);
    expect(probabilityModel.getWeights().length).toBe(4);
  });

  it('summary() shows the inner model as one row, as Keras does', () => {
    const probabilityModel = new keras.Sequential([seedModel(), new Softmax()]);
    const lines: string[] = [];
    probabilityModel.summary((line) => lines.push(line));
    expect(lines.join('\n')).toBe(
      [
        'Model: "sequential_1"',
        '_________________________________________________________________',
        'Layer (type)                 Output Shape              Param #   ',
        '=================================================================',
        'sequential (Sequential)      (None, 10)                101770    ',
        '_________________________________________________________________',
        'softmax (Softmax)            (None, 10)                0         ',
        '=================================================================',
        'Total params: 101,770',
        'Trainable params: 101,770',
        'Non-trainable params: 0',
        '_________________________________________________________________',
      ].join('\n'),
    );
  });

  it('an unbuilt inner model is built by the outer one on first use, and trains inside it', async () => {
    keras.utils.setRandomSeed(1);
    const inner = new keras.Sequential([new Dense(4, { activation: 'relu' }), new Dropout(0.25)]);
    const outer = new keras.Sequential([inner, new Dense(2)]);
    expect(outer.built).toBe(false);
    outer.compile({ optimizer: 'adam', loss: 'mse' });
    const x = keras.random.normal([16, 3]);
    await outer.fit(x, keras.ops.zeros([16, 2]), { epochs: 1, batchSize: 16, verbose: 0 });
    expect(inner.built).toBe(true);
    expect(inner.getLayer(0).weights[0]!.shape).toEqual([3, 4]);
    const before = outer.evaluate(x, keras.ops.zeros([16, 2]), { verbose: 0 })[0]!;
    await outer.fit(x, keras.ops.zeros([16, 2]), { epochs: 5, batchSize: 16, verbose: 0 });
    expect(outer.evaluate(x, keras.ops.zeros([16, 2]), { verbose: 0 })[0]).toBeLessThan(before);
  });
});

describe('getWeights / setWeights / getLayer', () => {
  it('a layer gives copies in creation order and takes tensors, arrays or typed arrays of the right shapes', () => {
    const model = seedModel();
    const dense = model.getLayer(1) as InstanceType<typeof Dense>;
    const [kernel, bias] = dense.getWeights();
    expect(kernel!.shape).toEqual([784, 128]);
    expect(bias!.shape).toEqual([128]);
    kernel!.data[0] = 123;
    expect(dense.kernel!.data[0]).not.toBe(123);
    dense.setWeights([kernel!, Array.from({ length: 128 }, () => 0.5)]);
    expect(dense.kernel!.data[0]).toBe(123);
    expect(dense.bias!.data[5]).toBe(0.5);
    dense.setWeights([kernel!.data, new Float32Array(128)]);
    expect(dense.bias!.data[5]).toBe(0);
    expect(() => dense.setWeights([kernel!])).toThrow(/has 2 weights/);
    expect(() => dense.setWeights([bias!, bias!])).toThrow(keras.ShapeError);
    expect(dense.bias!.data[5]).toBe(0);
  });

  it('getLayer by name or index, with a clear error otherwise', () => {
    const model = seedModel();
    expect(model.getLayer('dense_1').name).toBe('dense_1');
    expect(model.getLayer(0).className).toBe('Flatten');
    expect(() => model.getLayer('dense_2')).toThrow(/no layer named "dense_2".*Existing layers: flatten, dense, dense_1/);
    expect(() => model.getLayer(3)).toThrow(/index 3.*has 3 layers/);
  });
});
