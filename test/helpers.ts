/**
 * What several test files share: the seed model, and a temporary directory
 * made before and removed after a file's tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import * as keras from '../src/index.js';

/** The seed architecture: Flatten [28, 28] → Dense 128 relu → Dense 10 softmax (not compiled). */
export function seedModel(): keras.Sequential {
  return new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: 'relu' }),
    new keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
}

/** A fresh temporary directory for this test file; `dir()` returns its path once the tests run. */
export function useTempDir(prefix: string): () => string {
  let path = '';
  beforeAll(async () => {
    path = await mkdtemp(join(tmpdir(), `tinykeras-${prefix}-`));
  });
  afterAll(async () => {
    await rm(path, { recursive: true, force: true });
  });
  return () => path;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}
