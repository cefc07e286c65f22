/**
 * Image preprocessing layers that sit at the front of a model:
 *
 *     Rescaling:          y = x · scale + offset      (always; 1/255 turns bytes into [0, 1])
 *     RandomFlip:         in training, each image mirrored with probability ½; otherwise y = x
 *     RandomTranslation:  in training, each image shifted by a random fraction of its size; otherwise y = x
 *
 * (RandomRotation and RandomZoom, the other resampling layers, are in
 * random-affine.ts; the options the three share are read here.)
 *
 * RandomFlip draws one uniform u per image and flips it when u ≤ ½, along
 * the axes its mode names ('horizontal', 'vertical' or
 * 'horizontal_and_vertical'); as in Keras 3, under 'horizontal_and_vertical'
 * the same draw decides both axes. The draws come from the layer's own
 * generator when it has a seed, else from the global one (`setRandomSeed`).
 *
 * RandomTranslation draws, per image, a height fraction in [lower, upper] of
 * heightFactor, then (for all images) a width fraction from widthFactor, as
 * Keras 3 does; the image moves by that fraction of its height and width
 * (whole pixels or not: see ops/affine.ts for the interpolation and the
 * fill modes).
 */
import { flipImages } from '../tensor/ops/flip.js';
import { translateImages, type FillMode, type Interpolation } from '../tensor/ops/translate.js';
import { getGlobalGenerator, RandomGenerator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkChannelsLast } from './conv-args.js';
import { layerArgsFromConfig, type LayerConfig } from './config.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type CallArgs, type LayerArgs } from './layer.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions, checkPositional, isPlainObject } from '../utils/options.js';

export interface RescalingArgs extends LayerArgs {
  /** The factor every value is multiplied by (given here or as the first argument). */
  scale?: number;
  /** Added after scaling; 0 by default. */
  offset?: number;
}

export class Rescaling extends Layer {
  static override readonly className = 'Rescaling';
  readonly scale: number;
  readonly offset: number;

  /** `new Rescaling(1 / 255)` or `new Rescaling({ scale: 1 / 127.5, offset: -1 })`. */
  constructor(scale: number | RescalingArgs, args?: RescalingArgs) {
    const options = checkPositional<RescalingArgs>('Rescaling', 'scale', scale, args, [...LAYER_OPTIONS, 'scale', 'offset']);
    super(options);
    for (const [name, value] of [['scale', options.scale], ['offset', options.offset ?? 0]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ValueError(`Layer "${this.name}": ${name} must be a finite number. Received: ${name}=${describeValue(value)}`);
      }
    }
    this.scale = options.scale!;
    this.offset = options.offset ?? 0;
  }

  call(inputs: Tensor): Tensor {
    const scaled = inputs.mul(this.scale);
    return this.offset === 0 ? scaled : scaled.add(this.offset);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }

  static fromConfig(config: LayerConfig): Rescaling {
    return new Rescaling({ ...layerArgsFromConfig(config), scale: config.scale as number, offset: (config.offset ?? 0) as number });
  }
}

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';
const FLIP_MODES: readonly FlipMode[] = ['horizontal', 'vertical', 'horizontal_and_vertical'];

export interface RandomFlipArgs extends LayerArgs {
  /** Which axes to mirror; 'horizontal_and_vertical' by default. */
  mode?: FlipMode;
  /** A seed for this layer's own generator; without one the draws come from the global generator. */
  seed?: number | null;
}

export class RandomFlip extends Layer {
  static override readonly className = 'RandomFlip';
  readonly mode: FlipMode;
  readonly seed: number | null;
  private readonly generator: RandomGenerator | null;

  /** `new RandomFlip('horizontal')` or `new RandomFlip({ mode: 'horizontal', seed: 1 })`. */
  constructor(mode?: FlipMode | RandomFlipArgs, args?: RandomFlipArgs) {
    const options = checkPositional<RandomFlipArgs>('RandomFlip', 'mode', mode, args, [...LAYER_OPTIONS, 'mode', 'seed']);
    super(options);
    const chosen = options.mode ?? 'horizontal_and_vertical';
    if (!FLIP_MODES.includes(chosen)) {
      throw new ValueError(`Layer "${this.name}": mode must be one of ${FLIP_MODES.map((m) => `'${m}'`).join(', ')}. Received: mode=${describeValue(chosen)}`);
    }
    this.mode = chosen;
    this.seed = seedOption(options.seed, `Layer "${this.name}"`);
    this.generator = this.seed === null ? null : new RandomGenerator(this.seed);
  }

