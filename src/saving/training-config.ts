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
 * TF.js converts these snake_case keys to its own camelCase when it loads
 * (learning_rate → learningRate, beta_1 → beta1), and files TF.js writes use
 * camelCase already; reading accepts both spellings.
 */
import { describeValue, FileFormatError, ValueError, excerpt } from '../errors.js';
import { BinaryCrossentropy, CategoricalCrossentropy, Huber, LOSS_NAMES, SparseCategoricalCrossentropy, type Loss } from '../losses/index.js';
import { BinaryAccuracy, CategoricalAccuracy, MeanAbsoluteErrorMetric, type Metric } from '../losses/metrics.js';
import { toSnakeCase } from '../utils/registry.js';
import type { Optimizer } from '../optim/index.js';
import { OPTIMIZER_CLASS_NAMES, optimizerClass, serializeOptimizer } from '../optim/registry.js';
import type { CompileSettings } from '../training/compile.js';
import { isObject, type TrainingConfig } from './artifacts.js';

/** The trainingConfig of a compiled model. Throws a ValueError for settings that have no Keras name. */
export function trainingConfigOf(compiled: CompileSettings): TrainingConfig {
  const loss = compiled.loss.name;
  if (!LOSS_NAMES.includes(loss)) {
    throw new ValueError(
      `save(): the loss '${loss}' is a custom function, which a file cannot hold. Save with ` +
        `{ includeOptimizer: false } and compile the loaded model yourself. Received: loss=${describeValue(loss)}`,
    );
  }
  compiled.metricEntries.forEach(requireSavableMetric);
  const config: TrainingConfig = { loss, metrics: [...compiled.metricNames], optimizer_config: optimizerConfig(compiled.optimizer) };
  const lossObject = serializedLoss(compiled.loss);
  if (lossObject !== null) config.loss_config = lossObject;
  return config;
}

/** The metric classes with their Keras names: at its defaults, each is the same as its name. */
const METRIC_CLASSES = new Map<unknown, string>([
  [BinaryAccuracy, 'binary_accuracy'], [CategoricalAccuracy, 'categorical_accuracy'], [MeanAbsoluteErrorMetric, 'mean_absolute_error'],
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
    `${where}.loss: tinykeras models have one output and one loss, named by a string or a serialized ` +
      `${Object.keys(LOSS_CLASSES).join(', ')}. Received: loss=${describeValue(loss)}`,
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

/** What `compile` needs, read back from a trainingConfig. `source` names the file in errors. */
export function compileArgsFrom(trainingConfig: unknown, source: string): { optimizer: Optimizer; loss: string | Loss; metrics: string[] } {
  const where = `${source}: trainingConfig`;
  if (!isObject(trainingConfig)) {
    throw new FileFormatError(source, `${where} must be an object { loss, metrics, optimizer_config }. Received: ${describeValue(trainingConfig)}`);
  }
  const { loss, loss_config: lossObject, metrics, optimizer_config: optimizer } = trainingConfig;
  const lossValue = lossFrom(lossObject ?? loss, where);
  const metricList = metrics ?? [];
  if (!Array.isArray(metricList) || !metricList.every((m) => typeof m === 'string')) {
    throw new ValueError(`${where}.metrics must be a list of metric names. Received: metrics=${describeValue(metrics)}`);
  }
  return {
    optimizer: optimizerFrom(optimizer, `${where}.optimizer_config`, source),
    loss: lossValue,
    metrics: metricList.map((m) => toSnakeCase(m as string)),
  };
}

export function optimizerFrom(optimizerConfig: unknown, where: string, source: string): Optimizer {
  if (!isObject(optimizerConfig) || typeof optimizerConfig.class_name !== 'string' || !isObject(optimizerConfig.config ?? {})) {
    throw new FileFormatError(source, `${where} must be an object { class_name, config }. Received: ${describeValue(optimizerConfig)}`);
  }
  const className = optimizerConfig.class_name;
  const config = (optimizerConfig.config ?? {}) as Record<string, unknown>;
  rejectUnsupported(config, where);
  const optimizer = optimizerClass(className);
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
function rejectUnsupported(config: Record<string, unknown>, where: string): void {
  const active = ['weight_decay', 'clipnorm', 'clipvalue', 'global_clipnorm', 'amsgrad', 'use_ema'].filter(
    (key) => config[key] !== undefined && config[key] !== null && config[key] !== false,
  );
  if (active.length > 0) {
    throw new ValueError(
      `${where}: tinykeras's optimizers have no ${active.join(', ')}. ` +
        `Received: ${active.map((key) => `${key}=${describeValue(config[key])}`).join(', ')}`,
    );
  }
}
