/**
 * The fused step shared between the calling thread and the pool's workers
 * over shared memory. Thread 0 is the calling thread itself; workers 1 … n−1
 * run the same FusedStep on their own rows and weight shares. Each phase ends
 * when every thread has finished its part, so a step is two handshakes and
 * no reduction. How workers are started is the platform's business
 * (transport.ts); the pool (pool.ts) keeps them between calls.
 */
import type { Optimizer } from '../../optim/optimizer.js';
import { allocateStepState, FusedStep, MaskDrawer, type StepRunner, type StepState } from '../step.js';
import type { TrainingPlan } from '../plan.js';
import { describeOptimizer, Phase, Slot } from './protocol.js';
import { OPTIMIZER_CLASS_NAMES } from '../../optim/registry.js';
import { processPool, simdAttachment, type WorkerPool } from './pool.js';
import type { ThreadPlatform } from './transport.js';
import { kernels } from '../../tensor/kernels/index.js';

/**
 * The fused step on `threads` threads, with `threads − 1` workers of the
 * process's pool, or a sentence saying why they cannot run (so the caller
 * trains on one thread instead).
 */
export async function startThreadedRunner(
  platform: ThreadPlatform,
  plan: TrainingPlan,
  optimizer: Optimizer,
  maxBatch: number,
  threads: number,
): Promise<StepRunner | string> {
  const optimizerSpec = describeOptimizer(optimizer);
  if (optimizerSpec === null) {
    return `the optimizer is a ${optimizer.constructor.name}, which worker threads cannot rebuild (only ${OPTIMIZER_CLASS_NAMES})`;
  }
  const tier = kernels.memory;
  if (tier !== null && !tier.shared) return "the SIMD tier's memory is not shared (no SharedArrayBuffer here)";
  const pool = processPool(platform);
  const failure = await pool.grow(threads - 1);
  if (failure !== null) return failure;
  if (pool.busy) return 'the worker threads are busy with another call (a fit or predict running meanwhile)';
  const state = allocateStepState(plan, optimizer, maxBatch, threads);
  const params = new Float64Array(new SharedArrayBuffer(8));
  pool.begin({ kind: 'step', state, optimizer: optimizerSpec, params, simd: simdAttachment() }, threads - 1);
  return new ThreadedRunner(state, new FusedStep(state, optimizer, 0), new MaskDrawer(state, plan), pool, params);
}

class ThreadedRunner implements StepRunner {
  readonly threads: number;
  private batchSize = 0;
  /** The step's body, made once so that running a step allocates nothing. */
  private readonly runAt = (t: number): void => this.runPhases(t);

  constructor(
    readonly state: StepState,
    private readonly local: FusedStep,
    private readonly masks: MaskDrawer,
    private readonly pool: WorkerPool,
    private readonly params: Float64Array,
  ) {
    this.threads = state.threads;
  }

  run(batchSize: number): void {
    this.batchSize = batchSize;
    this.local.optimizer.runStep(this.runAt);
  }

  private runPhases(t: number): void {
    const { pool, batchSize } = this;
    this.params[0] = this.local.optimizer.learningRate;
    pool.setArgument(Slot.batchSize, batchSize);
    pool.setArgument(Slot.step, t);
    // Every mask before any thread starts its rows: the workers read them (announcing the phase publishes them).
    this.masks.draw(batchSize);
    pool.announce(Phase.rows);
    this.local.rowsPhase(batchSize);
    pool.await();
    pool.announce(Phase.weights);
    this.local.weightsPhase(batchSize, t);
    pool.await();
  }

  /** Ends the job: the workers go back to the pool for the next call. */
  async close(): Promise<void> {
    this.pool.end();
  }
}
