/**
 * The extensible-array chunk index ("EAHD"), which libhdf5 writes for a
 * chunked dataset with exactly one unlimited dimension under libver='v110'
 * or later. Its elements (one per chunk: an address, plus the stored size
 * and filter mask when filters are on) sit first in the index block, then
 * in data blocks that double in size every other "super block" (element
 * counts: min, min, 2·min, 2·min, 4·min × 2, 4·min × 4, …), whose addresses
 * are in the index block for the first super blocks and in super-block
 * structures after that. This reader walks every allocated element.
 * Paged data blocks (more than 2^pageBits elements in one block) are refused.
 */
import type { Hdf5Context } from './context.js';

/** Calls `visit(index, elementOffset)` for every element of the extensible array at `address`. */
export function walkExtensibleArray(ctx: Hdf5Context, address: number, where: string, visit: (index: number, element: number, elementSize: number) => void): void {
  const view = ctx.view;
  const O = ctx.sizeOfOffsets;
  const L = ctx.sizeOfLengths;
  const what = `the extensible-array chunk index of ${where}`;
  ctx.visit(what);
  view.expectSignature(address, 'EAHD', what);
  const elementSize = view.u8(address + 6, what);
  const maxElementsBits = view.u8(address + 7, what);
  const indexBlockElements = view.u8(address + 8, what);
  const dataBlockMinElements = view.u8(address + 9, what);
  const superBlockMinPointers = view.u8(address + 10, what);
  const pageBits = view.u8(address + 11, what);
  const indexBlock = ctx.address(address + 12 + 6 * L, what);
  ctx.verifyChecksum(address, address + 12 + 6 * L + O, what);
  if (elementSize < O || maxElementsBits > 64 || !isPowerOfTwo(dataBlockMinElements) || !isPowerOfTwo(superBlockMinPointers)) {
    ctx.fail(`${what} has invalid parameters.`);
  }
  if (indexBlock === -1) return;
  const offsetSize = Math.ceil(maxElementsBits / 8);
  // Super block u holds 2^floor(u/2) data blocks of 2^floor((u+1)/2) · min elements each.
  const superBlocks = 1 + maxElementsBits - Math.log2(dataBlockMinElements);
  const info: Array<{ blocks: number; blockElements: number; start: number }> = [];
  let start = indexBlockElements;
  for (let u = 0; u < superBlocks; u++) {
    const blocks = 2 ** Math.floor(u / 2);
    const blockElements = 2 ** Math.floor((u + 1) / 2) * dataBlockMinElements;
    info.push({ blocks, blockElements, start });
    start += blocks * blockElements;
  }
  const inIndexBlock = 2 * Math.log2(superBlockMinPointers); // super blocks whose data blocks the index block points to directly
  const dataBlockAddresses = 2 * (superBlockMinPointers - 1);
  const superBlockAddresses = Math.max(0, superBlocks - inIndexBlock);

  const iwhat = `the index block of ${what}`;
  ctx.visit(iwhat);
  view.expectSignature(indexBlock, 'EAIB', iwhat);
  let p = indexBlock + 6 + O;
  const end = p + indexBlockElements * elementSize + (dataBlockAddresses + superBlockAddresses) * O;
  view.check(p, end - p + 4, iwhat);
  ctx.verifyChecksum(indexBlock, end, iwhat);
  for (let i = 0; i < indexBlockElements; i++) visit(i, p + i * elementSize, elementSize);
  p += indexBlockElements * elementSize;

  const readDataBlock = (blockAddress: number, first: number, count: number): void => {
    const dwhat = `a data block of ${what}`;
    ctx.visit(dwhat);
    if (count > 2 ** pageBits) ctx.fail(`${dwhat} is paged (${count} elements), which is not supported.`);
    view.expectSignature(blockAddress, 'EADB', dwhat);
    const elements = blockAddress + 6 + O + offsetSize;
    view.check(elements, count * elementSize + 4, dwhat);
    ctx.verifyChecksum(blockAddress, elements + count * elementSize, dwhat);
    for (let i = 0; i < count; i++) visit(first + i, elements + i * elementSize, elementSize);
  };

  let block = 0;
  for (let u = 0; u < Math.min(inIndexBlock, superBlocks); u++) {
    for (let b = 0; b < info[u]!.blocks; b++, block++) {
      const blockAddress = ctx.address(p + block * O, iwhat);
      if (blockAddress !== -1) readDataBlock(blockAddress, info[u]!.start + b * info[u]!.blockElements, info[u]!.blockElements);
    }
  }
  p += dataBlockAddresses * O;
  for (let s = 0; s < superBlockAddresses; s++) {
    const superAddress = ctx.address(p + s * O, iwhat);
    if (superAddress === -1) continue;
    const u = inIndexBlock + s;
    const swhat = `a super block of ${what}`;
    ctx.visit(swhat);
    view.expectSignature(superAddress, 'EASB', swhat);
    const { blocks, blockElements, start: first } = info[u]!;
    if (blockElements > 2 ** pageBits) ctx.fail(`${swhat} has paged data blocks (${blockElements} elements each), which is not supported.`);
    const addresses = superAddress + 6 + O + offsetSize;
    view.check(addresses, blocks * O + 4, swhat);
    ctx.verifyChecksum(superAddress, addresses + blocks * O, swhat);
    for (let b = 0; b < blocks; b++) {
      const blockAddress = ctx.address(addresses + b * O, swhat);
      if (blockAddress !== -1) readDataBlock(blockAddress, first + b * blockElements, blockElements);
    }
  }
}

function isPowerOfTwo(value: number): boolean {
  return value > 0 && Number.isInteger(Math.log2(value));
}
