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
 * TF.js converts these snake_case keys to its own camelCase when it loads
 * (learning_rate → learningRate, beta_1 → beta1), and files TF.js writes use
 * camelCase already; reading accepts both spellings.
 */
import { describeValue, FileFormatError, ValueError } from '../errors.js';
import { LOSS_NAMES } from '../losses/index.js';
import { toSnakeCase } from '../layers/naming.js';
import { Adam, SGD, type Optimizer } from '../optim/index.js';
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
  return { loss, metrics: [...compiled.metricNames], optimizer_config: optimizerConfig(compiled.optimizer) };
}

function optimizerConfig(optimizer: Optimizer): TrainingConfig['optimizer_config'] {
  // Exact classes only: a subclass may have changed the update rule.
  if (optimizer.constructor === Adam) {
    const { learningRate, beta1, beta2, epsilon } = optimizer as Adam;
    return { class_name: 'Adam', config: { learning_rate: learningRate, beta_1: beta1, beta_2: beta2, epsilon } };
  }
  if (optimizer.constructor === SGD) {
    const { learningRate, momentum, nesterov } = optimizer as SGD;
    return { class_name: 'SGD', config: { learning_rate: learningRate, momentum, nesterov } };
  }
  throw new ValueError(
    `save(): tinykeras can save the state of Adam and SGD only. Save with { includeOptimizer: false } to keep ` +
      `the model without its optimizer. Received: optimizer=${optimizer.constructor.name}`,
  );
}

/** What `compile` needs, read back from a trainingConfig. `source` names the file in errors. */
export function compileArgsFrom(trainingConfig: unknown, source: string): { optimizer: Optimizer; loss: string; metrics: string[] } {
  const where = `${source}: trainingConfig`;
  if (!isObject(trainingConfig)) {
    throw new FileFormatError(source, `${where} must be an object { loss, metrics, optimizer_config }. Received: ${describeValue(trainingConfig)}`);
  }
  const { loss, metrics, optimizer_config: optimizer } = trainingConfig;
  if (typeof loss !== 'string') {
    throw new ValueError(`${where}.loss: tinykeras models have one output and one loss, named by a string. Received: loss=${describeValue(loss)}`);
  }
  const metricList = metrics ?? [];
  if (!Array.isArray(metricList) || !metricList.every((m) => typeof m === 'string')) {
    throw new ValueError(`${where}.metrics must be a list of metric names. Received: metrics=${describeValue(metrics)}`);
  }
  return {
    optimizer: optimizerFrom(optimizer, `${where}.optimizer_config`, source),
    // TF.js writes 'sparseCategoricalCrossentropy' where Keras writes 'sparse_categorical_crossentropy'.
    loss: toSnakeCase(loss),
    metrics: metricList.map((m) => toSnakeCase(m as string)),
  };
}

function optimizerFrom(optimizerConfig: unknown, where: string, source: string): Optimizer {
  if (!isObject(optimizerConfig) || typeof optimizerConfig.class_name !== 'string' || !isObject(optimizerConfig.config ?? {})) {
    throw new FileFormatError(source, `${where} must be an object { class_name, config }. Received: ${describeValue(optimizerConfig)}`);
  }
  const className = optimizerConfig.class_name;
  const config = (optimizerConfig.config ?? {}) as Record<string, unknown>;
  /** The number under either spelling of a key; undefined when absent, so the constructor's default applies. */
  const number = (...keys: string[]): number | undefined => {
    const key = keys.find((k) => config[k] !== undefined && config[k] !== null);
    if (key === undefined) return undefined;
    if (typeof config[key] !== 'number') {
      throw new ValueError(`${where}.config.${key} must be a number (a schedule cannot be loaded). Received: ${key}=${describeValue(config[key])}`);
    }
    return config[key] as number;
  };
  rejectUnsupported(config, where);
  switch (className.toLowerCase()) {
    case 'adam':
      return new Adam({
        learningRate: number('learning_rate', 'learningRate', 'lr'),
        beta1: number('beta_1', 'beta1'),
        beta2: number('beta_2', 'beta2'),
        epsilon: number('epsilon'),
      });
    case 'sgd':
      return new SGD({
        learningRate: number('learning_rate', 'learningRate', 'lr'),
        momentum: number('momentum'),
        nesterov: config.nesterov === true,
      });
    default:
      throw new ValueError(
        `${where}: tinykeras can restore the Adam and SGD optimizers. Load with { compile: false } to get the ` +
          `model without its optimizer. Received: class_name='${className}'`,
      );
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
