/**
 * Dense: the fully connected layer,
 *
 *     output = activation(inputs · kernel + bias)
 *
 * with kernel [inputDim, units] (glorot-uniform by default) and bias [units]
 * (zeros). The weights are created in `build` from the first input's last
 * dimension, as in Keras.
 *
 * Its three forms: `call` (autograd, op by op); `getConfig()` /
 * `Dense.fromConfig()` (Keras's config, what model.json holds); and
 * `fusedSpec()`, the plain data the fused executor plans from: there it runs
 * as src/fused/kinds/dense.ts, whose rows forward serves both training
 * (src/fused/step.ts) and predict/evaluate (src/fused/forward-block.ts).
 */
import type { Tensor } from '../tensor/tensor.js';
import { getActivation, type Activation, type ActivationName } from './activations.js';
import type { DenseSpec } from './fused-spec.js';
import { activationFromConfig, layerArgsFromConfig, MalformedConfigError, rejectRegularizers, type LayerConfig } from './config.js';
import { getInitializer, initializerEntry, initializerFromConfig, type Initializer } from './initializers.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { LayerRegularizers, REGULARIZER_OPTIONS, type RegularizerArgs } from './regularized.js';
import type { Regularizer } from '../regularizers/regularizers.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkedOptions, optionalBoolean } from '../utils/options.js';

export interface DenseArgs extends LayerArgs, RegularizerArgs {
  /** An activation's name (ActivationName: 'relu', 'gelu', …); none means linear. */
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
  /** kernelRegularizer, biasRegularizer, activityRegularizer: penalties training adds to the loss. */
  readonly regularizers: LayerRegularizers;
  /** The config this layer was made from (fromConfig): its initializer entries are written back unchanged. */
  private readFrom: LayerConfig | null = null;

  constructor(units: number, args: DenseArgs = {}) {
    super(checkedOptions('Dense', args, [...LAYER_OPTIONS, 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', ...REGULARIZER_OPTIONS]));
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
    this.regularizers = new LayerRegularizers(args, `Layer "${this.name}"`);
  }

  override build(inputShape: BatchShape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null || inputDim === undefined) {
      throw new ShapeError(
        `Layer "${this.name}": the last dimension of its input must be known to create the kernel. ` +
          `Received: input_shape=${JSON.stringify(inputShape)}`,
      );
    }
    const [kernelShape, biasShape] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', kernelShape!, this.kernelInitializer);
    if (biasShape) this.bias = this.addWeight('bias', biasShape, this.biasInitializer);
    super.build(inputShape);
  }

  /** kernel [inputDim, units], then bias [units] when useBias. */
  override weightShapes(inputShape: BatchShape): number[][] {
    const inputDim = inputShape[inputShape.length - 1] ?? 0;
    return this.useBias ? [[inputDim, this.units], [this.units]] : [[inputDim, this.units]];
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
    return this.regularizers.onOutput(this.activation(outputs));
  }

  /** The kernel and bias with their regularizers, for training's penalty (src/regularizers/penalties.ts). */
  regularizedWeights(): [Tensor, Regularizer][] {
    return this.regularizers.weights(this.kernel, this.bias);
  }

  hasRegularizers(): boolean {
    return this.regularizers.any();
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
      kernel_initializer: initializerEntry(this.kernelInitializer, this.readFrom, 'kernel_initializer'),
      bias_initializer: initializerEntry(this.biasInitializer, this.readFrom, 'bias_initializer'),
      ...this.regularizers.config(),
    };
  }

  /**
   * A Dense layer from its Keras config. An initializer tinykeras does not
   * have is kept as written, to be saved back unchanged, and the default
   * draws instead (a loaded model's weights come from its file anyway).
   */
  static fromConfig(config: LayerConfig): Dense {
    const args = layerArgsFromConfig(config);
    const { units, use_bias: useBias } = config;
    if (!Number.isInteger(units) || (units as number) <= 0) {
      throw new MalformedConfigError(`units must be a positive integer. Received: units=${describeValue(units)}`);
    }
    const activation = activationFromConfig(config.activation, 'linear');
    if (useBias !== undefined && typeof useBias !== 'boolean') {
      throw new MalformedConfigError(`use_bias must be true or false. Received: use_bias=${describeValue(useBias)}`);
    }
    rejectRegularizers(config, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer']);
    const layer = new Dense(units as number, {
      ...args,
      ...LayerRegularizers.argsFromConfig(config),
      activation,
      useBias: useBias ?? true,
      kernelInitializer: initializerFromConfig(config.kernel_initializer, 'glorot_uniform'),
      biasInitializer: initializerFromConfig(config.bias_initializer, 'zeros'),
    });
    layer.readFrom = config;
    return layer;
  }
}
