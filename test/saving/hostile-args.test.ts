/**
 * Malformed arguments that used to surface as JavaScript's own errors: each
 * is now a TinykerasError that says what was expected and what was received.
 *
 * Here: the in-memory IO handlers.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { failure } from '../support/helpers.js';
import { FileFormatError } from '../../src/errors.js';

const model = () => {
  const m = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};

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
