/**
 * `evaluate` and `predict`: the model run forward in batches, without
 * recording a graph, on the executor compile() chose (executor.ts): the
 * fused forward pass (src/fused/inference.ts) or the layers op by op, with
 * batches as row views of the input (no copies).
 *
 * Each is written once, as a generator that yields after every batch:
 * `evaluate`/`predict` run it in one go, as
 * Keras's do; `evaluateAsync`/`predictAsync` let the event loop run every
 * few tens of milliseconds (yielding.ts), for pages that must stay responsive.
 */
import { noGrad } from '../tensor/autograd.js';
import { kernelsSettled } from '../tensor/kernels/tier.js';
import { Tensor } from '../tensor/tensor.js';
import { batchRange, stepsPerEpoch } from '../data/batches.js';
import { RunningMeans, type Logs } from '../callbacks/logs.js';
import { evaluateForward, outputWidth, predictForward } from '../fused/inference.js';
import { inferenceOps } from '../fused/plan.js';
import { checkClassIndices } from '../losses/labels.js';
import { requirePositiveInteger, resolveVerbose, type Verbosity } from '../utils/checks.js';
import { Progbar } from '../utils/progbar.js';
import type { CompileSettings } from './compile.js';
import { chooseForward, chooseTraining } from './executor.js';
import { prepareLists, type DataLike, type DataStructure } from './inputs.js';
import { prepareSampleWeights } from './sample-weights.js';
import { regularizationLoss } from './regularization.js';
import { collectActivityPenalties } from '../regularizers/penalties.js';
import { forward, type RunnableModel } from './model-interface.js';
import { RuntimeError } from '../errors.js';
import { runToEnd, runYielding } from './yielding.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';

export interface EvaluateArgs {
  /** Samples per batch; 32 by default. */
  batchSize?: number;
  /** 0 silent, 1 progress bar (default), 2 one line. */
  verbose?: Verbosity;
  /** Return { loss, accuracy } instead of [loss, accuracy]. */
  returnDict?: boolean;
  /** One weight per sample, as fit's sampleWeight: weights the loss and the weightedMetrics. */
  sampleWeight?: DataLike | readonly DataLike[];
}

export interface PredictArgs {
  batchSize?: number;
  verbose?: Verbosity;
}

/**
 * The loss and metrics over the whole dataset: the mean of per-batch values
 * weighted by batch size. Keys are prefixed with `prefix` ("val_" in fit).
 * A generator that yields after each batch; see runToEnd / runYielding.
 */
export function* evaluateBatches(
  model: RunnableModel,
  data: { readonly x: readonly Tensor[]; readonly y: readonly Tensor[]; readonly sampleWeights: readonly Tensor[] | null },
  args: { batchSize: number; verbose: 0 | 1 | 2 },
  prefix = '',
): Generator<void, Logs, void> {
  const compiled = model.compiled!;
  const { x, y, sampleWeights } = data;
  const n = x[0]!.shape[0]!;
  const steps = stepsPerEpoch(n, args.batchSize);
  const means = new RunningMeans(compiled.lossNames);
  compiled.resetMetrics();
  const bar = args.verbose === 0 ? null : new Progbar(steps, { verbose: args.verbose });
  const fused = sampleWeights === null ? evaluateFused(model, compiled, x[0]!, y[0]!, args.batchSize, means, bar, steps) : null;
  if (fused) {
    yield* fused;
    return compiled.logs(means, prefix);
  }
  const values = compiled.logNames.map(() => 0);
  for (let b = 0; b < steps; b++) {
    const [start, end] = batchRange(b, args.batchSize, n);
    const yTrue = y.map((t) => t.sliceRows(start, end));
    const weights = sampleWeights?.map((t) => t.sliceRows(start, end)) ?? null;
    // Per batch, so that no other code runs without gradients while the loop yields.
    noGrad(() => {
      const [yPred, activity] = collectActivityPenalties(() => forward(model, x.map((t) => t.sliceRows(start, end))));
      compiled.lossAndLogs(yTrue, yPred, values, weights, regularizationLoss(model, activity));
      means.update(values, end - start);
    });
    bar?.update(b + 1, Object.entries(compiled.logs(means)), b + 1 === steps);
    yield;
  }
  return compiled.logs(means, prefix);
}

/**
 * evaluate() on the fused executor, for a model it can train (Flatten/Dense,
 * sparse categorical crossentropy, accuracy): the fused forward pass up to
 * the logits, then the fused crossentropy kernel per batch for the loss and
 * the count of correct predictions. The same values as the layer-by-layer
 * path, which also works from the logits. Returns null when autograd runs
 * instead (and throws, under jitCompile: true, when it cannot run).
 */
function evaluateFused(
  model: RunnableModel,
  compiled: CompileSettings,
  x: Tensor,
  y: Tensor,
  batchSize: number,
  means: RunningMeans,
  bar: Progbar | null,
  steps: number,
): Generator<void, void, void> | null {
  const { plan } = chooseTraining(model, compiled, x.shape.slice(1), y.shape, false, 'evaluate()');
  if (!plan) return null;
  checkClassIndices(y.data, plan.classes, compiled.loss.name);
  compiled.resolvedMetrics([y], [{ shape: [x.shape[0]!, plan.classes] }]);
  const values = compiled.logNames.map(() => 0);
  return evaluateForward(inferenceOps(plan.ops), x.data, y.data, x.shape[0]!, batchSize, (b, start, end, lossSum, correct) => {
    values[0] = lossSum / (end - start);
    for (let i = 1; i < values.length; i++) values[i] = correct / (end - start);
    means.update(values, end - start);
    compiled.updateMetricsFromMeans(values, end - start);
    bar?.update(b + 1, Object.entries(compiled.logs(means)), b + 1 === steps);
  });
}

