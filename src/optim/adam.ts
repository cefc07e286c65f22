/**
 * Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization"),
 * exactly as Keras computes it, with ε in the "epsilon hat" position: the
 * bias corrections are folded into the step size and ε is added to √v of the
 * uncorrected v. For step t = 1, 2, …:
 *
 *     α = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
 *     m ← m + (g − m)(1 − β₁)           (= β₁m + (1 − β₁)g)
 *     v ← v + (g² − v)(1 − β₂)
 *     θ ← θ − α · m / (√v + ε)
 *
 * in float32, operation by operation, as Keras computes it for float32
 * weights: lr, β₁, β₂, ε and t are float32 there (β₂ = 0.999 is
 * 0.99900001287…), so α too is computed in float32 (`stepSize`); the rest is
 * the kernel's (src/tensor/kernels/optimizers.ts).
 *
 * TF.js instead divides by (√v̂ + ε) with v̂ = v/(1 − β₂ᵗ): the same up to
 * where ε sits. We follow Keras.
 */
import { learningRateFromConfig, numberFromConfig, Optimizer, optimizerOptions, type OptimizerConfig } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';
import { kernels } from '../tensor/kernels/index.js';
import { describeValue, ValueError } from '../errors.js';

export interface AdamOptions {
  /** A number, or a schedule of the step count (optimizers.schedules). */
  learningRate?: number | LearningRateSchedule;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam extends Optimizer {
  /** The Keras class name, in saved files and the optimizer registry (src/optim/index.ts). */
  static readonly className: string = 'Adam';
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  /** Keras's defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7. `className` is for AdamW, which is Adam with weight decay. */
  constructor(args: AdamOptions | number | LearningRateSchedule = {}, className = 'Adam') {
    const options = optimizerOptions(className, args, ['learningRate', 'beta1', 'beta2', 'epsilon']);
    super(options.learningRate ?? 0.001, className);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    for (const [key, value] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(typeof value === 'number' && value >= 0 && value < 1)) throw new ValueError(`${className}: ${key} must be in [0, 1). Received: ${key}=${describeValue(value)}`);
    }
    if (!(typeof this.epsilon === 'number' && this.epsilon >= 0)) throw new ValueError(`${className}: epsilon must be non-negative. Received: epsilon=${describeValue(this.epsilon)}`);
  }

  get slotCount(): number {
    return 2;
  }

  /** m: the first-moment (mean) estimate; v: the second-moment (uncentred variance) estimate. */
  override get slotNames(): readonly string[] {
    return ['m', 'v'];
  }

  /**
   * α = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ): the step size of step t, with both bias
   * corrections folded in, each operation rounded to float32 as Keras's
   * float32 ops do (a float64 α is ~6.5e-6 larger at β₂ = 0.999: Keras's
   * float32 β₂ is 0.99900001287…). The powers are float64 rounded once to
   * float32, which gives the α of Keras's compiled step (TensorFlow with XLA,
   * and JAX) for every t up to 3,000 that was checked.
   */
  stepSize(t: number): number {
    const f32 = Math.fround;
    const beta1Power = f32(f32(this.beta1) ** f32(t));
    const beta2Power = f32(f32(this.beta2) ** f32(t));
    return f32(f32(f32(this.learningRate) * f32(Math.sqrt(f32(1 - beta2Power)))) / f32(1 - beta1Power));
  }

  updateRange(g: Float32Array, theta: Float32Array, state: readonly Float32Array[], t: number, start: number, end: number): void {
    kernels.adamUpdate(g, theta, state[0]!, state[1]!, start, end, this.stepSize(t), this.beta1, this.beta2, this.epsilon);
  }

  override getConfig(): OptimizerConfig {
    return { learning_rate: this.learningRateConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }

  /** An Adam from its config, under Keras's keys or TF.js's spellings (learningRate, beta1, …). */
  static fromConfig(config: Readonly<Record<string, unknown>>): Adam {
    return new Adam({
      learningRate: learningRateFromConfig(config),
      beta1: numberFromConfig(config, 'beta_1', 'beta1'),
      beta2: numberFromConfig(config, 'beta_2', 'beta2'),
      epsilon: numberFromConfig(config, 'epsilon'),
    });
  }
}
