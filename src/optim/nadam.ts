/**
 * Nadam (Dozat, 2016, "Incorporating Nesterov Momentum into Adam"), as
 * Keras 3 computes it: Adam's moments m and v, with a Nesterov look-ahead
 * whose momentum β₁ is warmed up by a schedule u_t and a running product of
 * it (Keras's `u_product`, the "momentum cache"):
 *
 *     u_t = β₁ · (1 − ½ · 0.96ᵗ)          Π_t = u₁ · u₂ · … · u_t
 *     m ← m + (g − m)(1 − β₁)              v ← v + (g² − v)(1 − β₂)
 *     m̂ = u_{t+1} · m / (1 − Π_{t+1}) + (1 − u_t) · g / (1 − Π_t)
 *     v̂ = v / (1 − β₂ᵗ)
 *     θ ← θ − m̂ · lr / (√v̂ + ε)
 *
 * in float32 as Keras computes it (src/tensor/kernels/adaptive-optimizers.ts).
 * Keras keeps Π_t as an optimizer variable, multiplied once per step; here
 * it is computed from the step count t the same way, product by product in
 * float32, so it needs no saving and every thread finds the same value.
 */
import { learningRateFromConfig, numberFromConfig, Optimizer, optimizerOptions, type OptimizerConfig } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';
import { checkedWeightDecay, weightDecayFromConfig } from './weight-decay.js';
import { kernels, type NadamScalars } from '../tensor/kernels/index.js';
import { describeValue, ValueError } from '../errors.js';

const f32 = Math.fround;

export interface NadamOptions {
  /** A number, or a schedule of the step count (optimizers.schedules). */
  learningRate?: number | LearningRateSchedule;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay, or null (the default) for none. */
  weightDecay?: number | null;
}

export class Nadam extends Optimizer {
  static readonly className = 'Nadam';
  static readonly supportsWeightDecay = true;
  readonly name = 'nadam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number | null;
  /** Π_t for t = productStep, advanced one factor per step (Keras's u_product). */
  private productStep = 0;
  private product = 1;
  /** The scalars of step `scalarsStep`, computed once per step and reused by every variable. */
  private scalarsStep = -1;
  private readonly scalars: NadamScalars = { uNext: 0, oneMinusProductNext: 0, oneMinusU: 0, oneMinusProduct: 0, oneMinusBeta2Power: 0 };

  /** Keras's defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7. */
  constructor(args: NadamOptions | number | LearningRateSchedule = {}) {
    const options = optimizerOptions('Nadam', args, ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay']);
    super(options.learningRate ?? 0.001, 'Nadam');
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.weightDecay = checkedWeightDecay('Nadam', options.weightDecay, null);
    for (const [key, value] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(typeof value === 'number' && value >= 0 && value < 1)) throw new ValueError(`Nadam: ${key} must be in [0, 1). Received: ${key}=${describeValue(value)}`);
    }
    if (!(typeof this.epsilon === 'number' && this.epsilon >= 0)) throw new ValueError(`Nadam: epsilon must be non-negative. Received: epsilon=${describeValue(this.epsilon)}`);
  }

  get slotCount(): number {
    return 2;
  }

  /** Keras's names: momentum (m) and velocity (v). */
  override get slotNames(): readonly string[] {
    return ['momentum', 'velocity'];
  }

  /** Keras's u_product after the steps taken, Π_t for t = iterations, which Keras stores after the slots. */
  override kerasTrailingScalars(): readonly number[] {
    return [this.productAt(this.iterations)];
  }

  /** u_t = β₁ · (1 − ½ · 0.96ᵗ), in float32. */
  private u(t: number): number {
    return f32(f32(this.beta1) * f32(1 - f32(0.5 * f32(f32(0.96) ** t))));
  }

  /**
   * Π_t, multiplied factor by factor as Keras's u_product is, once per step:
   * Π_t = (Π_{t−1} · β₁) · (1 − ½ · 0.96ᵗ), in that order. Steps go forward
   * one at a time; a step count that went back (a loaded state) restarts from Π₀ = 1.
   */
  private productAt(t: number): number {
    if (t < this.productStep) {
      this.productStep = 0;
      this.product = 1;
    }
    const beta1 = f32(this.beta1);
    while (this.productStep < t) {
      const k = ++this.productStep;
      this.product = f32(f32(this.product * beta1) * f32(1 - f32(0.5 * f32(f32(0.96) ** k))));
    }
    return this.product;
  }

  /** The scalars of step t (computed once per step). */
  stepScalars(t: number): Readonly<NadamScalars> {
    if (t !== this.scalarsStep) {
      const s = this.scalars;
      const product = this.productAt(t);
      const uNext = this.u(t + 1);
      s.uNext = uNext;
      s.oneMinusProductNext = f32(1 - f32(product * uNext));
      s.oneMinusU = f32(1 - this.u(t));
      s.oneMinusProduct = f32(1 - product);
      s.oneMinusBeta2Power = f32(1 - f32(f32(this.beta2) ** f32(t)));
      this.scalarsStep = t;
    }
    return this.scalars;
  }

  updateRange(g: Float32Array, theta: Float32Array, state: readonly Float32Array[], t: number, start: number, end: number): void {
    if (this.weightDecay !== null) kernels.decayWeights(theta, start, end, this.learningRate, this.weightDecay);
    kernels.nadamUpdate(g, theta, state[0]!, state[1]!, start, end, this.learningRate, this.beta1, this.beta2, this.epsilon, this.stepScalars(t));
  }

  override getConfig(): OptimizerConfig {
    return { learning_rate: this.learningRateConfig(), weight_decay: this.weightDecay, beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }

  /** A Nadam from its config, under Keras's keys or TF.js's spellings. */
  static fromConfig(config: Readonly<Record<string, unknown>>): Nadam {
    return new Nadam({
      learningRate: learningRateFromConfig(config),
      weightDecay: weightDecayFromConfig(config),
      beta1: numberFromConfig(config, 'beta_1', 'beta1'),
      beta2: numberFromConfig(config, 'beta_2', 'beta2'),
      epsilon: numberFromConfig(config, 'epsilon'),
    });
  }
}
