/**
 * A two-input, two-output Functional model with Concatenate against real
 * Keras 3, from the same weights: the forward outputs, the layer order, and
 * the `history` of one epoch (no shuffling) with two losses and lossWeights:
 * the same keys (loss, cls_loss, reg_loss, cls_accuracy) and values.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { relativeL2, runKeras } from './oracle.js';

const { Dense, Concatenate } = keras.layers;

interface KerasResult {
  cls: number[][];
  reg: number[][];
  history: Record<string, number[]>;
  layers: string[];
  backend: string;
}

describe('a Functional model against real Keras', () => {
  keras.clearSession();
  keras.setRandomSeed(17);
  const a = keras.Input({ shape: [4], name: 'a' });
  const b = keras.Input({ shape: [3], name: 'b' });
  const h = new Dense(5, { activation: 'relu', name: 'h' }).apply(new Concatenate({ name: 'concatenate' }).apply([a, b]));
  const model = new keras.Model({
    inputs: [a, b],
    outputs: [new Dense(3, { activation: 'softmax', name: 'cls' }).apply(h), new Dense(1, { name: 'reg' }).apply(h)],
  });
  const xa = keras.randomNormal([12, 4]);
  const xb = keras.randomNormal([12, 3]);
  const yCls = keras.tensor(Array.from({ length: 12 }, (_, i) => (i * 7) % 3));
  const yReg = keras.randomNormal([12, 1]);
  const weights = Object.fromEntries(['h', 'cls', 'reg'].map((name) => [name, model.getLayer(name).getWeights().map((w) => w.toArray())]));
  const input = {
    a: xa.toArray(), b: xb.toArray(), y_cls: yCls.toArray(), y_reg: yReg.toArray(),
    weights, loss_weights: [1.0, 0.5], learning_rate: 0.1, batch_size: 4,
  };
  const kerasResult = runKeras<KerasResult>('functional_two_heads', input);

  it('lists the layers in the same order', () => {
    expect(model.layers.map((l) => l.name)).toEqual(kerasResult.layers);
  });

  it('gives the same forward outputs from the same weights', () => {
    const [cls, reg] = model.predict([xa, xb], { verbose: 0 }) as keras.Tensor[];
    expect(relativeL2(Array.from(cls!.data), kerasResult.cls.flat())).toBeLessThan(1e-6);
    expect(relativeL2(Array.from(reg!.data), kerasResult.reg.flat())).toBeLessThan(1e-6);
  });

  it('logs the same history keys and values after one epoch with two losses and lossWeights', async () => {
    model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 0.1 }), loss: ['sparse_categorical_crossentropy', 'mse'], lossWeights: [1.0, 0.5], metrics: [['accuracy'], []] });
    const history = await model.fit([xa, xb], [yCls, yReg], { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(Object.keys(kerasResult.history).sort());
    for (const [key, values] of Object.entries(kerasResult.history)) {
      expect(history.history[key]![0]!, key).toBeCloseTo(values[0]!, 5);
    }
  });
});
