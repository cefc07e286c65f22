/**
 * The two B-tree families of HDF5, walked in full (this reader never
 * searches them, it lists every record):
 *   - version 1 ("TREE"): an old-style group's symbol-table nodes (type 0)
 *     and a chunked dataset's chunks (type 1);
 *   - version 2 ("BTHD"/"BTIN"/"BTLF"): the name index of dense links
 *     (type 5) and attributes (type 8), and chunk indexes (types 10, 11).
 * Every node counts against the file's visit budget and depth is capped, so
 * a node pointing to itself ends in a FileFormatError.
 */
import type { Hdf5Context } from './context.js';

/** A type-1 (chunk) B-tree v1 record: the chunk's address, stored size, filter mask and element offsets. */
export interface ChunkRecord {
  address: number;
  size: number;
  filterMask: number;
  offsets: number[];
}

/** Calls `visitChild` with every leaf child address of a type-0 B-tree v1 (the group's symbol-table nodes). */
export function walkGroupBTree(ctx: Hdf5Context, address: number, where: string, visitChild: (address: number) => void): void {
  walkBTree1(ctx, address, 0, ctx.sizeOfLengths, where, 0, (_key, child) => visitChild(child));
}

/** Every chunk of a type-1 B-tree v1; `rank` counts the dataset's dimensions plus one (the element size). */
export function walkChunkBTree(ctx: Hdf5Context, address: number, rank: number, where: string, visit: (chunk: ChunkRecord) => void): void {
  const keySize = 8 + 8 * rank;
  walkBTree1(ctx, address, 1, keySize, where, 0, (key, child) => {
    const offsets: number[] = [];
    for (let i = 0; i < rank; i++) offsets.push(ctx.view.uint(key + 8 + 8 * i, 8, `a chunk key of ${where}`));
    visit({ address: child, size: ctx.view.u32(key, where), filterMask: ctx.view.u32(key + 4, where), offsets });
  });
}

function walkBTree1(
  ctx: Hdf5Context,
  address: number,
  type: number,
  keySize: number,
  where: string,
  depth: number,
  visit: (keyOffset: number, child: number) => void,
): void {
  const view = ctx.view;
  const what = `a B-tree node of ${where}`;
  ctx.visit(what);
  if (depth > 64) ctx.fail(`${what} nests more than 64 levels deep (a cycle?).`);
  view.expectSignature(address, 'TREE', what);
  const nodeType = view.u8(address + 4, what);
  if (nodeType !== type) ctx.fail(`${what} at byte ${address} has type ${nodeType}; expected ${type}.`);
  const level = view.u8(address + 5, what);
  const entries = view.u16(address + 6, what);
  const O = ctx.sizeOfOffsets;
  let p = address + 8 + 2 * O;
  view.check(p, entries * (keySize + O) + keySize, what);
  for (let i = 0; i < entries; i++) {
    const key = p;
    const child = ctx.address(p + keySize, what);
    p += keySize + O;
    if (child === -1) ctx.fail(`${what} has an undefined child address.`);
    if (level > 0) walkBTree1(ctx, child, type, keySize, where, depth + 1, visit);
    else visit(key, child);
  }
}

/** How many bytes an unsigned count up to `max` takes (libhdf5's "limit encode size"). */
function countSize(max: number): number {
  return Math.floor(Math.log2(Math.max(max, 1)) / 8) + 1;
}

/**
 * Calls `visit(recordOffset, recordSize)` for every record of the B-tree v2
 * at `address`; `expectedType` is the record type the caller can read.
 */
export function walkBTree2(ctx: Hdf5Context, address: number, expectedType: number, where: string, visit: (record: number, size: number) => void): void {
  const view = ctx.view;
  const what = `the B-tree (v2) of ${where}`;
  ctx.visit(what);
  view.expectSignature(address, 'BTHD', what);
  const type = view.u8(address + 5, what);
  if (type !== expectedType) ctx.fail(`${what} has record type ${type}; expected ${expectedType}.`);
  const nodeSize = view.u32(address + 6, what);
  const recordSize = view.u16(address + 10, what);
  const depth = view.u16(address + 12, what);
  const rootAddress = ctx.address(address + 16, what);
  const rootRecords = view.u16(address + 16 + ctx.sizeOfOffsets, what);
  ctx.verifyChecksum(address, address + 18 + ctx.sizeOfOffsets + ctx.sizeOfLengths, what);
  if (rootAddress === -1) return;
  if (recordSize === 0 || nodeSize < 10 + recordSize || depth > 32) ctx.fail(`${what} has an invalid node size ${nodeSize}, record size ${recordSize} or depth ${depth}.`);
  // Field sizes of the internal nodes' child pointers follow from how many
  // records a node can hold at each depth (as libhdf5 computes them).
  const leafMax = Math.floor((nodeSize - 10) / recordSize);
  const maxRecordsSize = countSize(leafMax);
  const cumulative = [leafMax];
  const cumulativeSize = [0];
  for (let level = 1; level <= depth; level++) {
    const pointerSize = ctx.sizeOfOffsets + maxRecordsSize + (level > 1 ? cumulativeSize[level - 1]! : 0);
    const max = Math.floor((nodeSize - (10 + pointerSize)) / (recordSize + pointerSize));
    cumulative.push((max + 1) * cumulative[level - 1]! + max);
    cumulativeSize.push(countSize(cumulative[level]!));
  }
  const walk = (node: number, records: number, level: number): void => {
    ctx.visit(what);
    const signature = level === 0 ? 'BTLF' : 'BTIN';
    view.expectSignature(node, signature, `a node of ${what}`);
    let p = node + 6;
    view.check(p, records * recordSize, what);
    for (let i = 0; i < records; i++) visit(p + i * recordSize, recordSize);
    if (level === 0) return;
    p += records * recordSize;
    for (let i = 0; i <= records; i++) {
      const child = ctx.address(p, what);
      p += ctx.sizeOfOffsets;
      const childRecords = view.uint(p, maxRecordsSize, what);
      p += maxRecordsSize + (level > 1 ? cumulativeSize[level - 1]! : 0);
      if (child === -1 || childRecords > cumulative[level - 1]!) ctx.fail(`${what} has an invalid child pointer.`);
      walk(child, childRecords, level - 1);
    }
  };
  walk(rootAddress, rootRecords, depth);
}
