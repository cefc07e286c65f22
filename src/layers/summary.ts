/**
 * model.summary(): the table tf.keras 2.x prints (layer_utils.print_summary,
 * 65 characters wide, columns ending at 29, 55 and 65), for example:
 *
 *     Model: "sequential"
 *     _________________________________________________________________
 *     Layer (type)                 Output Shape              Param #
 *     =================================================================
 *     dense (Dense)                (None, 128)               100480
 *     …
 *     Total params: 101,770
 */
import { formatShape } from '../tensor/shape.js';
import type { BatchShape, Layer } from './layer.js';

const LINE_LENGTH = 65;
const POSITIONS = [29, 55, 65];

export interface SummaryRow {
  layer: Layer;
  outputShape: BatchShape;
}

/**
 * One row, as Keras lays it out: each field is cut at its column's end and
 * padded to it, and the character before the next field is forced to a space.
 */
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

/** The summary table's lines for a model named `modelName` with these rows. */
export function summaryLines(modelName: string, rows: readonly SummaryRow[]): string[] {
  const lines = [`Model: "${modelName}"`, '_'.repeat(LINE_LENGTH), formatRow(['Layer (type)', 'Output Shape', 'Param #'])];
  lines.push('='.repeat(LINE_LENGTH));
  rows.forEach(({ layer, outputShape }, i) => {
    lines.push(formatRow([`${layer.name} (${layer.className})`, formatShape(outputShape), String(layer.countParams())]));
    lines.push((i === rows.length - 1 ? '=' : '_').repeat(LINE_LENGTH));
  });
  if (rows.length === 0) lines.push('='.repeat(LINE_LENGTH));
  const total = rows.reduce((n, r) => n + r.layer.countParams(), 0);
  const trainable = rows.reduce((n, r) => n + r.layer.trainableWeights.reduce((m, w) => m + w.size, 0), 0);
  lines.push(`Total params: ${withThousands(total)}`);
  lines.push(`Trainable params: ${withThousands(trainable)}`);
  lines.push(`Non-trainable params: ${withThousands(total - trainable)}`);
  lines.push('_'.repeat(LINE_LENGTH));
  return lines;
}
