/**
 * AdamW (Loshchilov & Hutter, 2019, "Decoupled Weight Decay
 * Regularization"), as Keras 3 defines it: Adam whose every step first
 * decays each weight, then applies Adam's update (adam.ts):
 *
 *     θ ← θ − (θ·wd)·lr          wd = 0.004 by default (weight-decay.ts)
 *     then Adam's step on θ with the same lr
 *
 * in float32 as Keras computes it.
 */
import { Adam, type AdamOptions } from './adam.js';
import { learningRateFromConfig, numberFromConfig, optimizerOptions, type OptimizerConfig } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';
import { checkedWeightDecay, weightDecayFromConfig } from './weight-decay.js';
import { kernels } from '../tensor/kernels/index.js';
import { describeValue, ValueError } from '../errors.js';

export interface AdamWOptions extends AdamOptions {
  /** The fraction wd of lr·θ taken off each weight before each update; 0.004 by default. */
  weightDecay?: number;
}

export class AdamW extends Adam {
  static override readonly className: string = 'AdamW';
  static readonly supportsWeightDecay = true;
  override readonly name: string = 'adamw';
  readonly weightDecay: number;

  /** Keras's defaults: lr 0.001, weight decay 0.004, β₁ 0.9, β₂ 0.999, ε 1e-7. */
  constructor(args: AdamWOptions | number | LearningRateSchedule = {}) {
    const { weightDecay, ...adam } = optimizerOptions('AdamW', args, ['learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon']);
    super(adam, 'AdamW');
    const wd = checkedWeightDecay('AdamW', weightDecay, 0.004);
    // Keras: "Argument `weight_decay` must be a float" for AdamW.
    if (wd === null) throw new ValueError(`AdamW: weightDecay must be a number. Received: weightDecay=${describeValue(weightDecay)}`);
    this.weightDecay = wd;
  }

  override updateRange(g: Float32Array, theta: Float32Array, state: readonly Float32Array[], t: number, start: number, end: number): void {
    kernels.decayWeights(theta, start, end, this.learningRate, this.weightDecay);
    super.updateRange(g, theta, state, t, start, end);
  }

  override getConfig(): OptimizerConfig {
    const { learning_rate, ...adam } = super.getConfig();
    return { learning_rate: learning_rate!, weight_decay: this.weightDecay, ...adam };
  }

  /** An AdamW from its config, under Keras's keys or TF.js's spellings. */
  static override fromConfig(config: Readonly<Record<string, unknown>>): AdamW {
    return new AdamW({
      learningRate: learningRateFromConfig(config),
      weightDecay: weightDecayFromConfig(config) ?? undefined,
      beta1: numberFromConfig(config, 'beta_1', 'beta1'),
      beta2: numberFromConfig(config, 'beta_2', 'beta2'),
      epsilon: numberFromConfig(config, 'epsilon'),
    });
  }
}
