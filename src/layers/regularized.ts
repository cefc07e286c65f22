/**
 * The regularizer options of a layer with a kernel and a bias (Dense,
 * Conv2D): kernelRegularizer, biasRegularizer and activityRegularizer, read
 * from options or from a Keras config, written back in Keras's form, and
 * given to training (src/regularizers/penalties.ts) as each weight with its
 * regularizer and, on every call, the output's activity penalty.
 */
import type { Tensor } from '../tensor/tensor.js';
import { getRegularizer, regularizerFromConfig, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers/regularizers.js';
import { recordActivityPenalty } from '../regularizers/penalties.js';
import type { LayerConfig } from './config.js';

export interface RegularizerArgs {
  /** A penalty on the kernel added to the loss: keras.regularizers.l2(0.01), or 'l1', 'l2', 'l1l2'. */
  kernelRegularizer?: RegularizerIdentifier;
  /** A penalty on the bias added to the loss. */
  biasRegularizer?: RegularizerIdentifier;
  /** A penalty on the layer's output added to the loss, divided by the batch size. */
  activityRegularizer?: RegularizerIdentifier;
}

export const REGULARIZER_OPTIONS = ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer'] as const satisfies readonly (keyof RegularizerArgs)[];

/** A layer's three regularizers, each null when not given. */
export class LayerRegularizers {
  readonly kernel: Regularizer | null;
  readonly bias: Regularizer | null;
  readonly activity: Regularizer | null;

  constructor(args: RegularizerArgs, where: string) {
    this.kernel = getRegularizer(args.kernelRegularizer, where, 'kernelRegularizer');
    this.bias = getRegularizer(args.biasRegularizer, where, 'biasRegularizer');
    this.activity = getRegularizer(args.activityRegularizer, where, 'activityRegularizer');
  }

  /** The kernel and bias, each with its regularizer, for those that have one (and exist). */
  weights(kernel: Tensor | null, bias: Tensor | null): [Tensor, Regularizer][] {
    const pairs: [Tensor, Regularizer][] = [];
    if (kernel && this.kernel) pairs.push([kernel, this.kernel]);
    if (bias && this.bias) pairs.push([bias, this.bias]);
    return pairs;
  }

  any(): boolean {
    return this.kernel !== null || this.bias !== null || this.activity !== null;
  }

  /** Records the activity penalty of one call's output (when training collects them), and returns the output. */
  onOutput(output: Tensor): Tensor {
    if (this.activity) recordActivityPenalty(this.activity, output);
    return output;
  }

  /** The config entries, as Keras writes them (constraints: tinykeras has none, null). */
  config(): Record<string, unknown> {
    return {
      kernel_regularizer: serializeRegularizer(this.kernel),
      bias_regularizer: serializeRegularizer(this.bias),
      activity_regularizer: serializeRegularizer(this.activity),
      kernel_constraint: null,
      bias_constraint: null,
    };
  }

  /** The options a Keras config's regularizer entries give. */
  static argsFromConfig(config: LayerConfig): RegularizerArgs {
    const read = (key: string) => regularizerFromConfig(config[key], key);
    return { kernelRegularizer: read('kernel_regularizer'), biasRegularizer: read('bias_regularizer'), activityRegularizer: read('activity_regularizer') };
  }
}
