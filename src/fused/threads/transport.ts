/**
 * What the thread runtime needs of a platform's threads, and nothing more, so
 * that the runtime (pool.ts) stays the same on every platform: Node's
 * worker_threads (node-platform.ts) today, a browser's Web Workers over
 * SharedArrayBuffer tomorrow. What a worker receives is plain shared memory
 * and numbers (and, on the SIMD tier, a compiled WebAssembly module and its
 * shared memory), which every platform can post.
 *
 * A worker belongs to the process's pool: started once with its index and
 * the pool's control slots, then given one job at a time (a fit's training
 * step, or a predict/evaluate forward pass) by message.
 */
import type { StepState } from '../step.js';
import type { ForwardBuffers } from '../forward-block.js';
import type { OptimizerSpec } from './protocol.js';

/** What a pool worker is started with. */
export interface PoolWorkerData {
  /** This worker's thread index (the calling thread is 0). */
  readonly thread: number;
  /** The control slots of protocol.ts, shared by the pool. */
  readonly control: Int32Array;
  /** Shared bytes for the first failure's message of a job (protocol.ts, recordFailure). */
  readonly failureText: Uint8Array;
}

/**
 * The SIMD tier, when it is selected: its compiled module and shared memory,
 * which the job's arrays are views of. The worker attaches to them and
 * rebuilds those views by byte offset (a posted view is not seen as inside
 * the posted memory). Null on the JS tier.
 */
export type SimdAttachment = { readonly module: WebAssembly.Module; readonly memory: WebAssembly.Memory } | null;

/** A fit's fused training step, shared: the worker runs its rows and weight shares of each phase. */
export interface StepWorkerData {
  readonly kind: 'step';
  readonly state: StepState;
  readonly optimizer: OptimizerSpec;
  /** [learning rate], refreshed by the calling thread every step (schedules may change it). */
  readonly params: Float64Array;
  readonly simd: SimdAttachment;
}

/** A predict/evaluate forward pass, shared: the worker runs its block of each round's rows. */
export interface ForwardWorkerData {
  readonly kind: 'forward';
  readonly buffers: ForwardBuffers;
  readonly simd: SimdAttachment;
}

export type PoolJob = StepWorkerData | ForwardWorkerData;

/** What a worker posts back: 'ready' once started, or a failure. */
export type StepWorkerMessage = 'ready' | { readonly error: string };

/** A started worker, as the runtime sees it. */
export interface StepWorkerHandle {
  /** Resolves once the worker has started; rejects if it could not start. */
  readonly ready: Promise<void>;
  /** Gives the worker its next job. */
  post(job: PoolJob): void;
  /** Calls `listener` with the message of any later failure inside the worker. */
  onFailure(listener: (message: string) => void): void;
  /** Lets the process exit while this worker idles (a no-op where threads never hold a process open). */
  unref(): void;
  /** Resolves when the worker has exited. */
  readonly exited: Promise<void>;
  terminate(): Promise<void>;
}

/** A platform that can run pool workers. */
export interface ThreadPlatform {
  /** How many threads the machine can run at once. */
  cores(): number;
  startWorker(data: PoolWorkerData): StepWorkerHandle;
}
