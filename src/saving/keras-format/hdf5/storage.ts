/**
 * Where a dataset's bytes are and how to get them back: the data layout
 * message (compact, contiguous or chunked), and for chunked data the chunk
 * indexes (each chunk's filters are undone by filters.ts):
 *   - B-tree v1 (layout version 3: h5py's default, and every Keras file);
 *   - single chunk, implicit, fixed array, extensible array and B-tree v2
 *     (layout version 4, written under libver='v110' or later for one-chunk,
 *     fixed-size, one-unlimited-dimension and two-unlimited-dimension datasets).
 * The array indexes number chunks row-major over the grid of the dataset's
 * maximum shape, with the unlimited dimension moved first for the
 * extensible array; B-trees store each chunk's offsets.
 */
import { walkBTree2, walkChunkBTree, type ChunkRecord } from './btree.js';
import { walkExtensibleArray } from './extensible-array.js';
import type { Hdf5Context } from './context.js';
import { decodeChunk, type Filter } from './filters.js';

export type Layout =
  | { kind: 'compact'; data: Uint8Array }
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'chunked'; chunkDims: number[]; index: ChunkIndex };

type ChunkIndex =
  | { kind: 'btree1'; address: number }
  | { kind: 'single'; address: number; filteredSize: number; filterMask: number }
  | { kind: 'implicit'; address: number }
  | { kind: 'fixed-array'; address: number }
  | { kind: 'extensible-array'; address: number }
  | { kind: 'btree2'; address: number };

/** Parses a data layout message (versions 1-4). */
export function parseLayout(ctx: Hdf5Context, offset: number, size: number, rank: number, where: string): Layout {
  const view = ctx.view;
  const what = `the data layout of ${where}`;
  const version = view.u8(offset, what);
  if (version === 1 || version === 2) {
    const dimensionality = view.u8(offset + 1, what);
    const layoutClass = view.u8(offset + 2, what);
    let p = offset + 8;
    if (layoutClass === 0) {
      p += dimensionality * 4;
      return compact(ctx, p + 4, view.u32(p, what), offset + size, what);
    }
    const address = ctx.address(p, what);
    p += ctx.sizeOfOffsets;
    const dims: number[] = [];
    for (let i = 0; i < dimensionality; i++) dims.push(view.u32(p + 4 * i, what));
    if (layoutClass === 1) return { kind: 'contiguous', address, size: dims.reduce((a, b) => a * b, 1) };
    return { kind: 'chunked', chunkDims: checkChunkDims(ctx, dims.slice(0, -1), rank, what), index: { kind: 'btree1', address } };
  }
  if (version !== 3 && version !== 4) ctx.fail(`${what} has version ${version}; expected 1 to 4.`);
  const layoutClass = view.u8(offset + 1, what);
  let p = offset + 2;
  if (layoutClass === 0) return compact(ctx, p + 2, view.u16(p, what), offset + size, what);
  if (layoutClass === 1) return { kind: 'contiguous', address: ctx.address(p, what), size: ctx.length(p + ctx.sizeOfOffsets, what) };
  if (layoutClass !== 2) ctx.fail(`${what} has layout class ${layoutClass} (${layoutClass === 3 ? 'virtual' : 'unknown'}), which is not supported.`);
  if (version === 3) {
    const dimensionality = view.u8(p, what);
    const address = ctx.address(p + 1, what);
    p += 1 + ctx.sizeOfOffsets;
    const dims: number[] = [];
    for (let i = 0; i < dimensionality; i++) dims.push(view.u32(p + 4 * i, what));
    return { kind: 'chunked', chunkDims: checkChunkDims(ctx, dims.slice(0, -1), rank, what), index: { kind: 'btree1', address } };
  }
  const flags = view.u8(p, what);
  const dimensionality = view.u8(p + 1, what);
  const encodedSize = view.u8(p + 2, what);
  if (encodedSize < 1 || encodedSize > 8) ctx.fail(`${what} encodes chunk dimensions in ${encodedSize} bytes.`);
  p += 3;
  const dims: number[] = [];
  for (let i = 0; i < dimensionality; i++, p += encodedSize) dims.push(view.uint(p, encodedSize, what));
  const chunkDims = checkChunkDims(ctx, dims.slice(0, -1), rank, what);
  const indexType = view.u8(p, what);
  p += 1;
  switch (indexType) {
    case 1: {
      let filteredSize = -1;
      let filterMask = 0;
      if ((flags & 0x02) !== 0) {
        filteredSize = ctx.length(p, what);
        filterMask = view.u32(p + ctx.sizeOfLengths, what);
        p += ctx.sizeOfLengths + 4;
      }
      return { kind: 'chunked', chunkDims, index: { kind: 'single', address: ctx.address(p, what), filteredSize, filterMask } };
    }
    case 2:
      return { kind: 'chunked', chunkDims, index: { kind: 'implicit', address: ctx.address(p, what) } };
    case 3:
      return { kind: 'chunked', chunkDims, index: { kind: 'fixed-array', address: ctx.address(p + 1, what) } };
    case 5:
      return { kind: 'chunked', chunkDims, index: { kind: 'btree2', address: ctx.address(p + 6, what) } };
    case 4:
      return { kind: 'chunked', chunkDims, index: { kind: 'extensible-array', address: ctx.address(p + 5, what) } };
    default:
      return ctx.fail(`${what} has chunk index type ${indexType}, which is not supported.`);
  }
}

