/**
 * Process-wide settings, Keras's `keras.config`: which kernel tier runs the
 * hot loops of training and inference.
 *
 *     keras.config.setKernels('simd');   // WebAssembly SIMD, where the engine has it
 *     keras.config.kernels();            // 'simd', or 'js' if SIMD was unavailable
 *
 * 'js' (the default) is the plain TypeScript loops of src/tensor/kernels/,
 * the reference. 'simd' is the same kernels assembled at run time into
 * WebAssembly SIMD (src/tensor/kernels/simd/): faster, equal to the JS tier
 * within float32 rounding, and each tier repeats itself bit for bit.
 */
import { ValueError } from './errors.js';
import { SimdKernels, simdSupported } from './tensor/kernels/simd/simd-kernels.js';
import { suggestClosest } from './utils/suggest.js';

export type KernelTier = 'js' | 'simd';
const TIERS: readonly KernelTier[] = ['js', 'simd'];

let selected: KernelTier = 'js';
let warnedUnavailable = false;
let simdTier: SimdKernels | null = null;

/**
 * Selects the kernel tier for the whole process. Asking for 'simd' where
 * WebAssembly SIMD is unavailable warns (once) and stays on 'js'.
 */
export function setKernels(tier: KernelTier): void {
  if (!TIERS.includes(tier)) {
    throw new ValueError(`setKernels: the kernel tier must be 'js' or 'simd'.${suggestClosest(String(tier), TIERS)} Received: tier=${JSON.stringify(tier)}`);
  }
  if (tier === 'simd' && !simdSupported()) {
    if (!warnedUnavailable) {
      console.warn("setKernels('simd'): this JavaScript engine has no WebAssembly SIMD; the kernels stay on 'js'.");
      warnedUnavailable = true;
    }
    selected = 'js';
    return;
  }
  selected = tier;
}

/** The kernel tier in use: 'js' or 'simd'. */
export function kernels(): KernelTier {
  return selected;
}

/**
 * The process's SIMD tier (its memory and kernels), created on first call.
 * What the executors allocate their buffers in when `kernels()` is 'simd'.
 */
export function simdKernels(): SimdKernels {
  simdTier ??= SimdKernels.create();
  return simdTier;
}

export const config = { setKernels, kernels };