/**
 * Keras's `model.evaluate`: [loss, ...metrics] as numbers (several outputs:
 * the loss, each output's loss, then the metrics by sorted log name, in
 * Keras's order), or a dict with returnDict. Keras returns a bare number when there are no metrics; here it
 * is always an array ([loss]), so that the return type does not depend on
 * how the model was compiled.
 */
export function evaluate(model: RunnableModel, xLike: DataStructure, yLike: DataStructure, args: EvaluateArgs = {}): number[] | Logs {
  return runToEnd(evaluation(model, xLike, yLike, args, 'evaluate()'));
}

/** `evaluate`, letting the event loop run every few tens of milliseconds; resolves to the same values. */
export async function evaluateAsync(model: RunnableModel, xLike: DataStructure, yLike: DataStructure, args: EvaluateArgs = {}): Promise<number[] | Logs> {
  await kernelsSettled(); // a tier switch under way (setKernels without await), as in fit
  return runYielding(evaluation(model, xLike, yLike, args, 'evaluateAsync()'));
}

function* evaluation(model: RunnableModel, xLike: DataStructure, yLike: DataStructure, args: EvaluateArgs, where: string): Generator<void, number[] | Logs, void> {
  checkTypedOptions(where, args, { batchSize: 'any', verbose: 'any', returnDict: 'boolean', sampleWeight: 'any' } satisfies Record<keyof EvaluateArgs, OptionKind>);
  if (!model.compiled) throw new RuntimeError(`${where}: the model must be compiled first. Call model.compile({ optimizer, loss, metrics }).`);
  const batchSize = args.batchSize ?? 32;
  requirePositiveInteger(batchSize, 'batchSize', where);
  const [x, y] = prepareLists(model, xLike, yLike, where, { losses: model.compiled.losses, requireBuilt: true });
  const sampleWeights = prepareSampleWeights(args.sampleWeight, undefined, y!, where);
  const logs = yield* evaluateBatches(model, { x, y: y!, sampleWeights }, { batchSize, verbose: resolveVerbose(args.verbose, where) });
  return args.returnDict ? logs : model.compiled.listInKerasOrder(logs);
}

/** Keras's `model.predict`: the model's outputs for every sample, as one tensor. */
export function predict(model: RunnableModel, xLike: DataStructure, args: PredictArgs = {}): Tensor {
  return runToEnd(prediction(model, xLike, args, 'predict()'))[0]!;
}

/** `predict` for a model of several outputs: one tensor per output. */
export function predictOutputs(model: RunnableModel, xLike: DataStructure, args: PredictArgs = {}): Tensor[] {
  return runToEnd(prediction(model, xLike, args, 'predict()'));
}

/** `predictOutputs`, letting the event loop run every few tens of milliseconds; resolves to the same tensors. */
export async function predictOutputsAsync(model: RunnableModel, xLike: DataStructure, args: PredictArgs = {}): Promise<Tensor[]> {
  await kernelsSettled(); // a tier switch under way (setKernels without await), as in fit
  return runYielding(prediction(model, xLike, args, 'predictAsync()'));
}

/** `predict`, letting the event loop run every few tens of milliseconds; resolves to the same tensor. */
export function predictAsync(model: RunnableModel, xLike: DataStructure, args: PredictArgs = {}): Promise<Tensor> {
  return predictOutputsAsync(model, xLike, args).then((outputs) => outputs[0]!);
}

function* prediction(model: RunnableModel, xLike: DataStructure, args: PredictArgs, where: string): Generator<void, Tensor[], void> {
  checkTypedOptions(where, args, { batchSize: 'any', verbose: 'any' } satisfies Record<keyof PredictArgs, OptionKind>);
  const batchSize = args.batchSize ?? 32;
  requirePositiveInteger(batchSize, 'batchSize', where);
  const [xs] = prepareLists(model, xLike, null, where, { requireBuilt: true });
  const verbose = resolveVerbose(args.verbose, where);
  const n = xs[0]!.shape[0]!;
  const steps = stepsPerEpoch(n, batchSize);
  const bar = verbose === 0 ? null : new Progbar(steps, { verbose });
  const { plan } = chooseForward(model, xs[0]!.shape.slice(1), where);
  if (plan) {
    const x = xs[0]!;
    // Flatten/Dense stacks run through the fused kernels: same numbers, far fewer tensors.
    const units = outputWidth(plan);
    const out = new Float32Array(n * units);
    yield* predictForward(plan, x.data, n, batchSize, out, (b) => bar?.update(b + 1, [], b + 1 === steps));
    return [new Tensor(out, [n, units])];
  }
  // One array per output; each output's size per sample is known after the first batch.
  let outs: { data: Float32Array; rowShape: readonly number[] }[] | null = null;
  for (let b = 0; b < steps; b++) {
    const [start, end] = batchRange(b, batchSize, n);
    const yBatch = noGrad(() => forward(model, xs.map((x) => x.sliceRows(start, end))));
    outs ??= yBatch.map((t) => ({ data: new Float32Array(n * (t.size / (end - start))), rowShape: t.shape.slice(1) }));
    yBatch.forEach((t, k) => outs![k]!.data.set(t.data, start * (t.size / (end - start))));
    bar?.update(b + 1, [], b + 1 === steps);
    yield;
  }
  return outs!.map(({ data, rowShape }) => new Tensor(data, [n, ...rowShape]));
}
