/**
 * Deciding whether `fit` can use the compiled Dense step (dense-step.ts),
 * and building it from the model. The compiled step covers the common case:
 * Flatten and Dense layers, hidden activations relu/sigmoid/tanh/linear, a
 * softmax output (or logits) under sparse categorical crossentropy, and
 * accuracy as the metric. Anything else trains through autograd, which
 * handles every model: the compiled step is an optimisation, never a
 * different answer.
 */
import type { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import { SparseCategoricalCrossentropy } from '../losses/losses.js';
import { sparseCategoricalAccuracy, resolveMetric } from '../losses/metrics.js';
import { Activation } from '../tensor/kernels/dense.js';
import { checkClassIndices } from '../losses/labels.js';
import { canShareMemory } from '../tensor/storage.js';
import { threadService, type ThreadService } from '../platform/services.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CompiledState } from './compile.js';
import type { RunnableModel } from './model-interface.js';
import { denseLayersOf } from './dense-inference.js';
import { allocateDenseStepState, DenseStep, type DenseStepLayer, type DenseStepState } from './dense-step.js';

/** Runs compiled steps: on this thread, or shared with worker threads. */
export interface StepRunner {
  readonly state: DenseStepState;
  /** One training step on the first `batchSize` rows of state.x / state.labels, as step t. */
  run(batchSize: number, t: number): void;
  /** Stops any worker threads. */
  close(): Promise<void>;
}

/** The compiled step on the calling thread alone. */
export class SingleThreadRunner implements StepRunner {
  private readonly step: DenseStep;

  constructor(readonly state: DenseStepState, optimizer: DenseStep['optimizer']) {
    this.step = new DenseStep(state, optimizer, 0);
  }

  run(batchSize: number, t: number): void {
    this.step.rowsPhase(batchSize);
    this.step.weightsPhase(batchSize, t);
  }

  async close(): Promise<void> {}
}

export interface DenseStepPlan {
  layers: DenseStepLayer[];
  dense: Dense[];
}

/**
 * The compiled step's layer list for this model, or a sentence saying why it
 * does not apply (kept for debugging; `fit` then uses autograd).
 */
export function planDenseStep(
  layers: readonly Layer[],
  compiled: CompiledState,
  sampleShape: readonly number[],
  labelShape: readonly number[],
): DenseStepPlan | string {
  const dense = denseLayersOf(layers, sampleShape);
  if (typeof dense === 'string') return dense;
  const frozen = layers.find((l) => !l.trainable);
  if (frozen) return `layer "${frozen.name}" is not trainable`;

  const loss = compiled.loss;
  if (!(loss instanceof SparseCategoricalCrossentropy)) return 'the loss is not sparse categorical crossentropy';
  const output = dense[dense.length - 1]!;
  const outputOk = loss.fromLogits ? output.activationName === 'linear' : output.activationName === 'softmax';
  if (!outputOk) return 'the output is not softmax probabilities (or logits with fromLogits)';
  const classes = output.units;
  if (classes < 2) return 'fewer than two classes';
  if (!(labelShape.length === 1 || (labelShape.length === 2 && labelShape[1] === 1))) return 'labels are not one integer per sample';
  for (const name of compiled.metricNames) {
    if (resolveMetric(name, [labelShape[0]!], [labelShape[0]!, classes]).fn !== sparseCategoricalAccuracy) {
      return `metric '${name}' is not sparse categorical accuracy`;
    }
  }

  const stepLayers: DenseStepLayer[] = [];
  for (let i = 0; i < dense.length; i++) {
    const d = dense[i]!;
    const code = Activation[d.activationName as keyof typeof Activation];
    if (i < dense.length - 1 && code === undefined) return `layer "${d.name}" has activation '${d.activationName}'`;
    stepLayers.push({ inputDim: d.kernel!.shape[0]!, units: d.units, activation: code ?? Activation.linear, hasBias: d.bias !== null });
  }
  return { layers: stepLayers, dense };
}

/** Allocates the compiled step's state around the model's weights and the optimizer's slots. */
export function buildDenseStepState(plan: DenseStepPlan, compiled: CompiledState, maxBatch: number, threads: number): DenseStepState {
  const optimizer = compiled.optimizer;
  return allocateDenseStepState({
    layers: plan.layers,
    maxBatch,
    threads,
    kernels: plan.dense.map((d) => d.kernel!.data),
    biases: plan.dense.map((d) => d.bias?.data ?? null),
    kernelSlots: plan.dense.map((d) => optimizer.slotsOf(d.kernel!)),
    biasSlots: plan.dense.map((d) => (d.bias ? optimizer.slotsOf(d.bias) : null)),
  });
}

/**
 * The compiled step for this model and data, on `threads` threads (worker
 * threads where the platform has them), or null when the model needs
 * autograd. Labels are checked once here, for the whole dataset, since the
 * compiled step reads them without the per-batch checks of the loss.
 */
export async function createStepRunner(
  model: RunnableModel,
  compiled: CompiledState,
  x: Tensor,
  y: Tensor,
  batchSize: number,
  threadsArg: number | 'auto',
): Promise<StepRunner | null> {
  const plan = planDenseStep(model.layers, compiled, x.shape.slice(1), y.shape);
  if (typeof plan === 'string') return null;
  checkClassIndices(y.data, plan.layers[plan.layers.length - 1]!.units, compiled.loss.name);
  const maxBatch = Math.min(batchSize, x.shape[0]!);
  const threads = threadsArg === 'auto' ? await defaultThreads(plan, maxBatch) : threadsArg;
  const service = threads > 1 ? usableThreadService() : null;
  if (service) {
    const { startThreadedRunner } = await service.load();
    const runner = await startThreadedRunner(plan, compiled, maxBatch, threads);
    if (runner) return runner;
  }
  return new SingleThreadRunner(buildDenseStepState(plan, compiled, maxBatch, 1), compiled.optimizer);
}

/**
 * Multiply-adds per step below which a second thread costs more than it
 * saves (starting a worker takes ~0.1 s, and each step two handoffs). The
 * seed model does 3.2 million per step.
 */
const MIN_WORK_FOR_THREADS = 500_000;

/** All cores in Node when a step has enough work; one thread otherwise, and outside Node. */
async function defaultThreads(plan: DenseStepPlan, maxBatch: number): Promise<number> {
  const work = plan.layers.reduce((sum, l) => sum + maxBatch * l.inputDim * l.units, 0);
  const service = threadService<ThreadRunnerModule>();
  if (service === null || service.unavailableReason() !== null || work < MIN_WORK_FOR_THREADS) return 1;
  const { availableCores } = await service.load();
  return availableCores();
}

type ThreadRunnerModule = typeof import('./threads/threaded-runner.js');
let warnedNoThreads = false;

/**
 * The platform's thread service when threads can be used here; otherwise
 * null, after saying once why (fit then trains on one thread).
 */
function usableThreadService(): ThreadService<ThreadRunnerModule> | null {
  const service = threadService<ThreadRunnerModule>();
  const reason = service === null
    ? 'parallel training runs on Node.js worker threads, and this runtime has none'
    : !canShareMemory
      ? 'SharedArrayBuffer is not available'
      : service.unavailableReason();
  if (reason === null) return service;
  if (!warnedNoThreads) {
    warnedNoThreads = true;
    console.warn(`tinykeras: fit trains on one thread, though more threads were asked for: ${reason}.`);
  }
  return null;
}

/**
 * Copies the samples order[start], …, order[end − 1] of (x, y) into the
 * step's batch buffers: plain loops, so that no view objects are made per
 * batch or per row.
 */
export function gatherBatch(state: DenseStepState, x: Float32Array, y: Float32Array, order: Int32Array, start: number, end: number): void {
  const d = state.layers[0]!.inputDim;
  const X = state.x;
  for (let r = 0; r < end - start; r++) {
    const sample = order[start + r]!;
    const src = sample * d;
    const dst = r * d;
    for (let j = 0; j < d; j++) X[dst + j] = x[src + j]!;
    state.labels[r] = y[sample]!;
  }
}
