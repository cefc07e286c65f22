import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { seedModel } from '../support/helpers.js';

const { Dense, Flatten } = keras.layers;

beforeEach(() => keras.utils.clearSession());

describe('summary()', () => {
  it('prints the tf.keras table for the seed model, to the character', () => {
    const lines: string[] = [];
    seedModel().summary((line) => lines.push(line));
    expect(lines.join('\n')).toBe(
      [
        'Model: "sequential"',
        '_________________________________________________________________',
        'Layer (type)                 Output Shape              Param #   ',
        '=================================================================',
        'flatten (Flatten)            (None, 784)               0         ',
        '_________________________________________________________________',
        'dense (Dense)                (None, 128)               100480    ',
        '_________________________________________________________________',
        'dense_1 (Dense)              (None, 10)                1290      ',
        '=================================================================',
        'Total params: 101,770',
        'Trainable params: 101,770',
        'Non-trainable params: 0',
        '_________________________________________________________________',
      ].join('\n'),
    );
  });

  it('continues the name counters for a second model, as Keras does', () => {
    seedModel();
    const second = seedModel();
    expect(second.name).toBe('sequential_1');
    expect(second.layers.map((l) => l.name)).toEqual(['flatten_1', 'dense_2', 'dense_3']);
  });

  it('refuses to summarise a model whose input shape is unknown', () => {
    const model = new keras.Sequential([new Dense(3)]);
    expect(() => model.summary(() => {})).toThrow(/has not been built yet.*inputShape/);
  });
});

describe('Dense', () => {
  it('creates a glorot-uniform kernel within ±sqrt(6/(in+out)) and a zero bias', () => {
    keras.utils.setRandomSeed(1);
    const model = seedModel();
    const [kernel1, bias1, kernel2, bias2] = model.getWeights();
    const limit1 = Math.sqrt(6 / (784 + 128));
    expect(kernel1!.shape).toEqual([784, 128]);
    expect(Math.max(...kernel1!.data.map(Math.abs))).toBeLessThanOrEqual(limit1);
    // Uniform on [-L, L] has variance L²/3: check the sample variance within 3%.
    const variance = kernel1!.data.reduce((s, v) => s + v * v, 0) / kernel1!.size;
    expect(variance / (limit1 ** 2 / 3)).toBeCloseTo(1, 1);
    expect(Math.max(...kernel2!.data.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 138));
    expect(Array.from(bias1!.data).every((v) => v === 0)).toBe(true);
    expect(bias2!.shape).toEqual([10]);
  });

  it('computes activation(x·W + b)', () => {
    const layer = new Dense(2, { activation: 'relu' });
    const x = keras.tensor([[1, 2, 3]]);
    layer.apply(x); // builds
    layer.kernel!.data.set([1, -1, 0, -1, 1, 0]); // W = [[1,-1],[0,-1],[1,0]]
    layer.bias!.data.set([0.5, 0.5]);
    // x·W = [1+0+3, -1-2+0] = [4, -3]; + b = [4.5, -2.5]; relu → [4.5, 0]
    expect(Array.from(layer.apply(x).data)).toEqual([4.5, 0]);
  });

  it('rejects an unknown activation, suggesting the closest name', () => {
    expect(() => new Dense(4, { activation: 'rleu' as never })).toThrow(/unknown activation 'rleu'.*Did you mean 'relu'/);
  });

  it('rejects non-positive or fractional units', () => {
    expect(() => new Dense(0)).toThrow(/units must be a positive integer.*Received: units=0/);
    expect(() => new Dense(2.5)).toThrow(/units=2.5/);
  });

  it('names the layer and both shapes when the input does not fit', () => {
    const model = seedModel();
    expect(() => model.predict(keras.ops.zeros([2, 27, 28]), { verbose: 0 })).toThrow(
      /Input 0 of layer "flatten" \(the first layer of model "sequential\w*"\).*expected shape=\(None, 28, 28\), found shape=\(2, 27, 28\)/,
    );
    // Called directly (Keras's model(x)), the Dense layer itself names the mismatch.
    expect(() => model.apply(keras.ops.zeros([2, 27, 28]))).toThrow(/layer "dense\w*".*expected shape=\(None, 784\).*found shape=\(None, 756\)/);
  });
});

describe('summary() after a lazy build', () => {
  it('works once the model has seen data, without an inputShape', () => {
    const model = new keras.Sequential([new Dense(3), new Dense(2)]);
    model.apply(keras.ops.ones([1, 4]));
    const lines: string[] = [];
    model.summary((line) => lines.push(line));
    expect(lines).toContain('dense (Dense)                (None, 3)                 15        ');
    expect(lines).toContain('Total params: 23');
  });
});
