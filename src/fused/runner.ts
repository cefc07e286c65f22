/**
 * Starting the fused training step for `fit`: on the calling thread alone,
 * or shared with worker threads where the platform has them, and saying why
 * when it runs on fewer threads than asked for.
 */
import type { Optimizer } from '../optim/optimizer.js';
import { canShareMemory } from '../tensor/storage.js';
import type { TrainingPlan } from './plan.js';
import { kindOf } from './kinds/index.js';
import { allocateStepState, FusedStep, MaskDrawer, type StepRunner, type StepState } from './step.js';
import type { ThreadPlatform } from './threads/transport.js';
import { existingPool, processPool, type WorkerPool } from './threads/pool.js';
import { kernels, type KernelTier } from '../tensor/kernels/index.js';

/** The fused step on the calling thread alone. */
export class SingleThreadRunner implements StepRunner {
  readonly threads = 1;
  private readonly step: FusedStep;
  private readonly masks: MaskDrawer;
  private batchSize = 0;
  /** The step's body, made once so that running a step allocates nothing. */
  private readonly runAt = (t: number): void => {
    this.masks.draw(this.batchSize);
    this.step.rowsPhase(this.batchSize);
    this.step.weightsPhase(this.batchSize, t);
  };

  constructor(readonly state: StepState, optimizer: Optimizer, plan: TrainingPlan) {
    this.step = new FusedStep(state, optimizer, 0);
    this.masks = new MaskDrawer(state, plan);
  }

  run(batchSize: number): void {
    this.batchSize = batchSize;
    this.step.optimizer.runStep(this.runAt);
  }

  async close(): Promise<void> {}
}

/** A started fused step, and why it runs on fewer threads than asked for (null when it does not). */
export interface FusedTraining {
  readonly runner: StepRunner;
  readonly threadsNote: string | null;
  /** Why threads 'auto' chose one thread (null when it did not): history.params.reason, no warning. */
  readonly autoNote: string | null;
}

/**
 * Multiply-adds per step below which a second thread costs more than it
 * saves, per kernel tier. A step on two threads pays two handoffs (each
 * thread waits for the other's phase to end, and the weights one thread
 * wrote move to the other's cache). On a quiet 2-core machine the seed
 * model's 3.3 million multiply-adds per step (batch 32) halve well on both
 * tiers: `npm run bench`'s thread-scaling row measured 1.82× (JS) and 1.73×
 * (SIMD) for a second thread. Below ~0.5 million the handoffs dominate.
 * (When other processes share the cores a second thread can be several
 * times slower on either tier: pass `threads: 1` there.)
 */
export const MIN_STEP_MULTIPLY_ADDS_FOR_THREADS: Readonly<Record<KernelTier, number>> = { js: 500_000, simd: 500_000 };

/**
 * Where worker threads come from on this platform. The entry point's
 * platform module registers one (src/platform/node.ts: worker_threads;
 * src/platform/browser.ts: Web Workers), so this folder never imports a
 * platform's modules itself and the browser graph holds no Node module.
 */
export interface ThreadPlatformSource {
  /** Why this runtime cannot run the fused step's workers, or null when it can. */
  unavailableReason(): string | null;
  /** The platform, loaded on first use. */
  load(): Promise<ThreadPlatform>;
}

let platformSource: ThreadPlatformSource | null = null;

/** Called once by the entry point's platform module. */
export function registerThreadPlatform(source: ThreadPlatformSource): void {
  platformSource = source;
}

/** The platform's worker threads, or why there are none the fused step can use. */
async function threadPlatform(): Promise<ThreadPlatform | string> {
  if (platformSource === null) return 'this platform gives the fused step no worker threads over shared memory';
  const reason = platformSource.unavailableReason() ?? (canShareMemory ? null : 'SharedArrayBuffer is not available');
  return reason ?? (await platformSource.load());
}

/** How many threads this machine runs at once: the registered platform's count, else the browser's, else 1. */
export async function platformCores(): Promise<number> {
  if (platformSource !== null) return (await platformSource.load()).cores();
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency || 1;
}

let backgroundStart: Promise<unknown> | null = null;

/**
 * The process's worker pool when it has workers and is free, for a
 * synchronous call (predict, evaluate); else null, and the pool starts in the
 * background (all cores) so that the next call finds it.
 */
