/**
 * model.summary() as Keras 3 prints it (keras/src/utils/summary_utils.py),
 * when `keras.config.setPrintStyle('keras3')` is on: a table drawn by the
 * `rich` library in box characters, then the counts with their sizes in
 * bytes, as Keras 3 prints when the output is not a terminal (no colours):
 *
 *     Model: "sequential"
 *     ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
 *     ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
 *     ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
 *     │ dense (Dense)                   │ (None, 128)            │       100,480 │
 *     ├─────────────────────────────────┼────────────────────────┼───────────────┤
 *     │ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
 *     └─────────────────────────────────┴────────────────────────┴───────────────┘
 *      Total params: 101,770 (397.54 KB)
 *      Trainable params: 101,770 (397.54 KB)
 *      Non-trainable params: 0 (0.00 B)
 *
 * The table is `min(88, terminal columns - 4)` characters wide (76 when
 * there is no terminal, as Python then assumes 80 columns), split 45% / 35%
 * / 20% as rich shares it out; a cell too narrow for its text wraps at
 * spaces, and a word too long for a line ends in `…`, as rich does. After
 * the optimizer's first step, an "Optimizer params" line counts its state
 * (Keras 3 counts the step counter, an int64, and the learning rate too).
 *
 * A Functional model whose graph is not a chain gets a fourth column,
 * "Connected to" (src/models/functional-summary-keras3.ts says when): the table is
 * then `min(108, terminal columns - 4)` wide, split 30% / 26% / 18% / 26%.
 */
import { ValueError } from '../errors.js';
import { formatSpec } from '../utils/python-format.js';

/** One layer's row, as plain text. */
export interface Keras3Row {
  name: string;
  className: string;
  outputShape: readonly (number | null)[];
  params: number;
  /** The "Connected to" cell's entries (`dense[0][0]`), for the CONNECTED layout's table. */
  connectedTo?: readonly string[];
}

/**
 * One of Keras 3's two tables: its headers, how each column is justified,
 * where each column ends (as a fraction of the line), and the widest the
 * line gets.
 */
export interface Keras3Layout {
  readonly headers: readonly string[];
  readonly aligns: readonly ('left' | 'right')[];
  readonly positions: readonly number[];
  readonly maxLineLength: number;
}

/** The table of a Sequential, and of a Functional model whose graph is a chain. */
export const SEQUENTIAL_LAYOUT: Keras3Layout = {
  headers: ['Layer (type)', 'Output Shape', 'Param #'],
  aligns: ['left', 'left', 'right'],
  positions: [0.45, 0.8, 1.0],
  maxLineLength: 88,
};

/** The table of any other Functional model: each layer's inputs in a fourth column. */
export const CONNECTED_LAYOUT: Keras3Layout = {
  headers: [...SEQUENTIAL_LAYOUT.headers, 'Connected to'],
  aligns: [...SEQUENTIAL_LAYOUT.aligns, 'left'],
  positions: [0.3, 0.56, 0.74, 1.0],
  maxLineLength: 108,
};

/** A weight count and its size in bytes. */
export interface ParamCount {
  count: number;
  bytes: number;
}

export interface Keras3Totals {
  trainable: ParamCount;
  nonTrainable: ParamCount;
  /** The optimizer's state once it has taken a step, or null. */
  optimizer: ParamCount | null;
}

/** What of the optimizer the summary counts: its step counter, and the state arrays per weight. */
export interface SummaryOptimizer {
  readonly iterations: number;
  readonly slotCount: number;
}

/** Weights are float32: four bytes each. */
const BYTES_PER_PARAM = 4;

/**
 * The counts under the table, from the model's trainable and non-trainable
 * weight counts: each with its size in bytes, and, once the optimizer has
 * taken a step, its state: Keras 3's optimizer holds its step counter (an
 * int64, 8 bytes) and its learning rate (a float32) besides its slots for
 * each trainable weight.
 */
