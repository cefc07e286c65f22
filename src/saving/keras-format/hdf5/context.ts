/**
 * What every part of the HDF5 reader shares: the file's bytes, the sizes of
 * its offsets and lengths (from the superblock), the limits a hostile file
 * must stay under, and the work budget that keeps a cyclic or deeply nested
 * object graph from running forever.
 */
import { ByteView, formatError } from '../bytes.js';
import { lookup3 } from './checksum.js';

/** The caps on what a file may make the reader do. */
export interface Hdf5Limits {
  /** Most elements in one dataset or attribute (default 2^28). */
  maxElements: number;
  /** Most bytes all decompressed chunks of a file may add up to (default 2 GiB, and at most 1000 × the file). */
  maxInflatedBytes: number;
  /** Deepest group nesting (default 64). */
  maxDepth: number;
  /** Most structures (object headers, B-tree nodes, heap blocks) one file may make the reader visit (default 1,000,000). */
  maxVisits: number;
}

export const DEFAULT_HDF5_LIMITS: Hdf5Limits = { maxElements: 2 ** 28, maxInflatedBytes: 2 ** 31, maxDepth: 64, maxVisits: 1_000_000 };

export class Hdf5Context {
  private visits = 0;
  inflated = 0;

  constructor(
    readonly view: ByteView,
    readonly sizeOfOffsets: number,
    readonly sizeOfLengths: number,
    /** Where addresses count from (the superblock's base address). */
    readonly base: number,
    readonly limits: Hdf5Limits,
  ) {}

  get fileName(): string {
    return this.view.fileName;
  }

  fail(message: string): never {
    return formatError(this.view.fileName, message);
  }

  /** Counts one structure visited; throws past the file's budget. */
  visit(what: string): void {
    if (++this.visits > this.limits.maxVisits) {
      this.fail(`reading ${what} needed more than ${this.limits.maxVisits} structure visits; the file's object graph is cyclic or too large.`);
    }
  }

  /**
   * Counts `bytes` of data the reader makes beyond what the file stores
   * (inflated chunks, zero-filled unwritten chunks, strings repeated from one
   * heap object); throws past `maxInflatedBytes`, or past what deflate could
   * honestly produce from a file this size (its best ratio is about 1030:1).
   */
  chargeInflated(bytes: number, where: string): void {
    this.inflated += bytes;
    const cap = Math.min(this.limits.maxInflatedBytes, 1100 * this.view.length + 2 ** 20);
    if (this.inflated > cap) this.fail(`reading ${where} would take its decompressed data past ${cap} bytes, more than this file can honestly hold (a decompression bomb?).`);
  }

  /** An address field (absolute file offset), or -1 for HDF5's undefined address. */
  address(offset: number, what: string): number {
    const value = this.view.uint(offset, this.sizeOfOffsets, what);
    return value === -1 ? -1 : value + this.base;
  }

  length(offset: number, what: string): number {
    return this.view.uint(offset, this.sizeOfLengths, what);
  }

  /** Throws unless the lookup3 checksum of [start, checksumAt) equals the 4 bytes at `checksumAt`. */
  verifyChecksum(start: number, checksumAt: number, what: string): void {
    const stored = this.view.u32(checksumAt, what);
    const computed = lookup3(this.view.slice(start, checksumAt - start, what));
    if (stored !== computed) this.fail(`${what} at byte ${start} fails its checksum; the file is corrupt.`);
  }
}
