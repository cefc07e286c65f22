/**
 * A Functional model's summary() as Keras 3 prints it, when
 * `keras.config.setPrintStyle('keras3')` is on: the box table of
 * src/layers/summary-keras3.ts, with a row for every layer, InputLayers
 * included. A graph that is a chain in Keras 3's sense (see
 * `isSequentialLike`) gets the three columns of a Sequential; any other gets
 * a fourth, "Connected to": each tensor a layer's calls in this model read,
 * as layer[call][output], joined by commas (`-` for an InputLayer):
 *
 *     │ concatenate         │ (None, 7)         │          0 │ a[0][0], b[0][0]  │
 *     │ (Concatenate)       │                   │            │                   │
 */
import type { Node } from '../layers/graph.js';
import type { Layer } from '../layers/layer.js';
import {
  CONNECTED_LAYOUT,
  keras3SummaryLines,
  keras3Totals,
  SEQUENTIAL_LAYOUT,
  terminalColumns,
  type Keras3Row,
  type SummaryOptimizer,
} from '../layers/summary-keras3.js';
import type { Tensor } from '../tensor/tensor.js';
import { connection, type SummarizedModel } from './functional-summary.js';

/** What Keras 3's summary reads of a Functional model beyond its graph: its weights, to count them. */
export interface Keras3SummarizedModel extends SummarizedModel {
  readonly weights: readonly Tensor[];
  readonly trainableWeights: readonly Tensor[];
}

export interface FunctionalKeras3Options {
  /** The model's optimizer, counted once it has taken a step. */
  optimizer?: SummaryOptimizer | null;
  /** The terminal's width. Default: COLUMNS, else stdout's width, else 80. */
  columns?: number;
}

/**
 * Keras 3's test for printing a graph as a Sequential: no depth (the
 * longest path from the call to an output) holds two calls, no call reads
 * two tensors, and no layer is called twice in the model.
 */
export function isSequentialLike(model: SummarizedModel): boolean {
  const nodes = model.nodes;
  if (nodes.length !== model.layers.length || nodes.some((n) => n.inputs.length > 1)) return false;
  // `nodes` has every call after its inputs: walking it backwards pushes each depth down to the inputs.
  const depth = new Map<Node, number>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const d = depth.get(nodes[i]!) ?? 0;
    depth.set(nodes[i]!, d);
    for (const t of nodes[i]!.inputs) depth.set(t.node, Math.max(depth.get(t.node) ?? 0, d + 1));
  }
  return new Set(depth.values()).size === nodes.length;
}

/** The number of distinct weights among `weights` (a weight shared by two layers counts once, as in Keras). */
function distinctCount(weights: readonly Tensor[]): number {
  return [...new Set(weights)].reduce((n, w) => n + w.size, 0);
}

export function functionalKeras3SummaryLines(model: Keras3SummarizedModel, options: FunctionalKeras3Options = {}): string[] {
  const connected = !isSequentialLike(model);
  const inModel = new Set(model.nodes);
  const rows = model.layers.map((layer: Layer): Keras3Row => ({
    name: layer.name,
    className: layer.className,
    // Keras 3 shows the output of the layer's latest call, in this model or any other.
    outputShape: layer.inboundNodes[layer.inboundNodes.length - 1]!.output.shape,
    params: layer.countParams(),
    ...(connected ? { connectedTo: layer.inboundNodes.filter((n) => inModel.has(n)).flatMap((n) => n.inputs.map(connection)) } : {}),
  }));
  const trainable = distinctCount(model.trainableWeights);
  const totals = keras3Totals(trainable, distinctCount(model.weights) - trainable, options.optimizer);
  return keras3SummaryLines(model.name, rows, totals, options.columns ?? terminalColumns(), connected ? CONNECTED_LAYOUT : SEQUENTIAL_LAYOUT);
}