/** Compact data: stored inside the layout message itself, so it must end within it. */
function compact(ctx: Hdf5Context, start: number, size: number, messageEnd: number, what: string): Layout {
  if (start + size > messageEnd) ctx.fail(`${what} holds ${size} bytes of compact data, more than its message has room for.`);
  return { kind: 'compact', data: ctx.view.slice(start, size, what) };
}

function checkChunkDims(ctx: Hdf5Context, dims: number[], rank: number, what: string): number[] {
  if (dims.length !== rank) ctx.fail(`${what} has ${dims.length}-dimensional chunks for ${rank}-dimensional data.`);
  let count = 1;
  for (const dim of dims) {
    if (!(dim >= 1)) ctx.fail(`${what} has a chunk dimension of ${dim}.`);
    count *= dim;
  }
  if (count > ctx.limits.maxElements) ctx.fail(`${what} has chunks of ${count} elements, more than the ${ctx.limits.maxElements} allowed.`);
  return dims;
}

/** The dataset's bytes, row-major, `count` elements of `elementSize` bytes. */
export async function readStorage(
  ctx: Hdf5Context,
  layout: Layout,
  filters: Filter[],
  space: { dims: number[]; maxDims: number[] },
  count: number,
  elementSize: number,
  where: string,
): Promise<Uint8Array> {
  const dims = space.dims;
  const total = count * elementSize;
  if (layout.kind === 'compact') {
    if (layout.data.length < total) ctx.fail(`${where} has ${layout.data.length} bytes of compact data; its shape and type need ${total}.`);
    return layout.data;
  }
  if (layout.kind === 'contiguous') {
    if (layout.address === -1) return chargeOutput(ctx, total, where); // never written: all fill value (0)
    return ctx.view.slice(layout.address, total, `the data of ${where}`);
  }
  const output = chargeOutput(ctx, total, where);
  const chunkDims = layout.chunkDims;
  const chunkCount = chunkDims.reduce((a, b) => a * b, 1);
  const chunkBytes = chunkCount * elementSize;
  for (const chunk of listChunks(ctx, layout.index, space, chunkDims, chunkBytes, filters.length > 0, where)) {
    for (let d = 0; d < dims.length; d++) {
      const offset = chunk.offsets[d]!;
      if (!(offset >= 0) || offset % chunkDims[d]! !== 0 || offset >= Math.max(dims[d]!, 1)) {
        ctx.fail(`${where} has a chunk at offset [${chunk.offsets.slice(0, dims.length).join(', ')}], outside its shape [${dims.join(', ')}] or off the chunk grid.`);
      }
    }
    const stored = ctx.view.slice(chunk.address, chunk.size, `a chunk of ${where}`);
    const data = await decodeChunk(ctx, stored, filters, chunk.filterMask, chunkBytes, elementSize, where);
    if (data.length < chunkBytes) ctx.fail(`${where} has a chunk of ${data.length} bytes; its chunk shape needs ${chunkBytes}.`);
    copyChunk(data, output, chunk.offsets, chunkDims, dims, elementSize);
  }
  return output;
}

