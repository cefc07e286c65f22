/**
 * What `compile` settles: the optimizer, the loss and the metrics, each
 * resolved from a Keras string or taken as an instance, and which executor
 * runs the model (runEagerly, jitCompile; see executor.ts).
 *
 * A model with several outputs (Functional) has a loss per output, and
 * trains on their weighted sum, as Keras:
 *
 *     loss = Σₖ lossWeightₖ · lossₖ(yₖ, ŷₖ)         (lossWeightₖ = 1 by default)
 *
 * logged as `loss`, then `<output>_loss` for each output, then
 * `<output>_<metric>` for each output's metrics (Keras 3's names and order).
 *
 * Each lossₖ is reduced as Keras's 'sum_over_batch_size' (src/losses/reduction.ts),
 * with the batch's sample weights when fit or evaluate has them. Metrics
 * (`metrics`) ignore sample weights; `weightedMetrics` use them, named
 * `weighted_<name>` where an unweighted metric has the same name. Every
 * metric is a stateful object (src/losses/metric.ts), reset at the start of
 * each epoch and evaluation, so its log is its value over the samples so far.
 */
import {
  getLoss, isMetric, metricFromFunction, reduceLoss, requireKnownMetric, resolveMetric, unreducedLoss, MeanMetric,
  type LossIdentifier, type Loss, type Metric, type UserMetricFn,
} from '../losses/index.js';
import { getOptimizer, type Optimizer } from '../optim/index.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../tensor/ops/elementwise.js';
import { describeValue, ValueError } from '../errors.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { noGrad } from '../tensor/autograd.js';
import type { RunningMeans, Logs } from '../callbacks/logs.js';

export interface CompileArgs {
  /** 'rmsprop' (Keras's default), 'adam', 'sgd', 'adagrad', 'adamw', 'nadam', or an Optimizer instance. */
  optimizer?: string | Optimizer;
  /**
   * 'sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy', 'mse', 'mae', 'huber', a Loss, or a function.
   * With several outputs: one for all, a list with one per output, or a dict by output name.
   */
  loss: LossIdentifier | readonly LossIdentifier[] | { readonly [output: string]: LossIdentifier };
  /** With several outputs, each output's share of the total loss: a list in output order or a dict by name; 1 each by default. */
  lossWeights?: readonly number[] | { readonly [output: string]: number };
  /**
   * Metric names, such as ['accuracy'], metric objects (new BinaryAccuracy({ threshold }), new AUC())
   * or functions (yTrue, yPred) => per-sample values, named by the function's name.
   * They ignore sample weights. With several outputs: a list with one entry
   * (a metric or a list of them) per output, or a dict by output name.
   */
  metrics?: MetricsOption;
  /** Metrics as `metrics`, computed with the sample weights (sampleWeight or classWeight of fit and evaluate). */
  weightedMetrics?: MetricsOption;
  /**
   * true: fit, evaluate and predict run op by op through autograd, the
   * executor that runs any model (Keras's run_eagerly, for debugging). False by default.
   */
  runEagerly?: boolean;
  /**
   * true: demand the fused executor (src/fused), and throw an error saying
   * why when the model cannot take it; false: never use it; 'auto' (the
   * default): use it whenever the model can take it.
   */
  jitCompile?: boolean | 'auto';
}

/** A metric as `compile` takes it: a Keras string, a metric object, or a function. */
export type MetricEntry = string | Metric | UserMetricFn;

/** compile's metrics and weightedMetrics: a list of metrics, or (several outputs) one entry per output, as a list or a dict by name. */
export type MetricsOption = readonly (MetricEntry | readonly MetricEntry[])[] | { readonly [output: string]: MetricEntry | readonly MetricEntry[] };

/** A metric after compile: a Keras string (resolved once the shapes are known) or a metric object. */
type CompiledMetric = string | Metric;

