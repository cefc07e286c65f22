/**
 * The graph a Functional model is made of, as plain data. Calling a layer on
 * symbolic tensors (KerasTensors: a shape, no values) computes nothing: it
 * records the call as a Node and returns the node's output, a new KerasTensor.
 *
 *     const a = keras.Input({ shape: [4], name: 'a' });    // node of InputLayer "a", no inputs
 *     const b = keras.Input({ shape: [3], name: 'b' });
 *     const ab = new Concatenate().apply([a, b]);          // node of "concatenate", inputs [a, b]
 *     const out = new Dense(2).apply(ab);                  // node of "dense", inputs [ab]
 *
 *       a ──┐
 *           ├──▶ concatenate ──ab──▶ dense ──out──▶
 *       b ──┘
 *
 *     Node        { layer, inputs: KerasTensor[], output: KerasTensor, calledOnList }
 *     KerasTensor { shape, dtype, name, node }      (node: the call that produced it)
 *
 * Following `tensor.node.inputs` from a model's outputs back to its inputs
 * finds every call it makes; src/models/functional.ts orders them and runs
 * them in a loop. A layer called twice (a shared layer) has two nodes.
 */

import { uniqueName } from '../utils/naming.js';

/** What the graph records of a layer: enough to name it. The layer itself keeps its nodes. */
export interface GraphLayer {
  readonly name: string;
  readonly className: string;
}

/** A shape with the batch dimension first, null when any batch size fits: [null, 28, 28]. */
type SymbolicShape = readonly (number | null)[];

/** Keras's symbolic tensor: the shape and dtype a layer call will produce, and the call (node) that produces it. */
export class KerasTensor {
  readonly dtype = 'float32';
  constructor(
    readonly shape: SymbolicShape,
    readonly node: Node,
    /** "keras_tensor_3", or the name given to keras.Input. */
    readonly name: string = uniqueName('keras_tensor'),
  ) {}

  toString(): string {
    return `<KerasTensor shape=(${this.shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${this.shape.length === 1 ? ',' : ''}), dtype=${this.dtype}, name=${this.name}>`;
  }
}

/** One call of a layer on symbolic tensors: what it read and what it produced. */
export class Node {
  readonly output: KerasTensor;

  constructor(
    readonly layer: GraphLayer,
    /** The tensors the layer was called on; none for an InputLayer. */
    readonly inputs: readonly KerasTensor[],
    outputShape: SymbolicShape,
    /** True when the layer was called on a list (merge layers, models with several inputs), false for one tensor. */
    readonly calledOnList: boolean,
    outputName?: string,
  ) {
    this.output = new KerasTensor(outputShape, this, outputName);
  }
}

/** Whether `inputs` (a tensor or a list) holds a symbolic tensor, so that a layer call should be recorded, not run. */
export function isSymbolic(inputs: unknown): boolean {
  return inputs instanceof KerasTensor || (Array.isArray(inputs) && inputs.some((t) => t instanceof KerasTensor));
}
