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
 */
import { getLoss, isMetric, requireKnownMetric, resolveMetric, type LossIdentifier, type Loss, type Metric } from '../losses/index.js';
import { getOptimizer, type Optimizer } from '../optim/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../tensor/ops/elementwise.js';
import { describeValue, ValueError } from '../errors.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { noGrad } from '../tensor/autograd.js';

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
   * Metric names, such as ['accuracy'], or metric objects (new BinaryAccuracy({ threshold })).
   * With several outputs: a list with one entry (a metric or a list of them)
   * per output, or a dict by output name.
   */
  metrics?: readonly (MetricEntry | readonly MetricEntry[])[] | { readonly [output: string]: MetricEntry | readonly MetricEntry[] };
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

/** A metric as `compile` takes it: a Keras string, or a metric object. */
export type MetricEntry = string | Metric;

export class CompileSettings {
  readonly optimizer: Optimizer;
  /** The loss of the first (for most models, the only) output: what the fused executor reads. */
  readonly loss: Loss;
  /** One loss per output. */
  readonly losses: readonly Loss[];
  /** Each output's weight in the total loss; null when not given (all 1). */
  readonly lossWeights: readonly number[] | null;
  /** The user's metric strings for a one-output model (the log names); for several outputs, every output's, in order. */
  readonly metricNames: readonly string[];
  /** Per output, its metric strings (a metric object's name). */
  readonly outputMetricNames: readonly (readonly string[])[];
  /** Every output's metrics as given, in order: strings and metric objects. */
  readonly metricEntries: readonly MetricEntry[];
  /** Per output, its metrics as given. */
  private readonly outputMetrics: readonly (readonly MetricEntry[])[];
  /** The output names of a model with several outputs, which prefix its log names; null for one output. */
  readonly outputNames: readonly string[] | null;
  readonly runEagerly: boolean;
  readonly jitCompile: boolean | 'auto';
  /** Per output, resolved on the first batch, once the label and prediction shapes are known. */
  private metrics: Metric[][] | null = null;