export class CompileSettings {
  readonly optimizer: Optimizer;
  /** The loss of the first (for most models, the only) output: what the fused executor reads. */
  readonly loss: Loss;
  /** One loss per output. */
  readonly losses: readonly Loss[];
  /** Each output's weight in the total loss; null when not given (all 1). */
  readonly lossWeights: readonly number[] | null;
  /** The metrics' log names for a one-output model; for several outputs, every output's (unprefixed), in order. */
  readonly metricNames: readonly string[];
  /** Per output, its metrics' log names: the metrics, then the weighted metrics. */
  readonly outputMetricNames: readonly (readonly string[])[];
  /** Every output's metrics, then weighted metrics, in order: strings and metric objects (functions become objects). */
  readonly metricEntries: readonly CompiledMetric[];
  /** Per output, its metrics then its weighted metrics, each with whether it takes the sample weights. */
  private readonly outputMetrics: readonly (readonly { readonly entry: CompiledMetric; readonly weighted: boolean }[])[];
  /** Per output, its metrics and its weighted metrics as given (functions as objects): what a Keras file's compile config lists. */
  get metricsPerOutput(): { metrics: CompiledMetric[]; weightedMetrics: CompiledMetric[] }[] {
    return this.outputMetrics.map((ms) => ({ metrics: ms.filter((m) => !m.weighted).map((m) => m.entry), weightedMetrics: ms.filter((m) => m.weighted).map((m) => m.entry) }));
  }

  /** Every output's metrics and weighted metrics as given (functions as objects), in order, unprefixed: what a saved trainingConfig lists. */
  get givenMetrics(): { metrics: CompiledMetric[]; weightedMetrics: CompiledMetric[] } {
    const perOutput = this.metricsPerOutput;
    return { metrics: perOutput.flatMap((o) => o.metrics), weightedMetrics: perOutput.flatMap((o) => o.weightedMetrics) };
  }

  /** Whether compile was given metrics or weightedMetrics (Keras then lists 'compile_metrics' in metricsNames). */
  private readonly hasMetrics: boolean;
  /** Whether a batch has gone through the losses (Keras then lists a several-output model's per-output losses in metricsNames). */
  private lossesBuilt = false;
  /** The output names of a model with several outputs, which prefix its log names; null for one output. */
  readonly outputNames: readonly string[] | null;
  /**
   * The outputs' indices in the order their losses are logged and listed: as Keras, the keys' order of a loss
   * given as a dict, else the order the model's outputs were written in (a dict's own order, not its sorted one).
   */
  private readonly lossOrder: readonly number[];
  readonly runEagerly: boolean;
  readonly jitCompile: boolean | 'auto';
  /** Per output, resolved on the first batch, once the label and prediction shapes are known. */
  private metrics: { readonly metric: Metric; readonly weighted: boolean }[][] | null = null;

