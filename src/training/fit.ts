/**
 * The training loop behind `model.fit`. Per epoch: draw a sample order
 * (a fresh permutation when shuffling), then for each batch of `batchSize`
 * samples:
 *
 *     forward:   ŷ = model(x_batch)
 *     loss:      L = loss(y_batch, ŷ)          (batch mean)
 *     backward:  dL/dθ for every trainable weight θ
 *     update:    θ ← optimizer rule(θ, dL/dθ); then the gradients are zeroed
 *
 * A step runs one of two ways with the same result: through autograd
 * (`autogradStep`, any model), or, for a stack of Flatten and Dense layers
 * under sparse categorical crossentropy, through the compiled step
 * (`compiledStep`, see dense-step.ts), which is faster, allocates nothing,
 * and shares the work with worker threads where the platform has them.
 *
 * The progress bar and History see running means over the epoch, weighted by
 * batch size. Validation, if asked for, runs after each epoch through the
 * same code as `evaluate`.
 */
import { batchRange, epochOrder, stepsPerEpoch, validationSplitIndex } from '../data/batches.js';
import { noGrad } from '../tensor/autograd.js';
import { getGlobalGenerator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { CallbackList, History, ProgbarLogger, type Callback, type CallbackHooks } from './callbacks.js';
import { createStepRunner, gatherBatch, type StepRunner } from './compile-dense-step.js';
import type { CompiledState } from './compile.js';
import { evaluateLoop } from './evaluate.js';
import { requireSameSampleCount, toTensor, type DataLike } from './inputs.js';
import { RunningMeans, type Logs } from './logs.js';
import { requirePositiveInteger, resolveVerbose, yieldToEventLoop, type RunnableModel, type Verbosity } from './model-interface.js';

export interface FitArgs {
  /** Passes over the data; 1 by default. With initialEpoch, the index of the last epoch. */
  epochs?: number;
  /** Samples per gradient step; 32 by default. */
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch; 'auto' (default) is 1. */
  verbose?: Verbosity;
  /** Draw a fresh sample order each epoch; true by default. */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the end before shuffling, to validate on. */
  validationSplit?: number;
  /** [x, y] to validate on after each epoch; overrides validationSplit. */
  validationData?: readonly [DataLike, DataLike];
  /** Callbacks, each a Callback instance or an object with onEpochEnd etc. */
  callbacks?: CallbackHooks | readonly CallbackHooks[];
  /** The epoch to start from (for resuming); 0 by default. */
  initialEpoch?: number;
  /**
   * Threads for the compiled Dense step. By default, all cores when a step
   * has enough work to pay for them (the seed model does), else one. Results
   * equal one thread's up to float rounding of the reported loss. Where
   * worker threads are unavailable (a plain browser page) training uses one.
   */
  threads?: number;
}

/** How often fit lets the event loop run, so a browser page stays responsive. */
const YIELD_EVERY_MS = 100;

export async function fitLoop(model: RunnableModel, xLike: DataLike, yLike: DataLike, args: FitArgs = {}): Promise<History> {
  const where = 'fit()';
  const compiled = model.compiled;
  if (!compiled) throw new Error(`${where}: the model must be compiled before training. Call model.compile({ optimizer, loss, metrics }) first.`);
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const initialEpoch = args.initialEpoch ?? 0;
  const verbose = resolveVerbose(args.verbose, where);
  requirePositiveInteger(epochs, 'epochs', where);
  requirePositiveInteger(batchSize, 'batchSize', where);
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new Error(`${where}: validationSplit must be in [0, 1). Received: validationSplit=${split}`);

  let x = toTensor(xLike, 'x', where);
  let y = toTensor(yLike, 'y', where);
  requireSameSampleCount(x, y, where);
  let validation: [Tensor, Tensor] | null = null;
  if (args.validationData) {
    const [xv, yv] = [toTensor(args.validationData[0], 'validationData[0]', where), toTensor(args.validationData[1], 'validationData[1]', where)];
    requireSameSampleCount(xv, yv, `${where} validationData`);
    validation = [xv, yv];
  } else if (split > 0) {
    const cut = validationSplitIndex(x.shape[0]!, split);
    if (cut === 0 || cut === x.shape[0]) {
      throw new Error(`${where}: validationSplit=${split} leaves no ${cut === 0 ? 'training' : 'validation'} samples out of ${x.shape[0]}.`);
    }
    validation = [x.sliceRows(cut, x.shape[0]!), y.sliceRows(cut, y.shape[0]!)];
    [x, y] = [x.sliceRows(0, cut), y.sliceRows(0, cut)];
  }

  const n = x.shape[0]!;
  const steps = stepsPerEpoch(n, batchSize);
  const history = new History();
  const userCallbacks = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks as CallbackHooks];
  const all: CallbackHooks[] = [...userCallbacks, history];
  if (verbose !== 0) all.push(new ProgbarLogger());
  for (const c of all) {
    (c as Partial<Callback>).setModel?.(model);
    (c as Partial<Callback>).setParams?.({ epochs, steps, verbose });
  }
  const callbacks = new CallbackList(all);

  if (args.threads !== undefined) requirePositiveInteger(args.threads, 'threads', where);
  const runner = await createStepRunner(model, compiled, x, y, batchSize, args.threads ?? 'auto');
  try {
    return await trainEpochs(model, compiled, x, y, { ...args, epochs, batchSize, initialEpoch, steps }, runner, validation, callbacks, history);
  } finally {
    await runner?.close();
  }
}

