/**
 * What the kernel jobs (bench/jobs/kernels.ts, bench/jobs/conv-kernels.ts)
 * share: the two tiers to time, each with a way to place an operand where
 * its kernels read it (the SIMD tier reads its own WebAssembly memory), and
 * the timing rule: a warm-up of every call interleaved (as training
 * interleaves them), then REPETITIONS runs of enough back-to-back calls to
 * take ≥ 100 ms, of which the median is reported.
 */
import { jsKernels, type Kernels } from '../../src/tensor/kernels/index.js';
import { SimdKernels, simdSupported, type SimdKernelSet } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { simdTable } from '../../src/tensor/kernels/simd/simd-table.js';
import { median, progress, type JobOptions, type KernelTier } from './protocol.js';

/** One timed call of a kernel on one tier, its operands already in place. */
export interface Timed {
  tier: KernelTier;
  call: () => void;
}

export interface Tier {
  tier: KernelTier;
  k: SimdKernelSet;
  /** The tier's whole kernel table over the same memory, for code that calls `kernels.…` (useKernels it first). */
  readonly table: Kernels;
  /** A copy of `values` where this tier's kernels read and write. */
  place: (values: Float32Array) => Float32Array;
  /** A float64 pair (the crossentropy's totals) where this tier writes. */
  totals: () => Float64Array;
}

const REPETITIONS = 9;

/** The JS tier, and the SIMD tier where the engine has WebAssembly SIMD (else a progress line says so). */
export function kernelTiers(options: Pick<JobOptions, 'json'>): { tiers: Tier[]; simdAvailable: boolean } {
  const simdAvailable = simdSupported();
  const simd = simdAvailable ? SimdKernels.create() : null;
  if (!simd) progress(options, 'WebAssembly SIMD is unavailable here: timing the JS tier only');
  const tiers: Tier[] = [
    { tier: 'js', k: jsKernels, table: jsKernels, place: (values) => values.slice(), totals: () => new Float64Array(2) },
    ...(simd ? [simdTier(simd)] : []),
  ];
  return { tiers, simdAvailable };
}

function simdTier(simd: SimdKernels): Tier {
  return {
    tier: 'simd', k: simd, table: simdTable(simd),
    place: (values: Float32Array) => copyInto(simd, values), totals: () => simd.allocateFloat64(2),
  };
}

/** Calls everything, interleaved, for `ms` milliseconds: JIT and caches warm before timing. */
export function warmUp(everything: readonly Timed[], ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) for (const timed of everything) timed.call();
}

/** Median milliseconds per call over REPETITIONS runs of back-to-back calls, each ≥ minMs long. */
export function medianMsPerCall(call: () => void, minMs: number): number {
  let t0 = performance.now();
  call();
  const one = Math.max(performance.now() - t0, 1e-3);
  const calls = Math.max(1, Math.ceil(minMs / one));
  const perCall: number[] = [];
  for (let rep = 0; rep < REPETITIONS; rep++) {
    t0 = performance.now();
    for (let c = 0; c < calls; c++) call();
    perCall.push((performance.now() - t0) / calls);
  }
  return median(perCall);
}

/** A copy of `values` in the SIMD tier's memory. */
function copyInto(tier: SimdKernels, values: Float32Array): Float32Array {
  const out = tier.allocate(values.length);
  out.set(values);
  return out;
}
