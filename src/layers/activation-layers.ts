/**
 * Layers that apply a fixed function and hold no weights, as Keras's
 * `keras.layers.Softmax`, `Activation` and `ReLU`:
 *
 *     Softmax({ axis = -1 })   y = exp(x − max) / Σ exp(x − max) along axis
 *     Activation('tanh')       y = tanh(x), any name Dense accepts
 *     ReLU({ maxValue, negativeSlope = 0, threshold = 0 })
 *                              y = x if x ≥ threshold, else negativeSlope·(x − threshold); capped at maxValue
 *
 * The tutorial's probability model is `new Sequential([model, new Softmax()])`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { generalRelu } from '../tensor/ops/unary.js';
import { getActivation, type Activation as ActivationFn, type ActivationName } from './activations.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type LayerArgs } from './layer.js';
import type { ActivationSpec } from './fused-spec.js';
import { activationFromConfig, layerArgsFromConfig, type LayerConfig } from './config.js';
import { describeValue, ValueError } from '../errors.js';
import { checkedOptions, checkPositional } from '../utils/options.js';

/** A layer whose output has its input's shape. */
abstract class ShapePreservingLayer extends Layer {
  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }
}

export interface SoftmaxArgs extends LayerArgs {
  /** The axis the probabilities sum to 1 along; the last by default. */
  axis?: number;
}

export class Softmax extends ShapePreservingLayer {
  static override readonly className = 'Softmax';
  readonly axis: number;

  constructor(args: SoftmaxArgs = {}) {
    super(checkedOptions('Softmax', args, [...LAYER_OPTIONS, 'axis'] satisfies (keyof SoftmaxArgs)[]));
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new ValueError(`Layer "${this.name}": axis must be an integer. Received: axis=${describeValue(axis)}`);
    this.axis = axis;
  }

  call(inputs: Tensor): Tensor {
    return inputs.softmax(this.axis);
  }

  /** The fused executor's softmax is along the last axis of a batch of vectors. */
  override fusedSpec(): ActivationSpec | null {
    const rank = this.builtInputShape?.length ?? 2;
    const lastAxis = this.axis === -1 || this.axis === rank - 1;
    return this.call === Softmax.prototype.call && rank === 2 && lastAxis ? { kind: 'activation', name: this.name, activation: 'softmax' } : null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  static fromConfig(config: LayerConfig): Softmax {
    // Keras may write the axis as a list of one.
    const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : (config.axis ?? -1);
    return new Softmax({ ...layerArgsFromConfig(config), axis: axis as number });
  }
}

export interface ActivationArgs extends LayerArgs {
  activation?: ActivationName;
}

export class Activation extends ShapePreservingLayer {
  static override readonly className = 'Activation';
  readonly activationName: ActivationName;
  private readonly fn: ActivationFn;

  /** `new Activation('relu')` or `new Activation({ activation: 'relu' })`. */
  constructor(activation: ActivationName | ActivationArgs, args: ActivationArgs = {}) {
    const options = checkPositional('Activation', 'activation', activation, args, [...LAYER_OPTIONS, 'activation'] satisfies (keyof ActivationArgs)[]);
    super(options);
    if (options.activation === undefined) {
      throw new ValueError(`Layer "${this.name}": an Activation layer needs the activation's name, such as 'relu'. Received: activation=undefined`);
    }
    this.fn = getActivation(options.activation, `Layer "${this.name}"`);
    this.activationName = options.activation;
  }

  call(inputs: Tensor): Tensor {
    return this.fn(inputs);
  }

  override fusedSpec(): ActivationSpec | null {
    return this.call === Activation.prototype.call ? { kind: 'activation', name: this.name, activation: this.activationName } : null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activationName };
  }

  static fromConfig(config: LayerConfig): Activation {
    const args = layerArgsFromConfig(config);
    return new Activation({ ...args, activation: activationFromConfig(config.activation) });
  }
}

export interface ReLUArgs extends LayerArgs {
  /** The largest output; none by default. */
  maxValue?: number | null;
  /** The slope below the threshold; 0 by default. */
  negativeSlope?: number;
  /** Below this value the output is negativeSlope·(x − threshold); 0 by default. */
  threshold?: number;
}

export class ReLU extends ShapePreservingLayer {
  static override readonly className = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(checkedOptions('ReLU', args, [...LAYER_OPTIONS, 'maxValue', 'negativeSlope', 'threshold'] satisfies (keyof ReLUArgs)[]));
    const { maxValue = null, negativeSlope = 0, threshold = 0 } = args;
    const bad = (value: unknown) => typeof value !== 'number' || !Number.isFinite(value) || value < 0;
    if (maxValue !== null && bad(maxValue)) throw this.optionError('maxValue', maxValue);
    if (bad(negativeSlope)) throw this.optionError('negativeSlope', negativeSlope);
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw this.optionError('threshold', threshold, 'a finite number');
    this.maxValue = maxValue;
    this.negativeSlope = negativeSlope;
    this.threshold = threshold;
  }

  call(inputs: Tensor): Tensor {
    const plain = this.negativeSlope === 0 && this.threshold === 0;
    const y = plain ? inputs.relu() : generalRelu(inputs, this.negativeSlope, this.threshold);
    return this.maxValue === null ? y : y.clip(-Infinity, this.maxValue);
  }

  /** Only the plain max(x, 0) is one of the fused executor's activations. */
  override fusedSpec(): ActivationSpec | null {
    const plain = this.maxValue === null && this.negativeSlope === 0 && this.threshold === 0;
    return plain && this.call === ReLU.prototype.call ? { kind: 'activation', name: this.name, activation: 'relu' } : null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }

  static fromConfig(config: LayerConfig): ReLU {
    return new ReLU({
      ...layerArgsFromConfig(config),
      maxValue: (config.max_value ?? null) as number | null,
      negativeSlope: (config.negative_slope ?? 0) as number,
      threshold: (config.threshold ?? 0) as number,
    });
  }

  private optionError(name: string, value: unknown, expected = 'a non-negative number'): ValueError {
    return new ValueError(`Layer "${this.name}": ${name} must be ${expected}. Received: ${name}=${describeValue(value)}`);
  }
}
