/**
 * Dense: the fully connected layer,
 *
 *     output = activation(inputs · kernel + bias)
 *
 * with kernel [inputDim, units] (glorot-uniform by default) and bias [units]
 * (zeros). The weights are created in `build` from the first input's last
 * dimension, as in Keras.
 */
import type { Tensor } from '../tensor/tensor.js';
import { getActivation, type Activation, type ActivationName } from './activations.js';
import type { DenseSpec } from './fused-spec.js';
import { getInitializer, type Initializer } from './initializers.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkedOptions, optionalBoolean } from '../utils/options.js';

export interface DenseArgs extends LayerArgs {
  /** 'relu', 'softmax', 'sigmoid', 'tanh' or 'linear'; none means linear. */
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: string | Initializer;
  biasInitializer?: string | Initializer;
}

export class Dense extends Layer {
  static override readonly className = 'Dense';
  readonly units: number;
  readonly activationName: ActivationName;
  readonly useBias: boolean;
  private readonly activation: Activation;
  private readonly kernelInitializer: string | Initializer;
  private readonly biasInitializer: string | Initializer;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(units: number, args: DenseArgs = {}) {
    super(checkedOptions('Dense', args, [...LAYER_OPTIONS, 'activation', 'useBias', 'kernelInitializer', 'biasInitializer']));
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(
        `Layer "${this.name}": units must be a positive integer, the number of outputs` +
          `${typeof units === 'object' && units !== null ? ' (the first argument; the options come second: new Dense(128, { activation }))' : ''}. Received: units=${describeValue(units)}`,
      );
    }
    this.units = units;
    this.activationName = args.activation ?? 'linear';
    this.activation = getActivation(this.activationName, `Layer "${this.name}"`);
    optionalBoolean(`Layer "${this.name}"`, 'useBias', args.useBias);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    // Resolved now so that an unknown name fails here, as in Keras, not at build time.
    getInitializer(this.kernelInitializer, `Layer "${this.name}"`);
    getInitializer(this.biasInitializer, `Layer "${this.name}"`);
  }

  override build(inputShape: BatchShape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null || inputDim === undefined) {
      throw new ShapeError(
        `Layer "${this.name}": the last dimension of its input must be known to create the kernel. ` +
          `Received: input_shape=${JSON.stringify(inputShape)}`,
      );
    }
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer);
    super.build(inputShape);
  }

  call(inputs: Tensor): Tensor {
    const kernel = this.kernel!;
    const inputDim = kernel.shape[0]!;
    // Only the last dimension must match the kernel; any leading ones are batch.
    this.checkInputShape([null, ...inputs.shape.slice(1)], [null, ...inputs.shape.slice(1, -1), inputDim]);
    // Inputs of rank > 2 are treated as a stack of vectors along the last axis.
    const flat = inputs.rank === 2 ? inputs : inputs.reshape([-1, inputDim]);
    let outputs = flat.matmul(kernel);
    if (this.bias) outputs = outputs.add(this.bias);
    if (inputs.rank !== 2) outputs = outputs.reshape([...inputs.shape.slice(0, -1), this.units]);
    return this.activation(outputs);
  }

  /** Null for a subclass with its own call(): that is not this math. */
  override fusedSpec(): DenseSpec | null {
    if (this.call !== Dense.prototype.call) return null;
    const { name, trainable, units, useBias, kernel, bias } = this;
    return { kind: 'dense', name, trainable, units, activation: this.activationName, useBias, kernel, bias };
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      use_bias: this.useBias,
    };
  }

  /** The initializers `layer` was created with (names or functions), for writing its saved config. */
  static initializersOf(layer: Dense): { kernel: string | Initializer; bias: string | Initializer } {
    return { kernel: layer.kernelInitializer, bias: layer.biasInitializer };
  }
}
