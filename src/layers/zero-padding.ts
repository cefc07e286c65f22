/**
 * ZeroPadding2D: rows and columns of zeros around channels-last images,
 *
 *     [batch, h, w, c] → [batch, top + h + bottom, left + w + right, c]
 *
 * `padding` is n (n everywhere), [rows, cols] (symmetric) or
 * [[top, bottom], [left, right]], as in Keras; 1 by default.
 */
import { zeroPad2d, type Padding2D } from '../tensor/ops/pad.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkChannelsLast, intPair } from './conv-args.js';
import { layerArgsFromConfig, type LayerConfig } from './config.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkPositional } from '../utils/options.js';

export type ZeroPadding2DPadding = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

export interface ZeroPadding2DArgs extends LayerArgs {
  padding?: ZeroPadding2DPadding;
  /** 'channels_last' only. */
  dataFormat?: 'channels_last' | null;
}

export class ZeroPadding2D extends Layer {
  static override readonly className = 'ZeroPadding2D';
  /** [[top, bottom], [left, right]]. */
  readonly padding: Padding2D;

  constructor(padding?: ZeroPadding2DPadding | ZeroPadding2DArgs, args?: ZeroPadding2DArgs) {
    const options = checkPositional<ZeroPadding2DArgs>('ZeroPadding2D', 'padding', padding, args, [...LAYER_OPTIONS, 'padding', 'dataFormat']);
    super(options);
    const where = `Layer "${this.name}"`;
    checkChannelsLast(options.dataFormat, where);
    const given = options.padding ?? 1;
    if (Array.isArray(given) && given.every((p) => Array.isArray(p))) {
      if (given.length !== 2) throw new ValueError(`${where}: padding as pairs must be [[top, bottom], [left, right]]. Received: padding=${describeValue(given)}`);
      this.padding = [intPair(given[0], 'padding[0]', where, 0), intPair(given[1], 'padding[1]', where, 0)];
    } else {
      const [rows, cols] = intPair(given, 'padding', where, 0);
      this.padding = [[rows, rows], [cols, cols]];
    }
  }

  call(inputs: Tensor): Tensor {
    this.checkInputShape([null, ...inputs.shape.slice(1)], [null, null, null, inputs.shape[3] ?? null]);
    return zeroPad2d(inputs, this.padding);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    if (inputShape.length !== 4) {
      throw new ShapeError(`Layer "${this.name}": expects images of shape [batch, height, width, channels]. Received: input_shape=${JSON.stringify(inputShape)}`);
    }
    const [[top, bottom], [left, right]] = this.padding;
    const [batch, height, width, channels] = inputShape;
    return [batch ?? null, height == null ? null : top + height + bottom, width == null ? null : left + width + right, channels ?? null];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((pair) => [...pair]), data_format: 'channels_last' };
  }

  static fromConfig(config: LayerConfig): ZeroPadding2D {
    return new ZeroPadding2D({
      ...layerArgsFromConfig(config),
      padding: (config.padding ?? 1) as ZeroPadding2DPadding,
      dataFormat: (config.data_format ?? null) as 'channels_last' | null,
    });
  }
}
