import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Progbar, defaultOutput, lineOutput, type ProgbarOptions, type ProgbarOutput } from '../../src/utils/progbar.js';
import { formatEta, formatMetricValue, formatMetricValueVerbose2, formatTimePerUnit, keras3Order, visibleLength } from '../../src/utils/progbar-text.js';
import { printStyle, setPrintStyle } from '../../src/utils/print-style.js';
import { ValueError } from '../../src/errors.js';
import { formatExponential, formatFixed } from '../../src/utils/python-format.js';

/** An output that records every write, posing as a terminal or not. */
function recorder(isTTY: boolean): ProgbarOutput & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, writes, write: (text) => void writes.push(text) };
}

/** A clock the test moves by hand; it reads 0 when the bar is built. */
function fakeClock(): { now: () => number; set: (t: number) => void } {
  let t = 0;
  return { now: () => t, set: (value) => void (t = value) };
}

/** A bar on a fake clock and a recording output, plus a `step(current, time)` driver. */
function setup(target: number | null, isTTY: boolean, options: ProgbarOptions = {}) {
  const clock = fakeClock();
  const output = recorder(isTTY);
  const bar = new Progbar(target, { output, now: clock.now, ...options });
  const step = (
    current: number,
    time: number,
    values?: ReadonlyArray<readonly [string, number]>,
    finalize?: boolean,
  ): void => {
    clock.set(time);
    bar.update(current, values, finalize);
  };
  return { bar, output, step };
}

const FULL = '='.repeat(30);

