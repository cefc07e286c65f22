/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as Keras
 * writes it, with velocity m (starting at 0):
 *
 *     no momentum:  θ ← θ − lr·g
 *     momentum μ:   m ← μm − lr·g;   θ ← θ + m
 *     Nesterov:     m ← μm − lr·g;   θ ← θ + μm − lr·g
 *
 * in float32, operation by operation, with lr and μ rounded to float32, as
 * Keras computes it for float32 weights (src/tensor/kernels/optimizers.ts).
 */
import { learningRateFromConfig, numberFromConfig, Optimizer, optimizerOptions, type OptimizerConfig } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';
import { kernels } from '../tensor/kernels/index.js';
import { optionalBoolean } from '../utils/options.js';
import { describeValue, ValueError } from '../errors.js';

export interface SGDOptions {
  /** A number, or a schedule of the step count (optimizers.schedules). */
  learningRate?: number | LearningRateSchedule;
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  /** The Keras class name, in saved files and the optimizer registry (src/optim/index.ts). */
  static readonly className = 'SGD';
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;

  /** Keras's defaults: lr 0.01, no momentum. */
  constructor(args: SGDOptions | number | LearningRateSchedule = {}) {
    const options = optimizerOptions('SGD', args, ['learningRate', 'momentum', 'nesterov']);
    super(options.learningRate ?? 0.01, 'SGD');
    optionalBoolean('SGD', 'nesterov', options.nesterov);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(typeof this.momentum === 'number' && this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`SGD: momentum must be in [0, 1]. Received: momentum=${describeValue(this.momentum)}`);
    }
  }

  get slotCount(): number {
    return this.momentum > 0 ? 1 : 0;
  }

  override get slotNames(): readonly string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  updateRange(g: Float32Array, theta: Float32Array, state: readonly Float32Array[], _step: number, start: number, end: number): void {
    kernels.sgdUpdate(g, theta, state[0] ?? null, start, end, this.learningRate, this.momentum, this.nesterov);
  }

  override getConfig(): OptimizerConfig {
    return { learning_rate: this.learningRateConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }

  /** An SGD from its config, under Keras's keys or TF.js's spellings (learningRate). */
  static fromConfig(config: Readonly<Record<string, unknown>>): SGD {
    return new SGD({
      learningRate: learningRateFromConfig(config),
      momentum: numberFromConfig(config, 'momentum'),
      nesterov: config.nesterov === true,
    });
  }
}
