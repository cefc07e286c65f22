/**
 * The three HDF5 heaps this reader needs:
 *   - the local heap ("HEAP") holds the names of an old-style group's members;
 *   - global heap collections ("GCOL") hold the bytes of variable-length strings;
 *   - the fractal heap ("FRHP") holds the links and attributes of a group
 *     or dataset with too many for its object header (dense storage).
 */
import { decodeText } from '../bytes.js';
import { lookup3 } from './checksum.js';
import type { Hdf5Context } from './context.js';

/** The data segment of the local heap at `address`. */
export function localHeapData(ctx: Hdf5Context, address: number, where: string): Uint8Array {
  ctx.visit(where);
  const what = `the local heap of ${where}`;
  ctx.view.expectSignature(address, 'HEAP', what);
  const size = ctx.length(address + 8, what);
  const dataAddress = ctx.address(address + 8 + 2 * ctx.sizeOfLengths, what);
  return ctx.view.slice(dataAddress, size, what);
}

/** The NUL-terminated string at `offset` of a local heap's data. */
export function localHeapString(ctx: Hdf5Context, heap: Uint8Array, offset: number, where: string): string {
  if (offset < 0 || offset >= heap.length) ctx.fail(`a name of ${where} lies outside its local heap.`);
  const end = heap.indexOf(0, offset);
  if (end < 0) ctx.fail(`a name of ${where} is not terminated in its local heap.`);
  return decodeText(heap.subarray(offset, end));
}

/**
 * Global heap collections, parsed once each: object index → bytes. A
 * variable-length string is a (collection address, object index) pair.
 */
export class GlobalHeaps {
  private readonly collections = new Map<number, Map<number, Uint8Array>>();

  constructor(private readonly ctx: Hdf5Context) {}

  object(address: number, index: number, where: string): Uint8Array {
    let objects = this.collections.get(address);
    if (objects === undefined) {
      objects = this.parse(address, where);
      this.collections.set(address, objects);
    }
    const found = objects.get(index);
    if (found === undefined) this.ctx.fail(`${where} refers to object ${index} of the global heap at byte ${address}, which has no such object.`);
    return found;
  }

  private parse(address: number, where: string): Map<number, Uint8Array> {
    const ctx = this.ctx;
    ctx.visit(where);
    const what = `the global heap collection at byte ${address} (for ${where})`;
    ctx.view.expectSignature(address, 'GCOL', what);
    const size = ctx.length(address + 8, what);
    ctx.view.check(address, size, what);
    const end = address + size;
    const objects = new Map<number, Uint8Array>();
    const headerSize = 8 + ctx.sizeOfLengths;
    for (let p = address + 8 + ctx.sizeOfLengths; p + headerSize <= end; ) {
      const index = ctx.view.u16(p, what);
      if (index === 0) break; // free space: the rest of the collection
      const objectSize = ctx.length(p + 8, what);
      if (p + headerSize + objectSize > end) ctx.fail(`${what} has an object running past its end.`);
      objects.set(index, ctx.view.slice(p + headerSize, objectSize, what));
      p += headerSize + Math.ceil(objectSize / 8) * 8;
    }
    return objects;
  }
}

interface DirectBlock {
  heapOffset: number;
  address: number;
  size: number;
}

/** A fractal heap, read far enough to fetch objects by heap ID. */
export class FractalHeap {
  readonly idLength: number;
  private readonly offsetSize: number;
  private readonly lengthSize: number;
  private readonly blocks: DirectBlock[] = [];

  constructor(
    private readonly ctx: Hdf5Context,
    address: number,
    private readonly where: string,
  ) {
    const view = ctx.view;
    const what = `the fractal heap of ${where}`;
    ctx.visit(what);
    view.expectSignature(address, 'FRHP', what);
    const O = ctx.sizeOfOffsets;
    const L = ctx.sizeOfLengths;
    let p = address + 5;
    this.idLength = view.u16(p, what);
    const filterLength = view.u16(p + 2, what);
    const flags = view.u8(p + 4, what);
    const maxManaged = view.u32(p + 5, what);
    p += 9;
    p += L + O + L + O + L + L + L + L + L + L + L + L; // huge/tiny/free-space bookkeeping this reader does not need
    const tableWidth = view.u16(p, what);
    const startBlockSize = ctx.length(p + 2, what);
    const maxDirectSize = ctx.length(p + 2 + L, what);
    const maxHeapBits = view.u16(p + 2 + 2 * L, what);
    p += 2 + 2 * L + 4;
    const rootAddress = ctx.address(p, what);
    const rootRows = view.u16(p + O, what);
    p += O + 2;
    if (filterLength > 0) ctx.fail(`${what} has I/O filters, which are not supported.`);
    ctx.verifyChecksum(address, p, what);
    if (tableWidth === 0 || !isPowerOfTwo(startBlockSize) || !isPowerOfTwo(maxDirectSize) || maxHeapBits > 64 || maxHeapBits === 0) {
      ctx.fail(`${what} has an invalid table (width ${tableWidth}, block sizes ${startBlockSize}-${maxDirectSize}, ${maxHeapBits}-bit offsets).`);
    }
    this.offsetSize = Math.ceil(maxHeapBits / 8);
    this.lengthSize = Math.min(Math.floor((Math.log2(maxDirectSize) + 7) / 8), Math.floor(Math.log2(Math.max(maxManaged, 1)) / 8) + 1);
    const blockChecksum = (flags & 0x02) !== 0;
    if (rootAddress === -1) return;
    const table = { tableWidth, startBlockSize, maxDirectSize, blockChecksum, address };
    if (rootRows === 0) this.addDirect(rootAddress, startBlockSize, table);
    else this.walkIndirect(rootAddress, rootRows, table, 0);
    this.blocks.sort((a, b) => a.heapOffset - b.heapOffset);
  }