  call(inputs: Tensor, args: CallArgs = {}): Tensor {
    requireImages(inputs, `Layer "${this.name}"`);
    if (!args.training) return inputs;
    const generator = this.generator ?? getGlobalGenerator();
    const flips = new Uint8Array(inputs.shape[0]!);
    for (let n = 0; n < flips.length; n++) flips[n] = generator.uniform() <= 0.5 ? 1 : 0;
    return flipImages(inputs, flips, this.mode !== 'vertical', this.mode !== 'horizontal');
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode, seed: this.seed, data_format: 'channels_last' };
  }

  static fromConfig(config: LayerConfig): RandomFlip {
    if (config.data_format !== undefined && config.data_format !== null && config.data_format !== 'channels_last') {
      throw new ValueError(`RandomFlip: only data_format 'channels_last' is supported. Received: data_format=${describeValue(config.data_format)}`);
    }
    return new RandomFlip({ ...layerArgsFromConfig(config), mode: (config.mode ?? 'horizontal_and_vertical') as FlipMode, seed: (config.seed ?? null) as number | null });
  }
}

/** A factor f (meaning [−f, f]) or [lower, upper], each in [−1, 1]: fractions of the image's size. */
export type TranslationFactor = number | readonly [number, number];

export interface RandomTranslationArgs extends LayerArgs, ResamplingArgs {
  /** The range of vertical shifts, as fractions of the height (given here or as the first argument). */
  heightFactor?: TranslationFactor;
  /** The range of horizontal shifts, as fractions of the width (given here or as the second argument). */
  widthFactor?: TranslationFactor;
  /** A seed for this layer's own generator; without one the draws come from the global generator. */
  seed?: number | null;
}

/** The option names of every resampling layer, besides its factors. */
export const RESAMPLING_OPTIONS = [...LAYER_OPTIONS, 'fillMode', 'interpolation', 'seed', 'fillValue', 'dataFormat'] as const;
const TRANSLATION_OPTIONS = [...RESAMPLING_OPTIONS, 'heightFactor', 'widthFactor'] as const satisfies readonly (keyof RandomTranslationArgs)[];

export class RandomTranslation extends Layer {
  static override readonly className = 'RandomTranslation';
  readonly heightFactor: TranslationFactor;
  readonly widthFactor: TranslationFactor;
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly seed: number | null;
  readonly fillValue: number;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];
  private readonly generator: RandomGenerator | null;

  /** `new RandomTranslation(0.1, 0.2)` or `new RandomTranslation({ heightFactor: 0.1, widthFactor: [-0.2, 0], fillMode: 'constant' })`. */
  constructor(heightFactor: TranslationFactor | RandomTranslationArgs, widthFactor?: TranslationFactor, args: RandomTranslationArgs = {}) {
    const options = twoFactorOptions<RandomTranslationArgs>('RandomTranslation', ['heightFactor', 'widthFactor'], heightFactor, widthFactor, args, TRANSLATION_OPTIONS);
    super(options);
    const where = `Layer "${this.name}"`;
    this.heightRange = factorRange(options.heightFactor, 'heightFactor', where);
    this.widthRange = factorRange(options.widthFactor, 'widthFactor', where);
    this.heightFactor = options.heightFactor!;
    this.widthFactor = options.widthFactor!;
    ({ fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue } = fillOptions(options, where));
    this.seed = seedOption(options.seed, where);
    this.generator = this.seed === null ? null : new RandomGenerator(this.seed);
  }

  call(inputs: Tensor, args: CallArgs = {}): Tensor {
    requireImages(inputs, `Layer "${this.name}"`);
    if (!args.training) return inputs;
    const [N, H, W] = inputs.shape as [number, number, number];
    const generator = this.generator ?? getGlobalGenerator();
    const shifts = new Float32Array(2 * N);
    const [hLow, hHigh] = this.heightRange;
    const [wLow, wHigh] = this.widthRange;
    // All the heights first, then all the widths: Keras's order of draws.
    for (let n = 0; n < N; n++) shifts[2 * n] = (hLow + (hHigh - hLow) * generator.uniform()) * H;
    for (let n = 0; n < N; n++) shifts[2 * n + 1] = (wLow + (wHigh - wLow) * generator.uniform()) * W;
    return translateImages(inputs, shifts, this.fillMode, this.fillValue, this.interpolation);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    const factor = (f: TranslationFactor) => (typeof f === 'number' ? f : [...f]);
    return {
      ...super.getConfig(),
      height_factor: factor(this.heightFactor),
      width_factor: factor(this.widthFactor),
      ...fillConfig(this),
      seed: this.seed,
    };
  }

  static fromConfig(config: LayerConfig): RandomTranslation {
    return new RandomTranslation({
      ...layerArgsFromConfig(config),
      heightFactor: config.height_factor as TranslationFactor,
      widthFactor: config.width_factor as TranslationFactor,
      ...fillArgsFromConfig(config),
      seed: (config.seed ?? null) as number | null,
    });
  }
}

/** The options every resampling layer (RandomTranslation, RandomRotation, RandomZoom) shares, as Keras names and defaults them. */
export interface ResamplingArgs {
  /** How pixels brought in from outside are filled: 'reflect' (default), 'wrap', 'nearest' or 'constant'. */
  fillMode?: FillMode;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: Interpolation;
  /** The value of the pixels filled in under fillMode 'constant'; 0 by default. */
  fillValue?: number;
  /** 'channels_last' only. */
  dataFormat?: 'channels_last' | null;
}

