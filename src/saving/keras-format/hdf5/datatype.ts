/**
 * HDF5 datatypes (the datatype message) and dataspaces (the dataspace
 * message), and decoding an array of elements from raw bytes into typed
 * arrays. Covered: little- and big-endian integers of 1-8 bytes, float16/32/64,
 * fixed-length strings, variable-length strings (their bytes sit in a global
 * heap; the caller resolves them), and enums (h5py's bool is an enum over
 * int8 {FALSE: 0, TRUE: 1}), and opaque elements read as raw bytes (Keras
 * stores bfloat16 weights as 2-byte opaque values with an attribute
 * dtype='bfloat16'). Compound, array, reference and bitfield types are
 * refused by name.
 */
import { ByteView, decodeText, formatError } from '../bytes.js';

export type Datatype =
  | { kind: 'int'; size: number; signed: boolean; bigEndian: boolean }
  | { kind: 'float'; size: number; bigEndian: boolean }
  | { kind: 'string'; size: number }
  | { kind: 'vlen-string' }
  | { kind: 'opaque'; size: number }
  | { kind: 'enum'; base: Datatype & { kind: 'int' }; names: string[]; values: number[] };

const CLASS_NAMES = ['fixed-point', 'floating-point', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enum', 'variable-length', 'array'];

/** The dtype name a datatype reads as: 'float32', 'int64', 'bool', 'string', …. */
export function dtypeName(type: Datatype): string {
  switch (type.kind) {
    case 'int':
      return `${type.signed ? 'int' : 'uint'}${type.size * 8}`;
    case 'float':
      return `float${type.size * 8}`;
    case 'string':
    case 'vlen-string':
      return 'string';
    case 'enum':
      return isBoolEnum(type) ? 'bool' : dtypeName(type.base);
    case 'opaque':
      return 'opaque';
  }
}

function isBoolEnum(type: Datatype & { kind: 'enum' }): boolean {
  return type.names.length === 2 && type.names[0] === 'FALSE' && type.names[1] === 'TRUE' && type.values[0] === 0 && type.values[1] === 1;
}

/** Bytes one element takes in a dataset or attribute (a variable-length element is a length, a heap address and an index). */
export function elementSize(type: Datatype, sizeOfOffsets: number): number {
  if (type.kind === 'vlen-string') return 4 + sizeOfOffsets + 4;
  if (type.kind === 'enum') return type.base.size;
  return type.size;
}

/** Parses a datatype message at `offset` (`end` bounds it); `where` names its owner in errors. */
export function parseDatatype(view: ByteView, offset: number, end: number, where: string): Datatype {
  const what = `the datatype of ${where}`;
  if (offset + 8 > end) formatError(view.fileName, `${what} is shorter than its 8-byte header.`);
  const classAndVersion = view.u8(offset, what);
  const typeClass = classAndVersion & 0x0f;
  const bits = view.u8(offset + 1, what) | (view.u8(offset + 2, what) << 8);
  const size = view.u32(offset + 4, what);
  switch (typeClass) {
    case 0: {
      if (![1, 2, 4, 8].includes(size)) formatError(view.fileName, `${what} is an integer of ${size} bytes; expected 1, 2, 4 or 8.`);
      return { kind: 'int', size, signed: (bits & 0x08) !== 0, bigEndian: (bits & 0x01) !== 0 };
    }
    case 1: {
      if (![2, 4, 8].includes(size)) formatError(view.fileName, `${what} is a float of ${size} bytes; expected 2, 4 or 8.`);
      if ((bits & 0x40) !== 0) formatError(view.fileName, `${what} is a VAX-order float, which is not supported.`);
      return { kind: 'float', size, bigEndian: (bits & 0x01) !== 0 };
    }
    case 5:
      if (size < 1) formatError(view.fileName, `${what} is an opaque type of ${size} bytes.`);
      return { kind: 'opaque', size };
    case 3:
      if (size < 1) formatError(view.fileName, `${what} is a fixed-length string of ${size} bytes.`);
      return { kind: 'string', size };
    case 8: {
      // The base type is read only if it is an integer, so that enums cannot nest (and recurse) without bound.
      const baseClass = view.u8(offset + 8, what) & 0x0f;
      if (baseClass !== 0) formatError(view.fileName, `${what} is an enum over a ${CLASS_NAMES[baseClass] ?? 'unknown'} type; only integer enums are supported.`);
      const base = parseDatatype(view, offset + 8, end, where);
      if (base.kind !== 'int') formatError(view.fileName, `${what} is an enum over a ${base.kind}; only integer enums are supported.`);
      const count = bits;
      const version = classAndVersion >> 4;
      let p = offset + 8 + 12; // the base type's message: 8-byte header + 4-byte bit offset/precision
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        const start = p;
        while (view.u8(p, what) !== 0) p++;
        names.push(decodeText(view.slice(start, p - start, what)));
        p++;
        if (version < 3) p = start + Math.ceil((p - start) / 8) * 8;
      }
      const values: number[] = [];
      for (let i = 0; i < count; i++, p += base.size) values.push(readInteger(view, p, base, what));
      if (p > end) formatError(view.fileName, `${what} runs past the end of its message.`);
      return { kind: 'enum', base, names, values };
    }
    case 9: {
      if ((bits & 0x0f) === 1) return { kind: 'vlen-string' };
      return formatError(view.fileName, `${what} is a variable-length sequence, which is not supported (only variable-length strings are).`);
    }
    default:
      return formatError(view.fileName, `${what} is of the ${CLASS_NAMES[typeClass] ?? `unknown (${typeClass})`} class, which is not supported; expected numbers or strings.`);
  }
}

