/**
 * The compile settings ↔ TF.js's `trainingConfig`, written with Keras's keys:
 *
 *     { loss: 'sparse_categorical_crossentropy',
 *       metrics: ['accuracy'],
 *       optimizer_config: { class_name: 'Adam',
 *                           config: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } } }
 *
 *     SGD:  { class_name: 'SGD', config: { learning_rate, momentum, nesterov } }
 *
 * A loss with options away from their defaults (a crossentropy on logits or
 * with label smoothing, a Huber loss with another delta) is more than its name. Keras
 * writes such a loss as a serialized object, which TF.js's loader cannot
 * read; so the name stays in `loss` (TF.js reads it) and the object goes in
 * `loss_config` beside it (TF.js and Keras ignore the key):
 *
 *     loss: 'sparse_categorical_crossentropy',
 *     loss_config: { class_name: 'SparseCategoricalCrossentropy',
 *                    config: { name: 'sparse_categorical_crossentropy', from_logits: true, reduction: 'sum_over_batch_size' } }
 *
 *     (BinaryCrossentropy and CategoricalCrossentropy add label_smoothing, Huber delta.)
 *
 * Reading takes `loss_config` first, then `loss` as a name or as Keras's
 * object (files converted from Keras).
 *
 * A Functional model of several outputs has a loss per output, in output
 * order, metrics by output name, and maybe loss weights. TF.js 4.x refuses
 * to load a trainingConfig holding `loss_weights` ("Loading loss_weights is
 * not supported yet"), so they go, like `loss_config`, under a key it
 * ignores, `tinykeras_loss_weights`; reading takes either key:
 *
 *     loss: ['binary_crossentropy', 'categorical_crossentropy'],
 *     loss_config: [ { class_name: 'BinaryCrossentropy', config: { from_logits: true, … } }, … ],   (if any loss has options)
 *     metrics: { priority: 'binary_accuracy', department: ['accuracy', 'mean_absolute_error'] },
 *     tinykeras_loss_weights: [1, 0.2]
 *
 * A flat metrics list with several outputs (as TF.js writes it) gives every
 * output those metrics, as TF.js reads it.
 *
 * TF.js converts these snake_case keys to its own camelCase when it loads
 * (learning_rate → learningRate, beta_1 → beta1), and files TF.js writes use
 * camelCase already; reading accepts both spellings.
 */
import { describeValue, FileFormatError, ValueError, excerpt } from '../errors.js';
import { BinaryCrossentropy, CategoricalCrossentropy, Huber, LOSS_NAMES, SparseCategoricalCrossentropy, type Loss } from '../losses/index.js';
import { BinaryAccuracy, CategoricalAccuracy, MeanAbsoluteErrorMetric, MeanSquaredErrorMetric, type Metric } from '../losses/metrics.js';
import { toSnakeCase } from '../utils/registry.js';
import type { Optimizer } from '../optim/index.js';
import { OPTIMIZER_CLASS_NAMES, optimizerClass, serializeOptimizer } from '../optim/registry.js';
import type { CompileSettings } from '../training/compile.js';
import { isObject, type TrainingConfig } from './artifacts.js';

/**
 * The trainingConfig of a compiled model; `outputNames` names the outputs of
 * a model of several (null for one). Throws a ValueError for settings that
 * have no Keras name.
 */
