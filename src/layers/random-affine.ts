/**
 * The augmentation layers that turn or scale each image about its centre, in
 * training only (otherwise y = x), as Keras 3 does: a random affine map per
 * image, applied by ops/affine.ts (its interpolation and fill modes).
 *
 *     RandomRotation:  θ drawn from [lower, upper] · 360°, counter-clockwise for θ > 0
 *     RandomZoom:      zy drawn from 1 + [lower, upper] of heightFactor, then zx
 *                      from 1 + widthFactor's range (or zx = zy without one);
 *                      z > 1 zooms out (the output shows more), z < 1 zooms in
 *
 * The draws come from the layer's own generator when it has a seed, else
 * from the global one (`setRandomSeed`): all the images' draws of one
 * quantity, then the next, in Keras's order. Gradients flow to the input
 * through the sampling (ops/affine.ts's backward).
 */
import { affineTransformImages, AFFINE_SIZE, rotationTransform, zoomTransform, type FillMode, type Interpolation } from '../tensor/ops/affine.js';
import { getGlobalGenerator, RandomGenerator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { layerArgsFromConfig, type LayerConfig } from './config.js';
import { Layer, type BatchShape, type CallArgs, type LayerArgs } from './layer.js';
import {
  factorRange, fillArgsFromConfig, fillConfig, fillOptions, requireImages, RESAMPLING_OPTIONS, seedOption, twoFactorOptions, type ResamplingArgs,
} from './preprocessing.js';
import { checkPositional } from '../utils/options.js';

/** A factor f (meaning [−f, f]) or [lower, upper]. */
export type AugmentFactor = number | readonly [number, number];

/** The options every random affine layer takes besides its factors. */
interface AffineArgs extends LayerArgs, ResamplingArgs {
  /** A seed for this layer's own generator; without one the draws come from the global generator. */
  seed?: number | null;
}

/**
 * What RandomRotation and RandomZoom share: the fill options, the seed, and
 * the call, which in training draws one affine map per image
 * (`drawTransforms`) and resamples the images through them.
 */
abstract class RandomAffineLayer extends Layer {
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  readonly seed: number | null;
  private readonly generator: RandomGenerator | null;

  protected constructor(options: AffineArgs) {
    super(options);
    const where = `Layer "${this.name}"`;
    ({ fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue } = fillOptions(options, where));
    this.seed = seedOption(options.seed, where);
    this.generator = this.seed === null ? null : new RandomGenerator(this.seed);
  }

  /** The [a0, a1, a2, b0, b1, b2] of each of `batch` images of height × width, drawn from `generator`. */
  protected abstract drawTransforms(batch: number, height: number, width: number, generator: RandomGenerator): Float32Array;

  call(inputs: Tensor, args: CallArgs = {}): Tensor {
    requireImages(inputs, `Layer "${this.name}"`);
    if (!args.training) return inputs;
    const [N, H, W] = inputs.shape as [number, number, number];
    const transforms = this.drawTransforms(N, H, W, this.generator ?? getGlobalGenerator());
    return affineTransformImages(inputs, transforms, this.fillMode, this.fillValue, this.interpolation);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...fillConfig(this), seed: this.seed };
  }
}

export interface RandomRotationArgs extends AffineArgs {
  /** The range of turns, as fractions of a full turn (2π), each in [−1, 1] (given here or as the first argument). */
  factor?: AugmentFactor;
}

const ROTATION_OPTIONS = [...RESAMPLING_OPTIONS, 'factor'] as const satisfies readonly (keyof RandomRotationArgs)[];

export class RandomRotation extends RandomAffineLayer {
  static override readonly className = 'RandomRotation';
  /** [lower, upper], fractions of a full turn: Keras's `factor` after reading (and its config's). */
  readonly factor: readonly [number, number];

  /** `new RandomRotation(0.1)` (up to ±36°) or `new RandomRotation({ factor: [-0.25, 0], fillMode: 'constant', seed: 1 })`. */
  constructor(factor: AugmentFactor | RandomRotationArgs, args?: RandomRotationArgs) {
    const options = checkPositional<RandomRotationArgs>('RandomRotation', 'factor', factor, args, ROTATION_OPTIONS);
    super(options);
    this.factor = rotationRange(options.factor, `Layer "${this.name}"`);
  }

