/**
 * BatchNormalization (Ioffe & Szegedy, 2015) over the last axis (the
 * channels), as Keras 3 computes it:
 *
 *     y = γ · (x − μ) / √(σ² + ε) + β
 *
 * In training (`fit`, or a call with `training: true`) μ and σ² are the
 * batch's mean and (biased) variance per channel, over every other axis, and
 * the moving statistics follow them:
 *
 *     movingMean     ← movingMean · momentum     + μ  · (1 − momentum)
 *     movingVariance ← movingVariance · momentum + σ² · (1 − momentum)
 *
 * Otherwise (evaluate, predict, a plain call) μ and σ² are the moving
 * statistics. A layer with `trainable = false` always runs the second way and
 * updates nothing: Keras 3's rule, which makes a frozen BatchNormalization
 * behave the same in fit as in predict.
 *
 * The forward pass is composed of existing differentiable ops (mean, sub,
 * square, div, sqrt, mul, add), so its backward pass is theirs, chained by
 * autograd: no separate gradient formula to get wrong.
 *
 * Weights, in Keras's order and names: gamma [C] (ones), beta [C] (zeros),
 * moving_mean [C] (zeros), moving_variance [C] (ones); the last two are
 * non-trainable (no gradient, the optimizer never sees them).
 */
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { layerArgsFromConfig, rejectRegularizers, type LayerConfig } from './config.js';
import { getInitializer, initializerEntry, initializerFromConfig, type Initializer } from './initializers.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type CallArgs, type LayerArgs } from './layer.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions, optionalBoolean } from '../utils/options.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** The normalised axis: -1 (the last, the channels), the only one supported. */
  axis?: number;
  /** How much of the moving statistics each training batch keeps; 0.99 by default. */
  momentum?: number;
  /** Added to the variance before the square root; 1e-3 by default. */
  epsilon?: number;
  /** Add the learned offset β; true by default. */
  center?: boolean;
  /** Multiply by the learned scale γ; true by default. */
  scale?: boolean;
  betaInitializer?: string | Initializer;
  gammaInitializer?: string | Initializer;
  movingMeanInitializer?: string | Initializer;
  movingVarianceInitializer?: string | Initializer;
}

const BN_OPTIONS = [
  ...LAYER_OPTIONS, 'axis', 'momentum', 'epsilon', 'center', 'scale',
  'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer',
] as const satisfies readonly (keyof BatchNormalizationArgs)[];

