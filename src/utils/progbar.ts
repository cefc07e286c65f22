/**
 * The text progress bar that `fit`, `evaluate`, `predict` and dataset
 * downloads print, character for character the one tf.keras 2.x prints.
 *
 * It mirrors `Progbar` in Keras's `keras/utils/generic_utils.py` (tf.keras
 * 2.7 – 2.15) with `width=30` and steps as the unit, so a learner can put
 * this library's training log next to a Keras tutorial and compare them:
 *
 *     1875/1875 [==============================] - 2s 1ms/step - loss: 0.4943 - accuracy: 0.8282
 *
 * How Keras draws it, and therefore how this file does:
 *
 * - While an epoch runs, each redraw moves the cursor back over the previous
 *   line (`'\b'` times its width, then `'\r'`) and prints the counter, the bar
 *   and ` - ETA: 3s`, then the metrics. Redraws are throttled to one per
 *   `interval` seconds; the final update is never throttled and ends in `\n`.
 * - The final line replaces the ETA by the elapsed seconds and the time per
 *   step, measured without the first step (which is slow in Keras because it
 *   traces the graph; it is slow here too because buffers get allocated).
 * - `verbose: 2` prints one line per epoch and no bar.
 *
 * Numbers are formatted as Python's `%` operator formats them, which is not
 * quite what `Number.prototype.toFixed` does: Python rounds the exact binary
 * value half to even (`'%.0f' % 2.5` is `2`, JavaScript says `3`), prints
 * `nan`, `inf` and `-0.0000`, and always gives an exponent at least two
 * digits (`1.2345e-04`). The formatters below do exact decimal arithmetic
 * with BigInt to get the same digits.
 *
 * The file imports no Node module, so it runs in a browser: everything goes
 * through a `ProgbarOutput`, which is stdout in Node and `console.log` lines
 * elsewhere.
 */

/** Where a progress bar writes: a terminal, a log file, or a browser console. */
export interface ProgbarOutput {
  /** Writes text as is; the bar includes its own `\b`, `\r` and `\n`. */
  write(text: string): void;
  /**
   * Whether the output is an interactive terminal that honours `\b` and `\r`.
   * When it is not (a log file, CI), the bar prints only each final line.
   */
  readonly isTTY: boolean;
}

/** The slice of Node's `process.stdout` the default output uses. */
interface NodeStdout {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The default output: Node's stdout when there is one, else a sink that
 * `console.log`s each completed line.
 *
 * stdout is found through `globalThis.process` instead of an import, so this
 * file still loads in a browser, where `process` does not exist.
 */
export function defaultOutput(): ProgbarOutput {
  const stdout = (globalThis as { process?: { stdout?: NodeStdout } }).process?.stdout;
  if (stdout !== undefined && typeof stdout.write === 'function') {
    return {
      write: (text) => {
        stdout.write(text);
      },
      // Read on each access: a test runner may swap stdout's TTY status.
      get isTTY() {
        return stdout.isTTY === true;
      },
    };
  }
  return lineOutput((line) => console.log(line));
}

/**
 * An output that buffers text and hands each completed line (without its
 * `\n`) to `log`. It reports `isTTY: false`, so a progress bar sends it only
 * whole final lines; consoles have no cursor to move back with `\b`.
 */
export function lineOutput(log: (line: string) => void): ProgbarOutput {
  let pending = '';
  return {
    isTTY: false,
    write(text: string): void {
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) log(line);
    },
  };
}

// ---------------------------------------------------------------------------
// Python-exact number formatting
// ---------------------------------------------------------------------------

/**
 * Splits a finite, non-negative double into integers with
 * `x === mantissa * 2 ** exponent` exactly, by reading its IEEE-754 bits.
 */
function toDyadic(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biasedExponent === 0) return { mantissa: fraction, exponent: -1074 }; // subnormal
  return { mantissa: fraction | (1n << 52n), exponent: biasedExponent - 1075 };
}

/**
 * The integer nearest to `x * 10 ** power`, computed on the exact value of
 * the double `x` (finite, non-negative), ties going to the even integer: the
 * rounding rule of Python's float formatting.
 */
