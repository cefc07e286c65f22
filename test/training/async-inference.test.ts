/**
 * evaluateAsync and predictAsync: the same numbers as evaluate and predict,
 * bit for bit, on both executors, reached through loops that yield
 * (training/yielding.ts). No timing is asserted: the clock is stubbed where
 * yielding is counted.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { runYielding, YieldClock } from '../../src/training/yielding.js';
import { seedModel } from '../support/helpers.js';

function data(count: number, seed: number): [keras.Tensor, keras.Tensor] {
  const rng = new keras.random.RandomGenerator(seed);
  const x = new Float32Array(count * 784).map(() => rng.uniform());
  const y = new Float32Array(count).map((_, i) => i % 10);
  return [keras.tensor(x, [count, 28, 28]), keras.tensor(y, [count])];
}

describe('evaluateAsync and predictAsync', () => {
  for (const runEagerly of [false, true]) {
    it(`equal evaluate and predict bit for bit (${runEagerly ? 'autograd' : 'fused executor'})`, async () => {
      keras.utils.setRandomSeed(3);
      const model = seedModel();
      model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], runEagerly });
      const [x, y] = data(203, 4);
      const evaluated = model.evaluate(x, y, { batchSize: 16, verbose: 0 });
      expect(await model.evaluateAsync(x, y, { batchSize: 16, verbose: 0 })).toEqual(evaluated);
      expect(await model.evaluateAsync(x, y, { batchSize: 16, verbose: 0, returnDict: true })).toEqual({ loss: evaluated[0], accuracy: evaluated[1] });
      const predicted = model.predict(x, { batchSize: 16, verbose: 0 });
      const asyncPredicted = await model.predictAsync(x, { batchSize: 16, verbose: 0 });
      expect(asyncPredicted.shape).toEqual(predicted.shape);
      expect(Array.from(asyncPredicted.data)).toEqual(Array.from(predicted.data));
    });
  }

  it('reject, not throw, on bad input, naming the async function', async () => {
    const model = seedModel();
    const pending = model.evaluateAsync(keras.ops.zeros([2, 28, 28]), keras.ops.zeros([2]));
    await expect(pending).rejects.toThrow(/^evaluateAsync\(\): the model must be compiled first/);
    await expect(model.predictAsync(keras.ops.zeros([2, 28, 28]), { batchSize: 0 })).rejects.toMatchObject({ name: 'ValueError' });
  });
});

describe('the yielding loops', () => {
  it('runYielding lets the event loop run between units whenever the clock is due', async () => {
    function* units(count: number): Generator<void, string, void> {
      for (let i = 0; i < count; i++) yield;
      return 'done';
    }
    let yields = 0;
    const clock = new YieldClock();
    clock.due = () => true;
    const yieldOnce = clock.yield.bind(clock);
    clock.yield = async () => {
      yields++;
      await yieldOnce();
    };
    expect(await runYielding(units(5), clock)).toBe('done');
    expect(yields).toBe(5);
    clock.due = () => false;
    expect(await runYielding(units(5), clock)).toBe('done');
    expect(yields).toBe(5);
  });
});
