/**
 * Numbers formatted exactly as Python formats them, for everything Keras
 * prints or writes: the progress bar (`'%.4f' % v`, `f"{v:.4e}"`), the
 * checkpoint file names (`'{epoch:02d}-{val_loss:.2f}'.format(...)`) and the
 * CSV log (Python's csv module writes a float as `repr(v)`).
 *
 * JavaScript's own formatters differ in small ways that show in a log:
 *
 *   - Python rounds the exact binary value half to even: `'%.0f' % 2.5` is
 *     `2`, `(2.5).toFixed(0)` is `3`.
 *   - Python's exponent has at least two digits: `1.2345e-04`, not `1.2345e-4`.
 *   - Python prints `nan`, `inf`, `-0.0`, and a float always with a point
 *     or an exponent: `repr(100.0)` is `100.0`, `String(100)` is `100`.
 *   - `toFixed` switches to exponent form from 1e21; Python keeps every digit.
 *
 * The digits come from exact decimal arithmetic on the double's bits (BigInt),
 * and, for `repr`, from `Number.prototype.toString`, which picks the same
 * shortest round-trip digits as Python's `repr` (both take the candidate
 * closest to the exact value); only the layout differs.
 */
import { ValueError } from '../errors.js';

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
 * round(x · 10^power) on the exact value of the double `x` (finite,
 * non-negative), ties to the even integer: Python's rounding rule.
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
  const roundUp = twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n);
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

/** Python's `'%d' % x` of a float: truncated toward zero. */
export function formatInteger(x: number): string {
  // BigInt keeps every digit of a large double: '%d' % 1e30 is 1000000000000000019884624838656.
  return BigInt(Math.trunc(x)).toString();
}

/**
 * Python's `'%.{decimals}f' % value`: `formatFixed(2.5, 0)` is `'2'`,
 * `formatFixed(-0, 4)` is `'-0.0000'`, `formatFixed(NaN, 4)` is `'nan'`, and
 * values of 1e21 and above keep all their digits.
 */
export function formatFixed(value: number, decimals: number): string {
  const special = nonFiniteText(value);
  if (special !== null) return special;
  const digits = roundScaledHalfEven(Math.abs(value), decimals).toString().padStart(decimals + 1, '0');
  if (decimals === 0) return signOf(value) + digits;
  const point = digits.length - decimals;
  return `${signOf(value)}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The significant digits of |value| rounded to `count` of them, and the decimal exponent of the first. */
function significantDigits(magnitude: number, count: number): { digits: string; exponent: number } {
  if (magnitude === 0) return { digits: '0'.repeat(count), exponent: 0 };
  // Math.log10 is only an estimate near powers of ten, and rounding can carry
  // into a new digit (9.99996 → 10.0000): adjust until there are `count` digits.
  const lowest = 10n ** BigInt(count - 1);
  let exponent = Math.floor(Math.log10(magnitude));
  let scaled = roundScaledHalfEven(magnitude, count - 1 - exponent);
  while (scaled >= lowest * 10n) scaled = roundScaledHalfEven(magnitude, count - 1 - ++exponent);
  while (scaled < lowest) scaled = roundScaledHalfEven(magnitude, count - 1 - --exponent);
  return { digits: scaled.toString(), exponent };
}

/** `e-04`, `e+123`: Python writes at least two exponent digits. */
function exponentText(exponent: number): string {
  return `e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/**
 * Python's `'%.{decimals}e' % value`: `formatExponential(0.00012345, 4)` is
 * `'1.2345e-04'` (JavaScript's `toExponential` gives `1.2345e-4`).
 */
export function formatExponential(value: number, decimals: number): string {
  const special = nonFiniteText(value);
  if (special !== null) return special;
  const { digits, exponent } = significantDigits(Math.abs(value), decimals + 1);
  const significand = decimals === 0 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return signOf(value) + significand + exponentText(exponent);
}

/** Drops trailing zeros after a decimal point, and the point if nothing follows it. */
function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * Python's general format, `f"{value:.{precision}g}"` (and, with
 * `repr`-like rules, the spec without a type): fixed notation when the
 * exponent of the value rounded to `precision` digits is in [-4, limit),
 * else exponent notation; trailing zeros dropped unless `keepZeros`.
 */
