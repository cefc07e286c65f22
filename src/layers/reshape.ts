/**
 * Reshape: each sample to `targetShape` (batch dimension excluded), one
 * entry of which may be -1, inferred from the others: [batch, 784] with
 * targetShape [28, 28, 1] → [batch, 28, 28, 1]. The values keep their
 * row-major order; the data is shared, not copied (see ops/shape.ts).
 */
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { layerArgsFromConfig, type LayerConfig } from './config.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkPositional } from '../utils/options.js';

export interface ReshapeArgs extends LayerArgs {
  /** The shape of one sample after the layer; one entry may be -1. */
  targetShape?: readonly number[];
}

export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(targetShape: readonly number[] | ReshapeArgs, args?: ReshapeArgs) {
    const options = checkPositional<ReshapeArgs>('Reshape', 'targetShape', targetShape, args, [...LAYER_OPTIONS, 'targetShape']);
    super(options);
    const shape = options.targetShape;
    if (!Array.isArray(shape) || !shape.every((d) => d === -1 || (Number.isInteger(d) && d > 0)) || shape.filter((d) => d === -1).length > 1) {
      throw new ValueError(
        `Layer "${this.name}": targetShape must be a list of positive integers, one of which may be -1 (inferred), ` +
          `the shape of one sample without the batch dimension. Received: targetShape=${describeValue(shape)}`,
      );
    }
    this.targetShape = [...shape];
  }

  call(inputs: Tensor): Tensor {
    const sample = this.sampleShape(inputs.shape.slice(1));
    return inputs.reshape([inputs.shape[0]!, ...sample]);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) return [inputShape[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    return [inputShape[0] ?? null, ...this.sampleShape(rest as number[])];
  }

  /** targetShape with its -1 filled in for samples of `sample`'s size; an error when the sizes cannot match. */
  private sampleShape(sample: readonly number[]): number[] {
    const size = sizeOf(sample);
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    const out = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (!out.every((d) => Number.isInteger(d)) || sizeOf(out) !== size) {
      throw new ShapeError(
        `Layer "${this.name}": cannot reshape samples of shape [${sample.join(', ')}] (${size} values) into ` +
          `[${this.targetShape.join(', ')}]. The sizes must match. Received: input_shape=[null, ${sample.join(', ')}]`,
      );
    }
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }

  static fromConfig(config: LayerConfig): Reshape {
    return new Reshape({ ...layerArgsFromConfig(config), targetShape: config.target_shape as number[] });
  }
}
