/**
 * How the calling thread and the pool's workers talk during a job: a few
 * Int32 slots in shared memory. The calling thread writes the phase and its
 * arguments, bumps `generation` and wakes the workers; each worker runs its
 * share and bumps `done`. Waiting spins before sleeping in Atomics.wait, because a phase
 * lasts about a millisecond and waking a sleeping thread costs about as much.
 */
import type { Optimizer } from '../../optim/optimizer.js';
import { optimizerClass, serializeOptimizer, type SerializedOptimizer } from '../../optim/registry.js';
import { RuntimeError } from '../../errors.js';

/**
 * Indices into the control Int32Array. `accepted` counts the workers that
 * took the current job; `batchSize` is a step's batch size, or a forward
 * round's row count; `job` numbers the jobs, so that a worker can tell a
 * later job's phase from its own; `failureLength` is the byte length of the
 * first failure's message in the pool's failure text.
 */
export const Slot = { generation: 0, phase: 1, batchSize: 2, step: 3, done: 4, failed: 5, accepted: 6, job: 7, failureLength: 8 } as const;
export const CONTROL_SLOTS = 9;

/** Bytes of shared memory for the first failure's message (a longer one is cut). */
export const FAILURE_TEXT_BYTES = 4096;

/**
 * Records a worker's failure where the calling thread can read it at once:
 * the first failing thread of a job writes its message into the shared
 * `text`, then every one raises the `failed` flag. A posted message would
 * come too late, since the calling thread is blocked (or spinning, in a
 * page) until the phase ends and only then checks the flag.
 */
export function recordFailure(control: Int32Array, text: Uint8Array, message: string): void {
  if (Atomics.compareExchange(control, Slot.failureLength, 0, -1) !== 0) {
    Atomics.store(control, Slot.failed, 1);
    return;
  }
  const { written } = new TextEncoder().encodeInto(message || 'an error with no message', text);
  Atomics.store(control, Slot.failureLength, written);
  Atomics.store(control, Slot.failed, 1);
}

/** The message recordFailure wrote, or null if none was (read after the failing thread's phase has ended). */
export function recordedFailure(control: Int32Array, text: Uint8Array): string | null {
  const length = Atomics.load(control, Slot.failureLength);
  // TextDecoder does not read shared memory: decode a copy.
  return length > 0 ? new TextDecoder().decode(text.slice(0, length)) : null;
}

/** What a worker runs when woken; `exit` ends the job (the worker goes back to waiting for the next one). */
export const Phase = { exit: 0, rows: 1, weights: 2, forward: 3 } as const;

/**
 * How long to keep re-checking a shared slot before sleeping on it. Longer
 * than any gap inside a training step (gathering a batch takes ~0.1 ms), so
 * workers only sleep between epochs: waking a sleeping thread took ~0.5 ms
 * per handoff on the 2-core VM, a third of the step.
 */
const SPIN_MS = 2;

/**
 * Waits until control[slot] !== value (spin, then sleep), or throws after
 * `timeoutMs`. A thread that may not sleep (a browser page's main thread,
 * where Atomics.wait throws) keeps spinning instead.
 */
export function waitWhileEqual(control: Int32Array, slot: number, value: number, timeoutMs: number): void {
  const spinUntil = performance.now() + SPIN_MS;
  while (performance.now() < spinUntil) {
    for (let i = 0; i < 256; i++) if (Atomics.load(control, slot) !== value) return;
  }
  const deadline = Date.now() + timeoutMs;
  const sleeps = canSleep(control);
  while (Atomics.load(control, slot) === value) {
    if (Date.now() > deadline) throw new RuntimeError(`A training worker thread stopped responding for ${timeoutMs / 1000} s.`);
    if (sleeps) Atomics.wait(control, slot, value, 100);
  }
}

let sleepAllowed: boolean | null = null;

/**
 * Whether this thread may block in Atomics.wait (checked once: the check
 * throws before comparing where it may not). It probes the slots it is
 * given, with a value they do not hold and no timeout, so it never blocks
 * and allocates nothing: a first sleep can come in the middle of a step.
 */
function canSleep(probe: Int32Array): boolean {
  if (sleepAllowed === null) {
    try {
      Atomics.wait(probe, 0, Atomics.load(probe, 0) ^ 1, 0);
      sleepAllowed = true;
    } catch {
      sleepAllowed = false;
    }
  }
  return sleepAllowed;
}

/** An optimizer as plain data (its class name and Keras config), so a worker can build its own copy of the update rule. */
export type OptimizerSpec = SerializedOptimizer;

/** The spec of a registered optimizer (src/optim/registry.ts), or null for one a worker could not rebuild. */
export function describeOptimizer(optimizer: Optimizer): OptimizerSpec | null {
  return serializeOptimizer(optimizer);
}

/** The worker's copy of the optimizer `spec` describes (describeOptimizer made it, so its class is registered). */
export function buildOptimizer(spec: OptimizerSpec): Optimizer {
  return optimizerClass(spec.className)!.fromConfig(spec.config);
}