  protected drawTransforms(batch: number, height: number, width: number, generator: RandomGenerator): Float32Array {
    const [lower, upper] = this.factor;
    const transforms = new Float32Array(AFFINE_SIZE * batch);
    for (let n = 0; n < batch; n++) {
      const degrees = lower * 360 + (upper * 360 - lower * 360) * generator.uniform();
      rotationTransform(degrees, height, width, transforms, AFFINE_SIZE * n);
    }
    return transforms;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor] };
  }

  static fromConfig(config: LayerConfig): RandomRotation {
    return new RandomRotation({
      ...layerArgsFromConfig(config), factor: config.factor as AugmentFactor, ...fillArgsFromConfig(config), seed: (config.seed ?? null) as number | null,
    });
  }
}

export interface RandomZoomArgs extends AffineArgs {
  /** The range of vertical zooms, each in (−1, 1]: z = 1 + a draw (given here or as the first argument). */
  heightFactor?: AugmentFactor;
  /** The range of horizontal zooms; null or absent: the vertical zoom, keeping the aspect ratio (given here or as the second argument). */
  widthFactor?: AugmentFactor | null;
}

const ZOOM_OPTIONS = [...RESAMPLING_OPTIONS, 'heightFactor', 'widthFactor'] as const satisfies readonly (keyof RandomZoomArgs)[];

export class RandomZoom extends RandomAffineLayer {
  static override readonly className = 'RandomZoom';
  readonly heightFactor: AugmentFactor;
  readonly widthFactor: AugmentFactor | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  /** `new RandomZoom(0.2)` (both axes alike) or `new RandomZoom([-0.3, 0], 0.1, { fillMode: 'constant' })`. */
  constructor(heightFactor: AugmentFactor | RandomZoomArgs, widthFactor?: AugmentFactor | null, args: RandomZoomArgs = {}) {
    const options = twoFactorOptions<RandomZoomArgs>('RandomZoom', ['heightFactor', 'widthFactor'], heightFactor, widthFactor, args, ZOOM_OPTIONS);
    super(options);
    const where = `Layer "${this.name}"`;
    this.heightRange = zoomRange(options.heightFactor, 'heightFactor', where);
    this.widthRange = options.widthFactor === undefined || options.widthFactor === null ? null : zoomRange(options.widthFactor, 'widthFactor', where);
    this.heightFactor = options.heightFactor!;
    this.widthFactor = options.widthFactor ?? null;
  }

  protected drawTransforms(batch: number, height: number, width: number, generator: RandomGenerator): Float32Array {
    const draw = ([lower, upper]: [number, number]) => Math.fround(1 + lower + (upper - lower) * generator.uniform());
    // All the heights first, then all the widths: Keras's order of draws.
    const heights = Array.from({ length: batch }, () => draw(this.heightRange));
    const widths = this.widthRange === null ? heights : Array.from({ length: batch }, () => draw(this.widthRange!));
    const transforms = new Float32Array(AFFINE_SIZE * batch);
    for (let n = 0; n < batch; n++) zoomTransform(heights[n]!, widths[n]!, height, width, transforms, AFFINE_SIZE * n);
    return transforms;
  }

  override getConfig(): Record<string, unknown> {
    const factor = (f: AugmentFactor | null) => (f === null || typeof f === 'number' ? f : [...f]);
    return { ...super.getConfig(), height_factor: factor(this.heightFactor), width_factor: factor(this.widthFactor) };
  }

  static fromConfig(config: LayerConfig): RandomZoom {
    return new RandomZoom({
      ...layerArgsFromConfig(config),
      heightFactor: config.height_factor as AugmentFactor,
      widthFactor: (config.width_factor ?? null) as AugmentFactor | null,
      ...fillArgsFromConfig(config),
      seed: (config.seed ?? null) as number | null,
    });
  }
}

/** RandomRotation's [lower, upper]: f → [−|f|, |f|] or a pair, each in [−1, 1] (fractions of a full turn). */
function rotationRange(factor: unknown, where: string): readonly [number, number] {
  return factorRange(factor, 'factor', where, (v) => v >= -1 && v <= 1, 'a number in [-1, 1] (turns up to that fraction of a full turn either way)');
}

/** RandomZoom's [lower, upper]: each in (−1, 1], so that a zoom 1 + f stays above 0. */
function zoomRange(factor: unknown, name: string, where: string): [number, number] {
  return factorRange(factor, name, where, (v) => v > -1 && v <= 1, 'a number in (-1, 1] (zooms by up to that fraction either way)');
}
