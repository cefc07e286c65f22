/**
 * A worker thread's side of the compiled training step: rebuild the same
 * DenseStep over the shared buffers, then run its share of each phase the
 * main thread announces, until told to exit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DenseStep, type DenseStepState } from '../dense-step.js';
import { buildOptimizer, Phase, Slot, waitWhileEqual, type OptimizerSpec } from './protocol.js';

interface StepWorkerData {
  state: DenseStepState;
  optimizer: OptimizerSpec;
  thread: number;
  control: Int32Array;
  /** [learning rate], refreshed by the main thread every step (schedules may change it). */
  params: Float64Array;
}

const { state, optimizer: spec, thread, control, params } = workerData as StepWorkerData;
const optimizer = buildOptimizer(spec);
const step = new DenseStep(state, optimizer, thread);
// Read the generation before saying ready: the main thread may announce the
// first phase the moment it hears from us, and that phase must not be missed.
let seen = Atomics.load(control, Slot.generation);
parentPort!.postMessage('ready');

for (;;) {
  // Between epochs the main thread may be busy for seconds: sleep, don't time out.
  waitWhileEqual(control, Slot.generation, seen, Number.POSITIVE_INFINITY);
  seen = Atomics.load(control, Slot.generation);
  const phase = Atomics.load(control, Slot.phase);
  if (phase === Phase.exit) break;
  const batchSize = Atomics.load(control, Slot.batchSize);
  try {
    if (phase === Phase.rows) step.rowsPhase(batchSize);
    else {
      optimizer.learningRate = params[0]!;
      step.weightsPhase(batchSize, Atomics.load(control, Slot.step));
    }
  } catch (error) {
    Atomics.store(control, Slot.failed, 1);
    parentPort!.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
  Atomics.add(control, Slot.done, 1);
  Atomics.notify(control, Slot.done);
}
