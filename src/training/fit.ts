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
import { prepareData, type DataLike } from './inputs.js';
import { diagnoseNonFinite, type NamedValues } from './non-finite.js';
import { RunningMeans, type Logs } from './logs.js';
import { requirePositiveInteger, resolveVerbose, yieldToEventLoop, type RunnableModel, type Verbosity } from './model-interface.js';
import { describeValue, RuntimeError, ValueError } from '../errors.js';

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
  /**
   * Stop at the first batch whose loss is NaN or ±Infinity and print a
   * diagnosis (see non-finite.ts); true by default. The report is also kept
   * as `history.nonFiniteReport`.
   */
  terminateOnNaN?: boolean;
}

/** How often fit lets the event loop run, so a browser page stays responsive. */
const YIELD_EVERY_MS = 100;

export async function fitLoop(model: RunnableModel, xLike: DataLike, yLike: DataLike, args: FitArgs = {}): Promise<History> {
  const where = 'fit()';
  const compiled = model.compiled;
  if (!compiled) throw new RuntimeError(`${where}: the model must be compiled before training. Call model.compile({ optimizer, loss, metrics }) first.`);
  if (args === null || typeof args !== 'object') throw new ValueError(`${where}: the third argument holds the options, such as { epochs: 5 }. Received: ${describeValue(args)}`);
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const initialEpoch = args.initialEpoch ?? 0;
  const verbose = resolveVerbose(args.verbose, where);
  requirePositiveInteger(epochs, 'epochs', where);
  requirePositiveInteger(batchSize, 'batchSize', where);
  if (!(Number.isInteger(initialEpoch) && initialEpoch >= 0)) {
    throw new ValueError(`${where}: initialEpoch must be a non-negative integer. Received: initialEpoch=${describeValue(initialEpoch)}`);
  }
  const split = args.validationSplit ?? 0;
  if (!(typeof split === 'number' && split >= 0 && split < 1)) {
    throw new ValueError(`${where}: validationSplit must be a number in [0, 1), the fraction of samples to hold out. Received: validationSplit=${describeValue(split)}`);
  }

  const dataChecks = { loss: compiled.loss };
  const [xAll, yAll] = prepareData(model, xLike, yLike, where, dataChecks);
  let [x, y] = [xAll, yAll!];
  let validation: [Tensor, Tensor] | null = null;
  if (args.validationData) {
    if (!Array.isArray(args.validationData) || args.validationData.length !== 2) {
      throw new ValueError(`${where}: validationData must be a pair [x, y]. Received: validationData=${describeValue(args.validationData)}`);
    }
    const names = { xName: 'validationData[0]', yName: 'validationData[1]' };
    const [xv, yv] = prepareData(model, args.validationData[0], args.validationData[1], where, { ...dataChecks, ...names });
    validation = [xv, yv!];
  } else if (split > 0) {
    const cut = validationSplitIndex(x.shape[0]!, split);
    if (cut === 0 || cut === x.shape[0]) {
      throw new ValueError(`${where}: validationSplit=${split} leaves no ${cut === 0 ? 'training' : 'validation'} samples out of ${x.shape[0]}.`);
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
    (c as Partial<Callback>).setParams?.({ epochs, steps, verbose, samples: n, batchSize });
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
  const checkLoss = args.terminateOnNaN ?? true;
  let previousLoss: number | null = null;

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
      const loss = batchValues[0]!;
      if (checkLoss && !Number.isFinite(loss)) {
        const report = diagnoseNonFinite({
          epoch, epochs, batch: b, steps, loss, previousLoss,
          ...inspectTrainingState(weights, runner, compiled),
        });
        console.warn(report.message);
        history.nonFiniteReport = report;
        model.stopTraining = true;
      }
      previousLoss = loss;
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
  // Zeroed before, not after, the backward pass: the gradients stay readable until the next step (for diagnosis).
  for (const w of weights) w.grad?.data.fill(0);
  loss.backward();
  compiled.optimizer.applyGradients(weights.filter((w) => w.grad !== null).map((w) => [w.grad!, w] as const));
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

/**
 * The arrays a non-finite loss is diagnosed from, right after the step:
 * every trainable weight, its gradient (the compiled step keeps its own
 * gradient buffers; autograd leaves them in `weight.grad`) and its optimizer slots.
 */
function inspectTrainingState(
  weights: readonly Tensor[],
  runner: StepRunner | null,
  compiled: CompiledState,
): { weights: NamedValues[]; gradients: NamedValues[]; optimizerName: string; optimizerState: NamedValues[] } {
  const optimizer = compiled.optimizer;
  const gradients: NamedValues[] = [];
  for (const w of weights) {
    const grad = runner ? compiledGradientOf(runner, w) : w.grad?.data;
    if (grad) gradients.push({ name: w.name, data: grad });
  }
  const slotNames = optimizer.slotNames;
  return {
    weights: weights.map((w) => ({ name: w.name, data: w.data })),
    gradients,
    optimizerName: optimizer.name,
    // peekSlots, not slotsOf: reading must not create state.
    optimizerState: weights.flatMap((w) => (optimizer.peekSlots(w) ?? []).map((data, i) => ({ name: `${slotNames[i] ?? `slot ${i}`} of ${w.name}`, data }))),
  };
}

/** The compiled step's gradient buffer for a weight: its state holds the model's own weight arrays, so match by identity. */
function compiledGradientOf(runner: StepRunner, weight: Tensor): Float32Array | undefined {
  const { kernels, biases, kernelGrads, biasGrads } = runner.state;
  const k = kernels.indexOf(weight.data);
  if (k >= 0) return kernelGrads[k];
  const b = biases.indexOf(weight.data);
  return b >= 0 ? (biasGrads[b] ?? undefined) : undefined;
}
