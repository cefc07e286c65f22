/**
 * What several test files share: the seed model, image-like data, and a
 * temporary directory made before and removed after a file's tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import * as keras from '../../src/index.js';
import { TinykerasError } from '../../src/errors.js';

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

/**
 * Image-like data from a seed: n `height`×`width` "pictures", about half
 * exact zeros (as Fashion-MNIST's pixels), labels i % classes, each picture
 * with a bright pixel at its label so that a model can learn it.
 */
export function imageLikeData(n: number, seed: number, height: number, width: number, classes: number): [keras.Tensor, keras.Tensor] {
  keras.utils.setRandomSeed(seed);
  const size = height * width;
  const x = keras.random.uniform([n, height, width], 0, 1).data;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < size; j++) if ((j + i) % 2 === 0) x[i * size + j] = 0;
    x[i * size + (i % classes)]! += 1;
  }
  return [new keras.Tensor(x, [n, height, width]), new keras.Tensor(y, [n])];
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

/** The TinykerasError `call` throws or rejects with; fails the test on any other outcome. */
export async function failure(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(TinykerasError);
    return error as Error;
  }
  throw new Error('expected a TinykerasError');
}

/** keras.models.loadModel for a file that holds a Sequential model: fails the test if it held a Functional one. */
export async function loadSequential(source: string | keras.IOHandler, options?: keras.LoadOptions): Promise<keras.Sequential> {
  const model = await keras.models.loadModel(source, options);
  expect(model).toBeInstanceOf(keras.Sequential);
  return model as keras.Sequential;
}

/** TensorFlow's CNN tutorial model on size × size grey images: Conv2D 32 → MaxPool 2 → Conv2D 64 → MaxPool 2 → Conv2D 64 → Flatten → Dense 64 → Dense 10 logits. */
export function cnnTutorialModel(size = 18): keras.Sequential {
  const { Conv2D, MaxPooling2D, Flatten, Dense } = keras.layers;
  return new keras.Sequential([
    new Conv2D(32, 3, { activation: 'relu', inputShape: [size, size, 1] }),
    new MaxPooling2D(2),
    new Conv2D(64, 3, { activation: 'relu' }),
    new MaxPooling2D(2),
    new Conv2D(64, 3, { activation: 'relu' }),
    new Flatten(),
    new Dense(64, { activation: 'relu' }),
    new Dense(10),
  ]);
}