  /**
   * `outputNames`: a Functional model's outputs (several, or one by name); absent for a Sequential.
   * `writtenOutputNames`: the same names in the order the model's outputs dict was written, when it was one.
   */
  constructor(args: CompileArgs, outputNames: readonly string[] | null = null, writtenOutputNames: readonly string[] | null = null) {
    if (args === null || typeof args !== 'object') {
      throw new ValueError(`compile() takes an object such as { optimizer: 'adam', loss: '…', metrics: ['accuracy'] }. Received: ${describeValue(args)}`);
    }
    // Values are checked below, with messages about each; the table makes the compiler list every option.
    checkTypedOptions('compile()', args, {
      optimizer: 'any', loss: 'any', lossWeights: 'any', metrics: 'any', weightedMetrics: 'any', runEagerly: 'any', jitCompile: 'any',
    } satisfies Record<keyof CompileArgs, OptionKind>);
    if (args.loss === undefined) throw new ValueError("compile(): a loss is required, for example loss: 'sparse_categorical_crossentropy'.");
    this.optimizer = getOptimizer(args.optimizer ?? 'rmsprop');
    // A Sequential's one output has no name here; 'output' only appears in messages about lossWeights.
    const outputs = outputNames ?? ['output'];
    this.outputNames = outputs.length > 1 ? outputs : null;
    const isOneLoss = (v: unknown) => typeof v === 'string' || typeof v === 'function' || (typeof v === 'object' && v !== null && typeof (v as Loss).call === 'function');
    const losses = outputNames === null ? [args.loss] : perOutput('loss', args.loss, outputs, isOneLoss);
    this.losses = losses.map((l) => getLoss(l as LossIdentifier));
    this.loss = this.losses[0]!;
    const lossKeys = typeof args.loss === 'object' && args.loss !== null && !Array.isArray(args.loss) && !isOneLoss(args.loss) ? Object.keys(args.loss) : null;
    this.lossOrder = (lossKeys ?? writtenOutputNames ?? outputs).map((name) => outputs.indexOf(name));
    const weights = args.lossWeights === undefined ? null : perOutput('lossWeights', args.lossWeights, outputs, (v) => typeof v === 'number');
    weights?.forEach((w, k) => {
      if (!(typeof w === 'number' && Number.isFinite(w))) {
        throw new ValueError(`compile(): lossWeights must be finite numbers. Received: the weight of output "${outputs[k]}" = ${describeValue(w)}`);
      }
    });
    this.lossWeights = weights as number[] | null;
    const unweighted = metricsPerOutput('metrics', args.metrics, outputs);
    const weighted = metricsPerOutput('weightedMetrics', args.weightedMetrics, outputs);
    this.outputMetrics = outputs.map((_, k) => [
      ...unweighted[k]!.map((entry) => ({ entry, weighted: false })),
      ...weighted[k]!.map((entry) => ({ entry, weighted: true })),
    ]);
    // Keras lists 'compile_metrics' when either option is given, even as an empty list.
    this.hasMetrics = args.metrics !== undefined || args.weightedMetrics !== undefined;
    this.metricEntries = this.outputMetrics.flat().map((m) => m.entry);
    this.metricEntries.forEach((m) => { if (typeof m === 'string') requireKnownMetric(m); });
    this.outputMetricNames = this.outputMetrics.map((ms) => {
      const plain = ms.filter((m) => !m.weighted).map((m) => entryName(m.entry));
      // As Keras: a weighted metric whose name an unweighted one has is logged as weighted_<name>.
      return uniqueNames(ms.map((m) => (m.weighted && plain.includes(entryName(m.entry)) ? `weighted_${entryName(m.entry)}` : entryName(m.entry))));
    });
    this.metricNames = this.outputMetricNames.flat();
    const runEagerly = args.runEagerly ?? false;
    if (typeof runEagerly !== 'boolean') throw new ValueError(`compile(): runEagerly must be true or false. Received: runEagerly=${describeValue(runEagerly)}`);
    const jitCompile = args.jitCompile ?? 'auto';
    if (jitCompile !== true && jitCompile !== false && jitCompile !== 'auto') {
      throw new ValueError(`compile(): jitCompile must be true, false or 'auto'. Received: jitCompile=${describeValue(jitCompile)}`);
    }
    if (runEagerly && jitCompile === true) {
      // As Keras: running eagerly wins, with a warning.
      console.warn('compile(): runEagerly is true, so jitCompile cannot also be true; the model runs op by op through autograd.');
    }
    this.runEagerly = runEagerly;
    this.jitCompile = runEagerly ? false : jitCompile;
  }

  /** The names of the losses logged: `loss`, then (several outputs) `<output>_loss` for each. */
  get lossNames(): string[] {
    const names = this.outputNames;
    return names === null ? ['loss'] : ['loss', ...this.lossOrder.map((k) => `${names[k]}_loss`)];
  }

  /** The metrics' log names, in order (several outputs: `<output>_<metric>`). */
  get metricLogNames(): string[] {
    const names = this.outputNames;
    return names === null ? [...this.metricNames] : this.outputMetricNames.flatMap((ms, k) => ms.map((m) => `${names[k]}_${m}`));
  }

  /** Log names in display order: loss, then (several outputs) each output's loss, then the metrics. */
  get logNames(): string[] {
    return [...this.lossNames, ...this.metricLogNames];
  }

  /**
   * Keras 3's `model.metrics_names`: 'loss', 'compile_metrics' when compile
   * has metrics, and, once a batch has gone through a model of several
   * outputs, each output's loss.
   */
  get metricsNames(): string[] {
    return ['loss', ...(this.hasMetrics ? ['compile_metrics'] : []), ...(this.lossesBuilt && this.outputNames !== null ? this.lossNames.slice(1) : [])];
  }

