/**
 * The text of the progress bar's lines, in the two styles tinykeras prints
 * (src/utils/print-style.ts): what Keras's `Progbar` writes, character for
 * character, given the numbers. The bar's state and timing live in
 * progbar.ts; every number goes through python-format.ts.
 *
 *     tfkeras2, verbose 1:  1875/1875 [==============================] - 2s 1ms/step - loss: 0.4943 - accuracy: 0.8282
 *     tfkeras2, verbose 2:  1875/1875 - 2s - loss: 0.4943 - accuracy: 0.8282 - 2s/epoch - 1ms/step
 *     keras3, verbose 1:    1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8282 - loss: 0.4943
 *     keras3, verbose 2:    1875/1875 - 2s - 1ms/step - accuracy: 0.8282 - loss: 0.4943
 *
 * Keras 3 writes its verbose-1 line with ANSI codes: the counter and the
 * time in bold, the done part of the bar green, the rest white; they are
 * written here too, so that the bytes match.
 */
import type { PrintStyle } from './print-style.js';
import { formatExponential, formatFixed, formatInteger } from './python-format.js';

/**
 * How a verbose-1 line shows a metric: `'%.4f'`, or `'%.4e'` when
 * `|v| <= 1e-3`, so a small loss does not print as `0.0000`. Zero and NaN
 * take the exponent form too, as in Keras: `0.0000e+00`, `nan`.
 */
export function formatMetricValue(v: number): string {
  return Math.abs(v) > 1e-3 ? formatFixed(v, 4) : formatExponential(v, 4);
}

/**
 * How the verbose-2 line shows a metric. Keras tests `v > 1e-3` there,
 * without the absolute value, so every negative value takes the exponent
 * form: `-0.5` prints as `-5.0000e-01`. Kept, so the lines match.
 */
export function formatMetricValueVerbose2(v: number): string {
  return v > 1e-3 ? formatFixed(v, 4) : formatExponential(v, 4);
}

/**
 * Keras's `_format_time`: a duration per unit, in whole seconds,
 * milliseconds or microseconds: `'2s/step'`, `'1ms/step'`, `'969us/step'`,
 * `'303ms/epoch'`. Exactly zero prints as `'0s/step'`.
 */
export function formatTimePerUnit(seconds: number, unitName: string): string {
  if (seconds >= 1 || seconds === 0) return `${formatFixed(seconds, 0)}s/${unitName}`;
  if (seconds >= 1e-3) return `${formatFixed(seconds * 1000, 0)}ms/${unitName}`;
  return `${formatFixed(seconds * 1000000, 0)}us/${unitName}`;
}

/** Python's `'%02d'` of a float. */
function twoDigits(x: number): string {
  return formatInteger(x).padStart(2, '0');
}

/**
 * The estimated time left: `'%d:%02d:%02d'` above an hour, `'%d:%02d'`
 * above a minute, else `'%ds'`. Seconds are truncated, not rounded, and the
 * bounds are strict, so 60 s prints `'60s'` and 3600 s prints `'60:00'`.
 */
export function formatEta(seconds: number): string {
  if (seconds > 3600) {
    return `${formatInteger(Math.floor(seconds / 3600))}:${twoDigits(Math.floor((seconds % 3600) / 60))}:${twoDigits(seconds % 60)}`;
  }
  if (seconds > 60) return `${formatInteger(Math.floor(seconds / 60))}:${twoDigits(seconds % 60)}`;
  return `${formatInteger(seconds)}s`;
}

/** `'%{nd}d/%d'` with nd the number of digits of the target: `' 50/100'`. */
export function counterText(current: number, target: number): string {
  // Keras computes nd as int(log10(target)) + 1; counting the digits of the
  // integer part gives the same without floating-point log error.
  const digits = formatInteger(Math.max(target, 0)).length;
  return `${formatInteger(current).padStart(digits)}/${formatInteger(target)}`;
}

/** `'%7d/Unknown'`, the counter of a bar without a target. */
function unknownCounter(current: number): string {
  return `${formatInteger(current).padStart(7)}/Unknown`;
}

/** `' - loss: 0.4943 - accuracy: 0.8282'` with the given number format. */
function metricsText(metrics: Iterable<readonly [string, number]>, format: (v: number) => string): string {
  let text = '';
  for (const [name, value] of metrics) text += ` - ${name}: ${format(value)}`;
  return text;
}

/**
 * The order of Keras 3's logs, and so of its bar: Keras 3 sorts a step's
 * logs by name, and fit appends the `val_` logs, sorted too, at the end of
 * the epoch: `accuracy, loss, val_accuracy, val_loss`.
 */
export function keras3Order(names: readonly string[]): string[] {
  const isVal = (name: string) => name.startsWith('val_');
  return [...names.filter((n) => !isVal(n)).sort(), ...names.filter(isVal).sort()];
}

const BOLD = '\x1b[1m';
const GREEN = '\x1b[32m';
const WHITE = '\x1b[37m';
const RESET = '\x1b[0m';

