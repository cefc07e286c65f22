/**
 * Values of attributes and datasets: an attribute message parsed into its
 * name and array, and raw element bytes decoded into numbers or strings
 * (variable-length strings fetched from the global heap).
 */
import { ByteView, decodeText } from '../bytes.js';
import type { Hdf5Context } from './context.js';
import { decodeFixedStrings, decodeNumbers, dtypeName, elementCount, elementSize, parseDataspace, parseDatatype, type Datatype, type NumericArray } from './datatype.js';
import type { GlobalHeaps } from './heaps.js';

/** An array read from a dataset or an attribute: shape ([] for a scalar), dtype name, values in row-major order. */
export interface Hdf5Array {
  shape: number[];
  dtype: string;
  data: NumericArray | string[];
}

/** An attribute message (versions 1-3): its name and value. */
export function parseAttribute(ctx: Hdf5Context, heaps: GlobalHeaps, bytes: Uint8Array, where: string): [string, Hdf5Array] {
  const view = new ByteView(bytes, ctx.fileName);
  const what = `an attribute of ${where}`;
  const version = view.u8(0, what);
  if (version < 1 || version > 3) ctx.fail(`${what} has version ${version}; expected 1 to 3.`);
  const flags = view.u8(1, what);
  if (version >= 2 && (flags & 0x03) !== 0) ctx.fail(`${what} uses a shared datatype or dataspace, which is not supported.`);
  const nameSize = view.u16(2, what);
  const typeSize = view.u16(4, what);
  const spaceSize = view.u16(6, what);
  const pad = (size: number): number => (version === 1 ? Math.ceil(size / 8) * 8 : size);
  let p = version === 3 ? 9 : 8;
  const name = decodeText(view.slice(p, nameSize, what));
  p += pad(nameSize);
  const attributeWhere = `the attribute '${name}' of ${where}`;
  const type = parseDatatype(view, p, p + typeSize, attributeWhere);
  p += pad(typeSize);
  const dims = parseDataspace(view, p, ctx.sizeOfLengths, attributeWhere).dims;
  p += pad(spaceSize);
  const count = elementCount(dims, ctx.limits.maxElements, ctx.fileName, attributeWhere);
  const size = elementSize(type, ctx.sizeOfOffsets);
  const raw = view.slice(p, count * size, `the value of ${attributeWhere}`);
  return [name, { shape: dims, dtype: dtypeName(type), data: decodeValues(ctx, heaps, raw, type, count, attributeWhere) }];
}

/** Raw element bytes to numbers or strings; variable-length strings are fetched from the global heap. */
export function decodeValues(ctx: Hdf5Context, heaps: GlobalHeaps, raw: Uint8Array, type: Datatype, count: number, where: string): NumericArray | string[] {
  if (type.kind === 'string') return decodeFixedStrings(raw, type.size, count, ctx.fileName, where);
  if (type.kind !== 'vlen-string') return decodeNumbers(raw, type, count, ctx.fileName, where);
  const view = new ByteView(raw, ctx.fileName);
  const size = elementSize(type, ctx.sizeOfOffsets);
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = i * size;
    const length = view.u32(p, where);
    const collection = view.uint(p + 4, ctx.sizeOfOffsets, where);
    const index = view.u32(p + 4 + ctx.sizeOfOffsets, where);
    if (collection === -1 || collection === 0) {
      strings.push('');
      continue;
    }
    const object = heaps.object(collection + ctx.base, index, where);
    if (length > object.length) ctx.fail(`${where} has a string of ${length} bytes in a heap object of ${object.length}.`);
    ctx.chargeInflated(length, where);
    strings.push(decodeText(object.subarray(0, length)));
  }
  return strings;
}
