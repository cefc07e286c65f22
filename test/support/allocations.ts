/**
 * Counting the typed arrays a piece of code makes, on this thread and in the
 * fused executor's worker threads: every typed-array construction, and every
 * view or copy made with `subarray` or `slice`. The executors promise none
 * per training step and none per predicted or evaluated batch, on any thread.
 *
 * Workers are counted by starting them through a counting bootstrap
 * (count-allocations-worker.mjs), which wraps the same constructors and
 * methods in the worker before it loads its usual entry, and adds to a
 * shared counter while counting is on. A test file turns that on with
 *
 *     vi.mock('node:worker_threads', async (original) =>
 *       (await import('../support/allocations.js')).countingWorkerThreads(await original()));
 *
 * so the library's own worker start-up (src/fused/threads/node-platform.ts)
 * is left as it is.
 */
import type * as WorkerThreads from 'node:worker_threads';

/** Shared with every counting worker: [counting (1) or not (0), typed arrays made while counting]. */
const workerCounter = new Int32Array(new SharedArrayBuffer(8));

/** node:worker_threads with a Worker that starts through the counting bootstrap, then the file it was given. */
export function countingWorkerThreads(actual: typeof WorkerThreads): typeof WorkerThreads {
  class CountingWorker extends actual.Worker {
    constructor(file: string | URL, options: WorkerThreads.WorkerOptions = {}) {
      const entry = file instanceof URL ? file.href : new URL(file, 'file://').href;
      super(new URL('./count-allocations-worker.mjs', import.meta.url), {
        ...options,
        workerData: { ...(options.workerData as object), allocationCounter: workerCounter, countedEntry: entry },
      });
    }
  }
  return { ...actual, Worker: CountingWorker };
}

/** Typed arrays the counting workers make while `body` runs (they must have been started through countingWorkerThreads). */
export async function workerTypedArraysMadeBy(body: () => unknown): Promise<number> {
  Atomics.store(workerCounter, 1, 0);
  Atomics.store(workerCounter, 0, 1);
  try {
    await body();
  } finally {
    Atomics.store(workerCounter, 0, 0);
  }
  return Atomics.load(workerCounter, 1);
}

/** Every typed-array class: what the counters wrap. */
export const TYPED_ARRAY_CLASSES = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

/**
 * How many typed arrays the synchronous `body` makes, on this thread and in
 * counting workers (the executors' phases end before the call that started
 * them returns, so a worker's share is counted too).
 */
export function typedArraysMadeBy(body: () => void): { thisThread: number; workers: number } {
  let made = 0;
  const g = globalThis as Record<string, unknown>;
  const counting = TYPED_ARRAY_CLASSES.map((C) => new Proxy(C, { construct: (target, args, newTarget) => (made++, Reflect.construct(target, args, newTarget)) }));
  // Views and copies: subarray and slice live on the prototype every typed array shares.
  const shared = Object.getPrototypeOf(Int8Array.prototype) as { subarray: (...a: unknown[]) => unknown; slice: (...a: unknown[]) => unknown };
  const { subarray, slice } = shared;
  TYPED_ARRAY_CLASSES.forEach((C, i) => (g[C.name] = counting[i]));
  shared.subarray = function (...a) {
    made++;
    return subarray.apply(this, a);
  };
  shared.slice = function (...a) {
    made++;
    return slice.apply(this, a);
  };
  Atomics.store(workerCounter, 1, 0);
  Atomics.store(workerCounter, 0, 1);
  try {
    body();
  } finally {
    Atomics.store(workerCounter, 0, 0);
    TYPED_ARRAY_CLASSES.forEach((C) => (g[C.name] = C));
    shared.subarray = subarray;
    shared.slice = slice;
  }
  return { thisThread: made, workers: Atomics.load(workerCounter, 1) };
}