describe('Progbar, verbose 1', () => {
  it('prints the finished epoch line as tf.keras does', () => {
    const { output, step } = setup(1875, false);
    step(1, 0.2, [['loss', 0.9], ['accuracy', 0.5]]);
    step(1875, 2.1, [['loss', 0.494312], ['accuracy', 0.828213]]);
    // elapsed 2.1 s -> "2s"; per step (2.1 - 0.2) / 1874 = 1.01 ms -> "1ms/step"
    expect(output.writes).toEqual([
      `1875/1875 [${FULL}] - 2s 1ms/step - loss: 0.4943 - accuracy: 0.8282\n`,
    ]);
  });

  it('leaves the first step out of the time per step', () => {
    const { output, step } = setup(10, false);
    step(1, 5.0);
    step(10, 5.9);
    // (5.9 - 5.0) / 9 = 100 ms; the plain mean 5.9 / 10 would say 590 ms.
    expect(output.writes).toEqual([`10/10 [${FULL}] - 6s 100ms/step\n`]);
  });

  it('falls back to the plain mean when step 1 was never drawn', () => {
    const { output, step } = setup(10, false);
    step(2, 1.0);
    step(10, 4.0);
    expect(output.writes).toEqual([`10/10 [${FULL}] - 4s 400ms/step\n`]);
  });

  it('draws a mid-epoch line with the ">" head, the dots and the ETA', () => {
    const { output, step } = setup(100, true);
    step(1, 0.5, [['loss', 0.75]]);
    step(50, 1.5, [['loss', 0.25]]);
    // Step 1: w = int(30 * 0.01) = 0, so no head; ETA = 0.5 s * 99 = 49.5 s.
    const first = `  1/100 [${'.'.repeat(30)}] - ETA: 49s - loss: 0.7500`;
    expect(output.writes[0]).toBe(`\r${first}`);
    // Step 50: w = 15 -> 14 "=", ">", 15 "."; ETA = (1.0 / 49) * 50 = 1.02 s.
    // "1s" is one character shorter than "49s", so one space erases the rest.
    const second = ` 50/100 [${'='.repeat(14)}>${'.'.repeat(15)}] - ETA: 1s - loss: 0.2500`;
    expect(output.writes[1]).toBe('\b'.repeat(first.length) + '\r' + second + ' ');
    expect(output.writes).toHaveLength(2);
  });

  it('backs up over the previous line and pads a shorter one with spaces', () => {
    const { output, step } = setup(1000, true);
    step(1, 1.0); // ETA 999 s -> "16:39"
    step(999, 1.998); // ETA 1 ms -> "0s", three characters shorter
    const first = `   1/1000 [${'.'.repeat(30)}] - ETA: 16:39`;
    const second = ` 999/1000 [${'='.repeat(28)}>.] - ETA: 0s`;
    expect(output.writes[1]).toBe('\b'.repeat(first.length) + '\r' + second + '   ');
    step(1000, 2.0);
    // The back-up uses the unpadded width of the line before.
    const last = `1000/1000 [${FULL}] - 2s 1ms/step`;
    expect(output.writes[2]).toBe('\b'.repeat(second.length) + '\r' + last + '\n');
  });

  it('throttles redraws to one per interval, but always draws the final update', () => {
    const { output, step } = setup(100, true, { interval: 0.05 });
    step(1, 0.0); // drawn: the first update always is
    step(2, 0.03); // skipped: 0.03 s since the last drawn line
    step(3, 0.07); // drawn: 0.07 s since the last *drawn* line (a skip does not reset it)
    step(4, 0.1); // skipped
    step(100, 0.101); // final: drawn despite the interval
    expect(output.writes).toHaveLength(3);
    expect(output.writes[1]).toContain('  3/100 [');
    expect(output.writes[2]).toContain(`100/100 [${FULL}] - 0s`);
    expect(output.writes[2].endsWith('\n')).toBe(true);
  });

  it('uses us/step below a millisecond and s/step from a second, and 0s/step for zero', () => {
    const fast = setup(1000, false);
    fast.step(1, 0.001);
    fast.step(1000, 0.001 + 999 * 0.00005);
    expect(fast.output.writes).toEqual([`1000/1000 [${FULL}] - 0s 50us/step\n`]);

    const slow = setup(3, false);
    slow.step(1, 2);
    slow.step(3, 6);
    expect(slow.output.writes).toEqual([`3/3 [${FULL}] - 6s 2s/step\n`]);

    const instant = setup(2, false);
    instant.step(1, 0);
    instant.step(2, 0);
    expect(instant.output.writes).toEqual([`2/2 [${FULL}] - 0s 0s/step\n`]);
  });

  it('formats an ETA above a minute as m:ss and above an hour as h:mm:ss', () => {
    const minutes = setup(1000, true);
    minutes.step(1, 1); // 1 s per step, 999 to go
    expect(minutes.output.writes[0]).toBe(`\r   1/1000 [${'.'.repeat(30)}] - ETA: 16:39`);

    const hours = setup(10000, true);
    hours.step(1, 1); // 9999 s to go
    expect(hours.output.writes[0]).toBe(`\r    1/10000 [${'.'.repeat(30)}] - ETA: 2:46:39`);
  });

  it('shows small metric values in exponent form', () => {
    const { output, step } = setup(4, false);
    step(4, 1, [['loss', 0.00012345], ['mae', 0], ['mse', 0.5]]);
    expect(output.writes[0]).toBe(
      `4/4 [${FULL}] - 1s 250ms/step - loss: 1.2345e-04 - mae: 0.0000e+00 - mse: 0.5000\n`,
    );
  });

  it('keeps metric order and last values across updates', () => {
    const { output, step } = setup(2, false);
    step(1, 0.1, [['loss', 1], ['acc', 0.25]]);
    step(2, 0.2, [['acc', 0.5]]);
    expect(output.writes[0]).toMatch(/ - loss: 1\.0000 - acc: 0\.5000\n$/);
  });

  it('prints only the final line, once, when the output is not a terminal', () => {
    const { output, step } = setup(5, false, { interval: 0 });
    for (let i = 1; i < 5; i++) step(i, i, [['loss', 1 / i]]);
    expect(output.writes).toEqual([]);
    step(5, 5, [['loss', 0.2]]);
    expect(output.writes).toEqual([`5/5 [${FULL}] - 5s 1s/step - loss: 0.2000\n`]);
  });

  it('finalizes early on request, drawing the head and the timing of a finished line', () => {
    const { output, step } = setup(10, true);
    step(4, 2, [], true);
    expect(output.writes).toEqual([`\r 4/10 [===========>..................] - 2s 500ms/step\n`]);
  });

  it('with an unknown target shows a counter, no bar, and the time per step', () => {
    const { output, step } = setup(null, true);
    step(5, 1.0, [['loss', 0.5]]);
    const first = '      5/Unknown - 1s 200ms/step - loss: 0.5000';
    expect(output.writes).toEqual([`\r${first}`]);
    step(20, 2.0, [['loss', 0.25]], true);
    // After step 5, step 1 was never drawn: 2.0 s / 20 = 100 ms.
    expect(output.writes[1]).toBe(
      '\b'.repeat(first.length) + '\r     20/Unknown - 2s 100ms/step - loss: 0.2500\n',
    );
  });

  it('with an unknown target and no terminal waits for finalize', () => {
    const { output, step } = setup(null, false);
    step(5, 1.0);
    step(10, 2.0);
    expect(output.writes).toEqual([]);
    step(10, 2.0, [], true);
    expect(output.writes).toEqual(['     10/Unknown - 2s 200ms/step\n']);
  });

  it('honours width and unitName', () => {
    const { output, step } = setup(4, false, { width: 10, unitName: 'sample' });
    step(4, 0.004);
    expect(output.writes).toEqual(['4/4 [==========] - 0s 1ms/sample\n']);
  });
});

