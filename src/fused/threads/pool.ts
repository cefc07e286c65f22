/**
 * The process's worker threads, one pool shared by fit, evaluate and
 * predict. It starts on first need (`startPool`, asynchronous: a worker
 * takes ~0.1 s to boot), grows to the threads a job asks for, and then
 * stays: each later job only posts its buffers to the workers it uses. Idle
 * workers are unref'd, so they never keep a process alive: a script exits on
 * its own when its work is done.
 *
 * A job runs in phases over the control slots of protocol.ts: the calling
 * thread announces a phase, runs its own share (it is thread 0), and waits
 * for the workers' shares. One job at a time: a call made while the pool is
 * busy (say, predict from a fit callback) runs on its own thread.
 */
import { RuntimeError } from '../../errors.js';
import { kernels } from '../../tensor/kernels/index.js';
import { kernelsSettled } from '../../tensor/kernels/tier.js';
import { CONTROL_SLOTS, FAILURE_TEXT_BYTES, Phase, recordedFailure, Slot, waitWhileEqual } from './protocol.js';
import type { PoolJob, SimdAttachment, StepWorkerHandle, ThreadPlatform } from './transport.js';

/** How long a phase (or taking a job) may take before a worker is presumed dead. */
const PHASE_TIMEOUT_MS = 60_000;

export class WorkerPool {
  private readonly workers: StepWorkerHandle[] = [];
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
  /** Where a failing worker writes its error during a job (protocol.ts, recordFailure). */
  private readonly failureText = new Uint8Array(new SharedArrayBuffer(FAILURE_TEXT_BYTES));
  /** A worker's error reported by message: one outside any job's phases (a crash). */
  private workerError: string | null = null;
  /** Workers taking part in the current job (0 when idle). */
  private participants = 0;
  private starting: Promise<string | null> | null = null;

  constructor(private readonly platform: ThreadPlatform) {}

  /** Workers started so far (threads a job can use: this + 1). */
  get size(): number {
    return this.workers.length;
  }

  get busy(): boolean {
    return this.participants > 0;
  }

  /** How many threads the machine runs at once. */
  cores(): number {
    return this.platform.cores();
  }

  /** Starts workers until there are `count`; resolves to null, or to why they could not start. */
  grow(count: number): Promise<string | null> {
    const previous = this.starting ?? Promise.resolve(null);
    this.starting = previous.then(async (failure) => {
      await kernelsSettled(); // a job's buffers and tier are chosen after this: let a tier switch under way finish first
      if (failure !== null || this.workers.length >= count) return failure;
      const started: StepWorkerHandle[] = [];
      try {
        for (let thread = this.workers.length + 1; thread <= count; thread++) {
          started.push(this.platform.startWorker({ thread, control: this.control, failureText: this.failureText }));
        }
        await Promise.all(started.map((w) => w.ready));
      } catch (error) {
        await Promise.all(started.map((w) => w.terminate()));
        return `worker threads could not start (${(error as Error).message})`;
      }
      for (const worker of started) {
        worker.onFailure((message) => (this.workerError = message));
        worker.unref();
        this.workers.push(worker);
      }
      return null;
    });
    return this.starting;
  }

  /**
   * Gives `job` to the first `workers` workers and waits until each has taken
   * it. The job's threads are then 0 (the caller) to `workers`.
   */
  begin(job: PoolJob, workers: number): void {
    if (this.busy) throw new RuntimeError('The worker pool is busy with another job.');
    if (workers > this.workers.length) throw new RuntimeError(`The worker pool has ${this.workers.length} workers; ${workers} were asked for.`);
    const { control } = this;
    Atomics.store(control, Slot.accepted, 0);
    Atomics.store(control, Slot.failed, 0);
    Atomics.store(control, Slot.failureLength, 0);
    // A new number before the job is posted: a worker left out of it, still in its last job, sees it and stops there.
    Atomics.add(control, Slot.job, 1);
    this.workerError = null;
    this.participants = workers;
    for (let i = 0; i < workers; i++) this.workers[i]!.post(job);
    for (let accepted = Atomics.load(control, Slot.accepted); accepted < workers; accepted = Atomics.load(control, Slot.accepted)) {
      waitWhileEqual(control, Slot.accepted, accepted, PHASE_TIMEOUT_MS);
    }
    this.checkFailures();
  }

  /** Writes a phase's arguments: what `args(control)` stores, before `announce`. */
  setArgument(slot: number, value: number): void {
    Atomics.store(this.control, slot, value);
  }

  /** Announces `phase` to the job's workers (the caller then runs its own share and calls `await`). */
  announce(phase: number): void {
    const { control } = this;
    Atomics.store(control, Slot.phase, phase);
    Atomics.store(control, Slot.done, 0);
    Atomics.add(control, Slot.generation, 1);
    Atomics.notify(control, Slot.generation);
  }

  /** Waits until every worker of the job has finished the current phase. */
  await(): void {
    const { control } = this;
    for (let done = Atomics.load(control, Slot.done); done < this.participants; done = Atomics.load(control, Slot.done)) {
      waitWhileEqual(control, Slot.done, done, PHASE_TIMEOUT_MS);
    }
    this.checkFailures();
  }

  /** Ends the job: its workers go back to waiting for the next one. */
  end(): void {
    if (!this.busy) return;
    this.announce(Phase.exit);
    this.participants = 0;
  }

  /** Stops every worker (tests; a process need not call it: idle workers never hold it open). */
  async close(): Promise<void> {
    this.end();
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private checkFailures(): void {
    if (Atomics.load(this.control, Slot.failed) !== 0) {
      // The message a failing worker posts has not arrived yet (this thread has been waiting): read the one it wrote.
      const message = recordedFailure(this.control, this.failureText) ?? this.workerError ?? 'no message was recorded';
      this.end();
      throw new RuntimeError(`A worker thread failed: ${message}`);
    }
  }
}

/** The SIMD tier's module and memory for a job's workers, or null on the JS tier. */
export function simdAttachment(): SimdAttachment {
  const tier = kernels.memory;
  return tier === null ? null : { module: tier.module, memory: tier.memory };
}

let pool: WorkerPool | null = null;

/** The process's pool on `platform` (made on first call, with no workers yet). */
export function processPool(platform: ThreadPlatform): WorkerPool {
  pool ??= new WorkerPool(platform);
  return pool;
}

/** The process's pool if one was made, else null (for synchronous callers, which cannot start one). */
export function existingPool(): WorkerPool | null {
  return pool;
}