function formatGeneral(value: number, precision: number, options: { limit: number; keepZeros: boolean; pointDigit: boolean }): string {
  const special = nonFiniteText(value);
  if (special !== null) return special;
  const p = Math.max(precision, 1);
  const { digits, exponent } = significantDigits(Math.abs(value), p);
  let body: string;
  if (exponent >= -4 && exponent < options.limit) {
    body = formatFixed(Math.abs(value), Math.max(p - 1 - exponent, 0));
    if (!options.keepZeros) body = stripZeros(body);
    if (options.pointDigit && !body.includes('.')) body += '.0';
  } else {
    let significand = p === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    if (!options.keepZeros) significand = stripZeros(significand);
    body = significand + exponentText(exponent);
  }
  return signOf(value) + body;
}

/**
 * Python's `repr(value)` of a float, which `str()`, f-strings without a
 * format, and the csv module use: the shortest digits that read back as the
 * same double, in fixed notation from 1e-4 up to 1e16, else in exponent
 * notation: `0.0001`, `1e-05`, `100.0`, `1e+16`, `nan`, `-inf`, `-0.0`.
 */
export function pythonRepr(value: number): string {
  const special = nonFiniteText(value);
  if (special !== null) return special;
  // toExponential() without an argument gives the shortest round-trip digits.
  const [significand, exponentPart] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = significand.replace('.', '');
  const exponent = Number(exponentPart);
  let body: string;
  if (exponent < -4 || exponent >= 16) {
    body = (digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`) + exponentText(exponent);
  } else if (exponent < 0) {
    body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  } else if (digits.length <= exponent + 1) {
    body = `${digits.padEnd(exponent + 1, '0')}.0`;
  } else {
    body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  return signOf(value) + body;
}

// ---------------------------------------------------------------------------
// str.format's mini-language: [[fill]align][sign][z][#][0][width][,|_][.precision][type]
// ---------------------------------------------------------------------------

/** A parsed format spec. */
export interface FormatSpec {
  fill: string;
  align: '<' | '>' | '^' | '=' | '';
  sign: '+' | '-' | ' ' | '';
  /** `z`: negative zero (after rounding) prints as zero. */
  coerceZero: boolean;
  /** `#`: keep the point and trailing zeros. */
  alternate: boolean;
  /** The least number of characters; the `0` flag is read as fill '0' and alignment '='. */
  width: number;
  grouping: ',' | '_' | '';
  precision: number | null;
  type: 'd' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' | '';
}

const SPEC_PATTERN = /^(?:([\s\S])?([<>^=]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([deEfFgG%])?$/u;

/**
 * Parses a format spec of Python's mini-language, for the decimal types:
 * d, e, E, f, F, g, G, % and none. Throws a ValueError naming the spec when
 * it is not one (hexadecimal, characters and `n` are not supported).
 */
export function parseFormatSpec(spec: string): FormatSpec {
  const match = SPEC_PATTERN.exec(spec);
  if (match === null) {
    throw new ValueError(`Unsupported format spec '${spec}'; expected Python's [[fill]align][sign][z][#][0][width][,|_][.precision][type] with a type among d, e, E, f, F, g, G, %.`);
  }
  const [, fill, align, sign, z, hash, zero, width, grouping, precision, type] = match;
  return {
    // The 0 flag sets the fill (when none is given) and the alignment (when none is given) separately.
    fill: fill ?? (zero !== undefined ? '0' : ' '),
    align: (align ?? (zero !== undefined ? '=' : '')) as FormatSpec['align'],
    sign: (sign ?? '') as FormatSpec['sign'],
    coerceZero: z !== undefined,
    alternate: hash !== undefined,
    width: width === undefined ? 0 : Number(width),
    grouping: (grouping ?? '') as FormatSpec['grouping'],
    precision: precision === undefined ? null : Number(precision),
    type: (type ?? '') as FormatSpec['type'],
  };
}

/** Inserts `separator` every three digits of the integer part of an unsigned number. */
function group(body: string, separator: string, minLength: number): string {
  const point = body.search(/[.eE%]/);
  const intPart = point < 0 ? body : body.slice(0, point);
  const rest = point < 0 ? '' : body.slice(point);
  // Python pads with zeros inside the grouping: format(1234, '09,') is '0,001,234'.
  let digits = intPart;
  const groupedLength = (n: number) => n + Math.floor((n - 1) / 3);
  while (groupedLength(digits.length) + rest.length < minLength) digits = '0' + digits;
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += separator;
    grouped += digits[i];
  }
  return grouped + rest;
}

/**
 * `format(value, spec)` as Python computes it, for an `int` (`kind:
 * 'int'`, such as Keras's epoch number) or a `float` (every log value):
 * `formatSpec(3, '02d', 'int')` is `'03'`, `formatSpec(0.345, '.2f',
 * 'float')` is `'0.34'` (0.345 is stored as 0.34499…), `formatSpec(0.5, '',
 * 'float')` is `'0.5'`. The errors Python raises are ValueErrors here, with
 * Python's message: `'d'` on a float, a precision on an int.
 */
export function formatSpec(value: number, spec: string | FormatSpec, kind: 'int' | 'float'): string {
  const s = typeof spec === 'string' ? parseFormatSpec(spec) : spec;
  if (kind === 'float' && s.type === 'd') throw new ValueError(`Unknown format code 'd' for object of type 'float'`);
  if (kind === 'int' && (s.type === 'd' || s.type === '') && s.precision !== null) throw new ValueError('Precision not allowed in integer format specifier');
  if (kind === 'int' && (s.type === 'd' || s.type === '') && s.coerceZero) throw new ValueError("Negative zero coercion (z) not allowed in integer format specifier");
  const x = kind === 'int' ? Math.trunc(value) : value;
  const upper = s.type === 'E' || s.type === 'F' || s.type === 'G';
  let body: string;
  const precision = s.precision ?? 6;
  switch (s.type) {
    case 'd':
      body = formatInteger(x);
      break;
    case 'f':
    case 'F':
      body = formatFixed(x, precision);
      break;
    case 'e':
    case 'E':
      body = formatExponential(x, precision);
      break;
    case '%':
      body = `${formatFixed(x * 100, precision)}%`;
      break;
    case 'g':
    case 'G':
      body = formatGeneral(x, precision, { limit: Math.max(precision, 1), keepZeros: s.alternate, pointDigit: false });
      break;
    default:
      if (kind === 'int') body = formatInteger(x);
      else if (s.precision === null) body = pythonRepr(x);
      else {
        // Python's rule for a float without a type: like g, but always a digit after the point, and exponent form from exp >= p - 1.
        body = formatGeneral(x, s.precision, { limit: Math.max(s.precision, 1) - 1, keepZeros: s.alternate, pointDigit: true });
      }
  }
  const integerType = s.type === 'd' || (s.type === '' && kind === 'int');
  // #: a float always shows its point, even with no digit after it ('1.e+03', '3.').
  if (s.alternate && !integerType && /^-?\d/.test(body) && !body.includes('.')) body = body.replace(/(e|%|$)/, '.$1');
  if (upper) body = body.toUpperCase();
  let sign = '';
  if (body.startsWith('-')) {
    body = body.slice(1);
    // z: a value that rounds to zero loses its minus sign.
    sign = s.coerceZero && !/[1-9]/.test(body.replace(/e.*$/i, '')) && !/nan|inf/i.test(body) ? '' : '-';
  }
  if (sign === '' && s.sign !== '-' && s.sign !== '') sign = s.sign;
  if (s.grouping !== '') {
    const padInside = s.align === '=' && s.fill === '0' ? s.width - sign.length : 0;
    body = /^\d/.test(body) ? group(body, s.grouping, padInside) : body;
  }
  const length = sign.length + body.length;
  const padding = Math.max(s.width - length, 0);
  const fill = s.fill;
  switch (s.align || '>') {
    case '<':
      return sign + body + fill.repeat(padding);
    case '^':
      return fill.repeat(Math.floor(padding / 2)) + sign + body + fill.repeat(Math.ceil(padding / 2));
    case '=':
      return sign + fill.repeat(padding) + body;
    default:
      return fill.repeat(padding) + sign + body;
  }
}
