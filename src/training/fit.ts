/**
 * The training loop behind `model.fit`. Per epoch: draw a sample order
 * (a fresh permutation when shuffling), then for each batch of `batchSize`
 * samples:
 *
 *     forward:   ŷ = model(x_batch)
 *     loss:      L = Σ wᵢ·ℓ(yᵢ, ŷᵢ) / batch + penalties   (wᵢ = 1 without sampleWeight/classWeight;
 *                                                      regularizers' penalties, see regularization.ts)
 *     backward:  dL/dθ for every trainable weight θ
 *     update:    θ ← optimizer rule(θ, dL/dθ); then the gradients are zeroed
 *
 * A step runs on one of two executors with the same result: autograd
 * (`autogradStep`, any model, op by op), or, for a stack of Flatten and
 * Dense layers under sparse categorical crossentropy, the fused executor
 * (`fusedStep`, see src/fused/step.ts), which is faster, allocates nothing,
 * and shares the work with worker threads where the platform has them.
 * compile()'s runEagerly and jitCompile choose (executor.ts);
 * history.params says which ran, on how many threads, and why.
 *
 * The progress bar and History see the loss's running mean over the epoch,
 * weighted by batch size, and each metric's value over the epoch so far
 * (its state, reset at each epoch). Validation, if asked for, runs after each epoch through the
 * same code as `evaluate`.
 */
import { batchRange, epochOrder, stepsPerEpoch, validationSplitIndex } from '../data/batches.js';
import { noGrad } from '../tensor/autograd.js';
import { kernelsSettled } from '../tensor/kernels/tier.js';
import { getGlobalGenerator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { CallbackList, History, ProgbarLogger, type Callback, type CallbackHooks } from '../callbacks/callbacks.js';
import { diagnoseNonFinite, type NamedValues } from '../callbacks/non-finite.js';
import { RunningMeans, type Logs } from '../callbacks/logs.js';
import { fusedGradientOf, gatherBatch, readStepLogs } from '../fused/runner.js';
import type { StepRunner } from '../fused/step.js';
import { requirePositiveInteger, resolveVerbose, type Verbosity } from '../utils/checks.js';
import type { CompileSettings } from './compile.js';
import { evaluateBatches } from './evaluate.js';
import { runYielding, YieldClock } from './yielding.js';
import { startTrainingExecutor } from './executor.js';
import { platformCores } from '../fused/runner.js';
import { aboutValidationData, prepareLists, type DataLike, type DataStructure } from './inputs.js';
import { prepareSampleWeights, type ClassWeight, type SampleWeights } from './sample-weights.js';
import { regularizationLoss } from './regularization.js';
import { collectActivityPenalties } from '../regularizers/penalties.js';
import { forward, type RunnableModel } from './model-interface.js';
import { describeValue, RuntimeError, ValueError } from '../errors.js';
import { checkThreadCount } from '../utils/thread-count.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { checkCallbacks } from '../callbacks/check-callbacks.js';

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
  /** [x, y], or [x, y, sampleWeight], to validate on after each epoch; overrides validationSplit. */
  validationData?: readonly [DataStructure, DataStructure] | readonly [DataStructure, DataStructure, DataLike | readonly DataLike[]];
  /**
   * One weight per sample ([N]): each sample's loss is multiplied by it, and
   * the batch loss is Σ wᵢ·ℓᵢ / batch size (Keras's sum_over_batch_size);
   * weightedMetrics use it too. With several outputs, one array for all or a list of one per output.
   */
  sampleWeight?: DataLike | readonly DataLike[];
  /** A dict class index → weight, such as { 0: 1, 1: 5 }: each sample weighs its class's weight (1 for a class not named). Not with sampleWeight. */
  classWeight?: ClassWeight;
  /** Callbacks, each a Callback instance or an object with onEpochEnd etc. */
  callbacks?: CallbackHooks | readonly CallbackHooks[];
  /** The epoch to start from (for resuming); 0 by default. */
  initialEpoch?: number;
  /**
   * Threads for the fused executor. By default, all cores when a step
   * has enough work to pay for them (the seed model does), else one. Results
   * equal one thread's up to float rounding of the reported loss. Where
   * worker threads are unavailable (a plain browser page) training uses one,
   * as does autograd; asking for more then warns once, and
   * history.params.reason says why.
   */
  threads?: number;
  /**
   * Stop at the first batch whose loss is NaN or ±Infinity and print a
   * diagnosis (see non-finite.ts); true by default. The report is also kept
   * as `history.nonFiniteReport`.
   */
  terminateOnNaN?: boolean;
}

