import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { multiplyByMask } from '../../src/tensor/ops/mask.js';
import { fillDropoutMask } from '../../src/tensor/kernels/dropout.js';
import { RandomGenerator } from '../../src/tensor/random.js';

const { Dropout, Dense, Flatten, Layer } = keras.layers;

beforeEach(() => keras.utils.clearSession());

describe('Dropout', () => {
  it("matches the Keras docs' example: kept units scaled by 1/(1-rate), dropped ones 0", () => {
    const x = keras.tensor([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
    const y = new Dropout(0.2, { seed: 1 }).apply(x, { training: true });
    y.data.forEach((v, i) => expect(v === 0 || Math.abs(v - x.data[i]! * 1.25) < 1e-6).toBe(true));
  });

  it('is the identity when not training, in evaluate/predict and in a plain call', () => {
    const x = keras.random.normal([4, 3]);
    const layer = new Dropout(0.5);
    expect(layer.apply(x)).toBe(x);
    expect(layer.apply(x, { training: false })).toBe(x);
    const model = new keras.Sequential([new Dense(3, { inputShape: [3] }), new Dropout(0.9)]);
    const direct = model.apply(x);
    expect(Array.from(model.predict(x, { verbose: 0 }).data)).toEqual(Array.from(direct.data));
  });

  it('keeps the expected value: the mean over many units stays the input, and about rate of them are dropped', () => {
    keras.utils.setRandomSeed(3);
    const x = keras.ops.ones([200, 500]);
    const y = new Dropout(0.3).apply(x, { training: true });
    const zeros = y.data.filter((v) => v === 0).length / y.size;
    expect(zeros).toBeCloseTo(0.3, 2);
    expect(y.mean().item()).toBeCloseTo(1, 2);
    expect(new Set(y.data)).toEqual(new Set([0, Math.fround(1 / 0.7)]));
  });

  it('takes its rate positionally or in an object, and rejects a rate outside [0, 1)', () => {
    expect(new Dropout(0.2).rate).toBe(0.2);
    expect(new Dropout({ rate: 0.4 }).rate).toBe(0.4);
    expect(() => new Dropout(1)).toThrow(keras.ValueError);
    expect(() => new Dropout(-0.1)).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => new Dropout(0.2, { seed: 1.5 })).toThrow(/seed must be an integer/);
  });

  it('noiseShape: one mask value per broadcast slice, null entries take the input size', () => {
    const x = keras.ops.ones([3, 4, 5]);
    const y = new Dropout(0.5, { noiseShape: [null, 1, 5], seed: 11 }).apply(x, { training: true });
    for (let b = 0; b < 3; b++) {
      for (let f = 0; f < 5; f++) {
        const column = [0, 1, 2, 3].map((t) => y.data[(b * 4 + t) * 5 + f]);
        expect(new Set(column).size).toBe(1);
      }
    }
    expect(() => new Dropout(0.5, { noiseShape: [null, 3, 5] }).apply(x, { training: true })).toThrow(keras.ShapeError);
    expect(() => new Dropout(0.5, { noiseShape: [null, 5] }).apply(x, { training: true })).toThrow(/one entry per input dimension/);
  });

  it('repeats its masks bit for bit under setRandomSeed, and under its own seed', () => {
    const x = keras.random.normal([8, 16]);
    const draw = () => new Dropout(0.5).apply(x, { training: true }).data;
    keras.utils.setRandomSeed(42);
    const a = draw();
    keras.utils.setRandomSeed(42);
    expect(draw()).toEqual(a);
    const seeded = (s: number) => new Dropout(0.5, { seed: s }).apply(x, { training: true }).data;
    expect(seeded(5)).toEqual(seeded(5));
    expect(seeded(5)).not.toEqual(seeded(6));
  });

  it('mask multiply: forward and gradient agree with finite differences for a fixed mask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.integer(), (rows, cols, shared, seed) => {
        const x = keras.random.normal([rows, cols]);
        const maskShape = shared ? [1, cols] : [rows, cols];
        const mask = new Float32Array(maskShape[0]! * cols);
        fillDropoutMask(mask, 0.4, new RandomGenerator(seed));
        const m = new keras.Tensor(mask, maskShape);
        const weights = keras.random.normal([rows, cols]);
        const result = keras.utils.checkGradients((t) => multiplyByMask(t, m).mul(weights).sum(), [x], { step: 1e-2, rtol: 1e-2, atol: 1e-3 });
        expect(result.ok).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('fit trains through Dropout (training: true) and repeats bit for bit under a seed', async () => {
    const run = async () => {
      keras.utils.clearSession();
      keras.utils.setRandomSeed(9);
      const model = new keras.Sequential([new Flatten({ inputShape: [2, 3] }), new Dense(8, { activation: 'relu' }), new Dropout(0.5), new Dense(3)]);
      model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
      const x = keras.random.normal([40, 2, 3]);
      const y = keras.tensor(Array.from({ length: 40 }, (_, i) => i % 3));
      const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
      return { loss: history.history.loss, weights: model.getWeights().map((w) => Array.from(w.data)) };
    };
    const a = await run();
    expect(await run()).toEqual(a);
  });

  it('Layer.call receives training: true from fit and nothing from evaluate/predict', async () => {
    const seen: Array<boolean | undefined> = [];
    class Spy extends Layer {
      static override readonly className = 'Spy';
      call(inputs: keras.Tensor, args: keras.CallArgs = {}) {
        seen.push(args.training);
        return inputs;
      }
      computeOutputShape(shape: keras.BatchShape) {
        return shape;
      }
    }
    const inner = new keras.Sequential([new Spy()]);
    const model = new keras.Sequential([new Dense(2, { inputShape: [2] }), inner]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = keras.random.normal([4, 2]);
    await model.fit(x, x, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(seen).toEqual([true]);
    model.evaluate(x, x, { verbose: 0, batchSize: 4 });
    model.predict(x, { verbose: 0, batchSize: 4 });
    expect(seen.slice(1).every((t) => !t)).toBe(true);
    expect(seen.length).toBe(3);
  });
});
