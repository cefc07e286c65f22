/**
 * Zip archives, as a `.keras` file is one: reading (stored and deflated
 * entries, data descriptors, zip64) and writing (stored or deflated).
 * Entry names are only ever keys of a map; nothing here touches a file
 * system, so a name like '../../etc/passwd' is just a string that the
 * caller will not find among the names it looks for.
 *
 * Hostile archives: every offset and size is checked against the archive's
 * length before use, an entry inflates to at most the size its central
 * directory declares (which must match, with its CRC-32), and the declared
 * sizes of all entries together are capped (`maxTotalBytes`), so a zip bomb
 * is refused before any inflating starts.
 */
import { describeValue, RuntimeError, ValueError } from '../../errors.js';
import { ByteView, ByteWriter, checkFileArguments, formatError } from './bytes.js';
import { crc32 } from './crc32.js';
import { inflate } from './inflate.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;

export interface ZipLimits {
  /** Most bytes all entries may inflate to together (default 4 GiB). */
  maxTotalBytes: number;
  /** Most entries (default 100,000). */
  maxEntries: number;
}

const DEFAULT_LIMITS: ZipLimits = { maxTotalBytes: 2 ** 32, maxEntries: 100_000 };

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/** A zip archive held in memory: its entry names, and each entry's bytes on request. */
export class ZipArchive {
  private readonly entries = new Map<string, Entry>();
  private readonly view: ByteView;

  constructor(bytes: Uint8Array, fileName: string, limits: Partial<ZipLimits> = {}) {
    checkFileArguments(bytes, fileName, 'ZipArchive');
    const { maxTotalBytes, maxEntries } = { ...DEFAULT_LIMITS, ...limits };
    const view = (this.view = new ByteView(bytes, fileName));
    const end = findEndOfDirectory(view);
    let count = view.u16(end + 10, 'the end of central directory');
    let directorySize = view.u32(end + 12, 'the end of central directory');
    let directoryOffset = view.u32(end + 16, 'the end of central directory');
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locator = end - 20;
      if (locator < 0 || view.u32(locator, 'the zip64 locator') !== ZIP64_LOCATOR) formatError(fileName, 'has a zip64 marker but no zip64 end-of-directory locator; it is truncated or corrupt.');
      const record = view.uint(locator + 8, 8, 'the zip64 locator');
      if (view.u32(record, 'the zip64 end of central directory') !== ZIP64_END) formatError(fileName, 'has no zip64 end of central directory where its locator points.');
      count = view.uint(record + 32, 8, 'the zip64 end of central directory');
      directorySize = view.uint(record + 40, 8, 'the zip64 end of central directory');
      directoryOffset = view.uint(record + 48, 8, 'the zip64 end of central directory');
    }
    if (count > maxEntries) formatError(fileName, `has ${count} entries, more than the ${maxEntries} allowed.`);
    view.check(directoryOffset, directorySize, 'the central directory');
    let total = 0;
    let p = directoryOffset;
    const decoder = new TextDecoder('utf-8');
    for (let i = 0; i < count; i++) {
      const what = `central directory entry ${i}`;
      if (view.u32(p, what) !== CENTRAL_HEADER) formatError(fileName, `${what} at byte ${p} has no central-header signature; the archive is corrupt.`);
      const flags = view.u16(p + 8, what);
      const method = view.u16(p + 10, what);
      const crc = view.u32(p + 16, what);
      let compressedSize = view.u32(p + 20, what);
      let size = view.u32(p + 24, what);
      const nameLength = view.u16(p + 28, what);
      const extraLength = view.u16(p + 30, what);
      const commentLength = view.u16(p + 32, what);
      let localHeader = view.u32(p + 42, what);
      const name = decoder.decode(view.slice(p + 46, nameLength, what));
      // Zip64: the 0xffffffff fields are in the 0x0001 extra field, in this order.
      const extra = p + 46 + nameLength;
      for (let q = extra; q + 4 <= extra + extraLength; ) {
        const id = view.u16(q, what);
        const length = view.u16(q + 2, what);
        if (id === 0x0001) {
          let r = q + 4;
          if (size === 0xffffffff) (size = view.uint(r, 8, what)), (r += 8);
          if (compressedSize === 0xffffffff) (compressedSize = view.uint(r, 8, what)), (r += 8);
          if (localHeader === 0xffffffff) localHeader = view.uint(r, 8, what);
        }
        q += 4 + length;
      }
      p = extra + extraLength + commentLength;
      const entryWhat = `the entry '${name}'`;
      if ((flags & 0x01) !== 0) formatError(fileName, `${entryWhat} is encrypted, which is not supported.`);
      if (method !== 0 && method !== 8) formatError(fileName, `${entryWhat} uses compression method ${method}; supported: 0 (stored) and 8 (deflate).`);
      if (method === 0 && compressedSize !== size) formatError(fileName, `${entryWhat} is stored but declares ${compressedSize} bytes stored for ${size} bytes.`);
      if (this.entries.has(name)) formatError(fileName, `has two entries named '${name}'.`);
      total += size;
      if (total > maxTotalBytes) formatError(fileName, `declares more than ${maxTotalBytes} bytes of entries in total (a zip bomb?).`);
      view.check(localHeader, compressedSize, entryWhat);
      this.entries.set(name, { name, method, crc, compressedSize, size, localHeader });
    }
  }

  get fileName(): string {
    return this.view.fileName;
  }

  /** The entry names, in central-directory order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The bytes of entry `name`, inflated and checked against its size and CRC-32. */
  async read(name: string): Promise<Uint8Array> {
    const view = this.view;
    const entry = this.entries.get(name);
    if (entry === undefined) return formatError(view.fileName, `has no entry '${name}'. Entries: ${this.names().slice(0, 20).join(', ') || 'none'}.`);
    const what = `the entry '${name}'`;
    const local = entry.localHeader;
    if (view.u32(local, what) !== LOCAL_HEADER) formatError(view.fileName, `${what} has no local header at byte ${local}; the archive is corrupt.`);
    const dataStart = local + 30 + view.u16(local + 26, what) + view.u16(local + 28, what);
    const stored = view.slice(dataStart, entry.compressedSize, what);
    const data = entry.method === 0 ? stored : await inflate(stored, 'deflate-raw', entry.size, view.fileName, what);
    if (data.length !== entry.size) formatError(view.fileName, `${what} inflates to ${data.length} bytes; its directory says ${entry.size}.`);
    if (crc32(data) !== entry.crc) formatError(view.fileName, `${what} fails its CRC-32 check; the archive is corrupt.`);
    return data;
  }
}

