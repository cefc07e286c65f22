/**
 * The members of a group, as two kinds of records hold them: entries of an
 * old-style group's symbol table nodes ("SNOD", names in the local heap), and
 * link messages (in a new-style group's header, or in its fractal heap).
 */
import { ByteView, decodeText } from '../bytes.js';
import type { Hdf5Context } from './context.js';
import { localHeapString } from './heaps.js';

/** A member of a group: a hard link to an object, or a soft link (a path; not followed). */
export type Link = ({ kind: 'hard'; address: number } | { kind: 'soft' | 'external'; target: string }) & { name: string; creationOrder: number };

/** Appends the entries of the symbol table node at `address` to `links`. */
export function readSymbolNode(ctx: Hdf5Context, address: number, heap: Uint8Array, where: string, links: Link[]): void {
  const view = ctx.view;
  const what = `a symbol table node of ${where}`;
  ctx.visit(what);
  view.expectSignature(address, 'SNOD', what);
  const count = view.u16(address + 6, what);
  const entrySize = 2 * ctx.sizeOfOffsets + 24;
  view.check(address + 8, count * entrySize, what);
  for (let i = 0; i < count; i++) {
    const entry = address + 8 + i * entrySize;
    const name = localHeapString(ctx, heap, ctx.view.uint(entry, ctx.sizeOfOffsets, what), where);
    const objectAddress = ctx.address(entry + ctx.sizeOfOffsets, what);
    const cacheType = view.u32(entry + 2 * ctx.sizeOfOffsets, what);
    if (cacheType === 2) {
      links.push({ name, kind: 'soft', target: localHeapString(ctx, heap, view.u32(entry + 2 * ctx.sizeOfOffsets + 8, what), where), creationOrder: 0 });
    } else links.push({ name, kind: 'hard', address: objectAddress, creationOrder: 0 });
  }
}

/** A link message (version 1): flags, optional type/creation order/charset, the name, then the target. */
export function parseLink(ctx: Hdf5Context, bytes: Uint8Array, where: string): Link {
  const view = new ByteView(bytes, ctx.fileName);
  const what = `a link of ${where}`;
  const version = view.u8(0, what);
  if (version !== 1) ctx.fail(`${what} has version ${version}; expected 1.`);
  const flags = view.u8(1, what);
  let p = 2;
  let linkType = 0;
  let creationOrder = 0;
  if ((flags & 0x08) !== 0) linkType = view.u8(p++, what);
  if ((flags & 0x04) !== 0) {
    creationOrder = view.uint(p, 8, what);
    p += 8;
  }
  if ((flags & 0x10) !== 0) p += 1;
  const lengthSize = 1 << (flags & 0x03);
  const nameLength = view.uint(p, lengthSize, what);
  p += lengthSize;
  const name = decodeText(view.slice(p, nameLength, what));
  p += nameLength;
  if (linkType === 0) {
    const address = new ByteView(bytes, ctx.fileName).uint(p, ctx.sizeOfOffsets, what);
    if (address === -1) ctx.fail(`${what} '${name}' points to an undefined address.`);
    return { name, kind: 'hard', address: address + ctx.base, creationOrder };
  }
  const targetLength = view.u16(p, what);
  const target = decodeText(view.slice(p + 2, targetLength, what));
  return { name, kind: linkType === 1 ? 'soft' : 'external', target, creationOrder };
}

