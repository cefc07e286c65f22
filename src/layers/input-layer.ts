/**
 * InputLayer and keras.Input. `keras.Input({ shape })` returns a symbolic
 * tensor (graph.ts), the start of a Functional model:
 *
 *     const inputs = keras.Input({ shape: [28, 28] });
 *     const outputs = new Dense(10).apply(new Flatten().apply(inputs));
 *     const model = new keras.Model({ inputs, outputs });
 *
 * It may also start a Sequential, which takes its shape from it:
 *
 *     new Sequential([keras.Input({ shape: [28, 28] }), new Flatten(), new Dense(10)])
 *
 * The InputLayer computes nothing. As in Keras, a Sequential does not list
 * it among `model.layers` or in `summary()`; a Functional model does.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Layer, type BatchShape } from './layer.js';
import { KerasTensor, Node } from './graph.js';
import { describeValue, ValueError } from '../errors.js';
import { checkOptions } from '../utils/options.js';

export interface InputArgs {
  /** The shape of one sample, without the batch dimension: [28, 28] for an image. */
  shape?: readonly number[];
  /** The same as `shape` (the name other layers use). */
  inputShape?: readonly number[];
  name?: string;
  /** The element type: 'float32', the only one tinykeras computes in. */
  dtype?: 'float32';
  /** A fixed number of samples per batch; any by default (Keras's None). */
  batchSize?: number;
}

export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  /** The call that starts the graph: no inputs, and the symbolic tensor keras.Input returns as its output. */
  readonly node: Node;

  constructor(args: InputArgs = {}) {
    checkOptions('InputLayer', args, ['shape', 'inputShape', 'name', 'dtype', 'batchSize'] satisfies (keyof InputArgs)[]);
    const shape = args.shape ?? args.inputShape;
    if (shape === undefined) {
      throw new ValueError(
        `InputLayer: shape is required, the shape of one sample without the batch dimension (for 28×28 images: { shape: [28, 28] }). ` +
          `Received: ${describeValue(args)}`,
      );
    }
    if (args.dtype !== undefined && args.dtype !== 'float32') {
      throw new ValueError(`InputLayer: dtype must be 'float32', the only type tinykeras computes in. Received: dtype=${describeValue(args.dtype)}`);
    }
    const batchSize = args.batchSize ?? null;
    if (batchSize !== null && !(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new ValueError(`InputLayer: batchSize must be a positive integer, or left out for any. Received: batchSize=${describeValue(batchSize)}`);
    }
    super({ ...(args.name === undefined ? {} : { name: args.name }), inputShape: shape });
    const batchShape: BatchShape = [batchSize, ...this.batchInputShape!.slice(1)];
    this.built = true;
    this.builtInputShape = batchShape;
    this.node = new Node(this, [], batchShape, false, this.name);
    this.inboundNodes.push(this.node);
  }

  call(inputs: Tensor): Tensor {
    return inputs;
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }
}

/** Keras's `keras.Input({ shape })`: the symbolic tensor of an InputLayer, to call layers on or to start a Sequential with. */
export function Input(args: InputArgs): KerasTensor {
  return new InputLayer(args).output;
}
