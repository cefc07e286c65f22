/**
 * What tinykeras prints under setPrintStyle('keras3'), against what Keras 3
 * prints to a pipe, step for step on the same tiny model (the same weights,
 * data and SGD, no shuffling): fit with verbose 1 and 2, evaluate, predict,
 * summary before and after training.
 *
 * Keras 3 on Linux redraws its bar into a pipe as into a terminal (`\b`s and
 * `\r`); tinykeras writes only the final line of each bar there. So each line
 * is compared as it stands after the last redraw. Everything is compared
 * exactly except the timing fields (`3s 283ms/step`), which must have
 * Keras's shape, and the metric values, which come from two engines'
 * float32 arithmetic: those must have Keras's format and agree to 2e-3,
 * while the formatting of Keras's own values is checked exactly.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { printStyle, setPrintStyle } from '../../src/utils/print-style.js';
import { formatMetricValue, formatMetricValueVerbose2, keras3Order } from '../../src/utils/progbar-text.js';
import { runKeras } from './oracle.js';

const STEPS = ['summary_before', 'fit_v1', 'fit_v2', 'fit_one', 'evaluate_v1', 'evaluate_v2', 'predict_v1', 'predict_v2', 'summary_after'] as const;
type Step = (typeof STEPS)[number];
type Logs = Record<string, number>;

interface KerasPrinted {
  printed: Record<Step, string>;
  logs: Record<'fit_v1' | 'fit_v2' | 'fit_one', Logs[]>;
  history_keys: string[];
  evaluate_dict: Logs;
  evaluate_list: number[];
}

/** A small deterministic problem: 40 samples of 4 features, 3 classes. */
function problem() {
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const x = Array.from({ length: 40 }, () => Array.from({ length: 4 }, next));
  const y = x.map((row) => (row[0]! + row[1]! > 0.3 ? 2 : row[2]! > 0 ? 1 : 0));
  const kernel = Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => next() / 2));
  return { x, y, kernel, bias: [0, 0, 0], learning_rate: 0.1, momentum: 0.9, batch_size: 8, validation_split: 0.25 };
}

/** Runs `run` with stdout posing as a pipe, and returns what it wrote. */
async function captured(run: () => unknown): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

/** The tinykeras side of every step, in the order the Python script runs them. */
async function tinykerasPrinted(input: ReturnType<typeof problem>): Promise<{ printed: Record<Step, string>; historyKeys: string[]; evaluateList: number[] }> {
  const model = new keras.Sequential([keras.Input({ shape: [4] }), new keras.layers.Dense(3, { activation: 'softmax' })]);
  model.layers[0]!.setWeights([input.kernel, input.bias]);
  model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: input.learning_rate, momentum: input.momentum }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const x = keras.tensor(input.x);
  const y = keras.tensor(input.y);
  const fitArgs = { batchSize: input.batch_size, shuffle: false };
  const summary = () => {
    const lines: string[] = [];
    model.summary((line) => lines.push(line));
    return lines.map((l) => `${l}\n`).join('');
  };
  const printed = {} as Record<Step, string>;
  printed.summary_before = summary();
  let history: keras.History | null = null;
  printed.fit_v1 = await captured(async () => (history = await model.fit(x, y, { ...fitArgs, epochs: 2, verbose: 1, validationSplit: input.validation_split })));
  printed.fit_v2 = await captured(() => model.fit(x, y, { ...fitArgs, epochs: 2, verbose: 2, validationSplit: input.validation_split }));
  printed.fit_one = await captured(() => model.fit(x, y, { ...fitArgs, epochs: 1, verbose: 1 }));
  printed.evaluate_v1 = await captured(() => model.evaluate(x, y, { batchSize: input.batch_size, verbose: 1, returnDict: true }));
  let evaluateList: number[] = [];
  printed.evaluate_v2 = await captured(() => (evaluateList = model.evaluate(x, y, { batchSize: input.batch_size, verbose: 2 }) as number[]));
  printed.predict_v1 = await captured(() => model.predict(x, { batchSize: input.batch_size, verbose: 1 }));
  printed.predict_v2 = await captured(() => model.predict(x, { batchSize: input.batch_size, verbose: 2 }));
  printed.summary_after = summary();
  return { printed, historyKeys: Object.keys(history!.history), evaluateList };
}

