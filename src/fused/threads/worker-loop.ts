/**
 * A worker thread's side of the fused step, on any platform: rebuild the
 * same FusedStep over the shared buffers, then run its share of each phase
 * the calling thread announces, until told to exit.
 */
import { FusedStep, type StepState } from '../step.js';
import { attachSimdKernels } from '../../tensor/kernels/tier.js';
import type { SimdKernels } from '../../tensor/kernels/simd/simd-kernels.js';
import { buildOptimizer, Phase, Slot, waitWhileEqual } from './protocol.js';
import type { StepWorkerData, StepWorkerMessage } from './transport.js';

export function runStepWorker(data: StepWorkerData, post: (message: StepWorkerMessage) => void): void {
  const { thread, control, params } = data;
  // On the SIMD tier this thread's kernels become the main thread's module over the same memory.
  const state = data.simd ? viewsIn(attachSimdKernels(data.simd.module, data.simd.memory), data.state) : data.state;
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

/** The same state with every array rebuilt as a view of the tier's memory (same bytes), so its kernels accept them. */
function viewsIn(tier: SimdKernels, state: StepState): StepState {
  const v = (a: Float32Array): Float32Array => tier.view(a.byteOffset, a.length);
  const vOrNull = (a: Float32Array | null): Float32Array | null => (a === null ? null : v(a));
  return {
    ...state,
    x: v(state.x),
    labels: v(state.labels),
    outputs: state.outputs.map(v),
    deltas: state.deltas.map(v),
    kernels: state.kernels.map(v),
    biases: state.biases.map(vOrNull),
    kernelGrads: state.kernelGrads.map(v),
    biasGrads: state.biasGrads.map(vOrNull),
    kernelSlots: state.kernelSlots.map((slots) => slots.map(v)),
    biasSlots: state.biasSlots.map((slots) => slots?.map(v) ?? null),
    totals: tier.view64(state.totals.byteOffset, state.totals.length),
  };
}