  /**
   * The loss to minimise on one batch, Σₖ wₖ·lossₖ(yTrueₖ, yPredₖ), with
   * `values` filled in lossNames order (the total, each output's loss); each
   * lossₖ is reduced with its output's sample weights (`sampleWeights`, one
   * [N] tensor per output) when there are some. The regularization penalty
   * (`regularization`), when there is one, is added to the total after that,
   * unweighted, as Keras adds model.losses; the total logged as `loss`
   * includes it. The metrics are updated without recording gradients; read them with `logs`.
   */
  lossAndLogs(yTrue: readonly Tensor[], yPred: readonly Tensor[], values: number[], sampleWeights: readonly Tensor[] | null = null, regularization: Tensor | null = null): Tensor {
    const parts = this.losses.map((loss, k) => reduceLoss(lossValues(loss, yTrue[k]!, yPred[k]!), sampleWeights?.[k] ?? null, `The loss '${loss.name}'`));
    const weighted = parts.map((part, k) => (this.lossWeights === null ? part : mul(part, this.lossWeights[k]!)));
    const losses = weighted.reduce((sum, part) => add(sum, part));
    const total = regularization === null ? losses : add(losses, regularization);
    this.lossesBuilt = true;
    let i = 0;
    values[i++] = total.item();
    if (this.outputNames !== null) for (const k of this.lossOrder) values[i++] = parts[k]!.item();
    noGrad(() => this.updateMetrics(yTrue, yPred, sampleWeights));
    return total;
  }

  /** Adds one batch to every metric: the weighted ones with the sample weights. */
  updateMetrics(yTrue: readonly Tensor[], yPred: readonly Tensor[], sampleWeights: readonly Tensor[] | null = null): void {
    for (const [k, ms] of this.resolvedMetrics(yTrue, yPred).entries()) {
      for (const { metric, weighted } of ms) metric.updateState(yTrue[k]!, yPred[k]!, weighted ? (sampleWeights?.[k] ?? null) : null);
    }
  }

  /**
   * Adds a batch the fused executor ran: its metrics (all sparse categorical
   * accuracy, unweighted) known by their batch means, values[1 + i] for metric i.
   */
  updateMetricsFromMeans(values: readonly number[], samples: number): void {
    this.metrics?.[0]?.forEach(({ metric }, i) => (metric as MeanMetric).updateFromMean(values[1 + i]!, samples));
  }

  /** Starts an epoch or an evaluation: every metric forgets its state. */
  resetMetrics(): void {
    for (const ms of this.metrics ?? []) for (const { metric } of ms) metric.resetState();
  }

  /**
   * The metric objects, per output; strings are resolved on the first batch,
   * once the label and prediction shapes are known (the fused executor,
   * which has no tensors, passes the shapes).
   */
  resolvedMetrics(yTrue: readonly { shape: readonly number[] }[], yPred: readonly { shape: readonly number[] }[]): { readonly metric: Metric; readonly weighted: boolean }[][] {
    if (this.metrics === null) {
      this.metrics = this.outputMetrics.map((entries, k) =>
        // A string's metric is named by its log name (weighted_accuracy); an object keeps its own name.
        entries.map(({ entry, weighted }, i) => ({ metric: resolveMetric(entry, yTrue[k]!.shape, yPred[k]!.shape, this.outputMetricNames[k]![i]!), weighted })),
      );
      this.resetMetrics();
    }
    return this.metrics;
  }

  /**
   * evaluate's list, in Keras's order (its _flatten_metrics_in_order): the values its model's metrics name (the
   * loss, each compiled metric, each output's loss), then the others by sorted key. With several outputs that is
   * the losses, then every metric sorted by its log name (the output's prefix keeps it from matching its own name).
   */
  listInKerasOrder(logs: Logs): number[] {
    if (this.outputNames === null) return Object.values(logs);
    const losses = this.lossNames;
    const metrics = Object.keys(logs).filter((key) => !losses.includes(key)).sort();
    return [...losses, ...metrics].map((key) => logs[key]!);
  }

  /** The logs so far: the losses' running means (`means`), then every metric's result, keys prefixed with `prefix` ("val_"). */
  logs(means: RunningMeans, prefix = ''): Logs {
    const logs = means.results(prefix);
    const names = this.metricLogNames;
    let i = 0;
    for (const ms of this.metrics ?? []) for (const { metric } of ms) logs[prefix + names[i++]!] = metric.result();
    // Before the first batch no metric exists yet: each shows 0, as an empty running mean does.
    for (; i < names.length; i++) logs[prefix + names[i]!] = 0;
    return logs;
  }
}

