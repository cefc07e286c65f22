/**
 * Flatten: each sample becomes a vector. [batch, 28, 28] → [batch, 784].
 * No weights; the data is shared, not copied (see reshape).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { FlattenSpec } from './fused-spec.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { layerArgsFromConfig, type LayerConfig } from './config.js';
import { describeValue, ValueError } from '../errors.js';
import { checkedOptions } from '../utils/options.js';

export class Flatten extends Layer {
  static override readonly className = 'Flatten';

  constructor(args: LayerArgs & { dataFormat?: 'channels_last' } = {}) {
    super(checkedOptions('Flatten', args, [...LAYER_OPTIONS, 'dataFormat']));
    if (args.dataFormat !== undefined && args.dataFormat !== 'channels_last') {
      throw new ValueError(`Flatten: only dataFormat 'channels_last' is supported. Received: dataFormat=${describeValue(args.dataFormat)}`);
    }
  }

  call(inputs: Tensor): Tensor {
    return inputs.reshape([inputs.shape[0]!, -1]);
  }

  override fusedSpec(): FlattenSpec | null {
    return this.call === Flatten.prototype.call ? { kind: 'flatten', name: this.name } : null;
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    const rest = inputShape.slice(1);
    return [inputShape[0] ?? null, rest.some((d) => d === null) ? null : rest.reduce<number>((n, d) => n * d!, 1)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last' };
  }

  static fromConfig(config: LayerConfig): Flatten {
    const args = layerArgsFromConfig(config);
    const format = config.data_format;
    if (format !== undefined && format !== null && format !== 'channels_last') {
      throw new ValueError(
        `tinykeras's Flatten keeps the element order of channels_last; channels_first would flatten in ` +
          `another order. Received: data_format=${describeValue(format)}`,
      );
    }
    return new Flatten(args);
  }
}