/** The offset of the end-of-central-directory record: the last one, within the 64 KiB comment window. */
function findEndOfDirectory(view: ByteView): number {
  const bytes = view.bytes;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (bytes[p] === 0x50 && bytes[p + 1] === 0x4b && bytes[p + 2] === 0x05 && bytes[p + 3] === 0x06) {
      if (p + 22 + view.u16(p + 20, 'the end of central directory') === bytes.length) return p;
    }
  }
  return formatError(view.fileName, 'is not a zip archive (no end-of-central-directory record); it is truncated or another format.');
}

export interface ZipEntryInput {
  name: string;
  data: Uint8Array;
}

export interface WriteZipOptions {
  /** 'store' (as Keras writes .keras files; the default) or 'deflate'. */
  method?: 'store' | 'deflate';
  /** The modification time written for every entry (default: now). */
  date?: Date;
}

/** A zip archive of `entries`, in order. Archives needing zip64 (past 4 GiB or 65535 entries) are refused. */
export async function writeZip(entries: readonly ZipEntryInput[], options: WriteZipOptions = {}): Promise<Uint8Array> {
  if (!Array.isArray(entries)) throw new ValueError(`writeZip takes a list of { name, data } entries. Received: entries=${describeValue(entries)}`);
  if (typeof options !== 'object' || options === null) throw new ValueError(`writeZip's options are an object { method?, date? }. Received: options=${describeValue(options)}`);
  if (options.date !== undefined && !(options.date instanceof Date && Number.isFinite(options.date.getTime()))) {
    throw new ValueError(`writeZip's date must be a valid Date. Received: date=${describeValue(options.date)}`);
  }
  if (entries.length > 0xffff) throw new ValueError(`A zip archive written here holds at most 65535 entries (more need zip64). Received: ${entries.length} entries.`);
  const method = options.method ?? 'store';
  if (method !== 'store' && method !== 'deflate') throw new ValueError(`writeZip's method is 'store' or 'deflate'. Received: method=${describeValue(method)}`);
  for (const entry of entries) {
    if (typeof entry?.name !== 'string' || !(entry.data instanceof Uint8Array)) {
      throw new ValueError(`Each zip entry is { name: string, data: Uint8Array }. Received: ${describeValue(entry)}`);
    }
  }
  const { time, date } = dosDateTime(options.date ?? new Date());
  const encoder = new TextEncoder();
  const out = new ByteWriter();
  const central = new ByteWriter();
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name)) throw new ValueError(`A zip archive cannot hold two entries of one name. Received: name='${entry.name}' twice.`);
    names.add(entry.name);
    const name = encoder.encode(entry.name);
    const stored = method === 'deflate' ? await deflateRaw(entry.data) : entry.data;
    const crc = crc32(entry.data);
    const offset = out.length;
    if (offset + 30 + name.length + stored.length >= 0xffffffff || entry.data.length >= 0xffffffff) {
      throw new ValueError(`The zip entry '${entry.name}' would take the archive past 4 GiB, which needs zip64, not supported for writing.`);
    }
    // Bit 11: the name is UTF-8.
    const flags = /^[\x20-\x7e]*$/.test(entry.name) ? 0 : 0x0800;
    const methodCode = method === 'deflate' ? 8 : 0;
    out.u32(LOCAL_HEADER).u16(20).u16(flags).u16(methodCode).u16(time).u16(date).u32(crc).u32(stored.length).u32(entry.data.length).u16(name.length).u16(0).bytes(name).bytes(stored);
    central.u32(CENTRAL_HEADER).u16(20).u16(20).u16(flags).u16(methodCode).u16(time).u16(date).u32(crc).u32(stored.length).u32(entry.data.length);
    central.u16(name.length).u16(0).u16(0).u16(0).u16(0).u32(0o100644 * 0x10000).u32(offset).bytes(name);
  }
  const directoryOffset = out.length;
  out.bytes(central.written());
  out.u32(END_OF_DIRECTORY).u16(0).u16(0).u16(entries.length).u16(entries.length).u32(central.length).u32(directoryOffset).u16(0);
  return out.toBytes();
}

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  let compressor: CompressionStream;
  try {
    compressor = new CompressionStream('deflate-raw');
  } catch {
    throw new RuntimeError("Writing deflated zip entries needs CompressionStream('deflate-raw'), which this runtime lacks (Node 20.12+ and current browsers have it); write them stored instead (method: 'store').");
  }
  const stream = new Blob([data.slice()]).stream().pipeThrough(compressor);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A date as MS-DOS date and time fields (2-second resolution, years 1980-2107). */
function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.min(Math.max(when.getFullYear(), 1980), 2107);
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | (when.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}
