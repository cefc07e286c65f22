/**
 * Normalization (keras.layers.Normalization), the preprocessing layer that
 * shifts and scales each feature to mean 0 and variance 1 from statistics
 * of the data, as Keras 3 computes it:
 *
 *     y = (x − μ) / max(√σ², ε)             ε = 1e-7 (Keras's backend epsilon)
 *     invert: y = μ + x · max(√σ², ε)       (undoes the normalization)
 *
 * μ and σ² are per position of the kept axis (the last by default: one per
 * feature), or one number each with `axis: null`. They come either from
 * `adapt(data)`, which sets them to the data's mean and population variance
 * (dividing by n, as NumPy's var) over every other axis, or from the
 * constructor's `mean` and `variance`. Like Keras's adapt of a NumPy array,
 * the statistics are NumPy's float32 ones (src/tensor/statistics.ts).
 *
 * Adapted statistics are the layer's non-trainable weights, in Keras's order
 * and names: mean (zeros until adapted), variance (ones) and count (a
 * scalar Keras creates and leaves at 0); saving keeps them. Given statistics
 * are config, not weights.
 *
 * The forward pass is the differentiable ops sub and div (or mul and add),
 * so gradients flow to the input through autograd; the statistics get none.
 */
import { tensor } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import type { NestedArray } from '../tensor/tensor.js';
import { layerArgsFromConfig, MalformedConfigError, type LayerConfig } from './config.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions, optionalBoolean } from '../utils/options.js';
import { columnMeansAndVariances, flatMeanAndVariance } from '../tensor/statistics.js';

/** Keras's backend epsilon: the smallest standard deviation divided by. */
const EPSILON = 1e-7;
const f32 = Math.fround;

export interface NormalizationArgs extends LayerArgs {
  /** The axis kept (one μ and σ² per position along it): -1, the last, by default; null for one μ and σ² over everything. */
  axis?: number | null;
  /** μ, a number or one per position of the kept axis; given with `variance`, instead of adapt(). */
  mean?: number | readonly number[] | null;
  /** σ², likewise. */
  variance?: number | readonly number[] | null;
  /** Apply the inverse: y = μ + x·√σ². */
  invert?: boolean;
}

const NORMALIZATION_OPTIONS = [...LAYER_OPTIONS, 'axis', 'mean', 'variance', 'invert'] as const satisfies readonly (keyof NormalizationArgs)[];

export class Normalization extends Layer {
  static override readonly className = 'Normalization';
  /** -1 (the last axis) or null (none kept). */
  readonly axis: -1 | null;
  readonly invert: boolean;
  /** The statistics given to the constructor, or null when they come from adapt(). */
  readonly inputMean: number[] | number | null;
  readonly inputVariance: number[] | number | null;
  /** The adapted statistics: non-trainable weights (null with given statistics, or before build). */
  adaptMean: Tensor | null = null;
  adaptVariance: Tensor | null = null;
  count: Tensor | null = null;

  constructor(args: NormalizationArgs = {}) {
    checkOptions('Normalization', args, NORMALIZATION_OPTIONS);
    super(args);
    const where = `Layer "${this.name}"`;
    const axis = args.axis === undefined ? -1 : args.axis;
    if (axis !== -1 && axis !== null) {
      throw new ValueError(`${where}: tinykeras's Normalization keeps the last axis (-1) or none (null). Received: axis=${describeValue(axis)}`);
    }
    this.axis = axis;
    optionalBoolean(where, 'invert', args.invert);
    this.invert = args.invert ?? false;
    const mean = args.mean ?? null;
    const variance = args.variance ?? null;
    if ((mean === null) !== (variance === null)) {
      throw new ValueError(`${where}: when setting values directly, both mean and variance must be set. Received: mean=${describeValue(mean)} and variance=${describeValue(variance)}`);
    }
    this.inputMean = statistic(where, 'mean', mean);
    this.inputVariance = statistic(where, 'variance', variance);
    if (Array.isArray(this.inputMean) !== Array.isArray(this.inputVariance) || (Array.isArray(this.inputMean) && this.inputMean.length !== (this.inputVariance as number[]).length)) {
      throw new ValueError(`${where}: mean and variance must have the same shape. Received: mean=${describeValue(mean)}, variance=${describeValue(variance)}`);
    }
    if (Array.isArray(this.inputMean) && this.axis === null) {
      throw new ValueError(`${where}: with axis null, mean and variance are single numbers. Received: mean=${describeValue(mean)}`);
    }
  }

