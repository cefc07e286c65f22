/**
 * Conv2D: the 2-D convolution layer of channels-last images,
 *
 *     outputs = activation(conv2d(inputs, kernel) + bias)
 *
 * with kernel [kernelHeight, kernelWidth, inChannels, filters] (Keras's
 * layout; glorot-uniform by default) and bias [filters] (zeros). The
 * convolution and its gradients are the op in tensor/ops/conv.ts; the
 * output size follows tensor/ops/window.ts ('valid' or TensorFlow's 'same').
 *
 *     new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] })
 *     new Conv2D({ filters: 32, kernelSize: [3, 3], strides: 2, padding: 'same' })
 */
import { conv2d } from '../tensor/ops/conv.js';
import { outputLength, type Padding } from '../tensor/ops/window.js';
import type { Tensor } from '../tensor/tensor.js';
import { getActivation, type Activation, type ActivationName } from './activations.js';
import type { Conv2DSpec } from './fused-spec.js';
import { checkChannelsLast, intPair, paddingName, type IntPair } from './conv-args.js';
import { activationFromConfig, layerArgsFromConfig, rejectRegularizers, type LayerConfig } from './config.js';
import { getInitializer, initializerEntry, initializerFromConfig, type Initializer } from './initializers.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import { LayerRegularizers, REGULARIZER_OPTIONS, type RegularizerArgs } from './regularized.js';
import type { Regularizer } from '../regularizers/regularizers.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions, isPlainObject, optionalBoolean } from '../utils/options.js';

export interface Conv2DArgs extends LayerArgs, RegularizerArgs {
  /** The number of output channels (given here or as the first argument). */
  filters?: number;
  /** [height, width] of the kernel, or one integer for a square one (given here or as the second argument). */
  kernelSize?: IntPair;
  /** The window's step; 1 by default. */
  strides?: IntPair;
  /** 'valid' (default: no padding) or 'same' (outputs of ⌈size / stride⌉). */
  padding?: Padding;
  /** 'channels_last' only. */
  dataFormat?: 'channels_last' | null;
  /** The gap between kernel taps; 1 by default. Not together with strides > 1, as in Keras. */
  dilationRate?: IntPair;
  /** An activation's name (ActivationName: 'relu', 'gelu', …); none means linear. */
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: string | Initializer;
  biasInitializer?: string | Initializer;
}

const CONV2D_OPTIONS = [
  ...LAYER_OPTIONS, 'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', ...REGULARIZER_OPTIONS,
] as const satisfies readonly (keyof Conv2DArgs)[];

