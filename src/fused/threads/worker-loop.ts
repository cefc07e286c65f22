/**
 * A worker thread's side of the fused step, on any platform: rebuild the
 * same FusedStep over the shared buffers, then run its share of each phase
 * the calling thread announces, until told to exit.
 */
import { FusedStep } from '../step.js';
import { buildOptimizer, Phase, Slot, waitWhileEqual } from './protocol.js';
import type { StepWorkerData, StepWorkerMessage } from './transport.js';

export function runStepWorker(data: StepWorkerData, post: (message: StepWorkerMessage) => void): void {
  const { state, thread, control, params } = data;
  const optimizer = buildOptimizer(data.optimizer);
  const step = new FusedStep(state, optimizer, thread);
  // Read the generation before saying ready: the calling thread may announce
  // the first phase the moment it hears from us, and that phase must not be missed.
  let seen = Atomics.load(control, Slot.generation);
  post('ready');

  for (;;) {
    // Between epochs the calling thread may be busy for seconds: sleep, don't time out.
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
      post({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    Atomics.add(control, Slot.done, 1);
    Atomics.notify(control, Slot.done);
  }
}
