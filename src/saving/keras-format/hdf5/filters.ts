/**
 * The filter pipeline: which filters a chunked dataset's chunks went through
 * (the filter pipeline message), and undoing them, last applied first:
 * deflate (gzip, inflated through the platform's DecompressionStream),
 * shuffle (byte planes back into elements) and fletcher32 (a checksum,
 * checked and stripped). Any other filter is refused by name.
 */
import { inflate } from '../inflate.js';
import type { Hdf5Context } from './context.js';

export interface Filter {
  id: number;
  clientData: number[];
}

const FILTER_NAMES: Record<number, string> = { 4: 'szip', 5: 'nbit', 6: 'scale-offset', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32008: 'bitshuffle', 32015: 'zstd' };

/** Parses a filter pipeline message (versions 1 and 2). */
export function parseFilters(ctx: Hdf5Context, offset: number, end: number, where: string): Filter[] {
  const view = ctx.view;
  const what = `the filter pipeline of ${where}`;
  const version = view.u8(offset, what);
  const count = view.u8(offset + 1, what);
  if (version !== 1 && version !== 2) ctx.fail(`${what} has version ${version}; expected 1 or 2.`);
  let p = offset + (version === 1 ? 8 : 2);
  const filters: Filter[] = [];
  for (let i = 0; i < count; i++) {
    const id = view.u16(p, what);
    p += 2;
    let nameLength = 0;
    if (version === 1 || id >= 256) {
      nameLength = view.u16(p, what);
      p += 2;
    }
    p += 2; // flags
    const values = view.u16(p, what);
    p += 2;
    p += version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength;
    const clientData: number[] = [];
    for (let j = 0; j < values; j++) clientData.push(view.u32(p + 4 * j, what));
    p += 4 * values + (version === 1 && values % 2 === 1 ? 4 : 0);
    if (p > end) ctx.fail(`${what} runs past the end of its message.`);
    if (id !== 1 && id !== 2 && id !== 3) {
      ctx.fail(`${where} is compressed with filter ${id}${FILTER_NAMES[id] ? ` (${FILTER_NAMES[id]})` : ''}, which is not supported; supported: gzip (deflate), shuffle, fletcher32.`);
    }
    filters.push({ id, clientData });
  }
  return filters;
}

/** Undoes the filters (last applied first) that the chunk's mask says were applied. */
export async function decodeChunk(
  ctx: Hdf5Context,
  stored: Uint8Array,
  filters: Filter[],
  filterMask: number,
  chunkBytes: number,
  elementSize: number,
  where: string,
): Promise<Uint8Array> {
  let data = stored;
  for (let i = filters.length - 1; i >= 0; i--) {
    if ((filterMask & (1 << i)) !== 0) continue;
    const filter = filters[i]!;
    if (filter.id === 1) {
      data = await inflate(data, 'deflate', chunkBytes, ctx.fileName, `a gzip-compressed chunk of ${where}`);
      ctx.chargeInflated(data.length, where);
    } else if (filter.id === 2) data = unshuffle(data, filter.clientData[0] ?? elementSize);
    else data = checkFletcher32(ctx, data, where);
  }
  return data;
}

/** The shuffle filter stored byte 0 of every element, then byte 1, …; this puts each element's bytes back together. */
function unshuffle(data: Uint8Array, size: number): Uint8Array {
  if (size <= 1) return data;
  const count = Math.floor(data.length / size);
  const out = new Uint8Array(data.length);
  for (let byte = 0; byte < size; byte++) {
    const plane = byte * count;
    for (let i = 0; i < count; i++) out[i * size + byte] = data[plane + i]!;
  }
  out.set(data.subarray(count * size), count * size); // a trailing partial element is stored as is
  return out;
}

/** Checks and strips the 4-byte Fletcher-32 checksum the fletcher32 filter appends. */
function checkFletcher32(ctx: Hdf5Context, data: Uint8Array, where: string): Uint8Array {
  if (data.length < 4) ctx.fail(`a chunk of ${where} is too short for its fletcher32 checksum.`);
  const body = data.subarray(0, data.length - 4);
  let sum1 = 0;
  let sum2 = 0;
  const words = body.length >> 1;
  for (let i = 0; i < words; ) {
    const stop = Math.min(words, i + 360);
    for (; i < stop; i++) {
      sum1 += (body[2 * i]! << 8) | body[2 * i + 1]!;
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (body.length % 2 === 1) {
    sum1 += body[body.length - 1]! << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  const computed = ((sum2 << 16) | sum1) >>> 0;
  const tail = data.subarray(data.length - 4);
  const stored = (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16) | (tail[3]! << 24)) >>> 0;
  // Files written on big-endian machines before HDF5 1.6.3 hold the byte-swapped sum.
  const swapped = (((computed & 0xff00ff00) >>> 8) | ((computed & 0x00ff00ff) << 8)) >>> 0;
  if (stored !== computed && stored !== swapped) ctx.fail(`a chunk of ${where} fails its fletcher32 checksum; the file is corrupt.`);
  return body;
}

