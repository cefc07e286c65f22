/**
 * Merge layers: one output from a list of inputs, as Keras's
 * `keras.layers.Concatenate` and the element-wise merges:
 *
 *     Concatenate({ axis = -1 })   y = [x₁ | x₂ | …] joined along axis
 *     Add()                        y = x₁ + x₂ + …
 *     Subtract()                   y = x₁ − x₂            (exactly two inputs)
 *     Multiply()                   y = x₁ ⊙ x₂ ⊙ …
 *     Average()                    y = (x₁ + x₂ + … + xₙ) / n
 *     Maximum(), Minimum()         y = max(x₁, x₂, …), min(x₁, x₂, …) element-wise
 *
 * They are called on a list: `new Concatenate().apply([a, b])`, on symbolic
 * tensors to build a Functional graph or on tensors to compute. Each is
 * built from the differentiable ops (concat, add, mul, …), whose backward
 * passes give the gradients. The element-wise merges need inputs of one shape.
 */
import { Tensor } from '../tensor/tensor.js';
import { concat } from '../tensor/ops/shape.js';
import { add, maximum, minimum, mul, sub } from '../tensor/ops/elementwise.js';
import { formatShape } from '../tensor/shape.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type CallArgs, type LayerArgs } from './layer.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkedOptions } from '../utils/options.js';
import { layerArgsFromConfig, MalformedConfigError, type LayerConfig } from './config.js';

abstract class Merge extends Layer {
  /** The fewest inputs the layer merges (Keras: 1 for most, 2 for Subtract). */
  protected readonly minInputs: number = 1;
  /** The most inputs the layer merges. */
  protected readonly maxInputs: number = Infinity;

  /** The merge itself, on a checked list of batches. */
  protected abstract merge(inputs: readonly Tensor[]): Tensor;

  /** The output shape for these (checked) input shapes. */
  protected abstract mergedShape(inputShapes: readonly BatchShape[]): BatchShape;

  call(inputs: Tensor): Tensor {
    throw this.needsList(inputs);
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    throw this.needsList(inputShape);
  }

  override applyToList(inputs: readonly Tensor[], _args: CallArgs = {}): Tensor {
    // Array.from visits a sparse list's holes, which map would skip.
    const shapes = Array.from(inputs, (t, i) => {
      if (!(t instanceof Tensor)) {
        throw new ValueError(`Layer "${this.name}" (${this.className}): input ${i} is not a Tensor. Received: ${describeValue(t)}`);
      }
      return [null, ...t.shape.slice(1)];
    });
    this.outputShapeForList(shapes);
    return this.merge(inputs);
  }

  override outputShapeForList(inputShapes: readonly BatchShape[]): BatchShape {
    const n = inputShapes.length;
    if (n < this.minInputs || n > this.maxInputs) {
      const expected = this.minInputs === this.maxInputs ? `exactly ${this.minInputs}` : `at least ${this.minInputs}`;
      throw new ValueError(`Layer "${this.name}" (${this.className}) should be called on a list of ${expected} inputs. Received: ${n} inputs`);
    }
    if (!this.built) this.build(inputShapes[0]!);
    return this.mergedShape(inputShapes);
  }

  /** A merge layer from its Keras config: the keys every layer has (Concatenate adds its axis). */
  static fromConfig<T extends Merge>(this: new (args: LayerArgs) => T, config: LayerConfig): T {
    return new this(layerArgsFromConfig(config));
  }

  private needsList(received: unknown): ValueError {
    return new ValueError(
      `Layer "${this.name}" (${this.className}) merges a list of inputs: call it as layer.apply([a, b]). Received: ${describeValue(received)}`,
    );
  }

  /** Throws unless every shape equals the first (batch sizes may differ where unknown). */
  protected requireSameShapes(inputShapes: readonly BatchShape[]): BatchShape {
    const first = inputShapes[0]!;
    inputShapes.forEach((shape, i) => {
      const same = shape.length === first.length && shape.every((d, k) => k === 0 || d === first[k]);
      if (!same) {
        throw new ShapeError(
          `Layer "${this.name}" (${this.className}) needs inputs of one shape. ` +
            `Received: input 0 shape=${formatShape(first)}, input ${i} shape=${formatShape(shape)}`,
        );
      }
    });
    return first;
  }
}

/** A merge that folds an element-wise op over the inputs: y = x₁ ∘ x₂ ∘ …. */
abstract class ElementwiseMerge extends Merge {
  protected mergedShape(inputShapes: readonly BatchShape[]): BatchShape {
    return this.requireSameShapes(inputShapes);
  }
}

