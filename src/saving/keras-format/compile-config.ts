/**
 * compile()'s settings as Keras files hold them, both ways:
 *
 *     Keras 3 (.keras config.json, "compile_config")
 *       { optimizer: { module: 'keras.optimizers', class_name: 'Adam', config: { name: 'adam', learning_rate, beta_1, … },
 *                      registered_name: null },
 *         loss: 'mse' | { module: 'keras.losses', class_name, config } | [one per output] | { output: loss },
 *         loss_weights: null | [w, …] | { output: w }, metrics: null | [metrics] | [[metrics per output]] | { output: metrics },
 *         weighted_metrics: the same, run_eagerly: false, steps_per_execution: 1, jit_compile: false }
 *       where a metric is a name ('accuracy') or a metric object as Keras serializes it,
 *       { module: 'keras.metrics', class_name: 'AUC', config: { name: 'auc', num_thresholds: 50, … }, registered_name: null }
 *
 *     Keras 2 and legacy .h5 ("training_config")
 *       { loss, metrics, loss_weights, optimizer_config: { class_name: 'Adam', config: { … } } }
 *
 * Single losses and optimizers are read and written by training-config.ts
 * (TF.js's trainingConfig has the same pieces); this file adds the Keras 3
 * envelope and several outputs. Keras keeps the learning rate as a float32
 * variable, so it writes 0.01 as 0.009999999776482582; so does this file.
 */
import { describeValue, FileFormatError, ValueError } from '../../errors.js';
import type { Loss } from '../../losses/index.js';
import { LOSS_NAMES } from '../../losses/index.js';
import type { Optimizer } from '../../optim/index.js';
import { Adam } from '../../optim/adam.js';
import type { CompileArgs, CompileSettings } from '../../training/compile.js';
import { toSnakeCase } from '../../utils/registry.js';
import { isObject } from '../artifacts.js';
import { lossFrom, optimizerFrom, serializedLoss } from '../training-config.js';
import { METRIC_CLASSES, metricClassName } from '../../losses/metrics.js';
import type { Metric } from '../../losses/metric.js';
import { OPTIMIZER_CLASS_NAMES, serializeOptimizer } from '../../optim/registry.js';

/** Keras 3's keys of every optimizer's config, at their defaults, before each class's own. */
const OPTIMIZER_BASE_CONFIG = {
  weight_decay: null,
  clipnorm: null,
  global_clipnorm: null,
  clipvalue: null,
  use_ema: false,
  ema_momentum: 0.99,
  ema_overwrite_frequency: null,
  loss_scale_factor: null,
  gradient_accumulation_steps: null,
};

/**
 * compile()'s arguments from a Keras 3 compile_config or a Keras 2
 * training_config; `outputNames` are the model's (null for a Sequential).
 * A loss, metric or optimizer tinykeras lacks is a ValueError naming it.
 */
export function compileArgsFromKeras(config: unknown, source: string, outputNames: readonly string[] | null): CompileArgs {
  const where = `${source}: compile_config`;
  if (!isObject(config)) throw new FileFormatError(source, `${where} must be an object. Received: ${describeValue(config)}`);
  // Keras 3 names the optimizer by 'optimizer' (an object, or a name such as 'adam'); Keras 2 by 'optimizer_config'.
  const optimizerEntry = config.optimizer_config ?? config.optimizer;
  const optimizer = typeof optimizerEntry === 'string' ? optimizerFrom({ class_name: optimizerEntry, config: {} }, `${where}.optimizer`, source) : optimizerFrom(optimizerEntry, `${where}.optimizer`, source);
  if (config.loss === undefined || config.loss === null) throw new ValueError(`${where}: the model was compiled without a loss, which tinykeras needs to train. Load with { compile: false }.`);
  const loss = perOutput(config.loss, kerasLossFrom, `${where}.loss`, outputNames);
  const args: CompileArgs = { optimizer, loss: loss as CompileArgs['loss'] };
  const weights = config.loss_weights;
  if (weights !== undefined && weights !== null) {
    const ok = (Array.isArray(weights) && weights.every((w) => typeof w === 'number')) || (isObject(weights) && Object.values(weights).every((w) => typeof w === 'number'));
    if (!ok) throw new FileFormatError(source, `${where}.loss_weights must be a list or dict of numbers. Received: ${describeValue(weights)}`);
    // Keras writes [w] for a model of one output, where compile() takes no weight at all but 1.
    if (outputNames !== null) args.lossWeights = weights as CompileArgs['lossWeights'];
    else if (!(Array.isArray(weights) && weights.length === 1 && weights[0] === 1)) {
      throw new ValueError(`${where}: loss_weights scale the losses of several outputs; this model has one. Received: loss_weights=${describeValue(weights)}`);
    }
  }
  const metrics = config.metrics;
  if (metrics !== undefined && metrics !== null) args.metrics = metricsFrom(metrics, `${where}.metrics`) as CompileArgs['metrics'];
  const weightedMetrics = config.weighted_metrics;
  if (weightedMetrics !== undefined && weightedMetrics !== null) args.weightedMetrics = metricsFrom(weightedMetrics, `${where}.weighted_metrics`) as CompileArgs['weightedMetrics'];
  return args;
}