export class Conv2D extends Layer {
  static override readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];
  readonly activationName: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: string | Initializer;
  readonly biasInitializer: string | Initializer;
  private readonly activation: Activation;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;
  /** kernelRegularizer, biasRegularizer, activityRegularizer: penalties training adds to the loss. */
  readonly regularizers: LayerRegularizers;
  /** The config this layer was made from (fromConfig): its initializer entries are written back unchanged. */
  private readFrom: LayerConfig | null = null;

  /** `new Conv2D(filters, kernelSize, options)`, as Keras writes it, or `new Conv2D({ filters, kernelSize, … })`, as TF.js does. */
  constructor(filters: number | Conv2DArgs, kernelSize?: IntPair | Conv2DArgs, args: Conv2DArgs = {}) {
    const options = conv2dOptions(filters, kernelSize, args);
    super(options);
    const where = `Layer "${this.name}"`;
    if (!Number.isInteger(options.filters) || options.filters! <= 0) {
      throw new ValueError(`${where}: filters must be a positive integer, the number of output channels. Received: filters=${describeValue(options.filters)}`);
    }
    this.filters = options.filters!;
    if (options.kernelSize === undefined) throw new ValueError(`${where}: kernelSize is required, such as 3 or [3, 3]. Received: kernelSize=undefined`);
    this.kernelSize = intPair(options.kernelSize, 'kernelSize', where);
    this.strides = intPair(options.strides ?? 1, 'strides', where);
    this.dilationRate = intPair(options.dilationRate ?? 1, 'dilationRate', where);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new ValueError(
        `${where}: strides > 1 cannot be combined with dilationRate > 1 (Keras rejects it too). Received: strides=[${this.strides.join(', ')}], dilationRate=[${this.dilationRate.join(', ')}]`,
      );
    }
    this.padding = paddingName(options.padding ?? 'valid', where);
    checkChannelsLast(options.dataFormat, where);
    this.activationName = options.activation ?? 'linear';
    this.activation = getActivation(this.activationName, where);
    optionalBoolean(where, 'useBias', options.useBias);
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = options.kernelInitializer ?? 'glorot_uniform';
    this.biasInitializer = options.biasInitializer ?? 'zeros';
    // Resolved now so that an unknown name fails here, as in Keras, not at build time.
    getInitializer(this.kernelInitializer, where);
    getInitializer(this.biasInitializer, where);
    this.regularizers = new LayerRegularizers(options, where);
  }

  override build(inputShape: BatchShape): void {
    const channels = inputShape[3];
    if (inputShape.length !== 4 || channels === null || channels === undefined) {
      throw new ShapeError(
        `Layer "${this.name}": expects images of shape [batch, height, width, channels] with a known number of channels. ` +
          `Received: input_shape=${JSON.stringify(inputShape)}`,
      );
    }
    this.checkFits(inputShape);
    const [kernelShape, biasShape] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', kernelShape!, this.kernelInitializer);
    if (biasShape) this.bias = this.addWeight('bias', biasShape, this.biasInitializer);
    super.build(inputShape);
  }

  /** kernel [kernelHeight, kernelWidth, inChannels, filters], then bias [filters] when useBias. */
  override weightShapes(inputShape: BatchShape): number[][] {
    const kernel = [...this.kernelSize, inputShape[inputShape.length - 1] ?? 0, this.filters];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  call(inputs: Tensor): Tensor {
    const kernel = this.kernel!;
    this.checkInputShape([null, ...inputs.shape.slice(1)], [null, null, null, kernel.shape[2]!]);
    this.checkFits(inputs.shape);
    let outputs = conv2d(inputs, kernel, { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate });
    // [N, OH, OW, F] + [F]: broadcasting adds the bias at every position.
    if (this.bias) outputs = outputs.add(this.bias);
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
  override fusedSpec(): Conv2DSpec | null {
    if (this.call !== Conv2D.prototype.call) return null;
    const { name, trainable, filters, strides, padding, dilationRate, useBias, kernel, bias } = this;
    return { kind: 'conv2d', name, trainable, filters, strides, padding, dilationRate, activation: this.activationName, useBias, kernel, bias };
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    const [batch, height, width] = inputShape;
    const length = (size: number | null | undefined, axis: 0 | 1) =>
      size === null || size === undefined ? null : outputLength(size, this.kernelSize[axis], this.strides[axis], this.dilationRate[axis], this.padding);
    return [batch ?? null, length(height, 0), length(width, 1), this.filters];
  }

  /** A 'valid' window larger than the image leaves no output: Keras's error, here before any work. */
  private checkFits(inputShape: BatchShape): void {
    const [, height, width] = this.computeOutputShape(inputShape);
    if ((height !== null && height! <= 0) || (width !== null && width! <= 0)) {
      throw new ShapeError(
        `Layer "${this.name}": the ${this.kernelSize.join('×')} kernel${this.dilationRate.some((d) => d > 1) ? ` dilated by ${this.dilationRate.join('×')}` : ''} ` +
          `does not fit in the input with padding '${this.padding}': the output would be ${height}×${width}. Received: input_shape=${JSON.stringify(inputShape)}`,
      );
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: [...this.dilationRate],
      groups: 1,
      activation: this.activationName,
      use_bias: this.useBias,
      kernel_initializer: initializerEntry(this.kernelInitializer, this.readFrom, 'kernel_initializer'),
      bias_initializer: initializerEntry(this.biasInitializer, this.readFrom, 'bias_initializer'),
      ...this.regularizers.config(),
    };
  }

  /**
   * The layer a Keras config describes (snake_case keys, as getConfig()
   * writes them). An initializer tinykeras does not have is kept as written,
   * to be saved back unchanged, and the default draws instead, as for Dense.
   */
  static fromConfig(config: LayerConfig): Conv2D {
    if (config.groups !== undefined && config.groups !== 1) throw new ValueError(`tinykeras has no grouped convolutions yet. Received: groups=${describeValue(config.groups)}`);
    rejectRegularizers(config, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer']);
    const layer = new Conv2D({
      ...layerArgsFromConfig(config),
      ...LayerRegularizers.argsFromConfig(config),
      filters: config.filters as number,
      kernelSize: config.kernel_size as IntPair,
      strides: (config.strides ?? 1) as IntPair,
      padding: (config.padding ?? 'valid') as Padding,
      dataFormat: (config.data_format ?? null) as 'channels_last' | null,
      dilationRate: (config.dilation_rate ?? 1) as IntPair,
      activation: activationFromConfig(config.activation, 'linear'),
      useBias: (config.use_bias ?? true) as boolean,
      kernelInitializer: initializerFromConfig(config.kernel_initializer, 'glorot_uniform'),
      biasInitializer: initializerFromConfig(config.bias_initializer, 'zeros'),
    });
    layer.readFrom = config;
    return layer;
  }
}

/** The one options object from Keras's positional form or TF.js's object form, its keys checked. */
function conv2dOptions(filters: number | Conv2DArgs, kernelSize: IntPair | Conv2DArgs | undefined, args: Conv2DArgs): Conv2DArgs {
  if (isPlainObject(filters)) {
    checkOptions('Conv2D', filters, CONV2D_OPTIONS);
    if (kernelSize !== undefined) throw new ValueError(`Conv2D: the options come once, as the first argument or after filters and kernelSize, not both. Received: a second argument ${describeValue(kernelSize)}`);
    return filters;
  }
  if (isPlainObject(kernelSize)) {
    checkOptions('Conv2D', kernelSize, CONV2D_OPTIONS);
    return { ...kernelSize, filters: filters as number };
  }
  checkOptions('Conv2D', args, CONV2D_OPTIONS);
  for (const [name, value] of [['filters', filters], ['kernelSize', kernelSize]] as const) {
    if (value !== undefined && (args as Record<string, unknown>)[name] !== undefined) {
      throw new ValueError(`Conv2D: ${name} is given twice, as an argument and in the options; give it once. Received: ${describeValue(value)} and ${name}=${describeValue((args as Record<string, unknown>)[name])}`);
    }
  }
  return { ...args, ...(filters === undefined ? {} : { filters: filters as number }), ...(kernelSize === undefined ? {} : { kernelSize: kernelSize as IntPair }) };
}