  /** `outputNames`: a Functional model's outputs (several, or one by name); absent for a Sequential. */
  constructor(args: CompileArgs, outputNames: readonly string[] | null = null) {
    if (args === null || typeof args !== 'object') {
      throw new ValueError(`compile() takes an object such as { optimizer: 'adam', loss: '…', metrics: ['accuracy'] }. Received: ${describeValue(args)}`);
    }
    // Values are checked below, with messages about each; the table makes the compiler list every option.
    checkTypedOptions('compile()', args, { optimizer: 'any', loss: 'any', lossWeights: 'any', metrics: 'any', runEagerly: 'any', jitCompile: 'any' } satisfies Record<keyof CompileArgs, OptionKind>);
    if (args.loss === undefined) throw new ValueError("compile(): a loss is required, for example loss: 'sparse_categorical_crossentropy'.");
    this.optimizer = getOptimizer(args.optimizer ?? 'rmsprop');
    // A Sequential's one output has no name here; 'output' only appears in messages about lossWeights.
    const outputs = outputNames ?? ['output'];
    this.outputNames = outputs.length > 1 ? outputs : null;
    const isOneLoss = (v: unknown) => typeof v === 'string' || typeof v === 'function' || (typeof v === 'object' && v !== null && typeof (v as Loss).call === 'function');
    const losses = outputNames === null ? [args.loss] : perOutput('loss', args.loss, outputs, isOneLoss);
    this.losses = losses.map((l) => getLoss(l as LossIdentifier));
    this.loss = this.losses[0]!;
    const weights = args.lossWeights === undefined ? null : perOutput('lossWeights', args.lossWeights, outputs, (v) => typeof v === 'number');
    weights?.forEach((w, k) => {
      if (!(typeof w === 'number' && Number.isFinite(w))) {
        throw new ValueError(`compile(): lossWeights must be finite numbers. Received: the weight of output "${outputs[k]}" = ${describeValue(w)}`);
      }
    });
    this.lossWeights = weights as number[] | null;
    const metrics = args.metrics;
    if (metrics !== undefined && (metrics === null || typeof metrics !== 'object')) {
      throw new ValueError(`compile(): metrics must be an array of names, such as ['accuracy']. Received: metrics=${describeValue(metrics)}`);
    }
    if (metrics === undefined) this.outputMetrics = outputs.map(() => []);
    // One output: a flat list of its metrics. Several: one entry per output, or a dict by output name.
    else if (outputs.length === 1 && Array.isArray(metrics)) this.outputMetrics = [metricList(metrics)];
    else this.outputMetrics = perOutput('metrics', metrics, outputs, () => false).map(metricList);
    this.metricEntries = this.outputMetrics.flat();
    this.metricEntries.forEach((m) => { if (typeof m === 'string') requireKnownMetric(m); });
    this.outputMetricNames = this.outputMetrics.map((ms) => ms.map((m) => (typeof m === 'string' ? m : m.name)));
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

  /** Log names in display order: loss, then (several outputs) each output's loss, then the metrics. */
  get logNames(): string[] {
    if (this.outputNames === null) return ['loss', ...this.metricNames];
    const names = this.outputNames;
    return ['loss', ...names.map((o) => `${o}_loss`), ...this.outputMetricNames.flatMap((ms, k) => ms.map((m) => `${names[k]}_${m}`))];
  }

  /**
   * The loss to minimise on one batch, Σₖ wₖ·lossₖ(yTrueₖ, yPredₖ), with
   * `values` filled in logNames order (the total, each output's loss, the
   * metrics). The metrics are computed without recording gradients.
   */
  lossAndLogs(yTrue: readonly Tensor[], yPred: readonly Tensor[], values: number[]): Tensor {
    const parts = this.losses.map((loss, k) => loss.call(yTrue[k]!, yPred[k]!));
    const weighted = parts.map((part, k) => (this.lossWeights === null ? part : mul(part, this.lossWeights[k]!)));
    const total = weighted.reduce((sum, part) => add(sum, part));
    let i = 0;
    values[i++] = total.item();
    if (this.outputNames !== null) for (const part of parts) values[i++] = part.item();
    for (const value of noGrad(() => this.metricValues(yTrue, yPred))) values[i++] = value;
    return total;
  }

  /** Each metric's value on one batch, output by output. */
  metricValues(yTrue: readonly Tensor[], yPred: readonly Tensor[]): number[] {
    this.metrics ??= this.outputMetrics.map((entries, k) => entries.map((m) => resolveMetric(m, yTrue[k]!.shape, yPred[k]!.shape)));
    return this.metrics.flatMap((ms, k) => ms.map((m) => m.fn(yTrue[k]!, yPred[k]!)));
  }
}

/** A metrics entry, one metric (a name or a metric object) or a list of them, as a list. */
function metricList(entry: unknown): MetricEntry[] {
  const isEntry = (m: unknown) => typeof m === 'string' || isMetric(m);
  if (isEntry(entry)) return [entry as MetricEntry];
  if (Array.isArray(entry) && Array.from(entry).every(isEntry)) return [...entry] as MetricEntry[];
  throw new ValueError(
    `compile(): metrics are given by name or as metric objects, such as 'accuracy', ['accuracy'] or [new BinaryAccuracy()]. Received: ${describeValue(entry)}`,
  );
}

/**
 * An option given per output, as Keras takes it: a list in output order, a
 * dict by output name (missing entries take the default: weight 1, no
 * metrics; every loss is required), or one value (`isOne`) for every output.
 * Returns one entry per output.
 */
function perOutput(option: 'loss' | 'lossWeights' | 'metrics', value: unknown, outputs: readonly string[], isOne: (v: unknown) => boolean): unknown[] {
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
