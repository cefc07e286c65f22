/**
 * Malformed arguments that used to surface as JavaScript's own errors: each
 * is now a TinykerasError that says what was expected and what was received.
 *
 * Here: tensor creation, summary's printFn, and the kernel tier switch.
 */
import { describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { failure } from '../support/helpers.js';
import { ValueError } from '../../src/errors.js';

const model = () => {
  const m = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};

describe('summary and tensors', () => {
  it('a printFn that is not a function', async () => {
    expect((await failure(() => model().summary('console' as never))).message).toMatch(/printFn must be a function/);
  });
  it('tensor creation from values that are not numbers', async () => {
    expect((await failure(() => keras.tensor(null as never))).message).toMatch(/tensor: expected a number, nested arrays of numbers, or a typed array. Received: null/);
    expect((await failure(() => keras.ops.zeros('3' as never))).message).toMatch(/zeros: every dimension must be a non-negative integer/);
    expect((await failure(() => keras.ops.zeros([2, 3]).add({} as never))).message).toMatch(/expected a Tensor or a number/);
  });
  it('console output stays quiet', async () => {
    // The same bad calls as above: each must fail by its error alone, printing nothing.
    const printers = (['log', 'info', 'warn', 'error'] as const).map((method) => vi.spyOn(console, method));
    try {
      await failure(() => model().summary('console' as never));
      await failure(() => keras.tensor(null as never));
      await failure(() => keras.ops.zeros('3' as never));
      await failure(() => keras.ops.zeros([2, 3]).add({} as never));
      for (const printer of printers) expect(printer).not.toHaveBeenCalled();
    } finally {
      for (const printer of printers) printer.mockRestore();
    }
  });
});

describe('the kernel tier switch', () => {
  it('names only its two tiers, whatever it is given', async () => {
    for (const tier of [42, null, undefined, {}, ['simd'], 'constructor', '__proto__', 'toString', Symbol('simd'), 10n, 'SIMD']) {
      const error = await failure(() => keras.config.setKernels(tier as never));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(/^setKernels: the kernel tier must be 'js' or 'simd'\..*Received: tier=/);
    }
    expect((await failure(() => keras.config.setKernels('smid' as never))).message).toMatch(/Did you mean 'simd'\?/);
    expect(keras.config.kernels()).toBe('js');
  });
});
