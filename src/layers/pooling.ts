/**
 * Pooling layers of channels-last images [batch, height, width, channels]:
 *
 *     MaxPooling2D          the largest value of each poolSize window   (ops/pool.ts)
 *     AveragePooling2D      the mean of each window
 *     GlobalMaxPooling2D    the largest value over all positions:  [batch, channels]
 *     GlobalAveragePooling2D  the mean over all positions:         [batch, channels]
 *
 * Windows move by `strides`, the pool size by default (side by side), with
 * padding 'valid' or 'same' (tensor/ops/window.ts). None has weights.
 *
 *     new MaxPooling2D(2)  or  new MaxPooling2D({ poolSize: [2, 2], strides: 1, padding: 'same' })
 */
import { avgPool2d, maxPool2d } from '../tensor/ops/pool.js';
import { outputLength, type Padding } from '../tensor/ops/window.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Pooling2DSpec } from './fused-spec.js';
import { checkChannelsLast, intPair, paddingName, type IntPair } from './conv-args.js';
import { layerArgsFromConfig, type LayerConfig } from './config.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { ShapeError } from '../errors.js';
import { checkOptions, checkPositional, optionalBoolean } from '../utils/options.js';

export interface Pooling2DArgs extends LayerArgs {
  /** [height, width] of the window, or one integer; 2 by default. */
  poolSize?: IntPair;
  /** The window's step; the pool size by default. */
  strides?: IntPair | null;
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
  /** 'channels_last' only. */
  dataFormat?: 'channels_last' | null;
}

const POOLING_OPTIONS = [...LAYER_OPTIONS, 'poolSize', 'strides', 'padding', 'dataFormat'] as const satisfies readonly (keyof Pooling2DArgs)[];

