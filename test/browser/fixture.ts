/**
 * The training run that Node and Chromium (a page and a Web Worker) must
 * agree on to the last bit: the seed model on small generated data, under a
 * seed. It uses only the public API, so the same code runs against
 * src/index.ts in Node and against the browser bundle of src/browser.ts.
 */
import type * as Core from '../../src/core.js';

export type Keras = typeof Core;

export interface RunResult {
  loss: number[];
  valLoss: number[];
  accuracy: number[];
  evaluation: number[];
  /** FNV-1a over the bits of every weight, in order: equal only when every float is. */
  weightsDigest: string;
  predictions: number[];
  secondsPerEpoch: number;
}

/** Images whose class lights a band of rows, plus seeded noise. */
export function bandImages(keras: Keras, count: number, seed: number): [Core.Tensor, Core.Tensor] {
  const noise = new keras.utils.RandomGenerator(seed);
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % 10;
    for (let p = 0; p < 784; p++) x[i * 784 + p] = (Math.floor(p / 78.4) === i % 10 ? 0.7 : 0) + 0.3 * noise.uniform();
  }
  return [keras.tensor(x, [count, 28, 28]), keras.tensor(y, [count])];
}

export function seedModel(keras: Keras): Core.Sequential {
  return new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: 'relu' }),
    new keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
}

export function weightsDigest(model: Core.Sequential): string {
  let hash = 0x811c9dc5;
  for (const weight of model.weights) {
    const bits = new Uint32Array(weight.data.buffer, weight.data.byteOffset, weight.data.length);
    for (let i = 0; i < bits.length; i++) hash = Math.imul(hash ^ bits[i]!, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

export async function trainSeedModel(keras: Keras, threads?: number): Promise<RunResult> {
  keras.setRandomSeed(42);
  keras.clearSession();
  const model = seedModel(keras);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const [x, y] = bandImages(keras, 600, 3);
  const epochs = 2;
  const start = performance.now();
  const history = await model.fit(x, y, { epochs, batchSize: 32, validationSplit: 0.2, verbose: 0, ...(threads ? { threads } : {}) });
  const secondsPerEpoch = (performance.now() - start) / 1000 / epochs;
  return {
    loss: history.history.loss!,
    valLoss: history.history.val_loss!,
    accuracy: history.history.accuracy!,
    evaluation: model.evaluate(x, y, { verbose: 0 }),
    weightsDigest: weightsDigest(model),
    predictions: Array.from(model.predict(x, { verbose: 0 }).data.subarray(0, 40)),
    secondsPerEpoch,
  };
}