export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  readonly axis = -1;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly initializers: { beta: string | Initializer; gamma: string | Initializer; movingMean: string | Initializer; movingVariance: string | Initializer };
  gamma: Tensor | null = null;
  beta: Tensor | null = null;
  movingMean: Tensor | null = null;
  movingVariance: Tensor | null = null;
  /** The config this layer was made from (fromConfig): its initializer entries are written back unchanged. */
  private readFrom: LayerConfig | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    checkOptions('BatchNormalization', args, BN_OPTIONS);
    super(args);
    const where = `Layer "${this.name}"`;
    if (args.axis !== undefined && args.axis !== -1) {
      throw new ValueError(`${where}: tinykeras normalises the last axis only (axis -1, the channels). Received: axis=${describeValue(args.axis)}`);
    }
    const { momentum = 0.99, epsilon = 1e-3 } = args;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
      throw new ValueError(`${where}: momentum must be a number in [0, 1]. Received: momentum=${describeValue(momentum)}`);
    }
    if (typeof epsilon !== 'number' || !(epsilon > 0)) {
      throw new ValueError(`${where}: epsilon must be a positive number. Received: epsilon=${describeValue(epsilon)}`);
    }
    optionalBoolean(where, 'center', args.center);
    optionalBoolean(where, 'scale', args.scale);
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.initializers = {
      beta: args.betaInitializer ?? 'zeros',
      gamma: args.gammaInitializer ?? 'ones',
      movingMean: args.movingMeanInitializer ?? 'zeros',
      movingVariance: args.movingVarianceInitializer ?? 'ones',
    };
    for (const initializer of Object.values(this.initializers)) getInitializer(initializer, where);
  }

  override build(inputShape: BatchShape): void {
    const channels = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || channels === null || channels === undefined) {
      throw new ShapeError(`Layer "${this.name}": the last dimension of its input must be known. Received: input_shape=${JSON.stringify(inputShape)}`);
    }
    // Every weight holds one value per channel: weightShapes' shapes are all the same.
    const [shape] = this.weightShapes(inputShape) as [number[]];
    if (this.scale) this.gamma = this.addWeight('gamma', shape, this.initializers.gamma);
    if (this.center) this.beta = this.addWeight('beta', shape, this.initializers.beta);
    this.movingMean = this.addWeight('moving_mean', shape, this.initializers.movingMean);
    this.movingVariance = this.addWeight('moving_variance', shape, this.initializers.movingVariance);
    // Statistics, not parameters: they are assigned, never descended on.
    this.movingMean.requiresGrad = false;
    this.movingVariance.requiresGrad = false;
    super.build(inputShape);
  }

  /** gamma (when scale), beta (when center), moving_mean and moving_variance: each [channels]. */
  override weightShapes(inputShape: BatchShape): number[][] {
    const channels = inputShape[inputShape.length - 1] ?? 0;
    const count = 2 + (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    return Array.from({ length: count }, () => [channels]);
  }

  /** γ and β only: the moving statistics are non-trainable. */
  override get trainableWeights(): Tensor[] {
    if (!this.trainable) return [];
    return [this.gamma, this.beta].filter((w): w is Tensor => w !== null);
  }

  call(inputs: Tensor, args: CallArgs = {}): Tensor {
    const channels = this.movingMean!.size;
    this.checkInputShape([null, ...inputs.shape.slice(1)], [null, ...inputs.shape.slice(1, -1), channels]);
    // Every axis but the channels is reduced: view the input as [positions, channels].
    const flat = inputs.reshape([-1, channels]);
    let mean: Tensor;
    let variance: Tensor;
    if (args.training && this.trainable) {
      mean = flat.mean(0);
      variance = flat.sub(mean).square().mean(0);
      this.updateMovingStatistics(mean, variance);
    } else {
      mean = this.movingMean!;
      variance = this.movingVariance!;
    }
    let outputs = flat.sub(mean).div(variance.add(this.epsilon).sqrt());
    if (this.gamma) outputs = outputs.mul(this.gamma);
    if (this.beta) outputs = outputs.add(this.beta);
    return outputs.reshape(inputs.shape);
  }

  /** moving ← moving · momentum + batch · (1 − momentum), in float32 as Keras computes it. */
  private updateMovingStatistics(mean: Tensor, variance: Tensor): void {
    const momentum = Math.fround(this.momentum);
    const rest = Math.fround(1 - momentum);
    noGrad(() => {
      for (const [moving, batch] of [[this.movingMean!, mean], [this.movingVariance!, variance]] as const) {
        const m = moving.data;
        const b = batch.data;
        for (let j = 0; j < m.length; j++) m[j] = Math.fround(m[j]! * momentum) + Math.fround(b[j]! * rest);
      }
    });
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: -1,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerEntry(this.initializers.beta, this.readFrom, 'beta_initializer'),
      gamma_initializer: initializerEntry(this.initializers.gamma, this.readFrom, 'gamma_initializer'),
      moving_mean_initializer: initializerEntry(this.initializers.movingMean, this.readFrom, 'moving_mean_initializer'),
      moving_variance_initializer: initializerEntry(this.initializers.movingVariance, this.readFrom, 'moving_variance_initializer'),
      // tinykeras has no regularizers or constraints; TF.js expects the keys.
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    };
  }

  /**
   * The layer a Keras config describes; Keras may write the axis as a list
   * of one, or as the last index (3 for images). Initializers are kept as
   * written, as for Dense.
   */
  static fromConfig(config: LayerConfig): BatchNormalization {
    rejectRegularizers(config);
    for (const key of ['renorm', 'synchronized'] as const) {
      if (config[key]) throw new ValueError(`tinykeras has no ${key} batch normalization. Received: ${key}=${describeValue(config[key])}`);
    }
    const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis ?? -1;
    const shape = config.batch_input_shape;
    const lastAxis = Array.isArray(shape) ? shape.length - 1 : null;
    const layer = new BatchNormalization({
      ...layerArgsFromConfig(config),
      axis: axis === lastAxis ? -1 : (axis as number),
      momentum: (config.momentum ?? 0.99) as number,
      epsilon: (config.epsilon ?? 1e-3) as number,
      center: (config.center ?? true) as boolean,
      scale: (config.scale ?? true) as boolean,
      betaInitializer: initializerFromConfig(config.beta_initializer, 'zeros'),
      gammaInitializer: initializerFromConfig(config.gamma_initializer, 'ones'),
      movingMeanInitializer: initializerFromConfig(config.moving_mean_initializer, 'zeros'),
      movingVarianceInitializer: initializerFromConfig(config.moving_variance_initializer, 'ones'),
    });
    layer.readFrom = config;
    return layer;
  }
}
