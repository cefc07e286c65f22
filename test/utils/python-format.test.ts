/**
 * src/utils/python-format.ts without Python: values checked by hand against
 * CPython 3.11, and properties that hold for every double. The oracle suite
 * (test/keras/python-format.keras.test.ts) compares thousands of generated
 * cases with Python itself.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSpec, parseFormatSpec, pythonRepr } from '../../src/utils/python-format.js';
import { ValueError } from '../../src/errors.js';

describe('pythonRepr', () => {
  it("lays out the shortest digits as Python's repr does", () => {
    expect(pythonRepr(1e-5)).toBe('1e-05');
    expect(pythonRepr(0.0001)).toBe('0.0001');
    expect(pythonRepr(100)).toBe('100.0');
    expect(pythonRepr(1e16)).toBe('1e+16');
    expect(pythonRepr(123456789012345680)).toBe('1.2345678901234568e+17');
    expect(pythonRepr(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pythonRepr(-0)).toBe('-0.0');
    expect([NaN, Infinity, -Infinity].map(pythonRepr)).toEqual(['nan', 'inf', '-inf']);
    expect(pythonRepr(Math.fround(0.1))).toBe('0.10000000149011612');
  });

  it('reads back as the same double, always with a point or an exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = pythonRepr(x);
        expect(Object.is(Number(text), x)).toBe(true);
        expect(text).toMatch(/\.|e/);
      }),
    );
  });
});

describe('formatSpec, Python\'s format(value, spec)', () => {
  it('formats the specs checkpoint names use', () => {
    expect(formatSpec(3, '02d', 'int')).toBe('03');
    expect(formatSpec(0.345, '.2f', 'float')).toBe('0.34'); // 0.345 is stored as 0.34499…
    expect(formatSpec(2.5, '.0f', 'float')).toBe('2');
    expect(formatSpec(0.5, '.1%', 'float')).toBe('50.0%');
    expect(formatSpec(1e-5, '', 'float')).toBe('1e-05');
    expect(formatSpec(0.00001, 'g', 'float')).toBe('1e-05');
    expect(formatSpec(0.0001, 'g', 'float')).toBe('0.0001');
    expect(formatSpec(1e22, '.3g', 'float')).toBe('1e+22');
  });

  it('formats without a type as Python does: repr, or with a precision like g with a digit after the point', () => {
    expect(formatSpec(100, '', 'float')).toBe('100.0');
    expect(formatSpec(123, '.3', 'float')).toBe('1.23e+02');
    expect(formatSpec(12, '.3', 'float')).toBe('12.0');
  });

  it('pads, aligns, signs and groups', () => {
    expect(formatSpec(1234567.891, ',.2f', 'float')).toBe('1,234,567.89');
    expect(formatSpec(1234, '09,', 'int')).toBe('0,001,234');
    expect(formatSpec(5, '*^7', 'int')).toBe('***5***');
    expect(formatSpec(-42, '=+8', 'int')).toBe('-     42');
    expect(formatSpec(-0.0001, 'z.2f', 'float')).toBe('0.00');
    expect(formatSpec(NaN, '+.2f', 'float')).toBe('+nan');
    expect(formatSpec(Infinity, 'E', 'float')).toBe('INF');
  });

  it("raises Python's errors as ValueErrors", () => {
    expect(() => formatSpec(0.5, 'd', 'float')).toThrow(ValueError);
    expect(() => formatSpec(0.5, 'd', 'float')).toThrow(/Unknown format code 'd' for object of type 'float'/);
    expect(() => formatSpec(3, '.2', 'int')).toThrow(/Precision not allowed in integer format specifier/);
    expect(() => parseFormatSpec('x')).toThrow(/Unsupported format spec 'x'/);
    expect(() => parseFormatSpec('.2q')).toThrow(ValueError);
  });

  it('fills to the width, and only adds fill to what the spec without a width gives', () => {
    fc.assert(
      fc.property(fc.double(), fc.integer({ min: 0, max: 30 }), fc.constantFrom('', '.3f', '.2e', 'g', '%'), (x, width, rest) => {
        const bare = formatSpec(x, rest, 'float');
        const padded = formatSpec(x, `>${width}${rest}`, 'float');
        expect(padded).toBe(bare.padStart(width));
      }),
    );
  });
});