/** The epoch and batch loops, with either the compiled step (runner) or autograd. */
async function trainEpochs(
  model: RunnableModel,
  compiled: CompiledState,
  x: Tensor,
  y: Tensor,
  args: FitArgs & { epochs: number; batchSize: number; initialEpoch: number; steps: number },
  runner: StepRunner | null,
  validation: [Tensor, Tensor] | null,
  callbacks: CallbackList,
  history: History,
): Promise<History> {
  const { epochs, batchSize, initialEpoch, steps } = args;
  const n = x.shape[0]!;
  const weights = model.trainableWeights;
  const order = new Int32Array(n);
  const generator = getGlobalGenerator();
  model.stopTraining = false;
  await callbacks.call('onTrainBegin', {});
  let lastYield = performance.now();
  let epochLogs: Logs = {};

  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await callbacks.call('onEpochBegin', epoch, {});
    const means = new RunningMeans(compiled.logNames);
    const batchValues = compiled.logNames.map(() => 0);
    epochOrder(order, args.shuffle ?? true, generator);

    for (let b = 0; b < steps && !model.stopTraining; b++) {
      const [start, end] = batchRange(b, batchSize, n);
      await callbacks.call('onBatchBegin', b, {});
      if (runner) compiledStep(runner, compiled, x, y, order, start, end, batchValues);
      else autogradStep(model, compiled, weights, x, y, order.subarray(start, end), batchValues);
      means.update(batchValues, end - start);
      await callbacks.call('onBatchEnd', b, means.results());

      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }

    epochLogs = means.results();
    if (validation) Object.assign(epochLogs, evaluateLoop(model, validation[0], validation[1], { batchSize, verbose: 0 }, 'val_'));
    await callbacks.call('onEpochEnd', epoch, epochLogs);
  }
  await callbacks.call('onTrainEnd', epochLogs);
  return history;
}

/**
 * One step through autograd: forward, loss, backward, optimizer update. Works
 * for any model; writes [loss, ...metrics] of the batch into `values`.
 */
function autogradStep(
  model: RunnableModel,
  compiled: CompiledState,
  weights: Tensor[],
  x: Tensor,
  y: Tensor,
  indices: Int32Array,
  values: number[],
): void {
  const xBatch = x.gather(indices);
  const yBatch = y.gather(indices);
  const yPred = model.apply(xBatch);
  const loss = compiled.loss.call(yBatch, yPred);
  loss.backward();
  compiled.optimizer.applyGradients(weights.filter((w) => w.grad !== null).map((w) => [w.grad!, w] as const));
  for (const w of weights) w.grad?.data.fill(0);
  values[0] = loss.item();
  const metrics = noGrad(() => compiled.metricValues(yBatch, yPred));
  for (let i = 0; i < metrics.length; i++) values[i + 1] = metrics[i]!;
}

/**
 * One step through the compiled Dense step: the same math on preallocated
 * buffers. Its metrics are all sparse categorical accuracy (planDenseStep
 * checks), read from the step's count of correct argmax predictions.
 */
function compiledStep(
  runner: StepRunner,
  compiled: CompiledState,
  x: Tensor,
  y: Tensor,
  order: Int32Array,
  start: number,
  end: number,
  values: number[],
): void {
  const batchSize = end - start;
  gatherBatch(runner.state, x.data, y.data, order, start, end);
  const t = compiled.optimizer.iterations + 1;
  runner.run(batchSize, t);
  compiled.optimizer.iterations = t;
  const totals = runner.state.totals;
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < totals.length; i += 2) {
    lossSum += totals[i]!;
    correct += totals[i + 1]!;
  }
  values[0] = lossSum / batchSize;
  for (let i = 1; i < values.length; i++) values[i] = correct / batchSize;
}