export function keras3Totals(trainableCount: number, nonTrainableCount: number, optimizer: SummaryOptimizer | null | undefined): Keras3Totals {
  const params = (count: number): ParamCount => ({ count, bytes: count * BYTES_PER_PARAM });
  const slots = optimizer ? optimizer.slotCount * trainableCount : 0;
  return {
    trainable: params(trainableCount),
    nonTrainable: params(nonTrainableCount),
    optimizer: optimizer && optimizer.iterations > 0 ? { count: 2 + slots, bytes: 8 + BYTES_PER_PARAM * (1 + slots) } : null,
  };
}

/** Python's `"{:,}".format(n)`. */
const withThousands = (n: number) => formatSpec(n, ',', 'int');

/** Keras 3's `format_shape`: `(None, 128)`; unlike Python's tuple, no comma after a single entry. */
function shapeText(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** Keras 3's `readable_memory_size`: `'816.00 B'`, `'397.54 KB'`, dividing by 1024 per unit. */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${formatSpec(size, '.2f', 'float')} ${unit}`;
    size /= 1024;
  }
  return `${formatSpec(size, '.2f', 'float')} PB`;
}

/** Python's round(): to the nearest integer, halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** rich's `ratio_reduce`: takes `total` cells off `values`, in equal shares from left to right. */
function ratioReduce(total: number, values: readonly number[]): number[] {
  let remaining = total;
  let ratioLeft = values.length;
  return values.map((value) => {
    const taken = Math.min(value, roundHalfEven(remaining / ratioLeft));
    remaining -= taken;
    ratioLeft -= 1;
    return value - taken;
  });
}

/**
 * The width of each column, padding included, for a table `lineLength`
 * wide: Keras asks for int(position × lineLength) per column, each plus two
 * of padding, and rich takes the excess over the width left by the borders
 * (one more than the columns) off them in equal shares.
 */
export function columnWidths(lineLength: number, positions: readonly number[] = SEQUENTIAL_LAYOUT.positions): number[] {
  const asked: number[] = [];
  let current = 0;
  for (const position of positions) {
    const width = Math.trunc(position * lineLength) - current;
    if (width < 4) throw new ValueError(`summary(): insufficient console width to print the summary (Keras 3's table needs columns of at least 4 characters). Received: lineLength=${lineLength}`);
    asked.push(width);
    current += width;
  }
  const padded = asked.map((w) => w + 2);
  const available = lineLength - (positions.length + 1);
  const total = padded.reduce((a, b) => a + b, 0);
  return total > available ? ratioReduce(total - available, padded) : padded;
}

/**
 * rich's word wrap of `text` into lines of at most `width` characters:
 * greedy over words (a word keeps the spaces after it), a line's trailing
 * spaces beyond the width dropped; a word longer than a line is cut to the
 * width with `fold`, else left whole, on a line of its own, for the caller
 * to end in `…`.
 */
export function wrapWords(text: string, width: number, fold: boolean): string[] {
  const breaks: number[] = [];
  let offset = 0;
  for (const match of text.matchAll(/\s*\S+\s*/g)) {
    let start = match.index;
    const word = match[0];
    const wordLength = word.trimEnd().length;
    if (width - offset >= wordLength) {
      offset += word.length;
    } else if (wordLength > width) {
      if (fold) {
        for (let i = 0; i < word.length; i += width) {
          if (start) breaks.push(start);
          offset = Math.min(width, word.length - i);
          start += width;
        }
      } else {
        if (start) breaks.push(start);
        offset = word.length;
      }
    } else if (offset && start) {
      breaks.push(start);
      offset = word.length;
    }
  }
  const lines = [...breaks, text.length].map((end, i) => text.slice(i === 0 ? 0 : breaks[i - 1], end));
  return lines.map((line) => {
    const excess = line.length - width;
    if (excess <= 0) return line;
    const trailing = line.length - line.trimEnd().length;
    return line.slice(0, line.length - Math.min(trailing, excess));
  });
}

/** A cell's lines, `width` characters each: wrapped, cut with `…` where too long, then justified. */
function cellLines(text: string, width: number, align: 'left' | 'right'): string[] {
  return wrapWords(text, width, false).map((line) => {
    const fitted = (s: string) => (s.length > width ? `${s.slice(0, width - 1)}…` : s);
    return align === 'left' ? fitted(line).padEnd(width) : fitted(line.trimEnd()).padStart(width);
  });
}

