/**
 * The tier switch in a pool worker (src/fused/threads/worker-loop.ts, the
 * one module that imports this): each job names its tier, and the worker
 * takes the JS table or attaches to the calling thread's SIMD module and
 * shared memory.
 *
 * Unlike tier.ts, this imports the SIMD tier statically: a worker's code is
 * a bundle of its own, which bundlers build in formats without code
 * splitting (Vite's default for workers, 'iife', has no dynamic import), and
 * a worker of a program that never selects 'simd' is never started with a
 * SIMD job anyway. Nothing on the calling thread's side imports this file.
 */
import { jsKernels, useKernels } from './index.js';
import { attachedSimdTable } from './simd/simd-table.js';

/** Makes this worker's kernels the JS tier, or (`simd` given) the calling thread's SIMD module over its shared memory. */
export function attachKernels(simd: { readonly module: WebAssembly.Module; readonly memory: WebAssembly.Memory } | null): void {
  useKernels(simd === null ? jsKernels : attachedSimdTable(simd.module, simd.memory));
}