/** y = x₁ + x₂ + …. */
export class Add extends ElementwiseMerge {
  static override readonly className = 'Add';
  constructor(args: LayerArgs = {}) {
    super(checkedOptions('Add', args, LAYER_OPTIONS));
  }
  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((sum, x) => add(sum, x));
  }
}

/** y = x₁ − x₂, for exactly two inputs. */
export class Subtract extends ElementwiseMerge {
  static override readonly className = 'Subtract';
  protected override readonly minInputs = 2;
  protected override readonly maxInputs = 2;
  constructor(args: LayerArgs = {}) {
    super(checkedOptions('Subtract', args, LAYER_OPTIONS));
  }
  protected merge(inputs: readonly Tensor[]): Tensor {
    return sub(inputs[0]!, inputs[1]!);
  }
}

/** y = x₁ ⊙ x₂ ⊙ … (element-wise product). */
export class Multiply extends ElementwiseMerge {
  static override readonly className = 'Multiply';
  constructor(args: LayerArgs = {}) {
    super(checkedOptions('Multiply', args, LAYER_OPTIONS));
  }
  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((product, x) => mul(product, x));
  }
}

/** y = (x₁ + … + xₙ) / n. */
export class Average extends ElementwiseMerge {
  static override readonly className = 'Average';
  constructor(args: LayerArgs = {}) {
    super(checkedOptions('Average', args, LAYER_OPTIONS));
  }
  protected merge(inputs: readonly Tensor[]): Tensor {
    return mul(inputs.reduce((sum, x) => add(sum, x)), 1 / inputs.length);
  }
}

/** y = max(x₁, x₂, …) element-wise; the gradient goes to the largest input (the first, on ties). */
export class Maximum extends ElementwiseMerge {
  static override readonly className = 'Maximum';
  constructor(args: LayerArgs = {}) {
    super(checkedOptions('Maximum', args, LAYER_OPTIONS));
  }
  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((largest, x) => maximum(largest, x));
  }
}

/** y = min(x₁, x₂, …) element-wise; the gradient goes to the smallest input (the first, on ties). */
export class Minimum extends ElementwiseMerge {
  static override readonly className = 'Minimum';
  constructor(args: LayerArgs = {}) {
    super(checkedOptions('Minimum', args, LAYER_OPTIONS));
  }
  protected merge(inputs: readonly Tensor[]): Tensor {
    return inputs.reduce((smallest, x) => minimum(smallest, x));
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along; the last by default. Every other dimension must match. */
  axis?: number;
}

/** y = the inputs joined along `axis`. */
export class Concatenate extends Merge {
  static override readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(checkedOptions('Concatenate', args, [...LAYER_OPTIONS, 'axis'] satisfies (keyof ConcatenateArgs)[]));
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new ValueError(`Layer "${this.name}": axis must be an integer. Received: axis=${describeValue(axis)}`);
    this.axis = axis;
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return concat(inputs, this.axis);
  }

  protected mergedShape(inputShapes: readonly BatchShape[]): BatchShape {
    const first = inputShapes[0]!;
    const rank = first.length;
    const ax = this.axis < 0 ? this.axis + rank : this.axis;
    if (ax < 1 || ax >= rank) {
      throw new ValueError(
        `Layer "${this.name}" (Concatenate): axis ${this.axis} is out of range for inputs of shape ${formatShape(first)} ` +
          `(the batch axis 0 cannot be joined along). Received: axis=${this.axis}`,
      );
    }
    inputShapes.forEach((shape, i) => {
      const fits = shape.length === rank && shape.every((d, k) => k === 0 || k === ax || d === first[k]);
      if (!fits) {
        throw new ShapeError(
          `Layer "${this.name}" (Concatenate) requires inputs with matching shapes except for the concatenation axis ${this.axis}. ` +
            `Received: input 0 shape=${formatShape(first)}, input ${i} shape=${formatShape(shape)}`,
        );
      }
    });
    const joined = inputShapes.reduce<number | null>((n, s) => (n === null || s[ax] === null ? null : n + s[ax]!), 0);
    const out = [...first];
    out[ax] = joined;
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  static override fromConfig<T extends Merge>(this: new (args: ConcatenateArgs) => T, config: LayerConfig): T {
    const { axis } = config;
    if (axis !== undefined && !Number.isInteger(axis)) throw new MalformedConfigError(`axis must be an integer. Received: axis=${describeValue(axis)}`);
    return new this({ ...layerArgsFromConfig(config), ...(axis === undefined ? {} : { axis: axis as number }) });
  }
}