/**
 * One table row, as many lines as its tallest cell, between the given
 * borders; rich puts a shorter cell's text at the top of a body row and at
 * the bottom of the header row.
 */
function rowLines(cells: readonly string[], widths: readonly number[], aligns: Keras3Layout['aligns'], edge: string, vertical: 'top' | 'bottom'): string[] {
  const columns = cells.map((text, i) => cellLines(text, widths[i]! - 2, aligns[i]!));
  const height = Math.max(...columns.map((c) => c.length));
  return Array.from({ length: height }, (_, line) => {
    const parts = columns.map((c, i) => {
      const index = vertical === 'top' ? line : line - (height - c.length);
      return ` ${c[index] ?? ' '.repeat(widths[i]! - 2)} `;
    });
    return `${edge}${parts.join(edge)}${edge}`;
  });
}

/** A horizontal rule of the table: `left`, then each column's width of `fill`, joined by `middle`. */
function rule(widths: readonly number[], [left, fill, middle, right]: string): string {
  return left + widths.map((w) => fill!.repeat(w)).join(middle) + right;
}

/** A row's cells: the connections joined by `, ` (rich wraps them), `-` for none, as Keras 3 writes them. */
function rowCells(row: Keras3Row, layout: Keras3Layout): string[] {
  const cells = [`${row.name} (${row.className})`, shapeText(row.outputShape), withThousands(row.params)];
  if (layout.headers.length > cells.length) cells.push(row.connectedTo?.length ? row.connectedTo.join(', ') : '-');
  return cells;
}

/**
 * The lines of Keras 3's summary. `columns` is the terminal's width, as
 * Python's `shutil.get_terminal_size()` reports it (80 without a terminal).
 */
export function keras3SummaryLines(
  modelName: string,
  rows: readonly Keras3Row[],
  totals: Keras3Totals,
  columns: number,
  layout: Keras3Layout = SEQUENTIAL_LAYOUT,
): string[] {
  const widths = columnWidths(Math.min(layout.maxLineLength, columns - 4), layout.positions);
  // Text outside the table wraps at the console's width, folding any word longer than a line.
  const text = (line: string) => wrapWords(line, columns, true);
  const lines = [...text(`Model: "${modelName}"`), rule(widths, '┏━┳┓')];
  lines.push(...rowLines(layout.headers, widths, layout.aligns, '┃', 'bottom'), rule(widths, '┡━╇┩'));
  rows.forEach((row, i) => {
    if (i > 0) lines.push(rule(widths, '├─┼┤'));
    lines.push(...rowLines(rowCells(row, layout), widths, layout.aligns, '│', 'top'));
  });
  lines.push(rule(widths, '└─┴┘'));
  const { trainable, nonTrainable, optimizer } = totals;
  const total: ParamCount = {
    count: trainable.count + nonTrainable.count + (optimizer?.count ?? 0),
    bytes: trainable.bytes + nonTrainable.bytes + (optimizer?.bytes ?? 0),
  };
  const countLine = (label: string, p: ParamCount) => text(` ${label}: ${withThousands(p.count)} (${readableMemorySize(p.bytes)})`);
  lines.push(...countLine('Total params', total), ...countLine('Trainable params', trainable), ...countLine('Non-trainable params', nonTrainable));
  if (optimizer !== null) lines.push(...countLine('Optimizer params', optimizer));
  return lines;
}

/**
 * The terminal's width as Python's `shutil.get_terminal_size()` finds it:
 * the COLUMNS environment variable, else the width of stdout when it is a
 * terminal, else 80. Read through `globalThis.process`, so that a browser,
 * which has none of them, gets 80.
 */
export function terminalColumns(): number {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; stdout?: { isTTY?: boolean; columns?: number } } }).process;
  const fromEnv = Number.parseInt(proc?.env?.COLUMNS ?? '', 10);
  if (fromEnv > 0) return fromEnv;
  const stdout = proc?.stdout;
  if (stdout?.isTTY === true && typeof stdout.columns === 'number' && stdout.columns > 0) return stdout.columns;
  return 80;
}