/** One value per output, or one for all: a list mapped entry by entry, a dict value by value, else `read` once. */
function perOutput<T>(value: unknown, read: (v: unknown, where: string) => T, where: string, outputNames: readonly string[] | null): T | T[] | Record<string, T> {
  if (Array.isArray(value)) {
    const list = value.map((v, i) => read(v, `${where}[${i}]`));
    // A Sequential takes one loss; Keras writes it as a list of one at times.
    return outputNames === null && list.length === 1 ? list[0]! : list;
  }
  if (isObject(value) && !('class_name' in value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, read(v, `${where}.${k}`)]));
  return read(value, where);
}

/** A loss by name or serialized object; an object of a class with no options here (MeanSquaredError) stands for its name. */
function kerasLossFrom(loss: unknown, where: string): string | Loss {
  const functionName = builtinFunctionName(loss);
  if (functionName !== undefined) return lossFrom(functionName, where);
  try {
    return lossFrom(loss, where);
  } catch (error) {
    const name = isObject(loss) && typeof loss.class_name === 'string' ? toSnakeCase(loss.class_name) : undefined;
    if (name !== undefined && LOSS_NAMES.includes(name)) return name;
    throw error;
  }
}

/**
 * The name of a Keras function given as a loss or metric
 * (`loss=keras.losses.sparse_categorical_crossentropy`), which Keras 3
 * writes as { module: 'builtins', class_name: 'function', config: name }; else undefined.
 */
function builtinFunctionName(value: unknown): string | undefined {
  return isObject(value) && value.class_name === 'function' && typeof value.config === 'string' ? value.config : undefined;
}

/**
 * Metrics: names, and serialized metric objects, rebuilt with their config
 * by their class's fromConfig (losses/metrics.ts's METRIC_CLASSES); in lists
 * per output or dicts by output. A class tinykeras lacks is a ValueError naming it.
 */
function metricsFrom(value: unknown, where: string): unknown {
  const one = (m: unknown, at: string): string | Metric => {
    if (typeof m === 'string') return m;
    const functionName = builtinFunctionName(m);
    if (functionName !== undefined) return functionName;
    if (isObject(m) && typeof m.class_name === 'string') {
      const cls = METRIC_CLASSES[m.class_name];
      if (cls === undefined) {
        throw new ValueError(`${at}: tinykeras has no metric class '${m.class_name}'. It has ${Object.keys(METRIC_CLASSES).join(', ')}. Load with { compile: false } and compile the model yourself.`);
      }
      return cls.fromConfig(isObject(m.config) ? m.config : {});
    }
    throw new ValueError(`${at}: a metric is a name or a serialized Keras metric. Received: ${describeValue(m)}`);
  };
  const list = (v: unknown, at: string): (string | Metric)[] | string | Metric => (Array.isArray(v) ? v.map((m, i) => one(m, `${at}[${i}]`)) : one(v, at));
  if (Array.isArray(value)) return value.map((v, i) => (Array.isArray(v) ? list(v, `${where}[${i}]`) : one(v, `${where}[${i}]`)));
  if (isObject(value) && !('class_name' in value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, list(v, `${where}.${k}`)]));
  return [one(value, where)];
}

