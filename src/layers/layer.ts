/**
 * The Layer base, shaped as Keras's: configuration in the constructor,
 * weights created lazily by `build` once the first input shape is known,
 * the math in `call`, and `computeOutputShape` for summaries. `apply`
 * on tensors computes; on symbolic tensors (keras.Input) it records the
 * call as a node of a Functional graph instead (graph.ts).
 *
 * Shapes here include the batch dimension as `null` (Keras's None):
 * [null, 28, 28] is "any number of 28×28 images".
 */
import { formatShape } from '../tensor/shape.js';
import { sharedCopy } from '../tensor/storage.js';
import { shapesEqual } from '../tensor/shape.js';
import { requireTensor, Tensor, type NestedArray } from '../tensor/tensor.js';
import { tensor, zeros } from '../tensor/creation.js';
import type { FusedLayerSpec } from './fused-spec.js';
import { getInitializer, type Initializer } from './initializers.js';
import { uniqueName } from '../utils/naming.js';
import { toSnakeCase } from '../utils/registry.js';
import { describeValue, RuntimeError, ShapeError, ValueError } from '../errors.js';
import { isSymbolic, KerasTensor, Node } from './graph.js';
import { optionalBoolean } from '../utils/options.js';

/** The options every layer takes (see LayerArgs); a layer's own are added to these. */
export const LAYER_OPTIONS = ['name', 'inputShape', 'trainable'] as const satisfies readonly (keyof LayerArgs)[];

/** The most values one weight may hold: 2³⁰ float32s, 4 GiB (also under every engine's typed-array limit). */
const MAX_WEIGHT_SIZE = 2 ** 30;

export type BatchShape = readonly (number | null)[];

/** How many withWeightsToBeLoaded calls are running: while any is, new weights are zeros. */
let weightsToBeLoaded = 0;

/**
 * Runs `make` with every weight a layer creates filled with zeros instead of
 * drawn by its initializer: for a model whose weights are about to be read
 * from a file. No random number is drawn, which keeps the random stream as
 * it was: a resumed `fit` then shuffles exactly as an uninterrupted one would.
 */
export function withWeightsToBeLoaded<T>(make: () => T): T {
  weightsToBeLoaded++;
  try {
    return make();
  } finally {
    weightsToBeLoaded--;
  }
}

/**
 * What a call may be told besides its inputs (Keras's `call(inputs, training=...)`).
 * `training` is true inside `fit` and false (absent) in `evaluate`, `predict`
 * and a plain call; layers such as Dropout behave differently in training.
 */
export interface CallArgs {
  training?: boolean;
}

export interface LayerArgs {
  /** The layer's name; by default snake_case of its class plus a counter ("dense_1"). */
  name?: string;
  /** The shape of one sample, without the batch dimension: [28, 28] for an image. */
  inputShape?: readonly number[];
  /** Whether `fit` updates this layer's weights. */
  trainable?: boolean;
}

export abstract class Layer {
  /** The Keras class name, shown by summary() and written to saved models. */
  static readonly className: string = 'Layer';
  readonly name: string;
  private trainableFlag = true;
  /** [null, ...inputShape] when the layer was given an inputShape, else null. */
  readonly batchInputShape: BatchShape | null;
  built = false;
  /** The input shape the layer was built for, batch dimension included. */
  builtInputShape: BatchShape | null = null;
  private readonly ownWeights: Tensor[] = [];
  /** Each call on symbolic tensors (KerasTensors), in order: the layer's places in Functional graphs (graph.ts). */
  readonly inboundNodes: Node[] = [];

  constructor(args: LayerArgs = {}) {
    if (typeof args !== 'object' || args === null) {
      throw new ValueError(`${new.target.className}: expected an options object such as { inputShape: [28, 28] }. Received: ${describeValue(args)}`);
    }
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '')) {
      throw new ValueError(`${new.target.className}: name must be a non-empty string. Received: name=${describeValue(args.name)}`);
    }
    optionalBoolean(new.target.className, 'trainable', args.trainable);
    this.name = args.name ?? uniqueName(toSnakeCase(this.className));
    this.trainableFlag = args.trainable ?? true;
    if (args.inputShape !== undefined) {
      const shape = args.inputShape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0)) {
        throw new ValueError(
          `Layer "${this.name}": inputShape must be an array of positive integers, the shape of one sample ` +
            `without the batch dimension (for 28×28 images: [28, 28]). Received: inputShape=${describeValue(shape)}`,
        );
      }
      this.batchInputShape = [null, ...shape];
    } else {
      this.batchInputShape = null;
    }
  }

