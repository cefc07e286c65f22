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
 *
 * And which Keras the printed output imitates (src/utils/print-style.ts):
 *
 *     keras.config.setPrintStyle('keras3');  // Keras 3's progress bar and summary table
 *     keras.config.printStyle();             // 'tfkeras2' (the default) or 'keras3'
 */
import { describeValue, ValueError } from './errors.js';
import { selectKernels, type KernelTier } from './tensor/kernels/tier.js';
import { suggestClosest } from './utils/suggest.js';
import { printStyle, setPrintStyle } from './utils/print-style.js';

export type { KernelTier } from './tensor/kernels/tier.js';
export type { PrintStyle } from './utils/print-style.js';
const TIERS: readonly KernelTier[] = ['js', 'simd'];

let selected: KernelTier = 'js';
let warnedUnavailable = false;

/**
 * Selects the kernel tier for the whole process. Asking for 'simd' where
 * WebAssembly SIMD is unavailable warns (once) and stays on 'js'.
 */
export function setKernels(tier: KernelTier): void {
  if (typeof tier !== 'string' || !TIERS.includes(tier)) {
    const hint = typeof tier === 'string' ? suggestClosest(tier, TIERS) : '';
    throw new ValueError(`setKernels: the kernel tier must be 'js' or 'simd'.${hint} Received: tier=${describeValue(tier)}`);
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

export const config = { setKernels, kernels, setPrintStyle, printStyle };