/** fit's options; values are checked where they are read (ranges, pairs, callbacks), with their own messages. */
const FIT_OPTIONS = {
  epochs: 'any', batchSize: 'any', verbose: 'any', shuffle: 'boolean', validationSplit: 'any', validationData: 'any', callbacks: 'any', initialEpoch: 'any', threads: 'any', terminateOnNaN: 'boolean',
  sampleWeight: 'any', classWeight: 'any',
} satisfies Record<keyof FitArgs, OptionKind>;

export async function fitLoop(model: RunnableModel, xLike: DataStructure, yLike: DataStructure, args: FitArgs = {}): Promise<History> {
  const where = 'fit()';
  // A kernel-tier switch still under way (setKernels('simd') without await) decides where the weights live: wait for it.
  await kernelsSettled();
  const clock = new YieldClock();
  const compiled = model.compiled;
  if (!compiled) throw new RuntimeError(`${where}: the model must be compiled before training. Call model.compile({ optimizer, loss, metrics }) first.`);
  if (args === null || typeof args !== 'object') throw new ValueError(`${where}: the third argument holds the options, such as { epochs: 5 }. Received: ${describeValue(args)}`);
  checkTypedOptions(where, args, FIT_OPTIONS);
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

  const dataChecks = { losses: compiled.losses };
  const [xAll, yAll] = prepareLists(model, xLike, yLike, where, dataChecks);
  let [x, y] = [xAll, yAll!];
  let sw = prepareSampleWeights(args.sampleWeight, args.classWeight, y, where);
  let validation: WeightedData | null = null;
  if (args.validationData) {
    const data = args.validationData;
    if (!Array.isArray(data) || (data.length !== 2 && data.length !== 3)) {
      throw new ValueError(`${where}: validationData must be [x, y] or [x, y, sampleWeight]. Received: validationData=${describeValue(data)}`);
    }
    const names = { xName: 'validationData[0]', yName: 'validationData[1]' };
    const [xv, yv] = aboutValidationData(where, () => prepareLists(model, data[0], data[1], where, { ...dataChecks, ...names }));
    const swv = data.length === 3 ? prepareSampleWeights(data[2], undefined, yv!, where, 'validationData[2]') : null;
    validation = { x: xv, y: yv!, sampleWeights: swv };
  } else if (split > 0) {
    const total = x[0]!.shape[0]!;
    const cut = validationSplitIndex(total, split);
    if (cut === 0 || cut === total) {
      throw new ValueError(`${where}: validationSplit=${split} leaves no ${cut === 0 ? 'training' : 'validation'} samples out of ${total}.`);
    }
    // As Keras: the sample weights are split with the samples (class weights only weight training).
    const validationWeights = args.classWeight === undefined ? (sw?.map((t) => t.sliceRows(cut, total)) ?? null) : null;
    validation = { x: x.map((t) => t.sliceRows(cut, total)), y: y.map((t) => t.sliceRows(cut, total)), sampleWeights: validationWeights };
    [x, y] = [x.map((t) => t.sliceRows(0, cut)), y.map((t) => t.sliceRows(0, cut))];
    sw = sw?.map((t) => t.sliceRows(0, cut)) ?? null;
  }

  const n = x[0]!.shape[0]!;
  const steps = stepsPerEpoch(n, batchSize);
  const history = new History();
  const userCallbacks = checkCallbacks<CallbackHooks>(args.callbacks, where);
  const all: CallbackHooks[] = [...userCallbacks, history];
  if (verbose !== 0) all.push(new ProgbarLogger());

  if (args.threads !== undefined) checkThreadCount(args.threads, where, await platformCores());
  // Checking and splitting large data takes a while: let a page have its turn before training starts.
  if (clock.due()) await clock.yield();
  // A Sequential without an input shape creates its weights in its first forward pass: run it on one sample now,
  // so that the optimizer updates them from the first step (as Keras builds the model from the data).
  if (model.builtInputShape === null) noGrad(() => model.apply(x[0]!.sliceRows(0, 1)));
  // The fused executor runs models of one input and one output (chooseTraining refuses others first).
  const { runner, executor, threads, reason } = await startTrainingExecutor(model, compiled, x[0]!, y[0]!, sw !== null, batchSize, args.threads, where);
  const params = { epochs, steps, verbose, samples: n, batchSize, executor, threads, ...(reason === null ? {} : { reason }) };
  for (const c of all) {
    (c as Partial<Callback>).setModel?.(model);
    (c as Partial<Callback>).setParams?.({ ...params });
  }
  const callbacks = new CallbackList(all);
  try {
    return await trainEpochs(model, compiled, { x, y, sampleWeights: sw }, { ...args, epochs, batchSize, initialEpoch, steps }, runner, validation, callbacks, history, clock);
  } finally {
    await runner?.close();
  }
}

/** Inputs, targets and sample weights (null: none), one tensor per input and per output. */
interface WeightedData {
  readonly x: Tensor[];
  readonly y: Tensor[];
  readonly sampleWeights: SampleWeights;
}

