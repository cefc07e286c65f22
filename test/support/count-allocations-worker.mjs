// A fused-executor worker that counts the typed arrays it makes (see
// allocations.ts): it wraps every typed-array constructor, and subarray and
// slice, adding to the shared counter while the test has counting on, then
// loads the entry the library asked for, which runs as it always does.
import { workerData } from 'node:worker_threads';

const counter = workerData.allocationCounter;
const count = () => {
  if (Atomics.load(counter, 0) === 1) Atomics.add(counter, 1, 1);
};
const classes = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];
for (const C of classes) {
  globalThis[C.name] = new Proxy(C, {
    construct(target, args, newTarget) {
      count();
      return Reflect.construct(target, args, newTarget);
    },
  });
}
const shared = Object.getPrototypeOf(Int8Array.prototype);
for (const method of ['subarray', 'slice']) {
  const original = shared[method];
  shared[method] = function (...args) {
    count();
    return original.apply(this, args);
  };
}

await import(workerData.countedEntry);
