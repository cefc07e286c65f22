/**
 * RMSprop (Hinton, 2012, lecture 6e of "Neural Networks for Machine
 * Learning"), as Keras 3 computes it: divide the gradient by a running
 * root-mean-square of recent gradients, with velocity v (and, optionally,
 * the running mean a of the gradient, and momentum p):
 *
 *     v ← ρ·v + (1 − ρ)·g²
 *     Δ ← lr·g / √(v + ε)                     centered: a ← ρ·a + (1 − ρ)·g;  Δ ← lr·g / √(v − a² + ε)
 *     θ ← θ − Δ                               momentum μ: p ← μ·p + Δ;  θ ← θ − p
 *
 * in float32 as Keras computes it (src/tensor/kernels/adaptive-optimizers.ts),
 * after the weight decay, if any (weight-decay.ts).
 */
import { learningRateFromConfig, numberFromConfig, Optimizer, optimizerOptions, type OptimizerConfig } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';
import { checkedWeightDecay, weightDecayFromConfig } from './weight-decay.js';
import { kernels } from '../tensor/kernels/index.js';
import { optionalBoolean } from '../utils/options.js';
import { describeValue, ValueError } from '../errors.js';

export interface RMSpropOptions {
  /** A number, or a schedule of the step count (optimizers.schedules). */
  learningRate?: number | LearningRateSchedule;
  /** ρ, the discounting factor of the running mean of g². */
  rho?: number;
  momentum?: number;
  epsilon?: number;
  /** Divide by the estimated variance of the gradient (v − a²) rather than by v. */
  centered?: boolean;
  /** Decoupled weight decay, or null (the default) for none. */
  weightDecay?: number | null;
}

export class RMSprop extends Optimizer {
  static readonly className = 'RMSprop';
  static readonly supportsWeightDecay = true;
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  readonly weightDecay: number | null;

  /** Keras's defaults: lr 0.001, ρ 0.9, momentum 0, ε 1e-7, not centered. */
  constructor(args: RMSpropOptions | number | LearningRateSchedule = {}) {
    const options = optimizerOptions('RMSprop', args, ['learningRate', 'rho', 'momentum', 'epsilon', 'centered', 'weightDecay']);
    super(options.learningRate ?? 0.001, 'RMSprop');
    optionalBoolean('RMSprop', 'centered', options.centered);
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
    this.weightDecay = checkedWeightDecay('RMSprop', options.weightDecay, null);
    if (!(typeof this.rho === 'number' && this.rho >= 0 && this.rho < 1)) throw new ValueError(`RMSprop: rho must be in [0, 1). Received: rho=${describeValue(this.rho)}`);
    if (!(typeof this.momentum === 'number' && this.momentum >= 0 && this.momentum <= 1)) throw new ValueError(`RMSprop: momentum must be in [0, 1]. Received: momentum=${describeValue(this.momentum)}`);
    if (!(typeof this.epsilon === 'number' && this.epsilon >= 0)) throw new ValueError(`RMSprop: epsilon must be non-negative. Received: epsilon=${describeValue(this.epsilon)}`);
  }

  get slotCount(): number {
    return this.slotNames.length;
  }

  /** Keras's optimizer variables, in its order: velocity, then momentum (μ > 0), then average_gradient (centered). */
  override get slotNames(): readonly string[] {
    return ['velocity', ...(this.momentum > 0 ? ['momentum'] : []), ...(this.centered ? ['average_gradient'] : [])];
  }

  updateRange(g: Float32Array, theta: Float32Array, state: readonly Float32Array[], _t: number, start: number, end: number): void {
    if (this.weightDecay !== null) kernels.decayWeights(theta, start, end, this.learningRate, this.weightDecay);
    const momentum = this.momentum > 0 ? state[1]! : null;
    const average = this.centered ? state[momentum ? 2 : 1]! : null;
    kernels.rmspropUpdate(g, theta, state[0]!, momentum, average, start, end, this.learningRate, this.rho, this.momentum, this.epsilon);
  }

  override getConfig(): OptimizerConfig {
    return { learning_rate: this.learningRateConfig(), weight_decay: this.weightDecay, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  /** An RMSprop from its config, under Keras's keys or TF.js's spellings (learningRate, decay is TF.js's ρ). */
  static fromConfig(config: Readonly<Record<string, unknown>>): RMSprop {
    return new RMSprop({
      learningRate: learningRateFromConfig(config),
      weightDecay: weightDecayFromConfig(config),
      rho: numberFromConfig(config, 'rho', 'decay'),
      momentum: numberFromConfig(config, 'momentum'),
      epsilon: numberFromConfig(config, 'epsilon'),
      centered: config.centered === true,
    });
  }
}