export function readyPool(): WorkerPool | null {
  const pool = existingPool();
  if (pool !== null && pool.size > 0) return pool.busy ? null : pool;
  backgroundStart ??= threadPlatform().then((platform) => {
    if (typeof platform === 'string') return;
    const started = processPool(platform);
    return started.grow(started.cores() - 1);
  });
  return null;
}

/**
 * Starts the pool's workers in the background, if not yet started: what
 * `compile()` does, so that a worker boots (~0.1-0.3 s) while fit checks its
 * data instead of after.
 */
export function prestartPool(): void {
  readyPool();
}

/**
 * The fused step for `plan` on `threads` threads ('auto': all cores when a
 * step has enough work on the active kernel tier to pay for them, else one).
 */
export async function startFusedTraining(
  plan: TrainingPlan,
  optimizer: Optimizer,
  maxBatch: number,
  threads: number | 'auto',
): Promise<FusedTraining> {
  const work = plan.ops.reduce((sum, op) => sum + maxBatch * kindOf(op).work(op), 0);
  const tier: KernelTier = kernels.tier;
  const enoughWork = work >= MIN_STEP_MULTIPLY_ADDS_FOR_THREADS[tier];
  const wanted = threads === 'auto' ? (enoughWork ? null : 1) : threads;
  const autoNote = threads === 'auto' && !enoughWork
    ? `threads 'auto': a step of ${millions(work)} million multiply-adds (batch ${maxBatch}) runs faster on one thread ` +
      `than shared with workers on the ${tier === 'simd' ? 'SIMD' : 'JS'} kernel tier (below ${millions(MIN_STEP_MULTIPLY_ADDS_FOR_THREADS[tier])} million)`
    : null;
  let threadsNote: string | null = null;
  if (wanted !== 1) {
    const platform = await threadPlatform();
    const count = wanted ?? (typeof platform === 'string' ? 1 : platform.cores());
    // Under 'auto', a platform without worker threads simply has one thread to give: nothing to report.
    if (typeof platform === 'string') threadsNote = wanted === null ? null : platform;
    else if (count > 1) {
      const { startThreadedRunner } = await import('./threads/threaded-runner.js');
      const runner = await startThreadedRunner(platform, plan, optimizer, maxBatch, count);
      if (typeof runner !== 'string') return { runner, threadsNote: null, autoNote: null };
      threadsNote = runner;
    }
  }
  return { runner: new SingleThreadRunner(allocateStepState(plan, optimizer, maxBatch, 1), optimizer, plan), threadsNote, autoNote };
}

/** n as millions with at most one decimal: 3.3, 20. */
function millions(n: number): string {
  return String(Math.round(n / 1e5) / 10);
}

/**
 * Copies the samples order[start], …, order[end − 1] of (x, y) into the
 * step's batch buffers: plain loops, so that no view objects are made per
 * batch or per row.
 */
export function gatherBatch(state: StepState, x: Float32Array, y: Float32Array, order: Int32Array, start: number, end: number): void {
  const d = state.inputDim;
  const X = state.x;
  for (let r = 0; r < end - start; r++) {
    const sample = order[start + r]!;
    const src = sample * d;
    const dst = r * d;
    for (let j = 0; j < d; j++) X[dst + j] = x[src + j]!;
    state.labels[r] = y[sample]!;
  }
}

/**
 * The last step's logs into `values`: [mean loss, accuracy, …], summed over
 * the threads' totals. Every metric of a fused plan is accuracy (plan.ts checks).
 */
export function readStepLogs(state: StepState, batchSize: number, values: number[]): void {
  const totals = state.totals;
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < totals.length; i += 2) {
    lossSum += totals[i]!;
    correct += totals[i + 1]!;
  }
  values[0] = lossSum / batchSize;
  for (let i = 1; i < values.length; i++) values[i] = correct / batchSize;
}

/** The fused step's gradient buffer for a weight (its state holds the model's own weight arrays: matched by identity). */
export function fusedGradientOf(state: StepState, weight: Float32Array): Float32Array | undefined {
  for (const buffers of state.buffers) {
    const i = buffers.weights.indexOf(weight);
    if (i >= 0) return buffers.weightGradients[i];
  }
  return undefined;
}
