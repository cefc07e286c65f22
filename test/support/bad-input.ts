/**
 * What the generated bad-input properties share (test/<folder>/bad-input.test.ts):
 * catching the error a call throws, which must be a TinykerasError, and a
 * small compiled classifier to throw bad input at.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import * as keras from '../../src/index.js';

const { Dense, Flatten } = keras.layers;

/** Generated cases per property (some properties run a fraction of it). */
export const RUNS = 100;

/** The error `f` throws, or null; a thrown non-TinykerasError fails the test at once. */
export function errorOf(f: () => unknown): Error | null {
  try {
    f();
  } catch (error) {
    expect(error, `expected a TinykerasError, got ${String(error)}`).toBeInstanceOf(keras.TinykerasError);
    return error as Error;
  }
  return null;
}

export async function asyncErrorOf(f: () => Promise<unknown>): Promise<Error | null> {
  try {
    await f();
  } catch (error) {
    expect(error, `expected a TinykerasError, got ${String(error)}`).toBeInstanceOf(keras.TinykerasError);
    return error as Error;
  }
  return null;
}

/** A compiled classifier: samples of `sampleShape` → `classes` softmax outputs. */
export function classifier(sampleShape: number[], classes: number, loss = 'sparse_categorical_crossentropy'): keras.Sequential {
  const model = new keras.Sequential([
    new Flatten({ inputShape: sampleShape }),
    new Dense(4, { activation: 'relu' }),
    new Dense(classes, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
  return model;
}

/** A sample shape of 1 to `maxRank` dimensions, each 1-4. */
export const dims = (maxRank: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: maxRank });
export const quiet = { verbose: 0 } as const;

/** Not a positive integer: zero or negative, fractional, NaN, Infinity, or a string. */
export const notPositiveInteger = fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 100, noInteger: true }), fc.constantFrom(NaN, Infinity, -1, '3' as unknown as number));