/**
   * Whether `fit` updates the layer's weights (and, for BatchNormalization,
   * its moving statistics). A model sets its own on every layer inside it,
   * as Keras does: freezing a model freezes each of its layers.
   */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new ValueError(`Layer "${this.name}": trainable must be true or false. Received: trainable=${describeValue(value)}`);
    this.trainableFlag = value;
    for (const layer of this.sublayers()) layer.trainable = value;
  }

  /** The layers inside this one (a model's); none for a plain layer. */
  protected sublayers(): readonly Layer[] {
    return [];
  }

    get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** Creates the weights for inputs of `inputShape`. Called once, before the first `call`. */
  build(inputShape: BatchShape): void {
    this.builtInputShape = inputShape;
    this.built = true;
  }

  /** The layer's forward computation on a batch; `args.training` is true inside `fit`. */
  abstract call(inputs: Tensor, args?: CallArgs): Tensor;

  /** The output shape for inputs of `inputShape` (batch dimension included). */
  abstract computeOutputShape(inputShape: BatchShape): BatchShape;

  /**
   * This layer as plain data for the fused executor, or null when the
   * executor cannot run it (the default: such a model trains through
   * autograd). See fused-spec.ts.
   */
  fusedSpec(): FusedLayerSpec | null {
    return null;
  }

  /**
   * The shapes of the weights `build` creates for inputs of `inputShape`, in
   * creation order (Dense: kernel, bias); none by default. A loader counts
   * them before any is allocated.
   */
  weightShapes(_inputShape: BatchShape): number[][] {
    return [];
  }

  /**
   * Builds on first use, then calls: what `layer(x)` does in Keras. On
   * symbolic tensors (from keras.Input) it computes nothing and records the
   * call instead, returning the symbolic output (see graph.ts). A list of
   * tensors goes to `applyToList` (merge layers, models with several inputs).
   */
  apply(inputs: Tensor, args?: CallArgs): Tensor;
  apply(inputs: readonly Tensor[], args?: CallArgs): Tensor;
  apply(inputs: KerasTensor | readonly KerasTensor[], args?: CallArgs): KerasTensor;
  apply(inputs: Tensor | readonly Tensor[] | KerasTensor | readonly KerasTensor[], args: CallArgs = {}): Tensor | KerasTensor {
    if (isSymbolic(inputs)) return this.applySymbolic(inputs as KerasTensor | readonly KerasTensor[]);
    if (Array.isArray(inputs)) return this.applyToList(inputs as readonly Tensor[], args);
    requireTensor(inputs, `Layer "${this.name}"`);
    if (!this.built) this.build([null, ...inputs.shape.slice(1)]);
    return this.call(inputs, args);
  }

  /** The layer called on a list of tensors; layers that take one tensor refuse it. */
  applyToList(inputs: readonly Tensor[], _args: CallArgs = {}): Tensor {
    throw this.notAListLayer(inputs.length);
  }

  /** The output shape for a call on a list of inputs of these shapes (building the layer if needed); see applyToList. */
  outputShapeForList(inputShapes: readonly BatchShape[]): BatchShape {
    throw this.notAListLayer(inputShapes.length);
  }

  private notAListLayer(count: number): ValueError {
    return new ValueError(`Layer "${this.name}" (${this.className}) takes one input tensor, not a list. Received: a list of ${count}`);
  }

  /** Records a call on symbolic tensors as a Node, building the layer from their shapes; returns its symbolic output. */
  private applySymbolic(inputs: KerasTensor | readonly KerasTensor[]): KerasTensor {
    const list = Array.isArray(inputs) ? (inputs as readonly KerasTensor[]) : [inputs as KerasTensor];
    const notSymbolic = list.findIndex((t) => !(t instanceof KerasTensor));
    if (notSymbolic >= 0) {
      throw new ValueError(
        `Layer "${this.name}": a list of inputs must be all symbolic tensors (from keras.Input or layer calls) or all Tensors. ` +
          `Received: input ${notSymbolic} = ${describeValue(list[notSymbolic])}`,
      );
    }
    let outputShape: BatchShape;
    if (Array.isArray(inputs)) {
      outputShape = this.outputShapeForList(list.map((t) => t.shape));
    } else {
      const shape = list[0]!.shape;
      if (!this.built) this.build(shape);
      // A layer built before (a shared layer, or one called on data) must be called on the shape it was built for.
      if (this.builtInputShape !== null) this.checkInputShape(shape, [null, ...this.builtInputShape.slice(1)]);
      outputShape = this.computeOutputShape(shape);
    }
    const node = new Node(this, list, outputShape, Array.isArray(inputs));
    this.inboundNodes.push(node);
    return node.output;
  }

  /** The symbolic tensor(s) the layer's first call was given (Keras's `layer.input`). */
  get input(): KerasTensor | KerasTensor[] {
    const node = this.firstNode('input');
    return node.calledOnList ? [...node.inputs] : node.inputs[0] ?? node.output;
  }

  /** The symbolic tensor the layer's first call produced (Keras's `layer.output`; as Keras 3, the first call's for a shared layer). */
  get output(): KerasTensor {
    return this.firstNode('output').output;
  }

  private firstNode(property: string): Node {
    const node = this.inboundNodes[0];
    if (node === undefined) {
      throw new RuntimeError(
        `The layer ${this.name} has never been called on symbolic tensors and thus has no defined ${property}. ` +
          'Call it on keras.Input(...) or on another layer\'s output first.',
      );
    }
    return node;
  }

  /** Creates a weight named `${layer}/${name}`, initialised and marked to receive gradients. */
  protected addWeight(name: string, shape: readonly number[], initializer: string | Initializer): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size > MAX_WEIGHT_SIZE) {
      throw new ValueError(
        `Layer "${this.name}": its ${name} would hold ${size.toLocaleString('en-US')} values, ` +
          `more than one weight can (${MAX_WEIGHT_SIZE.toLocaleString('en-US')}). If the model's inputShape counts the batch ` +
          `(the number of samples), drop it: inputShape is the shape of one sample. Received: ${name}.shape=[${shape.join(', ')}]`,
      );
    }
    const initial = weightsToBeLoaded > 0 ? zeros(shape) : getInitializer(initializer, `Layer "${this.name}"`)(shape);
    // Weights live in shareable memory so that training threads can update them in place.
    const weight = new Tensor(sharedCopy(initial.data), shape);
    weight.name = `${this.name}/${name}`;
    weight.requiresGrad = true;
    this.ownWeights.push(weight);
    return weight;
  }

  /** The weights in creation order (Dense: kernel, bias). */
  get weights(): Tensor[] {
    return [...this.ownWeights];
  }

  get trainableWeights(): Tensor[] {
    return this.trainable ? this.weights : [];
  }

  /** Copies of the weights, in creation order (Dense: kernel, bias); changing them changes nothing in the layer. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => new Tensor(w.data.slice(), w.shape));
  }

  /**
   * Overwrites the weights, in `getWeights()` order, with tensors, nested
   * arrays or typed arrays of the same sizes. Every shape is checked before
   * any weight is written, so a failed call changes nothing.
   */
  setWeights(weights: readonly (Tensor | NestedArray | Float32Array)[]): void {
    const own = this.weights;
    if (!Array.isArray(weights) || weights.length !== own.length) {
      throw new ValueError(
        `setWeights: "${this.name}" has ${own.length} weights (${own.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ') || 'none'}), ` +
          `to be given as an array in getWeights() order. Received: ${Array.isArray(weights) ? `${weights.length} weights` : describeValue(weights)}`,
      );
    }
    const values = own.map((w, i) => {
      const given = weights[i];
      // A typed array is flat, shape [length], as a 1-D NumPy array is to Keras: it fits a 1-D weight only.
      const value = given instanceof Tensor ? given : given instanceof Float32Array ? new Tensor(given, [given.length]) : Array.isArray(given) ? tensor(given) : null;
      if (value === null || !shapesEqual(value.shape, w.shape)) {
        const flat = given instanceof Float32Array && given.length === w.size ? ` (a Float32Array is flat; give keras.tensor(values, [${w.shape.join(', ')}]))` : '';
        throw new ShapeError(
          `setWeights on "${this.name}": weight ${i} ("${w.name}") has shape [${w.shape.join(', ')}]. ` +
            `Received: ${value === null ? describeValue(given) : `shape [${value.shape.join(', ')}]`}${flat}`,
        );
      }
      return value;
    });
    own.forEach((w, i) => w.data.set(values[i]!.data));
  }

  countParams(): number {
    return this.ownWeights.reduce((n, w) => n + w.size, 0);
  }

  /**
   * The constructor arguments that recreate this layer, under Keras's
   * snake_case keys, as Keras's get_config writes them and a saved
   * model.json holds them: name, trainable, batch_input_shape (when given),
   * dtype, then each class's own keys. Each class reads them back with its
   * static `fromConfig` (see config.ts).
   */
  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: this.trainable,
      ...(this.batchInputShape ? { batch_input_shape: this.batchInputShape } : {}),
      dtype: 'float32',
    };
  }

  /** Throws a shape error naming this layer, in Keras's "Received:" form. */
  protected checkInputShape(inputShape: BatchShape, expected: BatchShape): void {
    const fits =
      inputShape.length === expected.length && expected.every((d, i) => d === null || d === inputShape[i]);
    if (!fits) {
      throw new ShapeError(
        `Input 0 of layer "${this.name}" is incompatible with the layer: expected shape=${formatShape(expected)}, ` +
          `found shape=${formatShape(inputShape)}`,
      );
    }
  }
}
