/**
 * Splitting a dataset into batches, as Keras's array data adapter does:
 * ceil(n / batchSize) batches per epoch, the last one possibly short, and a
 * fresh permutation of the samples every epoch when shuffling. Pure code, no
 * Node imports: it runs in browsers too.
 */
import type { RandomGenerator } from '../tensor/random.js';

/** Batches per epoch: ceil(n / batchSize). 1875 for 60,000 samples at 32. */
export function stepsPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/**
 * The sample order for one epoch, written into `order` (reused across
 * epochs): a random permutation when shuffling, else 0, 1, …, n-1.
 */
export function epochOrder(order: Int32Array, shuffle: boolean, generator: RandomGenerator): Int32Array {
  if (shuffle) generator.permutation(order);
  else for (let i = 0; i < order.length; i++) order[i] = i;
  return order;
}

/** The [start, end) range of sample positions in batch `b`. */
export function batchRange(b: number, batchSize: number, n: number): [number, number] {
  const start = b * batchSize;
  return [start, Math.min(start + batchSize, n)];
}

/**
 * Where Keras cuts `validationSplit`: the first floor(n·(1 − split)) samples
 * train and the rest validate, taken before any shuffling.
 */
export function validationSplitIndex(n: number, split: number): number {
  return Math.floor(n * (1 - split));
}
