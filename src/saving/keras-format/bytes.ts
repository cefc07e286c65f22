/**
 * Bounds-checked little-endian reading for the file formats of this folder
 * (HDF5, zip). Every read checks that the bytes exist before touching them,
 * so a truncated or hostile file ends in a FileFormatError naming the file
 * and the structure being read, never in a RangeError or a read of garbage.
 */
import { describeValue, FileFormatError, ValueError } from '../../errors.js';

/** Throws the FileFormatError every parser of this folder reports: `file: what is wrong.` */
export function formatError(fileName: string, message: string): never {
  throw new FileFormatError(fileName, `${fileName}: ${message}`);
}

/** Throws a ValueError unless `bytes` is a Uint8Array and `fileName` a string: what the readers of this folder take. */
export function checkFileArguments(bytes: unknown, fileName: unknown, caller: string): void {
  if (typeof fileName !== 'string') throw new ValueError(`${caller} takes the file's name (for messages) as a string. Received: fileName=${describeValue(fileName)}`);
  if (!(bytes instanceof Uint8Array)) throw new ValueError(`${caller} takes the file's bytes as a Uint8Array (in Node, a Buffer is one). Received: bytes=${describeValue(bytes)}`);
}

/** A view of a file's bytes with checked reads; `fileName` goes into every error. */
export class ByteView {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly fileName: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless bytes [offset, offset + size) lie inside the file; `what` names the structure. */
  check(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > this.bytes.length) {
      formatError(this.fileName, `${what} at byte ${offset} (${size} bytes) lies outside the file (${this.bytes.length} bytes); the file is truncated or corrupt.`);
    }
  }

  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.bytes[offset]!;
  }

  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  /**
   * An unsigned integer of `size` bytes (1-8). Values past 2^53 cannot be
   * offsets into a file held in memory, so they are returned as Infinity,
   * which every later bounds check refuses; all-ones (HDF5's "undefined
   * address") is returned as -1.
   */
  uint(offset: number, size: number, what: string): number {
    this.check(offset, size, what);
    let value = 0;
    let allOnes = true;
    for (let i = size - 1; i >= 0; i--) {
      const byte = this.bytes[offset + i]!;
      if (byte !== 0xff) allOnes = false;
      value = value * 256 + byte;
    }
    if (allOnes && size >= 2) return -1;
    return Number.isSafeInteger(value) ? value : Infinity;
  }

  /** `size` bytes as a view (no copy). */
  slice(offset: number, size: number, what: string): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }

  /** Whether the 4 ASCII characters `signature` are at `offset` (false past the end). */
  hasSignature(offset: number, signature: string): boolean {
    if (offset < 0 || offset + signature.length > this.bytes.length) return false;
    for (let i = 0; i < signature.length; i++) if (this.bytes[offset + i] !== signature.charCodeAt(i)) return false;
    return true;
  }

  /** Throws unless `signature` is at `offset`. */
  expectSignature(offset: number, signature: string, what: string): void {
    this.check(offset, signature.length, what);
    if (!this.hasSignature(offset, signature)) {
      const found = String.fromCharCode(...this.bytes.subarray(offset, offset + signature.length)).replace(/[^\x20-\x7e]/g, '?');
      formatError(this.fileName, `${what} at byte ${offset} should start with '${signature}'. Received: '${found}'.`);
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Bytes as UTF-8 text, up to the first NUL (HDF5 and Keras strings may be NUL-padded). */
export function decodeText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return utf8.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** Little-endian writing into a growing buffer, for the writers of this folder. */
export class ByteWriter {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + size) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  u16(value: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, true);
    this.length += 4;
    return this;
  }

  /** An unsigned integer below 2^53 in 8 bytes; -1 writes all ones (HDF5's undefined address). */
  u64(value: number): this {
    if (value === -1) return this.u32(0xffffffff).u32(0xffffffff);
    return this.u32(value % 0x100000000).u32(Math.floor(value / 0x100000000));
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** Zero bytes up to a multiple of `alignment`. */
  pad(alignment: number): this {
    while (this.length % alignment !== 0) this.u8(0);
    return this;
  }

  /** Overwrites 4 bytes at `offset` (a size or checksum known only after writing what follows). */
  setU32(offset: number, value: number): void {
    this.view.setUint32(offset, value >>> 0, true);
  }

  setU64(offset: number, value: number): void {
    this.view.setUint32(offset, value % 0x100000000, true);
    this.view.setUint32(offset + 4, Math.floor(value / 0x100000000), true);
  }

  /** The bytes written so far, as a view of the internal buffer. */
  written(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