describe('Progbar, verbose 2 and 0', () => {
  it('verbose 2 prints the tf.keras 2.7+ epoch line on finalize only', () => {
    const { output, step } = setup(313, true, { verbose: 2 });
    step(1, 0.01, [['loss', 9]]);
    step(200, 0.2, [['loss', 8]]);
    expect(output.writes).toEqual([]);
    step(313, 0.3033, [['loss', 7.84631], ['accuracy', 0.104]]);
    // 0.3033 s per epoch; 0.3033 / 313 = 969.0 us per step.
    expect(output.writes).toEqual([
      '313/313 - 0s - loss: 7.8463 - accuracy: 0.1040 - 303ms/epoch - 969us/step\n',
    ]);
  });

  it('verbose 2 puts negative values in exponent form, as Keras does', () => {
    const { output, step } = setup(2, false, { verbose: 2 });
    step(2, 2, [['score', -0.5]]);
    expect(output.writes).toEqual(['2/2 - 2s - score: -5.0000e-01 - 2s/epoch - 1s/step\n']);
  });

  it('verbose 0 prints nothing at all', () => {
    for (const isTTY of [true, false]) {
      const { output, step } = setup(3, isTTY, { verbose: 0 });
      step(1, 1, [['loss', 1]]);
      step(3, 3, [['loss', 1]]);
      step(3, 3, [], true);
      expect(output.writes).toEqual([]);
    }
  });
});