/** The characters a terminal shows of `text`: without its ANSI codes. */
export function visibleLength(text: string): number {
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** What a verbose-1 line shows. */
export interface BarLine {
  current: number;
  /** Steps in all, or null when unknown. */
  target: number | null;
  /** Cells of the bar. */
  width: number;
  /** Whether this is the last line of the bar, which shows the elapsed time instead of the ETA. */
  isFinal: boolean;
  /** Seconds since the bar was made. */
  elapsed: number;
  /** Estimated seconds per step. */
  timePerUnit: number;
  unitName: string;
  /** Metric names and values, in the order they are shown. */
  metrics: Iterable<readonly [string, number]>;
}

/**
 * tf.keras 2's verbose-1 line: `' 50/100 [==============>...............] - ETA: 1s - loss: 0.2500'`.
 * The bar has `w = int(width * current / target)` filled cells: `w - 1` `=`
 * and a `>` head while running (a `=` once done), and no head while w is 0.
 */
function tfKeras2BarLine(line: BarLine): string {
  const { current, target, width } = line;
  let bar: string;
  if (target === null) {
    bar = unknownCounter(current);
  } else {
    // Keras divides by the target; a target of 0 (nothing to do) is shown full.
    const filled = Math.trunc(width * (target > 0 ? current / target : 1));
    let cells = filled > 0 ? '='.repeat(filled - 1) + (current < target ? '>' : '=') : '';
    cells += '.'.repeat(Math.max(0, width - filled));
    bar = `${counterText(current, target)} [${cells}]`;
  }
  const timing =
    target === null || line.isFinal
      ? ` - ${formatFixed(line.elapsed, 0)}s ${formatTimePerUnit(line.timePerUnit, line.unitName)}`
      : ` - ETA: ${formatEta(line.timePerUnit * (target - line.current))}`;
  return bar + timing + metricsText(line.metrics, formatMetricValue);
}

/**
 * Keras 3's verbose-1 line: `' 50/100 ━━━━━━━━━━━━━━━━━━━━ 1s 20ms/step - loss: 0.2500'`,
 * `w = int(width * current / target)` green cells then the rest white, no
 * head; the ETA (or, on the last line, the elapsed seconds) then the time per step.
 */
function keras3BarLine(line: BarLine): string {
  const { current, target, width } = line;
  const known = target !== null && target > 0;
  let bar: string;
  if (known) {
    const filled = Math.trunc(width * (current / target));
    bar = `${BOLD}${counterText(current, target)}${RESET} `;
    if (filled > 0) bar += `${GREEN}${'━'.repeat(filled)}${RESET}`;
    bar += `${WHITE}${'━'.repeat(Math.max(0, width - filled))}${RESET}`;
  } else {
    bar = unknownCounter(current);
  }
  const time = known && !line.isFinal ? formatEta(line.timePerUnit * (target - current)) : `${formatFixed(line.elapsed, 0)}s`;
  return `${bar} ${BOLD}${time}${RESET} ${formatTimePerUnit(line.timePerUnit, line.unitName)}${metricsText(line.metrics, formatMetricValue)}`;
}

/** The verbose-1 line of a style, without the cursor moves around it. */
export function barLine(style: PrintStyle, line: BarLine): string {
  return style === 'keras3' ? keras3BarLine(line) : tfKeras2BarLine(line);
}

/**
 * tf.keras 2.7+'s verbose-2 epoch line:
 * `'313/313 - 0s - loss: 7.8463 - accuracy: 0.1040 - 303ms/epoch - 969us/step'`.
 * The epoch and step times appear when the bar reached exactly its target
 * (`epochTime` not null), the only case in which Keras knows both.
 */
export function tfKeras2EpochLine(
  current: number,
  target: number | null,
  elapsed: number,
  metrics: Iterable<readonly [string, number]>,
  epochTime: number | null,
  unitName: string,
): string {
  const counter = target === null ? unknownCounter(current) : counterText(current, target);
  let line = `${counter} - ${formatFixed(elapsed, 0)}s${metricsText(metrics, formatMetricValueVerbose2)}`;
  if (target !== null && epochTime !== null) {
    line += ` - ${formatTimePerUnit(epochTime, 'epoch')} - ${formatTimePerUnit(epochTime / target, unitName)}`;
  }
  return line;
}

/**
 * Keras 3's verbose-2 line: `'313/313 - 0s - 969us/step - accuracy: 0.1040 - loss: 7.8463'`,
 * the time per step being the plain mean (Keras 3's bar sees no step before
 * the last in verbose 2). Keras 3 prints it only for a known, positive target.
 */
export function keras3EpochLine(current: number, target: number, elapsed: number, metrics: Iterable<readonly [string, number]>, unitName: string): string {
  const timePerUnit = current ? elapsed / current : 0;
  return `${counterText(current, target)} - ${formatFixed(elapsed, 0)}s - ${formatTimePerUnit(timePerUnit, unitName)}${metricsText(metrics, formatMetricValueVerbose2)}`;
}