/** A loss's unreduced values on a batch, checked: a user's function must return a tensor. */
function lossValues(loss: Loss, yTrue: Tensor, yPred: Tensor): Tensor {
  const values = unreducedLoss(loss)(yTrue, yPred);
  if (!(values instanceof Tensor)) {
    throw new ValueError(`The loss '${loss.name}' must return a Tensor: one value per sample, or one for the batch. Received: ${describeValue(values)}`);
  }
  return values;
}

/** Names made unique as Keras makes an output's metric names: a repeated name gets _1, _2, … ('mae', 'mae_1'). */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let i = 1; seen.has(unique); i++) unique = `${name}_${i}`;
    seen.add(unique);
    return unique;
  });
}

/** A metric's log name: the string itself, or the object's name. */
function entryName(entry: CompiledMetric): string {
  return typeof entry === 'string' ? entry : entry.name;
}

/** compile's `option` (metrics or weightedMetrics) as one list of metrics per output; functions become metric objects. */
function metricsPerOutput(option: 'metrics' | 'weightedMetrics', metrics: unknown, outputs: readonly string[]): CompiledMetric[][] {
  if (metrics === undefined) return outputs.map(() => []);
  if (metrics === null || typeof metrics !== 'object') {
    throw new ValueError(`compile(): ${option} must be an array of names, such as ['accuracy']. Received: ${option}=${describeValue(metrics)}`);
  }
  // One output: a list of its metrics, flattened as Keras does ([['mae']] for a model whose outputs are a list
  // of one is ['mae']). Several: one entry per output, or a dict by output name.
  if (outputs.length === 1 && Array.isArray(metrics)) return [metricList(Array.from(metrics).flatMap((m: unknown) => (Array.isArray(m) ? Array.from(m) : [m])))];
  return perOutput(option, metrics, outputs, () => false).map(metricList);
}

/** A metrics entry, one metric (a name, a metric object or a function) or a list of them, as a list; functions become metric objects. */
function metricList(entry: unknown): CompiledMetric[] {
  const isEntry = (m: unknown) => typeof m === 'string' || typeof m === 'function' || isMetric(m);
  const compiled = (m: MetricEntry) => (typeof m === 'function' ? metricFromFunction(m) : m);
  if (isEntry(entry)) return [compiled(entry as MetricEntry)];
  if (Array.isArray(entry) && Array.from(entry).every(isEntry)) return (entry as MetricEntry[]).map(compiled);
  throw new ValueError(
    `compile(): metrics are given by name, as metric objects or as functions, such as 'accuracy', ['accuracy'], [new AUC()] or [(yTrue, yPred) => …]. Received: ${describeValue(entry)}`,
  );
}

/**
 * An option given per output, as Keras takes it: a list in output order, a
 * dict by output name (missing entries take the default: weight 1, no
 * metrics; every loss is required), or one value (`isOne`) for every output.
 * Returns one entry per output.
 */
function perOutput(option: 'loss' | 'lossWeights' | 'metrics' | 'weightedMetrics', value: unknown, outputs: readonly string[], isOne: (v: unknown) => boolean): unknown[] {
  const listed = `the model has ${outputs.length} output${outputs.length === 1 ? '' : 's'} (${outputs.join(', ')})`;
  if (Array.isArray(value)) {
    if (value.length !== outputs.length) {
      throw new ValueError(`compile(): ${listed}; ${option} given as a list must have one entry per output. Received: ${option}=${describeValue(value)}`);
    }
    // Array.from turns a sparse list's holes into undefined entries, which are then refused like any bad entry.
    return Array.from(value);
  }
  if (isOne(value)) return outputs.map(() => value);
  if (value !== null && typeof value === 'object') {
    const dict = value as Record<string, unknown>;
    const unknownKey = Object.keys(dict).find((k) => !outputs.includes(k));
    if (unknownKey !== undefined) throw new ValueError(`compile(): ${option} names output "${unknownKey}", which the model does not have: ${listed}.`);
    const missing = outputs.find((o) => !Object.hasOwn(dict, o));
    if (option === 'loss' && missing !== undefined) throw new ValueError(`compile(): loss gives no loss for output "${missing}"; ${listed}.`);
    return outputs.map((o) => (Object.hasOwn(dict, o) ? dict[o] : option === 'lossWeights' ? 1 : []));
  }
  throw new ValueError(`compile(): ${listed}; give ${option} as a list with one entry per output or a dict by output name. Received: ${option}=${describeValue(value)}`);
}
