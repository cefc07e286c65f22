/**
 * Process-wide settings, Keras's `keras.config`: which kernel tier runs the
 * hot loops of training and inference.
 *
 *     await keras.config.setKernels('simd');   // WebAssembly SIMD, where the engine has it
 *     keras.config.kernels();                  // 'simd', or 'js' if SIMD was unavailable
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
import { describeValue, ValueError } from '../errors.js';
import { kernels as kernelTable } from '../tensor/kernels/index.js';
import { selectKernels, type KernelTier } from '../tensor/kernels/tier.js';
import { suggestClosest } from '../utils/suggest.js';
import { printStyle, setPrintStyle } from '../utils/print-style.js';

export type { KernelTier } from '../tensor/kernels/tier.js';
export type { PrintStyle } from '../utils/print-style.js';
const TIERS: readonly KernelTier[] = ['js', 'simd'];

let warnedUnavailable = false;

/**
 * Selects the kernel tier for the whole process, and resolves to the tier
 * in use once the switch is done. Asking for 'simd' where WebAssembly SIMD
 * is unavailable warns (once) and stays on 'js'.
 *
 * Asynchronous since the SIMD tier became loaded on demand (its code is
 * imported only when first asked for): `await keras.config.setKernels('simd')`.
 * 'js' takes effect at once. A switch still under way when `fit`,
 * `evaluateAsync` or `predictAsync` starts is waited for, so code that
 * forgot the `await` still trains on the tier it asked for; the synchronous
 * `evaluate` and `predict` run on the tier in use when they are called.
 *
 * @throws ValueError (synchronously) for anything but 'js' or 'simd'.
 */
export function setKernels(tier: KernelTier): Promise<KernelTier> {
  if (typeof tier !== 'string' || !TIERS.includes(tier)) {
    const hint = typeof tier === 'string' ? suggestClosest(tier, TIERS) : '';
    throw new ValueError(`setKernels: the kernel tier must be 'js' or 'simd'.${hint} Received: tier=${describeValue(tier)}`);
  }
  return selectKernels(tier, (why) => {
    if (warnedUnavailable) return;
    console.warn(`setKernels('simd'): ${why}; the kernels stay on 'js'.`);
    warnedUnavailable = true;
  });
}

/** The kernel tier in use: 'js' or 'simd' ('js' until a switch to 'simd' is done). */
export function kernels(): KernelTier {
  return kernelTable.tier;
}

export const config = { setKernels, kernels, setPrintStyle, printStyle };