describe('number formatting, as Python prints it', () => {
  it('formatMetricValue switches to exponent form at |v| <= 1e-3', () => {
    expect(formatMetricValue(0.0011)).toBe('0.0011');
    expect(formatMetricValue(0.001)).toBe('1.0000e-03');
    expect(formatMetricValue(-0.00012345)).toBe('-1.2345e-04');
    expect(formatMetricValue(-0.5)).toBe('-0.5000');
    expect(formatMetricValue(0)).toBe('0.0000e+00');
    expect(formatMetricValue(-0)).toBe('-0.0000e+00');
    expect(formatMetricValue(1e-100)).toBe('1.0000e-100');
    expect(formatMetricValue(1234.56789)).toBe('1234.5679');
  });

  it('prints nan and inf as Python does', () => {
    expect(formatMetricValue(NaN)).toBe('nan');
    expect(formatMetricValue(Infinity)).toBe('inf');
    expect(formatMetricValue(-Infinity)).toBe('-inf');
    expect(formatFixed(NaN, 0)).toBe('nan');
  });

  it('verbose-2 values test v > 1e-3 without the absolute value', () => {
    expect(formatMetricValueVerbose2(0.5)).toBe('0.5000');
    expect(formatMetricValueVerbose2(-0.5)).toBe('-5.0000e-01');
  });

  it('rounds exact halves to even, like Python and unlike toFixed', () => {
    // Values checked against CPython 3: f"{x:.Nf}", f"{x:.Ne}".
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.675, 2)).toBe('2.67'); // not a half: 2.675 is stored as 2.67499...
    expect(formatExponential(1.03125, 4)).toBe('1.0312e+00');
    expect(formatExponential(9.99995e-4, 4)).toBe('1.0000e-03');
    expect(formatExponential(5e-324, 4)).toBe('4.9407e-324');
  });

  it('keeps every digit of large values and the sign of negative zero', () => {
    expect(formatFixed(1.2e25, 1)).toBe('11999999999999999798673408.0');
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(-0.00001, 4)).toBe('-0.0000');
  });

  it('agrees with toFixed / toExponential wherever those are not at an exact half', () => {
    const value = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e20, max: 1e20 });
    const decimals = fc.integer({ min: 0, max: 6 });
    fc.assert(
      fc.property(value, decimals, (x, d) => {
        fc.pre(!Object.is(x, -0));
        // An exact half at d decimals is a multiple of 2^-(d+1); skip those.
        fc.pre(!Number.isInteger(Math.abs(x) * 2 ** (d + 1)) || Math.abs(x) * 2 ** (d + 1) % 2 === 0);
        expect(formatFixed(x, d)).toBe(x.toFixed(d));
      }),
    );
    fc.assert(
      fc.property(value, decimals, (x, d) => {
        fc.pre(x !== 0);
        const js = x.toExponential(d).replace(/e([+-])(\d)$/, 'e$10$2');
        // Skip values whose next digit is a 5: they may be exact halves.
        fc.pre(!/5e/.test(x.toExponential(d + 1)));
        expect(formatExponential(x, d)).toBe(js);
      }),
    );
  });

  it('formats ETAs with strict bounds and truncated seconds', () => {
    expect(formatEta(0)).toBe('0s');
    expect(formatEta(59.99)).toBe('59s');
    expect(formatEta(60)).toBe('60s');
    expect(formatEta(60.5)).toBe('1:00');
    expect(formatEta(65.9)).toBe('1:05');
    expect(formatEta(3600)).toBe('60:00');
    expect(formatEta(3725.7)).toBe('1:02:05');
    expect(formatEta(36000)).toBe('10:00:00');
  });

  it('formats time per unit in s, ms or us', () => {
    expect(formatTimePerUnit(0, 'step')).toBe('0s/step');
    expect(formatTimePerUnit(1, 'step')).toBe('1s/step');
    expect(formatTimePerUnit(2.5, 'step')).toBe('2s/step');
    expect(formatTimePerUnit(0.999, 'epoch')).toBe('999ms/epoch');
    expect(formatTimePerUnit(0.001, 'step')).toBe('1ms/step');
    expect(formatTimePerUnit(0.000969, 'step')).toBe('969us/step');
  });
});

