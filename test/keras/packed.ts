/**
 * Arrays for the Python scripts, exact and compact: a float32 array as
 * base64 of its little-endian bytes, with its shape (python/common.py's
 * f32 and packed read and write the same form).
 */
/** A packed array: exact, and a third of JSON's size. */
export interface Packed {
  f32: string;
  shape: number[];
}

export function pack(data: Float32Array | readonly number[], shape: readonly number[] = [data.length]): Packed {
  const array = data instanceof Float32Array ? data : Float32Array.from(data);
  return { f32: Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64'), shape: [...shape] };
}

export function unpack(packed: Packed): Float32Array {
  const bytes = Buffer.from(packed.f32, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