/** The epoch and batch loops, with either the fused step (runner) or autograd. */
async function trainEpochs(
  model: RunnableModel,
  compiled: CompileSettings,
  data: WeightedData,
  args: FitArgs & { epochs: number; batchSize: number; initialEpoch: number; steps: number },
  runner: StepRunner | null,
  validation: WeightedData | null,
  callbacks: CallbackList,
  history: History,
  clock: YieldClock,
): Promise<History> {
  const { epochs, batchSize, initialEpoch, steps } = args;
  const { x, y } = data;
  const n = x[0]!.shape[0]!;
  // The fused step has no tensors to resolve the metric strings from: resolve them from the shapes.
  if (runner) compiled.resolvedMetrics(y, [{ shape: model.computeOutputShape(model.builtInputShape!).map((d) => d ?? n) }]);
  const weights = model.trainableWeights;
  const order = new Int32Array(n);
  const generator = getGlobalGenerator();
  model.stopTraining = false;
  await callbacks.call('onTrainBegin', {});
  let epochLogs: Logs = {};
  const checkLoss = args.terminateOnNaN ?? true;
  let previousLoss: number | null = null;

  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await callbacks.call('onEpochBegin', epoch, {});
    const means = new RunningMeans(compiled.lossNames);
    compiled.resetMetrics();
    const batchValues = compiled.logNames.map(() => 0);
    epochOrder(order, args.shuffle ?? true, generator);

    for (let b = 0; b < steps && !model.stopTraining; b++) {
      const [start, end] = batchRange(b, batchSize, n);
      await callbacks.call('onBatchBegin', b, {});
      if (runner) {
        fusedStep(runner, x[0]!, y[0]!, order, start, end, batchValues);
        compiled.updateMetricsFromMeans(batchValues, end - start);
      } else autogradStep(model, compiled, weights, data, order.subarray(start, end), batchValues);
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
      await callbacks.call('onBatchEnd', b, compiled.logs(means));

      if (clock.due()) await clock.yield();
    }

    epochLogs = compiled.logs(means);
    if (validation) Object.assign(epochLogs, await runYielding(evaluateBatches(model, validation, { batchSize, verbose: 0 }, 'val_'), clock));
    await callbacks.call('onEpochEnd', epoch, epochLogs);
  }
  await callbacks.call('onTrainEnd', epochLogs);
  return history;
}

/**
 * One step through autograd: forward, loss, backward, optimizer update. Works
 * for any model, with one tensor per input and per output; writes the
 * batch's losses, in compiled.lossNames order, into `values`, and updates the metrics.
 */
function autogradStep(
  model: RunnableModel,
  compiled: CompileSettings,
  weights: Tensor[],
  data: WeightedData,
  indices: Int32Array,
  values: number[],
): void {
  const xBatch = data.x.map((t) => t.gather(indices));
  const yBatch = data.y.map((t) => t.gather(indices));
  const swBatch = data.sampleWeights?.map((t) => t.gather(indices)) ?? null;
  const [yPred, activity] = collectActivityPenalties(() => forward(model, xBatch, { training: true }));
  const loss = compiled.lossAndLogs(yBatch, yPred, values, swBatch, regularizationLoss(model, activity));
  // Zeroed before, not after, the backward pass: the gradients stay readable until the next step (for diagnosis).
  for (const w of weights) w.grad?.data.fill(0);
  loss.backward();
  compiled.optimizer.applyGradients(weights.filter((w) => w.grad !== null).map((w) => [w.grad!, w] as const));
}

/**
 * One step through the fused executor: the same math on preallocated
 * buffers (the optimizer counts the step, as applyGradients does). Its
 * metrics are all sparse categorical accuracy (plan.ts checks), read from
 * the step's count of correct argmax predictions.
 */
function fusedStep(runner: StepRunner, x: Tensor, y: Tensor, order: Int32Array, start: number, end: number, values: number[]): void {
  gatherBatch(runner.state, x.data, y.data, order, start, end);
  runner.run(end - start);
  readStepLogs(runner.state, end - start, values);
}

/**
 * The arrays a non-finite loss is diagnosed from, right after the step:
 * every trainable weight, its gradient (the fused step keeps its own
 * gradient buffers; autograd leaves them in `weight.grad`) and its optimizer slots.
 */
function inspectTrainingState(
  weights: readonly Tensor[],
  runner: StepRunner | null,
  compiled: CompileSettings,
): { weights: NamedValues[]; gradients: NamedValues[]; optimizerName: string; optimizerState: NamedValues[] } {
  const optimizer = compiled.optimizer;
  const gradients: NamedValues[] = [];
  for (const w of weights) {
    const grad = runner ? fusedGradientOf(runner.state, w.data) : w.grad?.data;
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
