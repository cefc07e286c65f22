/**
 * src/utils/python-format.ts against Python itself: many generated values and
 * format specs, formatted by the same Python that runs Keras (one process for
 * all of them), must come out character for character the same.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatExponential, formatFixed, formatInteger, formatSpec, pythonRepr } from '../../src/utils/python-format.js';
import { ValueError } from '../../src/errors.js';
import { runKeras } from './oracle.js';

type Kind = 'int' | 'float' | 'printf' | 'repr';
type Case = [value: number, spec: string, kind: Kind];

/** Doubles of every kind: any bit pattern, float32 values (what metrics are), exact halves, round numbers near powers of ten. */
const values = fc.oneof(
  fc.double(),
  fc.double({ min: -1e6, max: 1e6 }),
  fc.float().map((f) => f),
  fc.tuple(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 0, max: 12 })).map(([k, m]) => k / 2 ** m),
  fc.tuple(fc.integer({ min: 1, max: 99999 }), fc.integer({ min: -25, max: 25 })).map(([k, e]) => k * 10 ** e),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.5, 2.5, 9.9995, 0.00099995, 1e16, 1e-5, 123456789012345680000, 5e-324),
);

/** Specs of the mini-language: [[fill]align][sign][z][#][0][width][,|_][.precision][type]. */
const specs = fc
  .record({
    align: fc.option(fc.tuple(fc.option(fc.constantFrom('*', '0', ' ', 'x'), { nil: '' }), fc.constantFrom('<', '>', '^', '=')), { nil: null }),
    sign: fc.constantFrom('', '', '+', '-', ' '),
    z: fc.constantFrom('', '', '', 'z'),
    hash: fc.constantFrom('', '', '', '#'),
    zero: fc.constantFrom('', '', '0'),
    width: fc.option(fc.integer({ min: 1, max: 24 }), { nil: null }),
    grouping: fc.constantFrom('', '', '', ',', '_'),
    precision: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
    type: fc.constantFrom('', 'd', 'e', 'E', 'f', 'F', 'g', 'G', '%'),
  })
  .map((s) => `${s.align ? s.align.join('') : ''}${s.sign}${s.z}${s.hash}${s.zero}${s.width ?? ''}${s.grouping}${s.precision === null ? '' : `.${s.precision}`}${s.type}`);

/** Python's printf-style specs the progress bar uses. */
const printfSpecs = fc.oneof(
  fc.integer({ min: 0, max: 12 }).map((d) => `%.${d}f`),
  fc.integer({ min: 0, max: 12 }).map((d) => `%.${d}e`),
  fc.constant('%d'),
);

function tinykeras([value, spec, kind]: Case): string {
  if (kind === 'repr') return pythonRepr(value);
  if (kind === 'printf') {
    const [, decimals, type] = /^%(?:\.(\d+))?([dfe])$/.exec(spec)!;
    if (type === 'd') return formatInteger(value);
    return type === 'f' ? formatFixed(value, Number(decimals)) : formatExponential(value, Number(decimals));
  }
  try {
    return formatSpec(value, spec, kind as 'int' | 'float');
  } catch (error) {
    if (error instanceof ValueError) return 'ValueError';
    throw error;
  }
}

/** Values as text Python's float() reads back exactly (String gives the shortest round-trip digits). */
const asText = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

function compare(cases: Case[]): void {
  const { results } = runKeras<{ results: string[] }>('python_format', { cases: cases.map(([v, s, k]) => [asText(v), s, k]) });
  const mismatches = cases
    .map((c, i) => ({ value: asText(c[0]), spec: c[1], kind: c[2], python: results[i]!.startsWith('ValueError') ? 'ValueError' : results[i]!, tinykeras: tinykeras(c) }))
    .filter((m) => m.python !== m.tinykeras);
  expect(mismatches.slice(0, 10)).toEqual([]);
}

describe('Python number formatting, against Python', () => {
  it('repr() of every kind of double', () => {
    compare(fc.sample(values, { numRuns: 4000, seed: 17 }).map((v): Case => [v, '', 'repr']));
  });

  it("printf-style '%.Nf', '%.Ne' and '%d', as the progress bar uses them", () => {
    const cases = fc.sample(fc.tuple(values, printfSpecs), { numRuns: 4000, seed: 18 });
    compare(cases.filter(([v, s]) => s !== '%d' || Number.isFinite(v)).map(([v, s]): Case => [v, s, 'printf']));
  });

  it("str.format specs on floats and ints, as checkpoint file names use them ('{epoch:02d}', '{val_loss:.2f}')", () => {
    const floats = fc.sample(fc.tuple(values, specs), { numRuns: 6000, seed: 19 }).map(([v, s]): Case => [v, s, 'float']);
    const ints = fc
      .sample(fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), specs), { numRuns: 3000, seed: 20 })
      .map(([v, s]): Case => [v, s, 'int']);
    compare([...floats, ...ints]);
  });
});
