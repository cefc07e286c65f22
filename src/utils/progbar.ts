/**
 * The text progress bar that `fit`, `evaluate`, `predict` and dataset
 * downloads print, character for character the one Keras prints: tf.keras
 * 2.x's by default, Keras 3's after `keras.config.setPrintStyle('keras3')`
 * (src/utils/print-style.ts; the lines themselves are in progbar-text.ts):
 *
 *     1875/1875 [==============================] - 2s 1ms/step - loss: 0.4943 - accuracy: 0.8282
 *     1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8282 - loss: 0.4943
 *
 * It mirrors `Progbar` of tf.keras 2.7 – 2.15 (`keras/utils/generic_utils.py`,
 * width 30) and of Keras 3 (`keras/src/utils/progbar.py`, width 20), with
 * steps as the unit, so a learner can put this library's training log next
 * to a Keras tutorial and compare them. How Keras draws it, and so this file:
 *
 * - While an epoch runs, each redraw moves the cursor back over the previous
 *   line (`'\b'` times its width, then `'\r'`) and prints the counter, the bar
 *   and the ETA, then the metrics. Redraws are throttled to one per
 *   `interval` seconds; the final update is never throttled and ends in `\n`.
 * - The final line replaces the ETA by the elapsed seconds and the time per
 *   step, measured without the first step (which is slow in Keras because it
 *   traces the graph; it is slow here too because buffers get allocated).
 * - `verbose: 2` prints one line per epoch and no bar.
 * - When the output is not a terminal (a log file, a pipe, a browser
 *   console), only the final line of each bar is written. tf.keras 2 would
 *   write every redraw on a new line there, and Keras 3 on Linux and macOS
 *   writes every redraw with its `\b` and `\r`, as to a terminal; both flood a
 *   log file with lines whose content depends on timing.
 *
 * The file imports no Node module, so it runs in a browser: everything goes
 * through a `ProgbarOutput`, which is stdout in Node and `console.log` lines
 * elsewhere.
 */
import { printStyle, type PrintStyle } from './print-style.js';
import { barLine, keras3EpochLine, keras3Order, tfKeras2EpochLine, visibleLength } from './progbar-text.js';

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

/** Options of `Progbar`; every one has Keras's default. */
export interface ProgbarOptions {
  /** Cells of the bar. Default 30 in the 'tfkeras2' style, 20 in 'keras3' (as in each Keras). */
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
  /** Which Keras's bar to draw. Default `printStyle()`, read when the bar is made. */
  style?: PrintStyle;
}

/** The default clock: monotonic, in seconds. */
function performanceSeconds(): number {
  return performance.now() / 1000;
}

/**
 * A progress bar for a loop of `target` steps (or an unknown number when
 * `target` is null), drawn the way Keras draws it.
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
  private readonly style: PrintStyle;
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
  /** Visible width of the last line drawn, without its padding: how far to back up. */
  private totalWidth = 0;
  private timeAtEpochStart: number;
  private timeAtEpochEnd: number | null = null;
  private timeAfterFirstStep: number | null = null;

  constructor(target: number | null, options: ProgbarOptions = {}) {
    this.target = target;
    this.style = options.style ?? printStyle();
    this.width = options.width ?? (this.style === 'keras3' ? 20 : 30);
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
      const line = this.epochLine(current, now);
      if (line !== null) this.output.write(line + '\n');
    }
    this.lastUpdate = now;
  }

  /** Verbose 1: one redraw of the bar (or, when not a TTY, only the final line). */
  private drawBar(current: number, now: number, isFinal: boolean): void {
    const line = barLine(this.style, {
      current,
      target: this.target,
      width: this.width,
      isFinal,
      elapsed: now - this.start,
      timePerUnit: this.estimateStepDuration(current, now),
      unitName: this.unitName,
      metrics: this.metrics(),
    });
    const previousWidth = this.totalWidth;
    this.totalWidth = visibleLength(line);
    if (this.dynamic) {
      // Back up over the old line, then overwrite it; spaces erase whatever
      // the old line had beyond the end of the new one.
      const padding = ' '.repeat(Math.max(0, previousWidth - this.totalWidth));
      const ending = isFinal ? '\n' : '';
      this.output.write('\b'.repeat(previousWidth) + '\r' + line + padding + ending);
    } else if (isFinal) {
      this.output.write(line + '\n');
    }
  }

  /** The metrics in the order the style shows them: as first given, or Keras 3's log order. */
  private metrics(): Iterable<readonly [string, number]> {
    if (this.style !== 'keras3') return this.values;
    return keras3Order([...this.values.keys()]).map((name) => [name, this.values.get(name)!] as const);
  }

  /** Verbose 2: the line of a finished epoch, or null where Keras prints none. */
  private epochLine(current: number, now: number): string | null {
    const elapsed = now - this.start;
    if (this.style === 'keras3') {
      return this.target !== null && this.target > 0 ? keras3EpochLine(current, this.target, elapsed, this.metrics(), this.unitName) : null;
    }
    const epochTime = this.timeAtEpochEnd === null ? null : this.timeAtEpochEnd - this.timeAtEpochStart;
    if (this.target !== null && this.timeAtEpochEnd !== null) {
      this.timeAtEpochStart = now;
      this.timeAtEpochEnd = null;
    }
    return tfKeras2EpochLine(current, this.target, elapsed, this.metrics(), epochTime, this.unitName);
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