export function trainingConfigOf(compiled: CompileSettings, outputNames: readonly string[] | null = null): TrainingConfig {
  for (const { name } of compiled.losses) {
    if (!LOSS_NAMES.includes(name)) {
      throw new ValueError(
        `save(): the loss '${name}' is a custom function, which a file cannot hold. Save with ` +
          `{ includeOptimizer: false } and compile the loaded model yourself. Received: loss=${describeValue(name)}`,
      );
    }
  }
  compiled.metricEntries.forEach(requireSavableMetric);
  const optimizer_config = optimizerConfig(compiled.optimizer);
  if (outputNames === null) {
    const given = compiled.givenMetrics;
    const metricName = (m: string | Metric) => (typeof m === 'string' ? m : m.name);
    const config: TrainingConfig = { loss: compiled.loss.name, metrics: given.metrics.map(metricName), optimizer_config };
    if (given.weightedMetrics.length > 0) config.weighted_metrics = given.weightedMetrics.map(metricName);
    const lossObject = serializedLoss(compiled.loss);
    if (lossObject !== null) config.loss_config = lossObject;
    return config;
  }
  const metrics = Object.fromEntries(
    compiled.outputMetricNames.flatMap((names, k) => (names.length === 0 ? [] : [[outputNames[k]!, names.length === 1 ? names[0]! : [...names]]])),
  );
  const config: TrainingConfig = { loss: compiled.losses.map((l) => l.name), metrics, optimizer_config };
  const lossObjects = compiled.losses.map(serializedLoss);
  if (lossObjects.some((l) => l !== null)) config.loss_config = lossObjects;
  if (compiled.lossWeights !== null) config.tinykeras_loss_weights = [...compiled.lossWeights];
  return config;
}

/** The metric classes with their Keras names: at its defaults, each is the same as its name. */
const METRIC_CLASSES = new Map<unknown, string>([
  [BinaryAccuracy, 'binary_accuracy'], [CategoricalAccuracy, 'categorical_accuracy'], [MeanAbsoluteErrorMetric, 'mean_absolute_error'], [MeanSquaredErrorMetric, 'mean_squared_error'],
]);

/**
 * Metrics are saved by name; a metric object is, when its name reads back as
 * the same metric: one of the metric classes, under its own Keras name, at its
 * default options.
 */
export function requireSavableMetric(metric: string | Metric): void {
  if (typeof metric === 'string') return;
  const byName = METRIC_CLASSES.get(metric.constructor) === metric.name && !(metric instanceof BinaryAccuracy && metric.threshold !== 0.5);
  if (!byName) {
    throw new ValueError(
      `save(): the metric '${metric.name}' cannot be written as a Keras metric name (a custom metric, name or threshold). Save with ` +
        `{ includeOptimizer: false } and compile the loaded model yourself. Received: metric=${metric.constructor.name}('${metric.name}')`,
    );
  }
}

/** The loss classes a file names by class, when their options make them more than their name. */
const LOSS_CLASSES = { SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy, Huber } as const;
type LossClassName = keyof typeof LOSS_CLASSES;

/** Keras's config keys of a loss's options, with each option's default (a loss at its defaults is saved by name). */
function lossOptions(loss: Loss): Record<string, number | boolean> {
  const options: Record<string, number | boolean> = {};
  if (loss instanceof SparseCategoricalCrossentropy || loss instanceof CategoricalCrossentropy || loss instanceof BinaryCrossentropy) {
    if (loss.fromLogits) options.from_logits = true;
  }
  if ((loss instanceof CategoricalCrossentropy || loss instanceof BinaryCrossentropy) && loss.labelSmoothing !== 0) {
    options.label_smoothing = loss.labelSmoothing;
  }
  if (loss instanceof Huber && loss.delta !== 1) options.delta = loss.delta;
  return options;
}

/** Keras's serialized object for a loss whose options differ from the defaults (its name alone would lose them), else null. */
export function serializedLoss(loss: Loss): { class_name: string; config: Record<string, unknown> } | null {
  // The exact class: a subclass may compute something else.
  const entry = Object.entries(LOSS_CLASSES).find(([, kind]) => loss.constructor === kind);
  const options = lossOptions(loss);
  if (!entry || Object.keys(options).length === 0) return null;
  return { class_name: entry[0], config: { name: loss.name, ...options, reduction: 'sum_over_batch_size' } };
}

