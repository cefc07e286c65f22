/**
 * A reader for the IDX file format, the simple binary format MNIST and
 * Fashion-MNIST are distributed in.
 *
 * An IDX file is a header followed by the values, row-major:
 *
 *   bytes 0-1   always 0
 *   byte  2     the value type (0x08 = unsigned byte, the only one used here)
 *   byte  3     the number of dimensions, n
 *   then n      dimension sizes, each a 4-byte big-endian unsigned integer
 *   then        product(sizes) values
 *
 * So `train-images-idx3-ubyte` is 0x00000803, then 60000, 28, 28, then
 * 60000 × 28 × 28 pixel bytes. This module is pure (no Node imports), so a
 * browser can use it on bytes it fetched itself.
 *
 * The format has no checksum, so the parser checks everything the header
 * promises: a damaged header byte, a truncated file or extra bytes at the end
 * are always caught. A damaged value byte cannot be: that is what the gzip
 * CRC-32 (and the download's sha256) are for.
 */
import { FileFormatError } from '../errors.js';

/** The value type code for unsigned bytes, the type Fashion-MNIST uses. */
const UNSIGNED_BYTE = 0x08;

/** The other IDX value types, named only so errors can say what was found. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** The contents of an IDX file: its dimension sizes and its values, row-major. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/**
 * Parses the bytes of an uncompressed IDX file of unsigned bytes.
 *
 * `fileName` names the file in errors (and is their `path`), so a reader can
 * tell which file is broken. The returned `data` is a view into `bytes`, not
 * a copy.
 *
 * A dimension of 0 is rejected although the format allows it: no dataset
 * ships an empty file, and accepting one would let a damaged rank byte pass.
 * A file of shape (8) holding eight zero bytes whose rank byte changed from 1
 * to 3 would read as shape (8, 0, 0): a 16-byte header and no values, which
 * is exactly its length.
 *
 * @throws FileFormatError when the magic number is wrong, the value type is
 *   not unsigned byte, a dimension is 0, or the file is longer or shorter
 *   than its header says.
 */
export function parseIdx(bytes: Uint8Array, fileName = 'IDX data'): IdxArray {
  if (bytes.length < 4) {
    throw new FileFormatError(
      fileName,
      `${fileName}: too short to be an IDX file; expected at least a 4-byte header. ` +
        `Received: ${bytes.length} bytes.`,
    );
  }
  const [zero0, zero1, typeCode, rank] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (zero0 !== 0 || zero1 !== 0) {
    throw new FileFormatError(
      fileName,
      `${fileName}: not an IDX file; expected the magic number to start with bytes 0x00 0x00. ` +
        `Received: ${hex(zero0)} ${hex(zero1)}.`,
    );
  }
  if (typeCode !== UNSIGNED_BYTE) {
    const name = TYPE_NAMES[typeCode] ?? 'an unknown type';
    throw new FileFormatError(
      fileName,
      `${fileName}: only IDX files of unsigned bytes (type 0x08) are supported. ` +
        `Received: type ${hex(typeCode)} (${name}).`,
    );
  }

  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new FileFormatError(
      fileName,
      `${fileName}: the header declares ${rank} dimensions, so it needs ${headerLength} bytes. ` +
        `Received: ${bytes.length} bytes.`,
    );
  }
  // DataView reads big-endian by default, which is what IDX uses.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const zeroAt = shape.indexOf(0);
  if (zeroAt !== -1) {
    throw new FileFormatError(
      fileName,
      `${fileName}: expected every dimension in the header to be at least 1; ` +
        `the header is damaged or the file holds no values. Received: dimension ${zeroAt} is 0, shape (${shape.join(', ')}).`,
    );
  }

  const valueCount = shape.reduce((product, size) => product * size, 1);
  const expectedLength = headerLength + valueCount;
  if (bytes.length !== expectedLength) {
    throw new FileFormatError(
      fileName,
      `${fileName}: expected ${expectedLength} bytes ` +
        `(${headerLength}-byte header + ${shape.join('×') || 'one value'}). ` +
        `Received: ${bytes.length} bytes${bytes.length < expectedLength ? ' (the file is truncated)' : ''}.`,
    );
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/**
 * The total length in bytes an IDX file declares (header + values), read
 * from its first bytes `head`, or null while `head` is too short to tell.
 * Lets a reader stop inflating or reading at exactly that length.
 */
export function idxLengthFromHeader(head: Uint8Array): number | null {
  if (head.length < 4) return null;
  const rank = head[3]!;
  const headerLength = 4 + 4 * rank;
  if (head.length < headerLength) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let length = 1;
  for (let i = 0; i < rank; i++) length *= view.getUint32(4 + 4 * i);
  return headerLength + length;
}

/** Formats a byte as 0x0D, the way IDX type codes are usually written. */
function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}
