/**
 * Reading a Functional model's graph (src/layers/graph.ts) from its inputs
 * and outputs: which layer calls it makes, in an order where every call
 * comes after the calls that produce its inputs, and the checks that make
 * a bad graph a clear error (an input not from keras.Input, an output that
 * does not depend on the given inputs, two layers with one name).
 */
import { KerasTensor, type Node } from '../layers/graph.js';
import { InputLayer } from '../layers/input-layer.js';
import { Layer } from '../layers/layer.js';
import { describeValue, ValueError } from '../errors.js';

/** The model's symbolic inputs or outputs as given: one, a list, or a dict by name. */
export type TensorStructure = KerasTensor | readonly KerasTensor[] | { readonly [name: string]: KerasTensor };

/** A structure flattened to a list, with each entry's name (the dict key, if a dict was given). */
export interface FlatTensors {
  readonly tensors: readonly KerasTensor[];
  /** Dict keys, sorted as Keras flattens a dict, or null when a tensor or a list was given. */
  readonly keys: readonly string[] | null;
  /** Dict keys in the order they were written (Keras names a dict model's per-output losses in this order), or null. */
  readonly writtenKeys: readonly string[] | null;
}

/** `inputs` or `outputs` as a list; throws naming `what` unless every entry is a KerasTensor. */
export function flattenTensors(value: unknown, what: 'inputs' | 'outputs', modelName: string): FlatTensors {
  const prototype = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  const isDict = prototype === Object.prototype || prototype === null;
  // Keras flattens a dict in the order of its sorted keys (tree.flatten), whatever order it was written in:
  // that order is the model's inputs, outputs, layers and weights.
  const writtenKeys = isDict ? Object.keys(value as object) : null;
  const keys = writtenKeys ? [...writtenKeys].sort() : null;
  const single = value instanceof KerasTensor;
  const tensors: unknown[] = single ? [value] : Array.isArray(value) ? value : keys ? keys.map((k) => (value as Record<string, unknown>)[k]) : [];
  if (tensors.length === 0) {
    throw new ValueError(
      `Model "${modelName}": ${what} must be a symbolic tensor (from keras.Input or a layer call), a non-empty list or a dict of them. ` +
        `Received: ${what}=${describeValue(value)}`,
    );
  }
  // A loop over every index, not forEach: a sparse list's holes must be checked too.
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (!(t instanceof KerasTensor)) {
      const where = keys ? `${what}.${keys[i]}` : single ? what : `${what}[${i}]`;
      throw new ValueError(
        `Model "${modelName}": ${where} is not a symbolic tensor. A Functional model is built from keras.Input(...) and the ` +
          `results of calling layers on it (layer.apply(x)). Received: ${where}=${describeValue(t)}`,
      );
    }
  }
  return { tensors: tensors as KerasTensor[], keys, writtenKeys };
}

/** Throws unless each input is the output of keras.Input (an InputLayer), and none is given twice. */
export function checkInputs(inputs: readonly KerasTensor[], modelName: string): void {
  inputs.forEach((t, i) => {
    if (!(t.node.layer instanceof InputLayer)) {
      throw new ValueError(
        `Model "${modelName}": input ${i} (${t.name}) is the output of layer "${t.node.layer.name}" (${t.node.layer.className}), not of keras.Input. ` +
          'Every model input must come from keras.Input({ shape }).',
      );
    }
    if (inputs.indexOf(t) !== i) throw new ValueError(`Model "${modelName}": input "${t.name}" is given twice (as inputs ${inputs.indexOf(t)} and ${i}).`);
  });
}

/**
 * Every layer call between `inputs` and `outputs`, ordered as Keras orders
 * them: by depth (the longest path to an output), deepest first, ties in
 * the order a depth-first walk from the outputs finishes them. The walk is
 * a loop with an explicit stack, not recursion, so deep graphs cannot
 * overflow the call stack. Throws when an output depends on a keras.Input
 * that is not among `inputs`.
 */
export function orderNodes(inputs: readonly KerasTensor[], outputs: readonly KerasTensor[], modelName: string): Node[] {
  const finished: Node[] = [];
  const done = new Set<Node>();
  const stack: { node: Node; expanded: boolean }[] = [];
  for (const output of [...outputs].reverse()) stack.push({ node: output.node, expanded: false });
  while (stack.length > 0) {
    const { node, expanded } = stack.pop()!;
    if (done.has(node)) continue;
    if (expanded) {
      done.add(node);
      finished.push(node);
      continue;
    }
    stack.push({ node, expanded: true });
    if (inputs.includes(node.output)) continue;
    if (node.inputs.length === 0) {
      throw new ValueError(
        `Model "${modelName}": the graph is not connected: it reads keras.Input "${node.output.name}" (layer "${node.layer.name}"), ` +
          `which is not among the model's inputs [${inputs.map((t) => `"${t.name}"`).join(', ')}]. Pass every keras.Input the outputs depend on in inputs.`,
      );
    }
    for (const t of [...node.inputs].reverse()) stack.push({ node: t.node, expanded: false });
  }
  // An input no output reads still belongs to the model (its data must still be given).
  for (const input of inputs) if (!done.has(input.node)) finished.push(input.node);
  const depth = new Map<Node, number>(finished.map((n) => [n, 0]));
  // Finished order has every node after its inputs: walking it backwards pushes each depth to the inputs.
  for (let i = finished.length - 1; i >= 0; i--) {
    const node = finished[i]!;
    if (inputs.includes(node.output)) continue;
    for (const t of node.inputs) depth.set(t.node, Math.max(depth.get(t.node)!, depth.get(node)! + 1));
  }
  const position = new Map(finished.map((n, i) => [n, i]));
  return [...finished].sort((a, b) => depth.get(b)! - depth.get(a)! || position.get(a)! - position.get(b)!);
}

/** The distinct layers of the calls, in call order; throws when two different layers share a name (as Keras). */
export function layersOf(nodes: readonly Node[], modelName: string): Layer[] {
  const layers: Layer[] = [];
  for (const node of nodes) {
    // Nodes are only made by Layer.apply, so each node's layer is a Layer.
    const layer = node.layer as Layer;
    if (layers.includes(layer)) continue;
    const clash = layers.find((l) => l.name === layer.name);
    if (clash) {
      throw new ValueError(`Model "${modelName}": the name "${layer.name}" is used by two different layers; all layer names in a model must be unique.`);
    }
    layers.push(layer);
  }
  return layers;
}
