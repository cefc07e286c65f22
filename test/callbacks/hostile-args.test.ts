/**
 * Malformed arguments that used to surface as JavaScript's own errors: each
 * is now a TinykerasError that says what was expected and what was received.
 *
 * Here: callbacks given to fit, and ModelCheckpoint path templates.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { failure } from '../support/helpers.js';

const model = () => {
  const m = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};
const x = () => keras.ops.zeros([4, 3]);
const y = () => keras.ops.zeros([4, 2]);

describe('callbacks', () => {
  const fit = (callbacks: unknown) => model().fit(x(), y(), { epochs: 1, verbose: 0, callbacks: callbacks as never });
  it('null, a number or a string as a callback', async () => {
    expect((await failure(() => fit([null]))).message).toMatch(/^fit\(\): callbacks\[0\] must be a callback object.*Received: null/);
    expect((await failure(() => fit([{ onEpochEnd() {} }, 3]))).message).toMatch(/callbacks\[1\] must be a callback object.*Received: 3/);
    expect((await failure(() => fit([, { onEpochEnd() {} }]))).message).toMatch(/callbacks\[0\] must be a callback object.*Received: undefined/);
  });
  it('a class instead of an instance', async () => {
    expect((await failure(() => fit([keras.callbacks.EarlyStopping]))).message).toMatch(/callbacks\[0\] is a class or function.*new EarlyStopping\(\)/);
  });
  it('a hook that is not a function, or a class', async () => {
    expect((await failure(() => fit([{ onEpochEnd: 'log' }]))).message).toMatch(/callbacks\[0\]\.onEpochEnd must be a function.*Received: onEpochEnd='log'/);
    expect((await failure(() => fit([{ onBatchEnd: class {} }]))).message).toMatch(/onBatchEnd must be a function \(a method, not a class\)/);
  });
  it('a misspelt hook on a plain object', async () => {
    expect((await failure(() => fit([{ onEpochEnds() {} }]))).message).toMatch(/unknown hook 'onEpochEnds'. Did you mean 'onEpochEnd'\?/);
  });
});

describe('checkpoint path templates', () => {
  it('an absurd width or precision is refused when the callback is made, not after an epoch', async () => {
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{epoch:1000000000d}'))).message).toMatch(/asks for more than a file name can hold.*width=1000000000/);
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{loss:.500f}'))).message).toMatch(/precision=500/);
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{epoch:x}'))).message).toMatch(/unsupported format "x"/);
  });
  it('a field named like an inherited property is an unknown log key', async () => {
    const { formatFilepath } = await import('../../src/callbacks/model-checkpoint.js');
    expect(() => formatFilepath('ckpt-{constructor}', 0, { loss: 1 })).toThrow(/the field \{constructor\} names no log value/);
  });
});
