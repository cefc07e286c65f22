/**
 * What the thread runtime needs of a platform's threads, and nothing more, so
 * that the runtime (threaded-runner.ts) stays the same on every platform:
 * Node's worker_threads (node-platform.ts) today, a browser's Web Workers
 * over SharedArrayBuffer tomorrow. The data a worker receives is plain
 * shared memory and numbers (and, on the SIMD tier, a compiled WebAssembly
 * module and its shared memory), which every platform can post.
 */
import type { StepState } from '../step.js';
import type { OptimizerSpec } from './protocol.js';

/** What a step worker is started with. */
export interface StepWorkerData {
  readonly state: StepState;
  readonly optimizer: OptimizerSpec;
  /** This worker's thread index (the calling thread is 0). */
  readonly thread: number;
  /** The control slots of protocol.ts. */
  readonly control: Int32Array;
  /** [learning rate], refreshed by the calling thread every step (schedules may change it). */
  readonly params: Float64Array;
  /**
   * When the SIMD kernel tier is selected: its compiled module and shared
   * memory, which the state's arrays are views of. The worker attaches to
   * them and rebuilds those views (a posted view is not seen as inside the
   * posted memory). Null on the JS tier.
   */
  readonly simd: { readonly module: WebAssembly.Module; readonly memory: WebAssembly.Memory } | null;
}

/** What a worker posts back: 'ready' once its step is built, or a failure. */
export type StepWorkerMessage = 'ready' | { readonly error: string };

/** A started worker, as the runtime sees it. */
export interface StepWorkerHandle {
  /** Resolves once the worker has built its step; rejects if it could not start. */
  readonly ready: Promise<void>;
  /** Calls `listener` with the message of any later failure inside the worker. */
  onFailure(listener: (message: string) => void): void;
  /** Resolves when the worker has exited. */
  readonly exited: Promise<void>;
  terminate(): Promise<void>;
}

/** A platform that can run step workers. */
export interface ThreadPlatform {
  /** How many threads the machine can run at once. */
  cores(): number;
  startWorker(data: StepWorkerData): StepWorkerHandle;
}
