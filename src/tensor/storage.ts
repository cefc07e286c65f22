/**
 * Where long-lived float32 buffers (weights, optimizer state) live.
 *
 * On a SharedArrayBuffer when the platform has one (Node; browsers only on
 * cross-origin-isolated pages), so that worker threads can read and update
 * the same weights without copying them every step. Elsewhere, on an ordinary
 * ArrayBuffer: everything works the same, single-threaded.
 */

/** True when buffers can be shared with worker threads. */
export const canShareMemory: boolean = typeof SharedArrayBuffer === 'function';

/** A zero-filled Float32Array of `length`, shared when possible. */
export function allocateFloat32(length: number): Float32Array {
  return canShareMemory ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

/** A zero-filled Float64Array of `length`, shared when possible. */
export function allocateFloat64(length: number): Float64Array {
  return canShareMemory ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
}

/** A copy of `values` in storage from `allocateFloat32`. */
export function sharedCopy(values: Float32Array): Float32Array {
  const out = allocateFloat32(values.length);
  out.set(values);
  return out;
}
