/**
 * Adagrad (Duchi, Hazan & Singer, 2011, "Adaptive Subgradient Methods"), as
 * Keras 3 computes it: each weight's step shrinks with the sum s of its
 * squared gradients so far (s starts at initialAccumulatorValue, 0.1):
 *
 *     s ← s + g²
 *     θ ← θ − lr·g / √(s + ε)
 *
 * in float32 as Keras computes it (src/tensor/kernels/adaptive-optimizers.ts),
 * after the weight decay, if any (weight-decay.ts).
 */
import { learningRateFromConfig, numberFromConfig, Optimizer, optimizerOptions, type OptimizerConfig } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';
import { checkedWeightDecay, weightDecayFromConfig } from './weight-decay.js';
import { kernels } from '../tensor/kernels/index.js';
import { describeValue, ValueError } from '../errors.js';

export interface AdagradOptions {
  /** A number, or a schedule of the step count (optimizers.schedules). */
  learningRate?: number | LearningRateSchedule;
  /** Where each weight's sum of squared gradients starts; 0.1 by default. */
  initialAccumulatorValue?: number;
  epsilon?: number;
  /** Decoupled weight decay, or null (the default) for none. */
  weightDecay?: number | null;
}

export class Adagrad extends Optimizer {
  static readonly className = 'Adagrad';
  static readonly supportsWeightDecay = true;
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  readonly weightDecay: number | null;

  /** Keras's defaults: lr 0.001, initial accumulator 0.1, ε 1e-7. */
  constructor(args: AdagradOptions | number | LearningRateSchedule = {}) {
    const options = optimizerOptions('Adagrad', args, ['learningRate', 'initialAccumulatorValue', 'epsilon', 'weightDecay']);
    super(options.learningRate ?? 0.001, 'Adagrad');
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    this.epsilon = options.epsilon ?? 1e-7;
    this.weightDecay = checkedWeightDecay('Adagrad', options.weightDecay, null);
    if (!(typeof this.initialAccumulatorValue === 'number' && Number.isFinite(this.initialAccumulatorValue) && this.initialAccumulatorValue >= 0)) {
      throw new ValueError(`Adagrad: initialAccumulatorValue must be a non-negative number. Received: initialAccumulatorValue=${describeValue(this.initialAccumulatorValue)}`);
    }
    if (!(typeof this.epsilon === 'number' && this.epsilon >= 0)) throw new ValueError(`Adagrad: epsilon must be non-negative. Received: epsilon=${describeValue(this.epsilon)}`);
  }

  get slotCount(): number {
    return 1;
  }

  override get slotNames(): readonly string[] {
    return ['accumulator'];
  }

  override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  updateRange(g: Float32Array, theta: Float32Array, state: readonly Float32Array[], _t: number, start: number, end: number): void {
    if (this.weightDecay !== null) kernels.decayWeights(theta, start, end, this.learningRate, this.weightDecay);
    kernels.adagradUpdate(g, theta, state[0]!, start, end, this.learningRate, this.epsilon);
  }

  override getConfig(): OptimizerConfig {
    return { learning_rate: this.learningRateConfig(), weight_decay: this.weightDecay, initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  /** An Adagrad from its config, under Keras's keys or TF.js's spellings. */
  static fromConfig(config: Readonly<Record<string, unknown>>): Adagrad {
    return new Adagrad({
      learningRate: learningRateFromConfig(config),
      weightDecay: weightDecayFromConfig(config),
      initialAccumulatorValue: numberFromConfig(config, 'initial_accumulator_value', 'initialAccumulatorValue'),
      epsilon: numberFromConfig(config, 'epsilon'),
    });
  }
}
