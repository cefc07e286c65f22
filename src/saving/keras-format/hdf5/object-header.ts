/**
 * Object headers: the list of messages that describes a group or a dataset
 * (its links, attributes, datatype, dataspace, layout, filters). Version 1
 * headers (superblock 0/1 files) and version 2 ("OHDR", with checksums) are
 * read, following continuation blocks; each block is visited once, so a
 * continuation pointing back cannot loop.
 */
import type { Hdf5Context } from './context.js';

/** Message types this reader uses, by the numbers of the HDF5 format. */
export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillValue: 0x05,
  link: 0x06,
  externalFiles: 0x07,
  layout: 0x08,
  filterPipeline: 0x0b,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
  attributeInfo: 0x15,
} as const;

export interface Message {
  type: number;
  flags: number;
  /** Where its data starts in the file, and how many bytes it has. */
  offset: number;
  size: number;
}

/** The messages of the object header at `address`, continuation blocks included. */
export function readObjectHeader(ctx: Hdf5Context, address: number, where: string): Message[] {
  ctx.visit(where);
  const view = ctx.view;
  const what = `the object header of ${where}`;
  const messages: Message[] = [];
  const blocks: Array<[number, number]> = [];
  const seen = new Set<number>();
  if (view.hasSignature(address, 'OHDR')) {
    const version = view.u8(address + 4, what);
    if (version !== 2) ctx.fail(`${what} has version ${version}; expected 2.`);
    const flags = view.u8(address + 5, what);
    let p = address + 6 + ((flags & 0x20) !== 0 ? 16 : 0) + ((flags & 0x10) !== 0 ? 4 : 0);
    const sizeBytes = 1 << (flags & 0x03);
    const chunkSize = view.uint(p, sizeBytes, what);
    p += sizeBytes;
    view.check(p, chunkSize + 4, what);
    ctx.verifyChecksum(address, p + chunkSize, what);
    const headerSize = (flags & 0x04) !== 0 ? 6 : 4;
    blocks.push([p, p + chunkSize]);
    for (let i = 0; i < blocks.length; i++) {
      const [start, end] = blocks[i]!;
      for (let q = start; q + headerSize <= end; ) {
        const type = view.u8(q, what);
        const size = view.u16(q + 1, what);
        const messageFlags = view.u8(q + 3, what);
        const data = q + headerSize;
        if (data + size > end) ctx.fail(`${what} has a message running past the end of its block.`);
        if (type === MSG.continuation) {
          const [at, length] = continuation(ctx, data, what);
          if (seen.has(at)) ctx.fail(`${what} continues into a block it has already read (a cycle).`);
          seen.add(at);
          ctx.visit(where);
          view.expectSignature(at, 'OCHK', `a continuation block of ${what}`);
          view.check(at, length, what);
          if (length < 8) ctx.fail(`${what} has a continuation block of ${length} bytes.`);
          ctx.verifyChecksum(at, at + length - 4, `a continuation block of ${what}`);
          blocks.push([at + 4, at + length - 4]);
        } else messages.push({ type, flags: messageFlags, offset: data, size });
        q = data + size;
      }
    }
    return messages;
  }
  const version = view.u8(address, what);
  if (version !== 1) ctx.fail(`${what} at byte ${address} has version ${version}; expected 1, or an 'OHDR' signature.`);
  const count = view.u16(address + 2, what);
  const headerSize = view.u32(address + 8, what);
  view.check(address + 16, headerSize, what);
  blocks.push([address + 16, address + 16 + headerSize]);
  for (let i = 0; i < blocks.length && messages.length < count; i++) {
    const [start, end] = blocks[i]!;
    for (let q = start; q + 8 <= end && messages.length < count; ) {
      const type = view.u16(q, what);
      const size = view.u16(q + 2, what);
      const messageFlags = view.u8(q + 4, what);
      const data = q + 8;
      if (data + size > end) ctx.fail(`${what} has a message running past the end of its block.`);
      if (type === MSG.continuation) {
        const [at, length] = continuation(ctx, data, what);
        if (seen.has(at)) ctx.fail(`${what} continues into a block it has already read (a cycle).`);
        seen.add(at);
        ctx.visit(where);
        view.check(at, length, `a continuation block of ${what}`);
        blocks.push([at, at + length]);
      }
      messages.push({ type, flags: messageFlags, offset: data, size });
      q = data + size;
    }
  }
  return messages.filter((message) => message.type !== MSG.continuation);
}

function continuation(ctx: Hdf5Context, offset: number, what: string): [number, number] {
  const at = ctx.address(offset, what);
  const length = ctx.length(offset + ctx.sizeOfOffsets, what);
  if (at < 0) ctx.fail(`${what} has a continuation with an undefined address.`);
  return [at, length];
}

/** Throws for a message stored elsewhere (a shared, committed datatype): not supported. */
export function refuseShared(ctx: Hdf5Context, message: Message, where: string): void {
  if ((message.flags & 0x02) !== 0) ctx.fail(`${where} uses a shared (committed) message of type ${message.type}, which is not supported.`);
}