/** Each line as it stands after its last redraw, without the padding that erased a longer one. */
function finalLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1).replaceAll('\b', '').trimEnd())
    .filter((line, i, all) => line !== '' || i < all.length - 1);
}

const TIMING_V1 = /\x1b\[1m\d+s\x1b\[0m \d+(?:s|ms|us)\/step/g;
const TIMING_V2 = / - \d+s - \d+(?:s|ms|us)\/step/g;
const METRIC_VALUE = /(: )(-?\d+\.\d{4}(?:e[+-]\d{2})?|nan|-?inf)/g;

/** A line with its timing and metric values taken out, and the values. */
function skeleton(line: string): { text: string; values: number[] } {
  const values: number[] = [];
  const text = line
    .replace(TIMING_V1, '<time v1>')
    .replace(TIMING_V2, ' - <time v2>')
    .replace(METRIC_VALUE, (_, colon: string, value: string) => {
      values.push(Number(value));
      return `${colon}<value>`;
    });
  return { text, values };
}

describe('printed output in the keras3 style, against Keras 3', () => {
  const input = problem();
  let python: KerasPrinted;
  let ours: Awaited<ReturnType<typeof tinykerasPrinted>>;
  let previousColumns: string | undefined;
  const previousStyle = printStyle();

  beforeAll(async () => {
    // Both sides size the summary table from COLUMNS: 80, as a pipe without it.
    previousColumns = process.env.COLUMNS;
    process.env.COLUMNS = '80';
    python = runKeras<KerasPrinted>('printed_output', input);
    setPrintStyle('keras3');
    ours = await tinykerasPrinted(input);
  });
  afterAll(() => {
    setPrintStyle(previousStyle);
    if (previousColumns === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = previousColumns;
  });

  it.each(['summary_before', 'summary_after'] as const)('%s: the same table, character for character', (step) => {
    expect(ours.printed[step]).toBe(python.printed[step]);
  });

  it.each(['fit_v1', 'fit_v2', 'fit_one', 'evaluate_v1', 'evaluate_v2', 'predict_v1', 'predict_v2'] as const)(
    '%s: the same lines but for the timing and the last digits of the values',
    (step) => {
      const theirs = finalLines(python.printed[step]).map(skeleton);
      const mine = finalLines(ours.printed[step]).map(skeleton);
      expect(mine.map((l) => l.text)).toEqual(theirs.map((l) => l.text));
      // The timing fields are there, in Keras's shape (masked above only where they match it).
      expect(mine.some((l) => l.text.includes('<time'))).toBe(true);
      mine.forEach((line, i) => {
        expect(line.values).toHaveLength(theirs[i]!.values.length);
        line.values.forEach((v, j) => expect(Math.abs(v - theirs[i]!.values[j]!)).toBeLessThanOrEqual(2e-3));
      });
    },
  );

  it("formats Keras's own epoch values exactly as Keras printed them", () => {
    for (const [step, format] of [['fit_v1', formatMetricValue], ['fit_v2', formatMetricValueVerbose2], ['fit_one', formatMetricValue]] as const) {
      const epochLines = finalLines(python.printed[step]).filter((l) => !l.startsWith('Epoch '));
      expect(epochLines).toHaveLength(python.logs[step].length);
      python.logs[step].forEach((logs, epoch) => {
        const expected = keras3Order(Object.keys(logs)).map((k) => ` - ${k}: ${format(logs[k]!)}`).join('');
        expect(epochLines[epoch]!.endsWith(expected)).toBe(true);
      });
    }
  });

  it('keeps its own order in history and evaluate, and prints in the order Keras 3 keeps', () => {
    // tinykeras's logs put the loss first in both styles; Keras 3 sorts them, and the keras3 bar shows that order.
    expect(ours.historyKeys).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(keras3Order(ours.historyKeys)).toEqual(python.history_keys);
    // evaluate's list is [loss, ...metrics] in both.
    expect(ours.evaluateList).toHaveLength(python.evaluate_list.length);
    ours.evaluateList.forEach((v, i) => expect(Math.abs(v - python.evaluate_list[i]!)).toBeLessThanOrEqual(2e-3));
  });
});
