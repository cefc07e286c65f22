/**
 * The fused step shared between the calling thread and worker threads over
 * shared memory. Thread 0 is the calling thread itself; workers 1 … n−1 run
 * the same FusedStep on their own rows and weight shares. Each phase ends
 * when every thread has finished its part, so a step is two handshakes and
 * no reduction. How workers are started is the platform's business
 * (transport.ts); this file only speaks the protocol.
 */
import type { Optimizer } from '../../optim/optimizer.js';
import { allocateStepState, FusedStep, type StepRunner, type StepState } from '../step.js';
import type { TrainingPlan } from '../plan.js';
import { CONTROL_SLOTS, describeOptimizer, Phase, Slot, waitWhileEqual } from './protocol.js';
import type { StepWorkerHandle, ThreadPlatform } from './transport.js';
import { RuntimeError } from '../../errors.js';
import { activeSimdKernels } from '../../tensor/kernels/tier.js';

/** How long a phase may take before a worker is presumed dead. */
const PHASE_TIMEOUT_MS = 60_000;

/**
 * Starts `threads − 1` workers for the fused step, or returns a sentence
 * saying why they cannot run (so the caller trains on one thread instead).
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
    return `the optimizer is a ${optimizer.constructor.name}, which worker threads cannot rebuild (only Adam and SGD)`;
  }
  const tier = activeSimdKernels();
  if (tier !== null && !tier.shared) return "the SIMD tier's memory is not shared (no SharedArrayBuffer here)";
  const simd = tier === null ? null : { module: tier.module, memory: tier.memory };
  const state = allocateStepState(plan, optimizer, maxBatch, threads);
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
  const params = new Float64Array(new SharedArrayBuffer(8));
  const workers: StepWorkerHandle[] = [];
  try {
    for (let thread = 1; thread < threads; thread++) {
      workers.push(platform.startWorker({ state, optimizer: optimizerSpec, thread, control, params, simd }));
    }
    await Promise.all(workers.map((w) => w.ready));
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    return `worker threads could not start (${(error as Error).message})`;
  }
  return new ThreadedRunner(state, new FusedStep(state, optimizer, 0), workers, control, params);
}

class ThreadedRunner implements StepRunner {
  readonly threads: number;
  private workerError: string | null = null;
  private batchSize = 0;
  /** The step's body, made once so that running a step allocates nothing. */
  private readonly runAt = (t: number): void => this.runPhases(t);

  constructor(
    readonly state: StepState,
    private readonly local: FusedStep,
    private readonly workers: StepWorkerHandle[],
    private readonly control: Int32Array,
    private readonly params: Float64Array,
  ) {
    this.threads = workers.length + 1;
    for (const worker of workers) worker.onFailure((message) => (this.workerError = message));
  }

  run(batchSize: number): void {
    this.batchSize = batchSize;
    this.local.optimizer.runStep(this.runAt);
  }

  private runPhases(t: number): void {
    const batchSize = this.batchSize;
    this.params[0] = this.local.optimizer.learningRate;
    Atomics.store(this.control, Slot.batchSize, batchSize);
    Atomics.store(this.control, Slot.step, t);
    this.startPhase(Phase.rows);
    this.local.rowsPhase(batchSize);
    this.awaitWorkers();
    this.startPhase(Phase.weights);
    this.local.weightsPhase(batchSize, t);
    this.awaitWorkers();
  }

  /** Announces `phase` to every worker. */
  private startPhase(phase: number): void {
    const { control } = this;
    Atomics.store(control, Slot.phase, phase);
    Atomics.store(control, Slot.done, 0);
    Atomics.add(control, Slot.generation, 1);
    Atomics.notify(control, Slot.generation);
  }

  /** Waits until every worker has finished the current phase. */
  private awaitWorkers(): void {
    const { control } = this;
    for (let done = Atomics.load(control, Slot.done); done < this.workers.length; done = Atomics.load(control, Slot.done)) {
      waitWhileEqual(control, Slot.done, done, PHASE_TIMEOUT_MS);
    }
    if (Atomics.load(control, Slot.failed) !== 0) {
      throw new RuntimeError(`A training worker thread failed: ${this.workerError ?? 'see the error above'}`);
    }
  }

  async close(): Promise<void> {
    Atomics.store(this.control, Slot.phase, Phase.exit);
    Atomics.add(this.control, Slot.generation, 1);
    Atomics.notify(this.control, Slot.generation);
    await Promise.all(this.workers.map((w) => w.exited));
  }
}