  /** The bytes of the object with heap ID `id`. */
  object(id: Uint8Array): Uint8Array {
    const ctx = this.ctx;
    const what = `an object of the fractal heap of ${this.where}`;
    const type = (id[0]! >> 4) & 0x03;
    if (type === 2) {
      const extended = this.idLength > 18;
      const length = extended ? (((id[0]! & 0x0f) << 8) | id[1]!) + 1 : (id[0]! & 0x0f) + 1;
      const start = extended ? 2 : 1;
      if (start + length > id.length) ctx.fail(`${what} is a tiny object longer than its ID.`);
      return id.subarray(start, start + length);
    }
    if (type !== 0) ctx.fail(`${what} is a "huge" object, which is not supported.`);
    let offset = 0;
    for (let i = this.offsetSize; i >= 1; i--) offset = offset * 256 + (id[i] ?? 0);
    let length = 0;
    for (let i = this.offsetSize + this.lengthSize; i > this.offsetSize; i--) length = length * 256 + (id[i] ?? 0);
    // Binary search for the last block starting at or before `offset` (blocks are sorted by heap offset).
    let low = 0;
    let high = this.blocks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.blocks[middle]!.heapOffset <= offset) low = middle;
      else high = middle - 1;
    }
    const block = this.blocks[low];
    if (block !== undefined && offset >= block.heapOffset && offset + length <= block.heapOffset + block.size) {
      return ctx.view.slice(block.address + (offset - block.heapOffset), length, what);
    }
    return ctx.fail(`${what} (offset ${offset}, ${length} bytes) lies in no block of the heap.`);
  }

  private addDirect(address: number, size: number, table: { blockChecksum: boolean; address: number }): void {
    const ctx = this.ctx;
    const what = `a direct block of the fractal heap of ${this.where}`;
    ctx.visit(what);
    ctx.view.expectSignature(address, 'FHDB', what);
    ctx.view.check(address, size, what);
    const heapOffset = ctx.view.uint(address + 5 + ctx.sizeOfOffsets, this.offsetSize, what);
    if (table.blockChecksum) {
      const checksumAt = address + 5 + ctx.sizeOfOffsets + this.offsetSize;
      const stored = ctx.view.u32(checksumAt, what);
      // The checksum covers the whole block with its own field read as zero.
      const copy = ctx.view.slice(address, size, what).slice();
      copy.fill(0, checksumAt - address, checksumAt - address + 4);
      if (lookup3(copy) !== stored) ctx.fail(`${what} at byte ${address} fails its checksum; the file is corrupt.`);
    }
    this.blocks.push({ heapOffset, address, size });
  }

  private walkIndirect(
    address: number,
    rows: number,
    table: { tableWidth: number; startBlockSize: number; maxDirectSize: number; blockChecksum: boolean; address: number },
    depth: number,
  ): void {
    const ctx = this.ctx;
    const what = `an indirect block of the fractal heap of ${this.where}`;
    ctx.visit(what);
    if (depth > 16) ctx.fail(`${what} nests more than 16 levels deep.`);
    ctx.view.expectSignature(address, 'FHIB', what);
    const maxDirectRows = Math.log2(table.maxDirectSize) - Math.log2(table.startBlockSize) + 2;
    let p = address + 5 + ctx.sizeOfOffsets + this.offsetSize;
    const blockSize = (row: number): number => table.startBlockSize * 2 ** Math.max(0, row - 1);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < table.tableWidth; column++, p += ctx.sizeOfOffsets) {
        const child = ctx.address(p, what);
        if (child === -1) continue;
        const size = blockSize(row);
        if (row < maxDirectRows) this.addDirect(child, size, table);
        else this.walkIndirect(child, Math.log2(size) - Math.log2(table.startBlockSize * table.tableWidth) + 1, table, depth + 1);
      }
    }
  }
}

function isPowerOfTwo(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0 && Number.isInteger(Math.log2(value));
}