describe('outputs', () => {
  it('lineOutput hands over whole lines only', () => {
    const lines: string[] = [];
    const out = lineOutput((line) => void lines.push(line));
    expect(out.isTTY).toBe(false);
    out.write('1/2 ');
    out.write('[==]\n2/2');
    expect(lines).toEqual(['1/2 [==]']);
    out.write(' done\n');
    expect(lines).toEqual(['1/2 [==]', '2/2 done']);
  });

  it('defaultOutput writes to stdout in Node and reports its TTY status', () => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const out = defaultOutput();
      out.write('hello');
      expect(spy).toHaveBeenCalledWith('hello');
      expect(out.isTTY).toBe(process.stdout.isTTY === true);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("Progbar, Keras 3's style", () => {
  const BOLD = '\x1b[1m';
  const RESET = '\x1b[0m';
  /** Keras 3's bar of `filled` green cells out of `width`. */
  const cells = (filled: number, width = 20) =>
    (filled > 0 ? `\x1b[32m${'━'.repeat(filled)}${RESET}` : '') + `\x1b[37m${'━'.repeat(width - filled)}${RESET}`;

  it('prints the finished line as Keras 3 does: bold counter, 20 green cells, bold time, metrics sorted', () => {
    const { output, step } = setup(1875, false, { style: 'keras3' });
    step(1, 0.2, [['loss', 0.9], ['accuracy', 0.5]]);
    step(1875, 2.1, [['loss', 0.494312], ['accuracy', 0.828213], ['val_loss', 0.5], ['val_accuracy', 0.8]]);
    expect(output.writes).toEqual([
      `${BOLD}1875/1875${RESET} ${cells(20)} ${BOLD}2s${RESET} 1ms/step - accuracy: 0.8282 - loss: 0.4943 - val_accuracy: 0.8000 - val_loss: 0.5000\n`,
    ]);
  });

  it('redraws with the ETA and the time per step, backing up over the visible characters only', () => {
    const { output, step } = setup(100, true, { style: 'keras3' });
    step(1, 0.5, [['loss', 0.75]]);
    step(50, 1.5, [['loss', 0.25]]);
    // Step 1: w = int(20 * 0.01) = 0 green cells; ETA 0.5 s * 99 = 49.5 s.
    const first = `${BOLD}  1/100${RESET} ${cells(0)} ${BOLD}49s${RESET} 500ms/step - loss: 0.7500`;
    expect(output.writes[0]).toBe(`\r${first}`);
    // 7 + 1 + 20 + 1 + 3 + 1 + 10 + 15 visible characters, without the ANSI codes.
    const firstWidth = '  1/100 '.length + 20 + ' 49s 500ms/step - loss: 0.7500'.length;
    // Step 50: w = 10; (1.0 / 49) s per step, ETA 1.02 s.
    const second = `${BOLD} 50/100${RESET} ${cells(10)} ${BOLD}1s${RESET} 20ms/step - loss: 0.2500`;
    expect(output.writes[1]).toBe('\b'.repeat(firstWidth) + '\r' + second + ' '.repeat(2));
  });

  it('verbose 2 prints count, elapsed, the mean time per step, then the sorted metrics', () => {
    const { output, step } = setup(313, true, { style: 'keras3', verbose: 2 });
    step(1, 0.01, [['loss', 9]]);
    step(313, 0.3033, [['loss', 7.84631], ['accuracy', 0.104], ['score', -0.5]]);
    expect(output.writes).toEqual(['313/313 - 0s - 969us/step - accuracy: 0.1040 - loss: 7.8463 - score: -5.0000e-01\n']);
  });

  it('shows an unknown target as Keras 3 does, and prints no verbose-2 line for it', () => {
    const { output, step } = setup(null, false, { style: 'keras3' });
    step(20, 2.0, [['loss', 0.25]], true);
    expect(output.writes).toEqual([`     20/Unknown ${BOLD}2s${RESET} 100ms/step - loss: 0.2500\n`]);
    const quiet = setup(null, false, { style: 'keras3', verbose: 2 });
    quiet.step(20, 2.0, [['loss', 0.25]], true);
    expect(quiet.output.writes).toEqual([]);
  });

  it('takes the style from keras.config when none is given, when the bar is made', () => {
    const previous = printStyle();
    try {
      setPrintStyle('keras3');
      const { output, step } = setup(2, false);
      setPrintStyle('tfkeras2');
      step(2, 1);
      expect(output.writes).toEqual([`${BOLD}2/2${RESET} ${cells(20)} ${BOLD}1s${RESET} 500ms/step\n`]);
    } finally {
      setPrintStyle(previous);
    }
  });

  it('orders metrics as Keras 3 logs them, for any names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('loss', 'accuracy', 'mae', 'val_loss', 'val_accuracy', 'val_mae', 'zeta', 'auc')), (names) => {
        const ordered = keras3Order(names);
        const trainNames = names.filter((n) => !n.startsWith('val_')).sort();
        const valNames = names.filter((n) => n.startsWith('val_')).sort();
        expect(ordered).toEqual([...trainNames, ...valNames]);
      }),
    );
  });

  it('counts the visible width of a line without its ANSI codes', () => {
    expect(visibleLength(`${BOLD}1/2${RESET} ${cells(10)}`)).toBe(24);
  });
});

describe('keras.config print style', () => {
  it('defaults to tfkeras2, switches, and rejects other values with a suggestion', () => {
    const previous = printStyle();
    try {
      expect(previous).toBe('tfkeras2');
      setPrintStyle('keras3');
      expect(printStyle()).toBe('keras3');
      expect(() => setPrintStyle('keras2' as never)).toThrow(ValueError);
      expect(() => setPrintStyle('kera3' as never)).toThrow(/must be 'tfkeras2' or 'keras3'. Did you mean 'keras3'\? Received: style='kera3'/);
      expect(() => setPrintStyle(3 as never)).toThrow(/Received: style=3/);
      expect(printStyle()).toBe('keras3');
    } finally {
      setPrintStyle(previous);
    }
  });
});