/** A zeroed output buffer of `bytes`, counted against the file's decompression budget. */
function chargeOutput(ctx: Hdf5Context, bytes: number, where: string): Uint8Array {
  ctx.chargeInflated(bytes, where);
  return new Uint8Array(bytes);
}


function listChunks(
  ctx: Hdf5Context,
  index: ChunkIndex,
  space: { dims: number[]; maxDims: number[] },
  chunkDims: number[],
  chunkBytes: number,
  filtered: boolean,
  where: string,
): ChunkRecord[] {
  const { dims, maxDims } = space;
  const rank = dims.length;
  // The chunk grid over the maximum shape (an unlimited dimension only ever varies slowest, so its extent does not matter).
  const unlimited = maxDims.findIndex((dim) => dim === -1);
  const order = [...dims.keys()];
  if (index.kind === 'extensible-array' && unlimited > 0) order.unshift(...order.splice(unlimited, 1));
  const grid = order.map((d) => Math.max(1, Math.ceil(Math.max(maxDims[d] === -1 ? dims[d]! : maxDims[d]!, dims[d]!) / chunkDims[d]!)));
  const gridOffsets = (linear: number): number[] => {
    const offsets = new Array<number>(rank);
    for (let k = rank - 1; k >= 0; k--) {
      const d = order[k]!;
      offsets[d] = (k === 0 ? linear : linear % grid[k]!) * chunkDims[d]!;
      linear = Math.floor(linear / grid[k]!);
    }
    return offsets;
  };
  const chunks: ChunkRecord[] = [];
  switch (index.kind) {
    case 'btree1':
      if (index.address !== -1) walkChunkBTree(ctx, index.address, rank + 1, where, (chunk) => chunks.push(chunk));
      return chunks;
    case 'single':
      if (index.address !== -1) chunks.push({ address: index.address, size: filtered ? index.filteredSize : chunkBytes, filterMask: index.filterMask, offsets: new Array<number>(rank).fill(0) });
      return chunks;
    case 'implicit': {
      if (index.address === -1) return chunks;
      const gridCount = grid.reduce((a, b) => a * b, 1);
      ctx.view.check(index.address, gridCount * chunkBytes, `the chunks of ${where}`); // before looping over them
      for (let i = 0; i < gridCount; i++) chunks.push({ address: index.address + i * chunkBytes, size: chunkBytes, filterMask: 0, offsets: gridOffsets(i) });
      return chunks;
    }
    case 'extensible-array':
      if (index.address !== -1) {
        walkExtensibleArray(ctx, index.address, where, (i, element, size) => {
          const address = ctx.address(element, where);
          if (address === -1) return;
          const O = ctx.sizeOfOffsets;
          const chunkSize = filtered ? ctx.view.uint(element + O, size - O - 4, where) : chunkBytes;
          chunks.push({ address, size: chunkSize, filterMask: filtered ? ctx.view.u32(element + size - 4, where) : 0, offsets: gridOffsets(i) });
        });
      }
      return chunks;
    case 'fixed-array':
      if (index.address !== -1) readFixedArray(ctx, index.address, where, (i, address, size, filterMask) => chunks.push({ address, size: size < 0 ? chunkBytes : size, filterMask, offsets: gridOffsets(i) }));
      return chunks;
    case 'btree2': {
      if (index.address === -1) return chunks;
      const type = filtered ? 11 : 10;
      walkBTree2(ctx, index.address, type, where, (record, size) => {
        const O = ctx.sizeOfOffsets;
        const address = ctx.address(record, where);
        const sizeBytes = filtered ? size - O - 4 - 8 * rank : 0;
        const chunkSize = filtered ? ctx.view.uint(record + O, sizeBytes, where) : chunkBytes;
        const filterMask = filtered ? ctx.view.u32(record + O + sizeBytes, where) : 0;
        const scaled = record + O + (filtered ? sizeBytes + 4 : 0);
        const offsets: number[] = [];
        for (let d = 0; d < rank; d++) offsets.push(ctx.view.uint(scaled + 8 * d, 8, where) * chunkDims[d]!);
        chunks.push({ address, size: chunkSize, filterMask, offsets });
      });
      return chunks;
    }
  }
}