function readInteger(view: ByteView, offset: number, type: { size: number; signed: boolean; bigEndian: boolean }, what: string): number {
  const bytes = view.slice(offset, type.size, what);
  let value = 0;
  for (let i = 0; i < type.size; i++) value = value * 256 + bytes[type.bigEndian ? i : type.size - 1 - i]!;
  if (type.signed && value >= 2 ** (8 * type.size - 1)) value -= 2 ** (8 * type.size);
  return value;
}

export interface Dataspace {
  /** [] for a scalar; a null dataspace (no elements) has dims [0]. */
  dims: number[];
  /** The most each dimension may grow to (-1: unlimited); the dims themselves when not stored. */
  maxDims: number[];
}

/** Parses a dataspace message; refuses more than `maxRank` dimensions. */
export function parseDataspace(view: ByteView, offset: number, sizeOfLengths: number, where: string): Dataspace {
  const what = `the dataspace of ${where}`;
  const version = view.u8(offset, what);
  const rank = view.u8(offset + 1, what);
  if (rank > 32) formatError(view.fileName, `${what} has ${rank} dimensions; HDF5 allows at most 32.`);
  let p: number;
  if (version === 1) p = offset + 8;
  else if (version === 2) {
    if (view.u8(offset + 3, what) === 2) return { dims: [0], maxDims: [0] };
    p = offset + 4;
  } else return formatError(view.fileName, `${what} has version ${version}; expected 1 or 2.`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dim = view.uint(p + i * sizeOfLengths, sizeOfLengths, what);
    if (dim < 0 || !Number.isSafeInteger(dim)) formatError(view.fileName, `${what} declares dimension ${i} as ${dim}.`);
    dims.push(dim);
  }
  const maxDims = [...dims];
  if ((view.u8(offset + 2, what) & 0x01) !== 0) {
    for (let i = 0; i < rank; i++) maxDims[i] = view.uint(p + (rank + i) * sizeOfLengths, sizeOfLengths, what);
  }
  return { dims, maxDims };
}

/** Product of `dims`, refused above `maxElements`. */
export function elementCount(dims: readonly number[], maxElements: number, fileName: string, where: string): number {
  let count = 1;
  for (const dim of dims) {
    count *= dim;
    if (count > maxElements) formatError(fileName, `${where} declares shape [${dims.join(', ')}], more than the ${maxElements} elements allowed.`);
  }
  return count;
}

export type NumericArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * `count` numeric elements of `type` from `raw`, converted to the host's
 * typed array (float16 widens to Float32Array; bool reads as Uint8Array).
 */
export function decodeNumbers(raw: Uint8Array, type: Datatype, count: number, fileName: string, where: string): NumericArray {
  const numeric = type.kind === 'enum' ? type.base : type;
  if (numeric.kind === 'opaque') {
    if (raw.length < count * numeric.size) formatError(fileName, `${where} has ${raw.length} bytes of data; its shape and type need ${count * numeric.size}.`);
    return raw.slice(0, count * numeric.size);
  }
  if (numeric.kind !== 'int' && numeric.kind !== 'float') return formatError(fileName, `${where} holds strings, not numbers.`);
  const size = numeric.size;
  if (raw.length < count * size) formatError(fileName, `${where} has ${raw.length} bytes of data; its shape and type need ${count * size}.`);
  const view = new DataView(raw.buffer, raw.byteOffset, count * size);
  const little = !numeric.bigEndian;
  if (numeric.kind === 'float') {
    if (size === 8) {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, little);
      return out;
    }
    const out = new Float32Array(count);
    if (size === 4) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, little);
    else for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, little));
    return out;
  }
  const signed = numeric.signed;
  switch (size) {
    case 1: {
      const out = signed ? new Int8Array(count) : new Uint8Array(count);
      out.set(signed ? new Int8Array(raw.buffer, raw.byteOffset, count) : raw.subarray(0, count));
      return out;
    }
    case 2: {
      const out = signed ? new Int16Array(count) : new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = signed ? view.getInt16(i * 2, little) : view.getUint16(i * 2, little);
      return out;
    }
    case 4: {
      const out = signed ? new Int32Array(count) : new Uint32Array(count);
      for (let i = 0; i < count; i++) out[i] = signed ? view.getInt32(i * 4, little) : view.getUint32(i * 4, little);
      return out;
    }
    default: {
      const out = signed ? new BigInt64Array(count) : new BigUint64Array(count);
      for (let i = 0; i < count; i++) out[i] = signed ? view.getBigInt64(i * 8, little) : view.getBigUint64(i * 8, little);
      return out;
    }
  }
}

/** IEEE half precision bits to a number. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Fixed-length strings: each `size` bytes, NUL- or space-padded. */
export function decodeFixedStrings(raw: Uint8Array, size: number, count: number, fileName: string, where: string): string[] {
  if (raw.length < count * size) formatError(fileName, `${where} has ${raw.length} bytes of data; its shape and type need ${count * size}.`);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(decodeText(raw.subarray(i * size, (i + 1) * size)));
  return out;
}
