/**
 * Malformed arguments that used to surface as JavaScript's own errors: each
 * is now a TinykerasError that says what was expected and what was received.
 */
import { describe, expect, it, vi } from 'vitest';
import * as keras from '../src/index.js';
import { FileFormatError, TinykerasError, ValueError } from '../src/errors.js';

const model = () => {
  const m = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};
const x = () => keras.zeros([4, 3]);
const y = () => keras.zeros([4, 2]);

async function failure(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(TinykerasError);
    return error as Error;
  }
  throw new Error('expected a TinykerasError');
}

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

describe('memory IO handlers', () => {
  it('null or wrongly typed artifacts', async () => {
    expect((await failure(() => keras.io.fromMemory(null as never))).message).toMatch(/io\.fromMemory\(\): expected model artifacts.*Received: null/);
    expect((await failure(() => keras.io.fromMemory({ weightSpecs: 'x' } as never))).message).toMatch(/weightSpecs must be a list/);
    expect((await failure(() => keras.io.fromMemory({ weightData: [1, 2] } as never))).message).toMatch(/weightData must be an ArrayBuffer or a list of them/);
    expect((await failure(() => keras.io.fromMemory({ modelTopology: { f: () => 1 } } as never))).message).toMatch(/must be plain JSON data/);
    expect(await failure(() => keras.models.loadModel({ load: async () => null } as never))).toBeInstanceOf(FileFormatError);
    expect(await failure(() => model().loadWeights({ load: async () => 42 } as never))).toBeInstanceOf(FileFormatError);
  });
});

describe('checkpoint path templates', () => {
  it('an absurd width or precision is refused when the callback is made, not after an epoch', async () => {
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{epoch:1000000000d}'))).message).toMatch(/asks for more than a file name can hold.*width=1000000000/);
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{loss:.500f}'))).message).toMatch(/precision=500/);
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{epoch:x}'))).message).toMatch(/unsupported format "x"/);
  });
  it('a field named like an inherited property is an unknown log key', async () => {
    const { formatFilepath } = await import('../src/callbacks/model-checkpoint.js');
    expect(() => formatFilepath('ckpt-{constructor}', 0, { loss: 1 })).toThrow(/the field \{constructor\} names no log value/);
  });
});

describe('validation data', () => {
  it('errors about the validation data say so', async () => {
    const bad = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: [keras.zeros([4, 5]), y()] }));
    expect(bad).toBeInstanceOf(ValueError);
    expect(bad.message).toMatch(/^fit\(\): in validationData: Input 0 of layer/);
    const labels = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: [x(), keras.zeros([3, 2])] }));
    expect(labels.message).toMatch(/^fit\(\): in validationData: /);
    const notPair = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: x() as never }));
    expect(notPair.message).toMatch(/validationData must be a pair \[x, y\]/);
  });
});

describe('summary and tensors', () => {
  it('a printFn that is not a function', async () => {
    expect((await failure(() => model().summary('console' as never))).message).toMatch(/printFn must be a function/);
  });
  it('tensor creation from values that are not numbers', async () => {
    expect((await failure(() => keras.tensor(null as never))).message).toMatch(/tensor: expected a number, nested arrays of numbers, or a typed array. Received: null/);
    expect((await failure(() => keras.zeros('3' as never))).message).toMatch(/zeros: every dimension must be a non-negative integer/);
    expect((await failure(() => keras.zeros([2, 3]).add({} as never))).message).toMatch(/expected a Tensor or a number/);
  });
  it('console output stays quiet', () => {
    const log = vi.spyOn(console, 'log');
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });
});