/** The entries of a fixed-array chunk index ("FAHD"/"FADB"), unpaged. */
function readFixedArray(ctx: Hdf5Context, address: number, where: string, visit: (index: number, address: number, size: number, filterMask: number) => void): void {
  const view = ctx.view;
  const what = `the fixed-array chunk index of ${where}`;
  ctx.visit(what);
  view.expectSignature(address, 'FAHD', what);
  const clientId = view.u8(address + 5, what);
  const entrySize = view.u8(address + 6, what);
  const pageBits = view.u8(address + 7, what);
  const entries = ctx.length(address + 8, what);
  const block = ctx.address(address + 8 + ctx.sizeOfLengths, what);
  ctx.verifyChecksum(address, address + 8 + ctx.sizeOfLengths + ctx.sizeOfOffsets, what);
  if (entries > 2 ** pageBits) ctx.fail(`${what} is paged (${entries} chunks), which is not supported.`);
  if (block === -1) return;
  view.expectSignature(block, 'FADB', what);
  const first = block + 6 + ctx.sizeOfOffsets;
  view.check(first, entries * entrySize + 4, what);
  ctx.verifyChecksum(block, first + entries * entrySize, what);
  const O = ctx.sizeOfOffsets;
  for (let i = 0; i < entries; i++) {
    const p = first + i * entrySize;
    const chunkAddress = ctx.address(p, what);
    if (chunkAddress === -1) continue;
    if (clientId === 1) {
      const sizeBytes = entrySize - O - 4;
      visit(i, chunkAddress, view.uint(p + O, sizeBytes, what), view.u32(p + O + sizeBytes, what));
    } else visit(i, chunkAddress, -1, 0);
  }
}

/** Copies a chunk (row-major, `chunkDims`) into the dataset array at `offsets`, clipping at the dataset's edges. */
function copyChunk(chunk: Uint8Array, output: Uint8Array, offsets: number[], chunkDims: number[], dims: number[], elementSize: number): void {
  const rank = dims.length;
  if (rank === 0) {
    output.set(chunk.subarray(0, elementSize));
    return;
  }
  const last = rank - 1;
  const run = Math.min(chunkDims[last]!, dims[last]! - offsets[last]!) * elementSize;
  if (run <= 0) return;
  const index = new Array<number>(rank).fill(0); // position within the chunk, last dimension held at 0
  for (;;) {
    let inside = true;
    let source = 0;
    let target = 0;
    for (let d = 0; d < rank; d++) {
      if (offsets[d]! + index[d]! >= dims[d]!) inside = false;
      source = source * chunkDims[d]! + index[d]!;
      target = target * dims[d]! + offsets[d]! + index[d]!;
    }
    if (inside) output.set(chunk.subarray(source * elementSize, source * elementSize + run), target * elementSize);
    let d = last - 1;
    while (d >= 0 && ++index[d]! >= chunkDims[d]!) index[d--] = 0;
    if (d < 0) return;
  }
}