  /** How many statistics of each kind: one per position of the last axis, or 1 with axis null. */
  private statisticsShape(inputShape: BatchShape): number[] {
    if (this.axis === null) return [];
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || last === null || last === undefined) {
      throw new ShapeError(`Layer "${this.name}": the last dimension of its input must be known. Received: input_shape=${JSON.stringify(inputShape)}`);
    }
    return [last];
  }

  override build(inputShape: BatchShape): void {
    const shape = this.statisticsShape(inputShape);
    if (Array.isArray(this.inputMean) && this.inputMean.length !== shape[0]) {
      throw new ShapeError(`Layer "${this.name}": mean and variance hold ${this.inputMean.length} values each, but its input has ${shape[0]} features. Received: input_shape=${JSON.stringify(inputShape)}`);
    }
    if (this.inputMean === null) {
      this.adaptMean = this.addWeight('mean', shape, 'zeros');
      this.adaptVariance = this.addWeight('variance', shape, 'ones');
      this.count = this.addWeight('count', [], 'zeros');
      for (const w of [this.adaptMean, this.adaptVariance, this.count]) w.requiresGrad = false;
    }
    super.build(inputShape);
  }

  /** mean, variance and count (adapted statistics), or none (given ones). */
  override weightShapes(inputShape: BatchShape): number[][] {
    if (this.inputMean !== null) return [];
    const shape = this.statisticsShape(inputShape);
    return [shape, shape, []];
  }

  /** None: the statistics are never trained. */
  override get trainableWeights(): Tensor[] {
    return [];
  }

  /**
   * Sets μ and σ² to the mean and population variance of `data` (a tensor or
   * nested arrays of samples) over every axis but the kept one, in float32
   * as NumPy computes them for Keras's adapt of an array (statistics.ts).
   * Builds the layer first if needed.
   */
  adapt(data: Tensor | NestedArray): void {
    const where = `Layer "${this.name}": adapt()`;
    if (this.inputMean !== null) throw new ValueError(`${where}: this layer was given its mean and variance; there is nothing to adapt.`);
    let x: Tensor;
    try {
      x = data instanceof Tensor ? data : tensor(data as NestedArray);
    } catch (error) {
      throw new ValueError(`${where}: data must be a tensor or nested arrays of numbers. Received: ${describeValue(data)}`, { cause: error });
    }
    if (x.shape.length < 1 || x.size === 0) throw new ValueError(`${where}: data must hold at least one sample. Received: shape [${x.shape.join(', ')}]`);
    if (this.axis !== null && x.shape.length < 2) throw new ShapeError(`${where}: data must be [samples, …, features] to keep the last axis. Received: shape [${x.shape.join(', ')}]`);
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    const features = this.axis === null ? 1 : x.shape[x.shape.length - 1]!;
    if (this.adaptMean!.size !== features) {
      throw new ShapeError(`${where}: the layer was built for ${this.adaptMean!.size} features, but the data has ${features}. Received: data.shape=[${x.shape.join(', ')}]`);
    }
    const { mean, variance } = this.axis === null ? flatMeanAndVariance(x.data) : columnMeansAndVariances(x.data, features);
    this.adaptMean!.data.set(mean);
    this.adaptVariance!.data.set(variance);
  }

  /** μ and max(√σ², ε) as float32 arrays (one value with axis null). */
  private statistics(): { mean: Float32Array; scale: Float32Array } {
    const given = this.inputMean;
    const mean = given === null ? this.adaptMean!.data : Float32Array.from(typeof given === 'number' ? [given] : given);
    const variance = given === null ? this.adaptVariance!.data : Float32Array.from(typeof this.inputVariance === 'number' ? [this.inputVariance] : this.inputVariance!);
    const scale = variance.map((v) => Math.max(f32(Math.sqrt(v)), f32(EPSILON)));
    return { mean, scale };
  }

  call(inputs: Tensor): Tensor {
    const { mean, scale } = this.statistics();
    // One μ and σ² (axis null, a single feature, or given as numbers): the same for every value.
    if (mean.length === 1) return this.invert ? inputs.mul(scale[0]!).add(mean[0]!) : inputs.sub(mean[0]!).div(scale[0]!);
    const features = inputs.shape[inputs.shape.length - 1];
    if (inputs.shape.length < 2 || features !== mean.length) {
      throw new ShapeError(`Layer "${this.name}": expected inputs of ${mean.length} features on the last axis. Received: input shape [${inputs.shape.join(', ')}]`);
    }
    const meanTensor = new Tensor(mean.slice(), [mean.length]);
    const scaleTensor = new Tensor(scale, [scale.length]);
    return this.invert ? inputs.mul(scaleTensor).add(meanTensor) : inputs.sub(meanTensor).div(scaleTensor);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis === null ? [] : [-1],
      invert: this.invert,
      mean: this.inputMean,
      variance: this.inputVariance,
    };
  }

  /** The layer a Keras config describes: axis [-1], -1, the last index, or [] (Keras's () for None). */
  static fromConfig(config: LayerConfig): Normalization {
    const axis = config.axis;
    const shape = config.batch_input_shape;
    const lastIndex = Array.isArray(shape) ? shape.length - 1 : -2;
    const kept = Array.isArray(axis) ? (axis.length === 0 ? null : axis.length === 1 ? axis[0] : axis) : axis ?? -1;
    if (kept !== null && kept !== -1 && kept !== lastIndex) {
      throw new ValueError(`tinykeras's Normalization keeps the last axis or none. Received: axis=${describeValue(axis)}`);
    }
    for (const key of ['mean', 'variance'] as const) {
      const value = config[key];
      if (!(value === undefined || value === null || typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number')))) {
        throw new MalformedConfigError(`Normalization: config.${key} must be null, a number or a list of numbers. Received: ${key}=${describeValue(value)}`);
      }
    }
    return new Normalization({
      ...layerArgsFromConfig(config),
      axis: kept === null ? null : -1,
      invert: config.invert === true,
      mean: (config.mean ?? null) as number | number[] | null,
      variance: (config.variance ?? null) as number | number[] | null,
    });
  }
}

/** A given statistic checked: null, a finite number, or a list of finite numbers. */
function statistic(where: string, key: string, value: unknown): number[] | number | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return [...(value as number[])];
  throw new ValueError(`${where}: ${key} must be a finite number or a non-empty array of them. Received: ${key}=${describeValue(value)}`);
}