const RESAMPLING_FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];

/** fillMode, interpolation and fillValue checked, with Keras's defaults; dataFormat must be channels-last. */
export function fillOptions(options: ResamplingArgs, where: string): { fillMode: FillMode; interpolation: Interpolation; fillValue: number } {
  const fillMode = options.fillMode ?? 'reflect';
  if (!RESAMPLING_FILL_MODES.includes(fillMode)) {
    throw new ValueError(`${where}: fillMode must be one of ${RESAMPLING_FILL_MODES.map((m) => `'${m}'`).join(', ')}. Received: fillMode=${describeValue(fillMode)}`);
  }
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    throw new ValueError(`${where}: interpolation must be 'bilinear' or 'nearest'. Received: interpolation=${describeValue(interpolation)}`);
  }
  const fillValue = options.fillValue ?? 0;
  if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) throw new ValueError(`${where}: fillValue must be a finite number. Received: fillValue=${describeValue(fillValue)}`);
  checkChannelsLast(options.dataFormat, where);
  return { fillMode, interpolation, fillValue };
}

/** The Keras config keys of `fillOptions`'s options, for getConfig. */
export function fillConfig(layer: { fillMode: FillMode; interpolation: Interpolation; fillValue: number }): Record<string, unknown> {
  return { fill_mode: layer.fillMode, interpolation: layer.interpolation, fill_value: layer.fillValue, data_format: 'channels_last' };
}

/** `fillOptions`'s options read back from a Keras config. */
export function fillArgsFromConfig(config: LayerConfig): ResamplingArgs {
  return {
    fillMode: (config.fill_mode ?? 'reflect') as FillMode,
    interpolation: (config.interpolation ?? 'bilinear') as Interpolation,
    fillValue: (config.fill_value ?? 0) as number,
    dataFormat: (config.data_format ?? null) as 'channels_last' | null,
  };
}

/**
 * The options of a layer made as `new Layer(first, second?, options?)` or
 * `new Layer(options)`, where `names` are what the two positional arguments
 * are called in the options: each given once.
 */
export function twoFactorOptions<T extends object>(className: string, names: readonly [string, string], first: unknown, second: unknown, args: T, allowed: readonly string[]): T {
  if (isPlainObject(first)) {
    checkOptions(className, first, allowed);
    if (second !== undefined) throw new ValueError(`${className}: the options come once, as the first argument or after the two factors, not both. Received: a second argument ${describeValue(second)}`);
    return first as T;
  }
  checkOptions(className, args, allowed);
  const given = args as Record<string, unknown>;
  for (const [name, value] of [[names[0], first], [names[1], second]] as const) {
    if (value !== undefined && given[name] !== undefined) throw new ValueError(`${className}: ${name} is given twice, as an argument and in the options; give it once. Received: ${describeValue(value)} and ${name}=${describeValue(given[name])}`);
  }
  return { ...args, ...(first === undefined ? {} : { [names[0]]: first }), ...(second === undefined ? {} : { [names[1]]: second }) };
}

/** A random layer's seed option: an integer (the layer's own generator), or null or absent (the global one). */
export function seedOption(seed: unknown, where: string): number | null {
  if (seed === undefined || seed === null) return null;
  if (!Number.isInteger(seed)) throw new ValueError(`${where}: seed must be an integer. Received: seed=${describeValue(seed)}`);
  return seed as number;
}

/** A ShapeError naming the layer unless `inputs` are images [batch, height, width, channels]. */
export function requireImages(inputs: Tensor, where: string): void {
  if (inputs.rank !== 4) {
    throw new ShapeError(`${where}: expects images of shape [batch, height, width, channels]. Received: shape=[${inputs.shape.join(', ')}]`);
  }
}

/**
 * [lower, upper] from a factor f (→ [−|f|, |f|]) or a pair (sorted), as Keras
 * reads its augmentation factors; `inBounds` says which numbers may appear
 * (for translations [−1, 1], fractions of the size), `expected` says it in words.
 */
export function factorRange(
  factor: unknown, name: string, where: string,
  inBounds: (v: number) => boolean = (v) => v >= -1 && v <= 1,
  expected = 'a number in [-1, 1] (shifts up to that fraction of the size either way)',
): [number, number] {
  const ok = (v: unknown): v is number => typeof v === 'number' && inBounds(v);
  if (ok(factor)) return [-Math.abs(factor), Math.abs(factor)];
  if (Array.isArray(factor) && factor.length === 2 && factor.every(ok)) {
    const [a, b] = factor as [number, number];
    return a <= b ? [a, b] : [b, a];
  }
  throw new ValueError(`${where}: ${name} must be ${expected} or a pair [lower, upper] of such numbers. Received: ${name}=${describeValue(factor)}`);
}
