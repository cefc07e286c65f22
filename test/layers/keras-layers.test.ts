import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { seedModel } from '../support/helpers.js';

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
