/**
 * Long loops that leave a page responsive. A loop is written once, as a
 * generator that yields between units of work (a batch, or a slice of
 * batches); `runToEnd` runs it in one go (the synchronous `evaluate` and
 * `predict`), `runYielding` lets the event loop run whenever
 * YIELD_EVERY_MS have passed (`fit`, `evaluateAsync`, `predictAsync`), so
 * that on a browser's main thread no task lasts much longer than that:
 * input, rendering and timers get their turn, well inside the 50 ms after
 * which browsers count a task as long.
 */

/** The most a loop runs between two turns of the event loop. */
export const YIELD_EVERY_MS = 30;

/** How long one slice of a fused pass aims to take (see `rowSlices`). */
const SLICE_MS = 4;

/** Runs `loop` to its end without yielding; returns what it returns. */
export function runToEnd<T>(loop: Generator<void, T, void>): T {
  for (;;) {
    const next = loop.next();
    if (next.done) return next.value;
  }
}

/** Runs `loop` to its end, letting the event loop run between its units whenever `clock` says it is due. */
export async function runYielding<T>(loop: Generator<void, T, void>, clock = new YieldClock()): Promise<T> {
  for (;;) {
    const next = loop.next();
    if (next.done) return next.value;
    if (clock.due()) await clock.yield();
  }
}

/** When a loop last let the event loop run, shared by the loops of one call (fit and its validation). */
export class YieldClock {
  private last = performance.now();

  /** Whether YIELD_EVERY_MS have passed since the last yield. */
  due(): boolean {
    return performance.now() - this.last >= YIELD_EVERY_MS;
  }

  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.last = performance.now();
  }
}

/**
 * Lets the event loop run once: Node's setImmediate; a browser's
 * `scheduler.yield()` where it exists, else a MessageChannel message, which
 * unlike setTimeout(0) is not clamped to 4 ms when repeated.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Rows [0, n) in slices of whole batches, yielding after each: `run(start,
 * end, firstBatch)` does a slice. Slices start at one batch and are sized to
 * take about SLICE_MS each, so a fused pass, which runs many batches per
 * call, still yields often; batches are never split, so the numbers are the
 * same as in one pass.
 */
export function* rowSlices(n: number, batchSize: number, run: (start: number, end: number, firstBatch: number) => void): Generator<void, void, void> {
  let batches = 1;
  for (let start = 0, batch = 0; start < n; ) {
    const end = Math.min(n, start + batches * batchSize);
    const began = performance.now();
    run(start, end, batch);
    const took = performance.now() - began;
    batch += Math.ceil((end - start) / batchSize);
    start = end;
    // Grow at most 4× a slice: a coarse clock may read a short slice as 0 ms.
    batches = took <= 0 ? batches * 4 : Math.max(1, Math.min(batches * 4, Math.floor((batches * SLICE_MS) / took)));
    yield;
  }
}
