/**
 * Malformed arguments that used to surface as JavaScript's own errors: each
 * is now a TinykerasError that says what was expected and what was received.
 *
 * Here: the data given to fit and evaluate (validation data, labels, threads).
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { failure } from '../support/helpers.js';
import { ValueError } from '../../src/errors.js';

const model = () => {
  const m = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};
const x = () => keras.ops.zeros([4, 3]);
const y = () => keras.ops.zeros([4, 2]);

describe('validation data', () => {
  it('errors about the validation data say so', async () => {
    const bad = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: [keras.ops.zeros([4, 5]), y()] }));
    expect(bad).toBeInstanceOf(ValueError);
    expect(bad.message).toMatch(/^fit\(\): in validationData: Input 0 of layer/);
    const labels = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: [x(), keras.ops.zeros([3, 2])] }));
    expect(labels.message).toMatch(/^fit\(\): in validationData: /);
    const notPair = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: x() as never }));
    expect(notPair.message).toMatch(/validationData must be \[x, y\] or \[x, y, sampleWeight\]/);
  });
});

describe('labels', () => {
  it('fit and evaluate without labels say that y is required', async () => {
    for (const missing of [null, undefined]) {
      expect((await failure(() => model().evaluate(x(), missing as never, { verbose: 0 }))).message).toMatch(/^evaluate\(\): y is required.*Received: y=(null|undefined)/);
      expect((await failure(() => model().fit(x(), missing as never, { verbose: 0 }))).message).toMatch(/^fit\(\): y is required/);
      expect((await failure(() => model().fit(x(), y(), { verbose: 0, validationData: [x(), missing] as never }))).message).toMatch(/validationData\[1\] is required/);
    }
  });
});

describe('fit threads', () => {
  it('threads beyond a few per core is a ValueError that says the limit', async () => {
    const { checkThreadCount } = await import('../../src/utils/thread-count.js');
    expect(() => checkThreadCount(1000, 'fit()', 2)).toThrow(ValueError);
    expect(() => checkThreadCount(1000, 'fit()', 2)).toThrow(/threads must be at most 8 \(4 per core on this machine's 2 cores/);
    expect(() => checkThreadCount(33, 'fit()', 8)).toThrow(/threads must be at most 32 /);
    expect(() => checkThreadCount(0, 'fit()', 2)).toThrow(/positive integer/);
    expect(checkThreadCount(32, 'fit()', 8)).toBeUndefined();
  });

  it('fit({ threads: 1000 }) fails before any worker starts', async () => {
    const keras = await import('../../src/index.js');
    const model = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit(keras.ops.zeros([4, 3]), keras.ops.zeros([4, 2]), { threads: 1000, verbose: 0 })).rejects.toThrow(/fit\(\): threads must be at most/);
  });
});
