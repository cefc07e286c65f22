/**
 * A pool worker's side of a job, on any platform: build the job's part for
 * this thread over the shared buffers (a fit's FusedStep, or a forward
 * pass's block), say it has taken the job, then run its share of each phase
 * the calling thread announces, until the job ends; then return, so the
 * thread idles until its next job arrives.
 */
import { FusedStep } from '../step.js';
import { ForwardBlock } from '../forward-block.js';
import { attachKernels } from '../../tensor/kernels/worker-tier.js';
import { kernels, type KernelMemory } from '../../tensor/kernels/index.js';
import { buildOptimizer, Phase, recordFailure, Slot, waitWhileEqual } from './protocol.js';
import type { PoolJob, PoolWorkerData, StepWorkerMessage } from './transport.js';

/** What this thread runs of each phase of a job. */
type PhaseRunner = (phase: number, control: Int32Array) => void;

export function runPoolJob(data: PoolWorkerData, job: PoolJob, post: (message: StepWorkerMessage) => void): void {
  const { thread, control, failureText } = data;
  const fail = (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    recordFailure(control, failureText, message);
    post({ error: message });
  };
  // The pool numbered this job before posting it, and numbers no other until this worker has taken it.
  const jobNumber = Atomics.load(control, Slot.job);
  let runPhase: PhaseRunner = () => {};
  try {
    runPhase = buildJob(thread, job);
  } catch (error) {
    fail(error);
  }
  // Read the generation before saying we took the job: the calling thread may
  // announce the first phase the moment every worker has, and it must not be missed.
  let seen = Atomics.load(control, Slot.generation);
  Atomics.add(control, Slot.accepted, 1);
  Atomics.notify(control, Slot.accepted);

  for (;;) {
    // Between epochs the calling thread may be busy for seconds: sleep, don't time out.
    waitWhileEqual(control, Slot.generation, seen, Number.POSITIVE_INFINITY);
    seen = Atomics.load(control, Slot.generation);
    const phase = Atomics.load(control, Slot.phase);
    // A worker the next job leaves out may sleep through this job's exit and
    // wake to the next job's first phase: that phase is not this job's, so
    // this job has ended. (The phase is read first: a job number unchanged
    // after it means the phase was announced before any later job began.)
    if (phase === Phase.exit || Atomics.load(control, Slot.job) !== jobNumber) return;
    try {
      runPhase(phase, control);
    } catch (error) {
      fail(error);
    }
    Atomics.add(control, Slot.done, 1);
    Atomics.notify(control, Slot.done);
  }
}

/** This thread's part of `job`, on the job's kernel tier. */
function buildJob(thread: number, job: PoolJob): PhaseRunner {
  // Each thread has its own kernels object: on the SIMD tier it runs the calling thread's module over the same memory.
  attachKernels(job.simd);
  const tier = kernels.memory;
  if (job.kind === 'forward') {
    const block = new ForwardBlock(tier ? viewsIn(tier, job.buffers) : job.buffers, thread);
    return (_phase, control) => block.run(Atomics.load(control, Slot.batchSize));
  }
  const optimizer = buildOptimizer(job.optimizer);
  const step = new FusedStep(tier ? viewsIn(tier, job.state) : job.state, optimizer, thread);
  const { params } = job;
  return (phase, control) => {
    const batchSize = Atomics.load(control, Slot.batchSize);
    if (phase === Phase.rows) step.rowsPhase(batchSize);
    else {
      optimizer.learningRate = params[0]!;
      step.weightsPhase(batchSize, Atomics.load(control, Slot.step));
    }
  };
}

/**
 * The same data with every Float32Array and Float64Array rebuilt as a view
 * of the tier's memory at the same byte offset (every array of a job's
 * state or buffers lies in the memory): a posted view arrives on a buffer
 * object of its own, which the tier's kernels would not recognise.
 */
function viewsIn<T>(tier: KernelMemory, value: T): T {
  if (value instanceof Float32Array) return tier.view(value.byteOffset, value.length) as T;
  if (value instanceof Float64Array) return tier.view64(value.byteOffset, value.length) as T;
  if (Array.isArray(value)) return value.map((item) => viewsIn(tier, item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, viewsIn(tier, item)])) as T;
  }
  return value;
}
