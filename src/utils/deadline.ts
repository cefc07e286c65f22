/**
 * A network load's deadline and cancellation, as one AbortSignal: the
 * caller's signals and a timer for the whole load (bodies included, so a
 * server that drips a byte a second is stopped too, not only a silent one).
 * Model loads (saving/) and dataset downloads (data/) both use it.
 */
import { describeValue, ValueError } from '../errors.js';

/** What a caller may give a network load: a signal that aborts it, and a deadline for all of it. */
export interface DeadlineOptions {
  /** Aborts the load. */
  signal?: AbortSignal;
  /** The most milliseconds the whole load may take, bodies included; Infinity for no deadline. */
  timeoutMs?: number;
}

/** Checks `signal` and `timeoutMs` of load options, naming `where`. */
export function checkDeadlineOptions(options: DeadlineOptions, where: string): void {
  const { signal, timeoutMs } = options;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new ValueError(`${where}: signal must be an AbortSignal (new AbortController().signal). Received: signal=${describeValue(signal)}`);
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw new ValueError(`${where}: timeoutMs must be a positive number of milliseconds (Infinity for no deadline). Received: timeoutMs=${describeValue(timeoutMs)}`);
  }
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof AbortSignal !== 'undefined' && value instanceof AbortSignal;
}

/** Why a load stopped early, for the message. */
export type StopReason = { kind: 'timeout'; timeoutMs: number } | { kind: 'aborted' };

/** One signal that fires when any of `signals` does or `timeoutMs` passes; `stopReason()` says which; `done()` clears the timer. */
export function deadline(timeoutMs: number, signals: readonly (AbortSignal | null | undefined)[]) {
  const controller = new AbortController();
  let reason: StopReason | null = null;
  const stop = (why: StopReason) => {
    if (reason !== null) return;
    reason = why;
    controller.abort();
  };
  const onAbort = () => stop({ kind: 'aborted' });
  const given = signals.filter((s): s is AbortSignal => s !== null && s !== undefined);
  for (const signal of given) {
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  const timer = Number.isFinite(timeoutMs) ? setTimeout(() => stop({ kind: 'timeout', timeoutMs }), timeoutMs) : null;
  return {
    signal: controller.signal,
    stopReason: (): StopReason | null => reason,
    done: () => {
      if (timer !== null) clearTimeout(timer);
      for (const signal of given) signal.removeEventListener('abort', onAbort);
    },
  };
}

/** The sentence for a load stopped by `reason`. */
export function describeStop(reason: StopReason): string {
  return reason.kind === 'timeout'
    ? `the load took longer than its deadline of ${reason.timeoutMs} ms (the timeoutMs option)`
    : 'the load was aborted by its signal';
}
