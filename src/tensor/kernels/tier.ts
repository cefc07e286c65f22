/**
 * The tier switch: which kernel table (index.ts) runs the hot loops of this
 * thread, and the one module that loads the SIMD tier (simd/), with a
 * dynamic import, when it is first asked for. A program that never asks
 * for 'simd' never loads it.
 *
 * Loading is asynchronous, so selecting 'simd' is too: `selectKernels`
 * returns a promise of the tier in use once the switch is done, and
 * `kernelsSettled` lets fit, evaluateAsync and predictAsync wait for a
 * switch still under way, so that code that forgot to await
 * `setKernels('simd')` still trains on the tier it asked for. Selecting 'js'
 * takes effect at once.
 *
 * This is the calling thread's switch. A pool worker takes the tier each
 * job names through worker-tier.ts instead.
 */
import { jsKernels, kernels, useKernels, type KernelTier } from './index.js';

type SimdTable = typeof import('./simd/simd-table.js');

let simdTable: Promise<SimdTable> | null = null;

/** Loads the SIMD tier's code (once; later calls share the first load). */
function loadSimdTier(): Promise<SimdTable> {
  simdTable ??= import('./simd/simd-table.js');
  return simdTable;
}

/** Counts selections, so that a slow SIMD load never overrides a later choice. */
let selections = 0;
/** The latest selection: resolves to the tier in use once it is done. */
let pending: Promise<KernelTier> = Promise.resolve('js');

/**
 * Selects `tier` in this thread and resolves to the tier in use: 'js' where
 * WebAssembly SIMD is unavailable or its tier could not start (then
 * `unavailable` is called with why). 'js' takes effect before this returns;
 * the promise never rejects.
 */
export function selectKernels(tier: KernelTier, unavailable: (why: string) => void = () => {}): Promise<KernelTier> {
  const selection = ++selections;
  if (tier === 'js') {
    useKernels(jsKernels);
    pending = Promise.resolve('js');
    return pending;
  }
  pending = loadSimdTier()
    .then((simd) => {
      if (selection !== selections) return kernels.tier; // a later selection decided
      if (!simd.sharedMemorySupported()) {
        // Weights, optimizer state and the executors' buffers all live in the tier's memory, which
        // grows as models are built; growing an unshared memory would detach every array in it.
        unavailable(
          'its memory must be shared to grow under live arrays, and this page has no SharedArrayBuffer ' +
            '(serve it cross-origin isolated: Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)',
        );
        useKernels(jsKernels);
        return kernels.tier;
      }
      const table = simd.processSimdTable();
      if (table === null) unavailable('this JavaScript engine has no WebAssembly SIMD');
      useKernels(table ?? jsKernels);
      return kernels.tier;
    })
    .catch((error: unknown) => {
      // The tier's code failed to load (a bundle without its chunk) or to start (no memory for it).
      if (selection === selections) unavailable(`the SIMD tier could not start (${error instanceof Error ? error.message : String(error)})`);
      return kernels.tier;
    });
  return pending;
}

/** Resolves once no tier switch is under way (at once when none is). */
export async function kernelsSettled(): Promise<void> {
  for (let seen = pending; ; ) {
    await seen;
    if (seen === pending) return;
    seen = pending;
  }
}

export type { KernelTier };