/** What MaxPooling2D and AveragePooling2D share: the window and its output size. */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(poolSize: IntPair | Pooling2DArgs | undefined, args: Pooling2DArgs | undefined, className: string) {
    const options = checkPositional<Pooling2DArgs>(className, 'poolSize', poolSize, args, POOLING_OPTIONS);
    super(options);
    const where = `Layer "${this.name}"`;
    this.poolSize = intPair(options.poolSize ?? 2, 'poolSize', where);
    this.strides = intPair(options.strides ?? this.poolSize, 'strides', where);
    this.padding = paddingName(options.padding ?? 'valid', where);
    checkChannelsLast(options.dataFormat, where);
  }

  /** The description the fused executor plans from (src/layers/fused-spec.ts). */
  protected poolingSpec(mode: 'max' | 'avg'): Pooling2DSpec {
    return { kind: 'pool2d', name: this.name, mode, poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  override build(inputShape: BatchShape): void {
    this.checkImages(inputShape);
    super.build(inputShape);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    const [batch, height, width, channels] = inputShape;
    const length = (size: number | null | undefined, axis: 0 | 1) =>
      size === null || size === undefined ? null : outputLength(size, this.poolSize[axis], this.strides[axis], 1, this.padding);
    return [batch ?? null, length(height, 0), length(width, 1), channels ?? null];
  }

  protected checkImages(inputShape: BatchShape): void {
    if (inputShape.length !== 4) {
      throw new ShapeError(`Layer "${this.name}": expects images of shape [batch, height, width, channels]. Received: input_shape=${JSON.stringify(inputShape)}`);
    }
    const [, height, width] = this.computeOutputShape(inputShape);
    if ((height !== null && height! <= 0) || (width !== null && width! <= 0)) {
      throw new ShapeError(
        `Layer "${this.name}": the ${this.poolSize.join('×')} window does not fit in the input with padding '${this.padding}': ` +
          `the output would be ${height}×${width}. Received: input_shape=${JSON.stringify(inputShape)}`,
      );
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: [...this.poolSize], padding: this.padding, strides: [...this.strides], data_format: 'channels_last' };
  }

  /** The options a Keras config holds (snake_case keys). */
  protected static argsFromConfig(config: LayerConfig): Pooling2DArgs {
    return {
      ...layerArgsFromConfig(config),
      poolSize: (config.pool_size ?? 2) as IntPair,
      strides: (config.strides ?? null) as IntPair | null,
      padding: (config.padding ?? 'valid') as Padding,
      dataFormat: (config.data_format ?? null) as 'channels_last' | null,
    };
  }
}

export class MaxPooling2D extends Pooling2D {
  static override readonly className = 'MaxPooling2D';

  constructor(poolSize?: IntPair | Pooling2DArgs, args?: Pooling2DArgs) {
    super(poolSize, args, 'MaxPooling2D');
  }

  call(inputs: Tensor): Tensor {
    this.checkImages(inputs.shape);
    return maxPool2d(inputs, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }

  override fusedSpec(): Pooling2DSpec | null {
    return this.call === MaxPooling2D.prototype.call ? this.poolingSpec('max') : null;
  }

  static fromConfig(config: LayerConfig): MaxPooling2D {
    return new MaxPooling2D(Pooling2D.argsFromConfig(config));
  }
}

export class AveragePooling2D extends Pooling2D {
  static override readonly className = 'AveragePooling2D';

  constructor(poolSize?: IntPair | Pooling2DArgs, args?: Pooling2DArgs) {
    super(poolSize, args, 'AveragePooling2D');
  }

  call(inputs: Tensor): Tensor {
    this.checkImages(inputs.shape);
    return avgPool2d(inputs, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }

  override fusedSpec(): Pooling2DSpec | null {
    return this.call === AveragePooling2D.prototype.call ? this.poolingSpec('avg') : null;
  }

  static fromConfig(config: LayerConfig): AveragePooling2D {
    return new AveragePooling2D(Pooling2D.argsFromConfig(config));
  }
}

export interface GlobalPooling2DArgs extends LayerArgs {
  /** 'channels_last' only. */
  dataFormat?: 'channels_last' | null;
  /** Keep the pooled axes with size 1: [batch, 1, 1, channels]. False by default. */
  keepdims?: boolean;
}

/** What the global poolings share: the whole image is one window. */
abstract class GlobalPooling2D extends Layer {
  readonly keepdims: boolean;

  constructor(args: GlobalPooling2DArgs, className: string) {
    checkOptions(className, args, [...LAYER_OPTIONS, 'dataFormat', 'keepdims']);
    super(args);
    checkChannelsLast(args.dataFormat, `Layer "${this.name}"`);
    optionalBoolean(`Layer "${this.name}"`, 'keepdims', args.keepdims);
    this.keepdims = args.keepdims ?? false;
  }

  /** The reduction of [batch, positions, channels] over the positions. */
  protected abstract reduce(positions: Tensor): Tensor;

  call(inputs: Tensor): Tensor {
    this.checkInputShape([null, ...inputs.shape.slice(1)], [null, null, null, inputs.shape[3] ?? null]);
    const [batch, height, width, channels] = inputs.shape as [number, number, number, number];
    const pooled = this.reduce(inputs.reshape([batch, height * width, channels]));
    return this.keepdims ? pooled.reshape([batch, 1, 1, channels]) : pooled;
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    const [batch, , , channels] = inputShape;
    return this.keepdims ? [batch ?? null, 1, 1, channels ?? null] : [batch ?? null, channels ?? null];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last', keepdims: this.keepdims };
  }

  protected static argsFromConfig(config: LayerConfig): GlobalPooling2DArgs {
    return { ...layerArgsFromConfig(config), dataFormat: (config.data_format ?? null) as 'channels_last' | null, keepdims: (config.keepdims ?? false) as boolean };
  }
}

/** The mean over all positions of each channel: [batch, h, w, c] → [batch, c]. */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalAveragePooling2D';

  constructor(args: GlobalPooling2DArgs = {}) {
    super(args, 'GlobalAveragePooling2D');
  }

  protected reduce(positions: Tensor): Tensor {
    return positions.mean(1);
  }

  static fromConfig(config: LayerConfig): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(GlobalPooling2D.argsFromConfig(config));
  }
}

/** The largest value over all positions of each channel: [batch, h, w, c] → [batch, c]. */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalMaxPooling2D';

  constructor(args: GlobalPooling2DArgs = {}) {
    super(args, 'GlobalMaxPooling2D');
  }

  protected reduce(positions: Tensor): Tensor {
    return positions.max(1);
  }

  static fromConfig(config: LayerConfig): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(GlobalPooling2D.argsFromConfig(config));
  }
}
