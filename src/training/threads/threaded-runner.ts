/**
 * The compiled training step shared between the main thread and worker
 * threads (Node's worker_threads over SharedArrayBuffer). Thread 0 is the
 * main thread itself; workers 1 … n−1 run the same DenseStep on their own
 * rows and weight shares. Each phase ends when every thread has finished
 * its part, so a step is two handshakes and no reduction.
 *
 * Node-only: loaded with a dynamic import, so the core never imports Node.
 */
import type { Worker } from 'node:worker_threads';
import { buildDenseStepState, type DenseStepPlan, type StepRunner } from '../compile-dense-step.js';
import type { CompiledState } from '../compile.js';
import { DenseStep, type DenseStepState } from '../dense-step.js';
import { CONTROL_SLOTS, describeOptimizer, Phase, Slot, waitWhileEqual } from './protocol.js';
import { RuntimeError } from '../../errors.js';

/** How long a phase may take before a worker is presumed dead. */
const PHASE_TIMEOUT_MS = 60_000;

/** The number of cores, the default thread count for fit. */
export async function availableCores(): Promise<number> {
  const os = await import('node:os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * Starts `threads − 1` workers for the compiled step, or returns null (after
 * a warning) when they cannot start here, so fit trains on one thread instead.
 */
export async function startThreadedRunner(
  plan: DenseStepPlan,
  compiled: CompiledState,
  maxBatch: number,
  threads: number,
): Promise<StepRunner | null> {
  const optimizerSpec = describeOptimizer(compiled.optimizer);
  if (optimizerSpec === null) return null;
  const state = buildDenseStepState(plan, compiled, maxBatch, threads);
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
  const params = new Float64Array(new SharedArrayBuffer(8));
  const workers: Worker[] = [];
  try {
    const { Worker } = await import('node:worker_threads');
    const source = await workerSource();
    for (let thread = 1; thread < threads; thread++) {
      workers.push(new Worker(source, { eval: true, workerData: { state, optimizer: optimizerSpec, thread, control, params } }));
    }
    await Promise.all(workers.map(untilReady));
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    console.warn(`tinykeras: training on one thread; worker threads could not start (${(error as Error).message}).`);
    return null;
  }
  return new ThreadedRunner(state, new DenseStep(state, compiled.optimizer, 0), workers, control, params);
}

/**
 * The code a worker starts with. Under a TypeScript runner (tsx, vitest) the
 * worker module is a .ts file, and a fresh worker needs tsx's loader
 * registered before importing it; compiled JavaScript imports directly.
 */
async function workerSource(): Promise<string> {
  const entry = new URL('./step-worker.js', import.meta.url);
  const tsEntry = new URL('./step-worker.ts', import.meta.url);
  const { existsSync } = await import('node:fs');
  const { fileURLToPath, pathToFileURL } = await import('node:url');
  if (existsSync(fileURLToPath(entry))) return `import(${JSON.stringify(entry.href)});`;
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(tsEntry.href)}); });`;
}

function untilReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a worker exited with code ${code}`)));
  });
}

class ThreadedRunner implements StepRunner {
  private workerError: string | null = null;

  constructor(
    readonly state: DenseStepState,
    private readonly local: DenseStep,
    private readonly workers: Worker[],
    private readonly control: Int32Array,
    private readonly params: Float64Array,
  ) {
    for (const worker of workers) {
      worker.removeAllListeners();
      worker.on('message', (m: { error?: string }) => {
        if (m.error) this.workerError = m.error;
      });
      worker.on('error', (e) => (this.workerError = e.stack ?? e.message));
    }
  }

  run(batchSize: number, t: number): void {
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
    await Promise.all(this.workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  }
}
