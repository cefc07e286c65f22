/**
 * Long loops that leave a page responsive. A loop is written once, as a
 * generator that yields between units of work (a batch); `runToEnd` runs it in one go (the synchronous `evaluate` and
 * `predict`), `runYielding` lets the event loop run whenever
 * YIELD_EVERY_MS have passed (`fit`, `evaluateAsync`, `predictAsync`), so
 * that on a browser's main thread no task lasts much longer than that:
 * input, rendering and timers get their turn, well inside the 50 ms after
 * which browsers count a task as long.
 */

/** The most a loop runs between two turns of the event loop. */
export const YIELD_EVERY_MS = 30;

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
