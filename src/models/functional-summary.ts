/**
 * A Functional model's summary(), as tf.keras 2.x prints it (the style of
 * src/layers/summary.ts; Keras 3's is in functional-summary-keras3.ts). A
 * chain (each layer reading the one before) gets the Sequential table with
 * its InputLayer first; any other graph gets the wider table (98
 * characters, columns ending at 32, 53, 65 and 98) with a "Connected to"
 * column: each inbound tensor as layer[node][tensor], the node being which
 * call of that layer produced it, one per line:
 *
 *     Layer (type)                    Output Shape         Param #     Connected to
 *     ==================================================================================================
 *     a (InputLayer)                  [(None, 4)]          0
 *     __________________________________________________________________________________________________
 *     concatenate (Concatenate)       (None, 7)            0           a[0][0]
 *                                                                      b[0][0]
 */
import { formatShape } from '../tensor/shape.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { KerasTensor, Node } from '../layers/graph.js';
import { summaryLines } from '../layers/summary.js';

const LINE_LENGTH = 98;
const POSITIONS = [32, 53, 65, 98];

/** What the summary reads of a model. */
export interface SummarizedModel {
  readonly name: string;
  readonly layers: Layer[];
  readonly nodes: readonly Node[];
}

/** One row: each field cut at its column's end and padded to it, the character before the next field forced to a space. */
function formatRow(fields: readonly string[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `;
    line = (line + field).slice(0, POSITIONS[i]);
    line = line.padEnd(POSITIONS[i]!);
  });
  return line;
}

/** 101770 → "101,770", as Python's "{:,}". */
function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The shape column: an InputLayer's is printed as a list, as tf.keras 2.x does. */
function outputShapeText(layer: Layer, node: Node): string {
  return layer instanceof InputLayer ? `[${formatShape(node.output.shape)}]` : formatShape(node.output.shape);
}

/** "dense[0][0]": the layer that produced `t`, which of its calls did, and which of that call's outputs it is (always 0 here). */
export function connection(t: KerasTensor): string {
  const layer = t.node.layer as Layer;
  return `${layer.name}[${layer.inboundNodes.indexOf(t.node)}][0]`;
}

export function functionalSummaryLines(model: SummarizedModel): string[] {
  const nodes = model.nodes;
  const firstNodeOf = (layer: Layer) => nodes.find((n) => n.layer === layer)!;
  if (isChain(nodes)) {
    return summaryLines(model.name, model.layers.map((layer) => ({ layer, outputShape: firstNodeOf(layer).output.shape })), { style: 'tfkeras2' });
  }
  const lines = [`Model: "${model.name}"`, '_'.repeat(LINE_LENGTH), formatRow(['Layer (type)', 'Output Shape', 'Param #', 'Connected to'])];
  lines.push('='.repeat(LINE_LENGTH));
  model.layers.forEach((layer, i) => {
    const own = nodes.filter((n) => n.layer === layer);
    const connections = own.flatMap((n) => n.inputs.map(connection));
    const fields = [`${layer.name} (${layer.className})`, outputShapeText(layer, own[0]!), String(layer.countParams()), connections[0] ?? ''];
    lines.push(formatRow(fields));
    for (const more of connections.slice(1)) lines.push(formatRow(['', '', '', more]));
    lines.push((i === model.layers.length - 1 ? '=' : '_').repeat(LINE_LENGTH));
  });
  const total = model.layers.reduce((n, l) => n + l.countParams(), 0);
  const trainable = model.layers.reduce((n, l) => n + (l.trainable ? l.countParams() : 0), 0);
  lines.push(`Total params: ${withThousands(total)}`, `Trainable params: ${withThousands(trainable)}`, `Non-trainable params: ${withThousands(total - trainable)}`);
  lines.push('_'.repeat(LINE_LENGTH));
  return lines;
}

/** Whether every call reads exactly the one before it: a Sequential in effect, summarised as one. */
function isChain(nodes: readonly Node[]): boolean {
  return nodes.every((n, i) => (i === 0 ? n.inputs.length === 0 : !n.calledOnList && n.inputs.length === 1 && n.inputs[0] === nodes[i - 1]!.output));
}