/** A metric as Keras 3 serializes it: a name stays a name; a metric object is its class and config. */
function kerasMetric(metric: string | Metric): string | Record<string, unknown> {
  if (typeof metric === 'string') return metric;
  const className = metricClassName(metric);
  if (className === null || metric.getConfig === undefined) {
    throw new ValueError(
      `save(): the metric '${metric.name}' is made from a function of yours, which no Keras file can hold. Save with ` +
        '{ includeOptimizer: false } and compile the loaded model yourself.',
    );
  }
  return { module: 'keras.metrics', class_name: className, config: metric.getConfig(), registered_name: null };
}

/** Keras 3's compile_config of a compiled model; a ValueError for a custom loss, metric or optimizer, which no file can hold. */
export function kerasCompileConfig(compiled: CompileSettings): Record<string, unknown> {
  const losses = compiled.losses.map(kerasLoss);
  const several = compiled.outputNames !== null && compiled.outputNames.length > 1;
  const perOutput = compiled.metricsPerOutput;
  /** One list per output (several outputs), or the one output's list; null when there are none. */
  const listed = (which: 'metrics' | 'weightedMetrics') => {
    const lists = perOutput.map((o) => o[which].map(kerasMetric));
    return lists.every((l) => l.length === 0) ? null : several ? lists : lists[0]!;
  };
  return {
    optimizer: kerasOptimizer(compiled.optimizer),
    loss: several ? losses : losses[0]!,
    loss_weights: compiled.lossWeights === null ? null : [...compiled.lossWeights],
    metrics: listed('metrics'),
    weighted_metrics: listed('weightedMetrics'),
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** The training_config of a legacy .h5 file: the same pieces, the optimizer as { class_name, config } under optimizer_config. */
export function kerasTrainingConfig(compiled: CompileSettings): Record<string, unknown> {
  const { optimizer, ...rest } = kerasCompileConfig(compiled);
  const { class_name: className, config } = optimizer as { class_name: string; config: unknown };
  return { ...rest, optimizer_config: { class_name: className, config } };
}

/** A loss by its Keras name, or as Keras 3's serialized object when its options differ from the defaults. */
function kerasLoss(loss: Loss): unknown {
  if (!LOSS_NAMES.includes(loss.name)) {
    throw new ValueError(`save(): the loss '${loss.name}' is a custom function, which a file cannot hold. Save with { includeOptimizer: false } and compile the loaded model yourself.`);
  }
  const object = serializedLoss(loss);
  return object === null ? loss.name : { module: 'keras.losses', class_name: object.class_name, config: object.config, registered_name: null };
}

/** The optimizer as Keras 3 serializes it. */
function kerasOptimizer(optimizer: Optimizer): Record<string, unknown> {
  const serialized = serializeOptimizer(optimizer);
  if (serialized === null) {
    throw new ValueError(
      `save(): tinykeras can save the ${OPTIMIZER_CLASS_NAMES} optimizers. Save with { includeOptimizer: false } to keep the model without its optimizer. ` +
        `Received: optimizer=${optimizer.constructor.name}`,
    );
  }
  const { learning_rate: rate, ...own } = serialized.config;
  // Keras's SGD wants momentum a Python float, and JSON writes 0 as an integer: left out, it is Keras's default 0.0.
  if (own.momentum === 0) delete own.momentum;
  return {
    module: 'keras.optimizers',
    class_name: serialized.className,
    config: {
      name: serialized.className.toLowerCase(),
      // Keras keeps the rate in a float32 variable.
      learning_rate: Math.fround(rate as number),
      ...OPTIMIZER_BASE_CONFIG,
      ...own,
      ...(optimizer instanceof Adam ? { amsgrad: false } : {}),
    },
    registered_name: null,
  };
}
