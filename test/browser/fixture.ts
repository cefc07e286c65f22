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
  /** The threads fit trained on (history.params.threads). */
  threads: number;
}

/**
 * What must be equal between runs: everything but the time taken and the
 * threads used, with the training loss rounded to float32. That loss is a
 * float64 sum of the threads' partial sums, so its last bit may depend on the
 * thread count (fit's `threads` says so); the weights digest stays exact.
 */
export function comparable({ secondsPerEpoch: _seconds, threads: _threads, ...rest }: RunResult): Omit<RunResult, 'secondsPerEpoch' | 'threads'> {
  return { ...rest, loss: rest.loss.map(Math.fround) };
}

/** Images whose class lights a band of rows, plus seeded noise. */
export function bandImages(keras: Keras, count: number, seed: number): [Core.Tensor, Core.Tensor] {
  const noise = new keras.random.RandomGenerator(seed);
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
  keras.utils.setRandomSeed(42);
  keras.utils.clearSession();
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
    threads: history.params.threads!,
  };
}

/** How long the page's main thread was held during one call. */
export interface MainThreadReport {
  /** The longest task the browser reported as long (≥ 50 ms; 0 when none was). */
  longestLongTaskMs: number;
  /** The longest gap between beats of a setTimeout(0) chain: the longest task, plus up to the 4 ms timer clamp. */
  longestGapMs: number;
  /** How long the call took. */
  totalMs: number;
}

/**
 * Runs `call` on the page's main thread and measures how long the thread
 * was held at a stretch: Chromium's long-task entries, and a timer
 * heartbeat that only beats when the thread is free.
 */
export async function measureMainThread(call: () => unknown): Promise<MainThreadReport> {
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  let beating = true;
  let last = performance.now();
  let longestGap = 0;
  const beat = () => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
    if (beating) setTimeout(beat, 0);
  };
  setTimeout(beat, 0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  longestGap = 0;
  const start = performance.now();
  await call();
  const totalMs = performance.now() - start;
  // Let the heartbeat see the end of a synchronous call, and the observer report.
  await new Promise((resolve) => setTimeout(resolve, 100));
  beating = false;
  for (const entry of observer.takeRecords()) longTasks.push(entry.duration);
  observer.disconnect();
  return { longestLongTaskMs: Math.max(0, ...longTasks), longestGapMs: longestGap, totalMs };
}

/**
 * The seed model's fit on `fitCount` images, then evaluate and predict on
 * `inferCount`, each call measured on the main thread.
 */
export async function responsiveness(keras: Keras, fitCount: number, inferCount: number, threads: number): Promise<Record<string, MainThreadReport>> {
  keras.utils.setRandomSeed(1);
  const model = seedModel(keras);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const [x, y] = bandImages(keras, fitCount, 2);
  const [xi, yi] = bandImages(keras, inferCount, 3);
  const quiet = { verbose: 0 as const };
  return {
    [`fit (1 epoch, validationSplit 0.2, threads ${threads})`]: await measureMainThread(() => model.fit(x, y, { epochs: 1, validationSplit: 0.2, threads, ...quiet })),
    evaluateAsync: await measureMainThread(() => model.evaluateAsync(xi, yi, quiet)),
    predictAsync: await measureMainThread(() => model.predictAsync(xi, quiet)),
    'evaluate (synchronous)': await measureMainThread(() => model.evaluate(xi, yi, quiet)),
    'predict (synchronous)': await measureMainThread(() => model.predict(xi, quiet)),
  };
}