/** The loss a trainingConfig names: a string, or a serialized loss { class_name, config: { from_logits, label_smoothing, delta } }. */
export function lossFrom(loss: unknown, where: string): string | Loss {
  // TF.js writes 'sparseCategoricalCrossentropy' where Keras writes 'sparse_categorical_crossentropy'.
  if (typeof loss === 'string') return toSnakeCase(loss);
  if (isObject(loss) && typeof loss.class_name === 'string' && Object.hasOwn(LOSS_CLASSES, loss.class_name) && isObject(loss.config ?? {})) {
    const config = (loss.config ?? {}) as Record<string, unknown>;
    const className = loss.class_name as LossClassName;
    try {
      if (className === 'Huber') return new Huber({ delta: (config.delta ?? 1) as number });
      if (className === 'SparseCategoricalCrossentropy') return new SparseCategoricalCrossentropy({ fromLogits: config.from_logits === true });
      return new LOSS_CLASSES[className]({ fromLogits: config.from_logits === true, labelSmoothing: (config.label_smoothing ?? 0) as number });
    } catch (error) {
      if (error instanceof ValueError) throw new ValueError(`${where}.loss: ${error.message}`, { cause: error });
      throw error;
    }
  }
  throw new ValueError(
    `${where}.loss: a loss is named by a string or a serialized ${Object.keys(LOSS_CLASSES).join(', ')}` +
      ' (a list or dict of them for a model of several outputs). ' +
      `Received: loss=${describeValue(loss)}`,
  );
}

/** The optimizer as Keras writes it: { class_name, config } with its getConfig() (Adam: learning_rate, beta_1, …). */
function optimizerConfig(optimizer: Optimizer): TrainingConfig['optimizer_config'] {
  // Registered classes only: a subclass may have changed the update rule.
  const serialized = serializeOptimizer(optimizer);
  if (serialized === null) {
    throw new ValueError(
      `save(): tinykeras can save the state of ${OPTIMIZER_CLASS_NAMES} only. Save with { includeOptimizer: false } to keep ` +
        `the model without its optimizer. Received: optimizer=${optimizer.constructor.name}`,
    );
  }
  return { class_name: serialized.className, config: serialized.config };
}

/** What `compile` takes, as read back from a trainingConfig. */
export interface SavedCompileArgs {
  optimizer: Optimizer;
  loss: string | Loss | (string | Loss)[] | Record<string, string | Loss>;
  metrics: string[] | string[][] | Record<string, string[]>;
  weightedMetrics?: string[];
  lossWeights?: number[] | Record<string, number>;
}

/**
 * What `compile` needs, read back from a trainingConfig. `source` names the
 * file in errors; `outputNames` the outputs of a model of several (null for one).
 */
export function compileArgsFrom(trainingConfig: unknown, source: string, outputNames: readonly string[] | null = null): SavedCompileArgs {
  const where = `${source}: trainingConfig`;
  if (!isObject(trainingConfig)) {
    throw new FileFormatError(source, `${where} must be an object { loss, metrics, optimizer_config }. Received: ${describeValue(trainingConfig)}`);
  }
  const { loss, loss_config: lossObject, metrics, weighted_metrics: weightedMetrics, optimizer_config: optimizer } = trainingConfig;
  const args: SavedCompileArgs = {
    optimizer: optimizerFrom(optimizer, `${where}.optimizer_config`, source),
    // A one-output model's loss may come as a list of one (Keras 2 writes what compile was given).
    loss: outputNames === null ? lossFrom(lossObject ?? (Array.isArray(loss) && loss.length === 1 ? loss[0] : loss), where) : perOutputLosses(loss, lossObject, where),
    metrics: metricsFrom(metrics ?? [], outputNames, where),
  };
  if (weightedMetrics !== undefined && weightedMetrics !== null) {
    const names = metricsFrom(weightedMetrics, null, `${where}.weighted_metrics`);
    args.weightedMetrics = names as string[];
  }
  const lossWeights = trainingConfig.tinykeras_loss_weights ?? trainingConfig.loss_weights;
  if (lossWeights !== undefined && lossWeights !== null) {
    const values = Array.isArray(lossWeights) ? lossWeights : isObject(lossWeights) ? Object.values(lossWeights) : [lossWeights];
    if (outputNames === null || !values.every((w) => typeof w === 'number')) {
      throw new ValueError(`${where}: loss weights are numbers, one per output of a model of several. Received: loss_weights=${describeValue(lossWeights)}`);
    }
    args.lossWeights = lossWeights as number[] | Record<string, number>;
  }
  return args;
}