function roundScaledHalfEven(x: number, power: number): bigint {
  const { mantissa, exponent } = toDyadic(x);
  let numerator = mantissa;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  if (power >= 0) numerator *= 10n ** BigInt(power);
  else denominator *= 10n ** BigInt(-power);
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  const roundUp =
    twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n);
  return roundUp ? quotient + 1n : quotient;
}

/** Python's spelling of the values that have no digits, or null for the rest. */
function nonFiniteText(value: number): string | null {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return null;
}

/** `'-'` for negative numbers and negative zero, which Python prints as `-0.0`. */
function signOf(value: number): string {
  return value < 0 || Object.is(value, -0) ? '-' : '';
}

/**
 * Python's `'%.{decimals}f' % value`: `formatFixed(2.5, 0)` is `'2'`,
 * `formatFixed(-0, 4)` is `'-0.0000'`, `formatFixed(NaN, 4)` is `'nan'`, and
 * values of 1e21 and above keep all their digits instead of switching to
 * exponent notation as `toFixed` does.
 */
export function formatFixed(value: number, decimals: number): string {
  const special = nonFiniteText(value);
  if (special !== null) return special;
  const digits = roundScaledHalfEven(Math.abs(value), decimals)
    .toString()
    .padStart(decimals + 1, '0');
  if (decimals === 0) return signOf(value) + digits;
  const point = digits.length - decimals;
  return `${signOf(value)}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Python's `'%.{decimals}e' % value`: `formatExponential(0.00012345, 4)` is
 * `'1.2345e-04'` (JavaScript's `toExponential` would give `1.2345e-4`).
 */
export function formatExponential(value: number, decimals: number): string {
  const special = nonFiniteText(value);
  if (special !== null) return special;
  const magnitude = Math.abs(value);
  let exponent = 0;
  let digits = 0n;
  if (magnitude !== 0) {
    // Math.log10 is only an estimate near powers of ten, and rounding can
    // carry into a new digit (9.99996 → 10.0000), so adjust the exponent
    // until the rounded significand has exactly decimals + 1 digits.
    const lowest = 10n ** BigInt(decimals);
    exponent = Math.floor(Math.log10(magnitude));
    digits = roundScaledHalfEven(magnitude, decimals - exponent);
    while (digits >= lowest * 10n) {
      exponent += 1;
      digits = roundScaledHalfEven(magnitude, decimals - exponent);
    }
    while (digits < lowest) {
      exponent -= 1;
      digits = roundScaledHalfEven(magnitude, decimals - exponent);
    }
  }
  const text = digits.toString().padStart(decimals + 1, '0');
  const significand = decimals === 0 ? text : `${text[0]}.${text.slice(1)}`;
  const exponentSign = exponent < 0 ? '-' : '+';
  const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
  return `${signOf(value)}${significand}e${exponentSign}${exponentDigits}`;
}

/**
 * How the bar shows a metric (verbose 1): four decimals, or four significant
 * decimals in exponent form when `|v| <= 1e-3`, so a small loss does not
 * print as `0.0000`. Zero and NaN take the exponent form too, as in Keras:
 * `0.0000e+00`, `nan`.
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

/** Python's `'%d'` of a float, which truncates toward zero. */
function pyInt(x: number): string {
  return String(Math.trunc(x));
}

/** Python's `'%02d'` of a float. */
function pyInt2(x: number): string {
  return pyInt(x).padStart(2, '0');
}

/**
 * The estimated time left, as the bar shows it after `ETA: `:
 * `'%d:%02d:%02d'` above an hour, `'%d:%02d'` above a minute, else `'%ds'`.
 * Seconds are truncated, not rounded, and the bounds are strict, so 60 s
 * prints `'60s'` and 3600 s prints `'60:00'`.
 */
export function formatEta(seconds: number): string {
  if (seconds > 3600) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    return `${pyInt(hours)}:${pyInt2(minutes)}:${pyInt2(seconds % 60)}`;
  }
  if (seconds > 60) return `${pyInt(Math.floor(seconds / 60))}:${pyInt2(seconds % 60)}`;
  return `${pyInt(seconds)}s`;
}

// ---------------------------------------------------------------------------
// The progress bar
// ---------------------------------------------------------------------------

/** Options of `Progbar`; every one has Keras's default. */
export interface ProgbarOptions {
  /** Characters between the brackets. Default 30. */
  width?: number;
  /** 0 silent, 1 animated bar, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Minimum seconds between two redraws; the final update always draws. Default 0.05. */
  interval?: number;
  /** What a count counts, shown in `1ms/step`. Default `'step'`. */
  unitName?: string;
  /** Where to write. Default `defaultOutput()`. */
  output?: ProgbarOutput;
  /** The clock, in seconds. Default `performance.now() / 1000`; tests inject a fake. */
  now?: () => number;
}

/** The default clock: monotonic, in seconds. */
function performanceSeconds(): number {
  return performance.now() / 1000;
}

/**
 * A progress bar for a loop of `target` steps (or an unknown number when
 * `target` is null), drawn the way tf.keras 2.x draws it.
 *
 * ```ts
 * const bar = new Progbar(1875);
 * for (let step = 1; step <= 1875; step++) {
 *   // ... train on one batch ...
 *   bar.update(step, [['loss', meanLoss], ['accuracy', meanAccuracy]]);
 * }
 * ```
 */
export class Progbar {
  private readonly target: number | null;
  private readonly width: number;
  private readonly verbose: 0 | 1 | 2;
  private readonly interval: number;
  private readonly unitName: string;
  private readonly output: ProgbarOutput;
  private readonly now: () => number;
  /** Decided once, as Keras decides `_dynamic_display` once per bar. */
  private readonly dynamic: boolean;

  /** Latest value of each metric, in the order the metrics first appeared. */
  private readonly values = new Map<string, number>();
  private readonly start: number;
  /**
   * Time of the last redraw. Keras starts it at 0, which against its
   * wall-clock `time.time()` means "long ago"; -Infinity says so for any
   * clock, including a fake one that starts at 0.
   */
  private lastUpdate = -Infinity;
  /** Width of the last line drawn, without its padding: how far to back up. */
  private totalWidth = 0;
  private timeAtEpochStart: number;
  private timeAtEpochEnd: number | null = null;
  private timeAfterFirstStep: number | null = null;

  constructor(target: number | null, options: ProgbarOptions = {}) {
    this.target = target;
    this.width = options.width ?? 30;
    this.verbose = options.verbose ?? 1;
    this.interval = options.interval ?? 0.05;
    this.unitName = options.unitName ?? 'step';
    this.output = options.output ?? defaultOutput();
    this.now = options.now ?? performanceSeconds;
    this.dynamic = this.output.isTTY;
    this.start = this.now();
    this.timeAtEpochStart = this.start;
  }

  /**
   * Reports that `current` steps are done.
   *
   * `values` are shown exactly as given (the caller passes running means, as
   * Keras's `fit` does by declaring every metric stateful), formatted
   * ` - name: 0.1234`; a metric not passed again keeps its last value.
   * `finalize` marks the last update of the bar; by default it is
   * `current >= target` (never, when the target is unknown).
   */
  update(
    current: number,
    values: ReadonlyArray<readonly [string, number]> = [],
    finalize?: boolean,
  ): void {
    const isFinal = finalize ?? (this.target !== null && current >= this.target);
    for (const [name, value] of values) this.values.set(name, value);
    const now = this.now();
    if (current === this.target) this.timeAtEpochEnd = now;

    if (this.verbose === 1) {
      // A skipped redraw does not count as an update, so the next one
      // measures the interval from the last line actually drawn.
      if (now - this.lastUpdate < this.interval && !isFinal) return;
      this.drawBar(current, now, isFinal);
    } else if (this.verbose === 2 && isFinal) {
      this.output.write(this.epochLine(current, now));
    }
    this.lastUpdate = now;
  }

  /** Verbose 1: one redraw of the bar (or, when not a TTY, only the final line). */
  private drawBar(current: number, now: number, isFinal: boolean): void {
    const bar = this.barText(current);
    const timePerUnit = this.estimateStepDuration(current, now);
    const timing =
      this.target === null || isFinal
        ? ` - ${formatFixed(now - this.start, 0)}s ${formatTimePerUnit(timePerUnit, this.unitName)}`
        : ` - ETA: ${formatEta(timePerUnit * (this.target - current))}`;
    const line = bar + timing + this.metricsText(formatMetricValue);

    const previousWidth = this.totalWidth;
    this.totalWidth = line.length;
    if (this.dynamic) {
      // Back up over the old line, then overwrite it; spaces erase whatever
      // the old line had beyond the end of the new one.
      const padding = ' '.repeat(Math.max(0, previousWidth - line.length));
      const ending = isFinal ? '\n' : '';
      this.output.write('\b'.repeat(previousWidth) + '\r' + line + padding + ending);
    } else if (isFinal) {
      // Keras writes every redraw on a new line when the output is not a
      // terminal, which floods log files; write only the finished line.
      this.output.write(line + '\n');
    }
  }

  /**
   * The counter and bar: `' 50/100 [==============>...............]'`, or
   * `'      5/Unknown'` without a target. The bar has
   * `w = int(width * current / target)` filled cells: `w - 1` `=` and a `>`
   * head while running (a `=` once done), and no head at all while w is 0.
   */
  private barText(current: number): string {
    if (this.target === null) return `${pyInt(current).padStart(7)}/Unknown`;
    // Keras divides by the target; a target of 0 (nothing to do) is shown full.
    const progress = this.target > 0 ? current / this.target : 1;
    const filled = Math.trunc(this.width * progress);
    let cells = '';
    if (filled > 0) cells = '='.repeat(filled - 1) + (current < this.target ? '>' : '=');
    cells += '.'.repeat(Math.max(0, this.width - filled));
    return `${this.counterText(current, this.target)} [${cells}]`;
  }

  /** `'%{nd}d/%d'` with nd the number of digits of the target: `' 50/100'`. */
  private counterText(current: number, target: number): string {
    // Keras computes nd as int(log10(target)) + 1; counting the digits of the
    // integer part gives the same without floating-point log error.
    const digits = pyInt(Math.max(target, 0)).length;
    return `${pyInt(current).padStart(digits)}/${pyInt(target)}`;
  }

  /** `' - loss: 0.4943 - accuracy: 0.8282'` with the given number format. */
  private metricsText(format: (v: number) => string): string {
    let text = '';
    for (const [name, value] of this.values) text += ` - ${name}: ${format(value)}`;
    return text;
  }

  /**
   * Verbose 2, the tf.keras 2.7+ epoch line:
   * `'313/313 - 0s - loss: 7.8463 - accuracy: 0.1040 - 303ms/epoch - 969us/step\n'`.
   * The epoch and step times appear when the bar reached exactly its target,
   * the only case in which Keras knows both.
   */
  private epochLine(current: number, now: number): string {
    const counter =
      this.target === null ? `${pyInt(current).padStart(7)}/Unknown` : this.counterText(current, this.target);
    let line = `${counter} - ${formatFixed(now - this.start, 0)}s`;
    line += this.metricsText(formatMetricValueVerbose2);
    if (this.target !== null && this.timeAtEpochEnd !== null) {
      const epochTime = this.timeAtEpochEnd - this.timeAtEpochStart;
      line += ` - ${formatTimePerUnit(epochTime, 'epoch')}`;
      line += ` - ${formatTimePerUnit(epochTime / this.target, this.unitName)}`;
      this.timeAtEpochStart = now;
      this.timeAtEpochEnd = null;
    }
    return line + '\n';
  }

  /**
   * Seconds per step, leaving out the first step once there are others: the
   * first step pays one-off costs, so it would inflate the ETA and the
   * final ms/step. As in Keras, the time after step 1 is recorded only when
   * step 1 is actually drawn, and without it the plain mean is used.
   */
  private estimateStepDuration(current: number, now: number): number {
    if (!current) return 0;
    const timePerUnit =
      this.timeAfterFirstStep !== null && current > 1
        ? (now - this.timeAfterFirstStep) / (current - 1)
        : (now - this.start) / current;
    if (current === 1) this.timeAfterFirstStep = now;
    return timePerUnit;
  }
}
