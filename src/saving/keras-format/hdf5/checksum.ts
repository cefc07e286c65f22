/**
 * HDF5's metadata checksum: Bob Jenkins's lookup3 `hashlittle` with an
 * initial value of 0, over the bytes of a structure up to its checksum field.
 * Version-2 structures (superblock v2/3, object headers v2, B-trees v2,
 * fractal heaps, chunk indexes) end with it; the reader checks it, so a
 * flipped byte there is reported instead of parsed, and the writer sets it.
 */
const rotate = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** lookup3 over `bytes` (HDF5's H5_checksum_lookup3 with initval 0). */
export function lookup3(bytes: Uint8Array): number {
  let length = bytes.length;
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let k = 0;
  const word = (i: number): number => bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
  while (length > 12) {
    a = (a + word(k)) | 0;
    b = (b + word(k + 4)) | 0;
    c = (c + word(k + 8)) | 0;
    a = (a - c) | 0; a ^= rotate(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rotate(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rotate(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rotate(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rotate(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rotate(b, 4); b = (b + a) | 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c >>> 0;
  // The last 1-12 bytes, each added at its place in a, b or c (zero-padded).
  const tail = [0, 0, 0];
  for (let i = 0; i < length; i++) tail[i >> 2]! += bytes[k + i]! * 2 ** (8 * (i & 3));
  a = (a + (tail[0]! | 0)) | 0;
  b = (b + (tail[1]! | 0)) | 0;
  c = (c + (tail[2]! | 0)) | 0;
  c ^= b; c = (c - rotate(b, 14)) | 0;
  a ^= c; a = (a - rotate(c, 11)) | 0;
  b ^= a; b = (b - rotate(a, 25)) | 0;
  c ^= b; c = (c - rotate(b, 16)) | 0;
  a ^= c; a = (a - rotate(c, 4)) | 0;
  b ^= a; b = (b - rotate(a, 14)) | 0;
  c ^= b; c = (c - rotate(b, 24)) | 0;
  return c >>> 0;
}
