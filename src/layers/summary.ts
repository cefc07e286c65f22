/**
 * model.summary(): the table tf.keras 2.x prints by default
 * (layer_utils.print_summary, 65 characters wide, columns ending at 29, 55
 * and 65), or Keras 3's box-drawn table after
 * `keras.config.setPrintStyle('keras3')` (summary-keras3.ts). tf.keras 2's:
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
import { printStyle, type PrintStyle } from '../utils/print-style.js';
import { formatSpec } from '../utils/python-format.js';
import { keras3SummaryLines, keras3Totals, terminalColumns, type SummaryOptimizer } from './summary-keras3.js';

export type { SummaryOptimizer } from './summary-keras3.js';

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
  return formatSpec(n, ',', 'int');
}

export interface SummaryOptions {
  /** Which Keras's table. Default `printStyle()`. */
  style?: PrintStyle;
  /** The model's optimizer, counted by Keras 3's table once it has taken a step. */
  optimizer?: SummaryOptimizer | null;
  /** The terminal's width, which Keras 3's table fits. Default: COLUMNS, else stdout's width, else 80. */
  columns?: number;
}

/** The summary table's lines for a model named `modelName` with these rows. */
export function summaryLines(modelName: string, rows: readonly SummaryRow[], options: SummaryOptions = {}): string[] {
  if ((options.style ?? printStyle()) === 'keras3') return keras3Lines(modelName, rows, options);
  return tfKeras2Lines(modelName, rows);
}

/**
 * Keras 3's table: total = trainable + non-trainable (+ the optimizer's
 * state once it has stepped), each count with its size in bytes.
 */
function keras3Lines(modelName: string, rows: readonly SummaryRow[], options: SummaryOptions): string[] {
  const all = rows.reduce((n, r) => n + r.layer.countParams(), 0);
  const trainableCount = rows.reduce((n, r) => n + r.layer.trainableWeights.reduce((m, w) => m + w.size, 0), 0);
  const layerRows = rows.map(({ layer, outputShape }) => ({ name: layer.name, className: layer.className, outputShape, params: layer.countParams() }));
  return keras3SummaryLines(modelName, layerRows, keras3Totals(trainableCount, all - trainableCount, options.optimizer), options.columns ?? terminalColumns());
}

/** tf.keras 2's table. */
function tfKeras2Lines(modelName: string, rows: readonly SummaryRow[]): string[] {
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