/** Several outputs' losses: one for all, a list or a dict by output name, each a name or (in `loss_config`) Keras's object. */
function perOutputLosses(loss: unknown, lossObjects: unknown, where: string): SavedCompileArgs['loss'] {
  if (Array.isArray(loss)) {
    const objects = Array.isArray(lossObjects) && lossObjects.length === loss.length ? lossObjects : [];
    return loss.map((l, k) => lossFrom(objects[k] ?? l, `${where}.loss[${k}]`));
  }
  if (isObject(loss) && !Object.hasOwn(loss, 'class_name')) {
    return Object.fromEntries(Object.entries(loss).map(([name, l]) => [name, lossFrom(l, `${where}.loss.${name}`)]));
  }
  return lossFrom(lossObjects ?? loss, where);
}

/**
 * The metrics: a list of names (for several outputs, every output gets the
 * list, as TF.js reads it), or a dict by output name of a name or a list.
 */
function metricsFrom(metrics: unknown, outputNames: readonly string[] | null, where: string): SavedCompileArgs['metrics'] {
  const names = (value: unknown): string[] | null => {
    const list = typeof value === 'string' ? [value] : value;
    return Array.isArray(list) && list.every((m) => typeof m === 'string') ? list.map((m) => toSnakeCase(m)) : null;
  };
  const list = names(metrics);
  if (list !== null) return outputNames === null ? list : outputNames.map(() => list);
  if (outputNames !== null && isObject(metrics)) {
    const dict = Object.entries(metrics).map(([output, value]) => [output, names(value)] as const);
    if (dict.every(([, value]) => value !== null)) return Object.fromEntries(dict) as Record<string, string[]>;
  }
  throw new ValueError(
    `${where}.metrics must be a list of metric names${outputNames === null ? '' : ', or a dict of them by output name'}. Received: metrics=${describeValue(metrics)}`,
  );
}

export function optimizerFrom(optimizerConfig: unknown, where: string, source: string): Optimizer {
  if (!isObject(optimizerConfig) || typeof optimizerConfig.class_name !== 'string' || !isObject(optimizerConfig.config ?? {})) {
    throw new FileFormatError(source, `${where} must be an object { class_name, config }. Received: ${describeValue(optimizerConfig)}`);
  }
  const className = optimizerConfig.class_name;
  const config = (optimizerConfig.config ?? {}) as Record<string, unknown>;
  const optimizer = optimizerClass(className);
  rejectUnsupported(config, where, optimizer?.supportsWeightDecay === true);
  if (optimizer === undefined) {
    throw new ValueError(
      `${where}: tinykeras can restore the ${OPTIMIZER_CLASS_NAMES} optimizers. Load with { compile: false } to get the ` +
        `model without its optimizer. Received: class_name=${excerpt(className)}`,
    );
  }
  try {
    return optimizer.fromConfig(config);
  } catch (error) {
    if (error instanceof ValueError) throw new ValueError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Keras 3 options that change the update rule; loading without them would train differently. */
function rejectUnsupported(config: Record<string, unknown>, where: string, weightDecay: boolean): void {
  const active = [...(weightDecay ? [] : ['weight_decay']), 'clipnorm', 'clipvalue', 'global_clipnorm', 'amsgrad', 'use_ema'].filter(
    (key) => config[key] !== undefined && config[key] !== null && config[key] !== false,
  );
  if (active.length > 0) {
    throw new ValueError(
      `${where}: tinykeras's optimizers have no ${active.join(', ')}. ` +
        `Received: ${active.map((key) => `${key}=${describeValue(config[key])}`).join(', ')}`,
    );
  }
}
