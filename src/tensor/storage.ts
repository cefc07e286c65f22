/**
 * Where long-lived float32 buffers (weights, optimizer state, the fused
 * executor's buffers) live.
 *
 * While the kernels in use have a memory of their own (the SIMD tier's
 * WebAssembly memory: `kernels.memory`, kernels/index.ts), there, so its
 * kernels run on them with no copy; a block goes
 * back to the tier when its array is garbage-collected. Otherwise on a
 * SharedArrayBuffer when the platform has one (Node; browsers only on
 * cross-origin-isolated pages), so that worker threads can read and update
 * the same weights without copying them every step. Elsewhere, on an ordinary
 * ArrayBuffer: everything works the same, single-threaded.
 */
import { kernels, type KernelMemory } from './kernels/index.js';
import type { Tensor } from './tensor.js';

/** True when buffers can be shared with worker threads. */
export const canShareMemory: boolean = typeof SharedArrayBuffer === 'function';

/** Gives a tier's block back once nothing references its array any more. */
const releasers = new WeakMap<KernelMemory, FinalizationRegistry<number>>();

function inTier<T extends Float32Array | Float64Array>(tier: KernelMemory, array: T): T {
  let registry = releasers.get(tier);
  if (!registry) {
    // A finalizer must not throw (it would end the process): a block the tier no longer
    // counts as live (after a reset) is simply not released twice.
    registry = new FinalizationRegistry((byteOffset) => {
      if (tier.isLive(byteOffset)) tier.releaseAt(byteOffset);
    });
    releasers.set(tier, registry);
  }
  registry.register(array, array.byteOffset);
  return array;
}

/** A zero-filled Float32Array of `length`: in the SIMD tier's memory while it is selected, else shared when possible. */
export function allocateFloat32(length: number): Float32Array {
  const tier = kernels.memory;
  if (tier) return inTier(tier, tier.allocate(length));
  return canShareMemory ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

/** A zero-filled Float64Array of `length`, where `allocateFloat32` puts its arrays. */
export function allocateFloat64(length: number): Float64Array {
  const tier = kernels.memory;
  if (tier) return inTier(tier, tier.allocateFloat64(length));
  return canShareMemory ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
}

/** A copy of `values` in storage from `allocateFloat32`. */
export function sharedCopy(values: Float32Array): Float32Array {
  const out = allocateFloat32(values.length);
  out.set(values);
  return out;
}

/**
 * False when the SIMD tier is selected and `values` lies outside its memory
 * (a weight made under the JS tier, say); the JS kernels read any array.
 */
export function inCurrentStorage(values: Float32Array): boolean {
  const tier = kernels.memory;
  return tier === null || tier.holds(values);
}

/**
 * Moves `tensor`'s values into current storage when they are elsewhere: the
 * tensor then reads and writes the copy. For weights only, before an
 * executor runs (src/fused/weights.ts); views of the old array stop seeing
 * the tensor's updates.
 */
export function moveToCurrentStorage(tensor: Tensor): void {
  if (inCurrentStorage(tensor.data)) return;
  const copy = sharedCopy(tensor.data);
  Object.assign(tensor as { data: Float32Array; values: Float32Array }, { data: copy, values: copy });
}
