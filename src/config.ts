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
 * Weights made while 'simd' is selected live in its memory; the fused
 * executor moves any others there when it starts.
 */
import { ValueError } from './errors.js';
import { selectKernels, type KernelTier } from './tensor/kernels/tier.js';
import { suggestClosest } from './utils/suggest.js';

export type { KernelTier } from './tensor/kernels/tier.js';
const TIERS: readonly KernelTier[] = ['js', 'simd'];

let selected: KernelTier = 'js';
let warnedUnavailable = false;

/**
 * Selects the kernel tier for the whole process. Asking for 'simd' where
 * WebAssembly SIMD is unavailable warns (once) and stays on 'js'.
 */
export function setKernels(tier: KernelTier): void {
  if (!TIERS.includes(tier)) {
    throw new ValueError(`setKernels: the kernel tier must be 'js' or 'simd'.${suggestClosest(String(tier), TIERS)} Received: tier=${JSON.stringify(tier)}`);
  }
  selected = selectKernels(tier);
  if (selected !== tier && !warnedUnavailable) {
    console.warn("setKernels('simd'): this JavaScript engine has no WebAssembly SIMD; the kernels stay on 'js'.");
    warnedUnavailable = true;
  }
}

/** The kernel tier in use: 'js' or 'simd'. */
export function kernels(): KernelTier {
  return selected;
}

export const config = { setKernels, kernels };
