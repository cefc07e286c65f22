/**
 * The optimizers' update rules as plain loops over elements [start, end) of
 * a variable: the one place their formulas live. Adam and SGD (src/optim/)
 * compute their per-step scalars and call these through `kernels`, so a
 * faster tier runs them for autograd and the fused executor alike.
 *
 *     Adam:   m ← β₁m + (1 − β₁)g
 *             v ← β₂v + (1 − β₂)g²
 *             θ ← θ − α·m / (√v + ε)          α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), from the caller
 *
 *     SGD:    θ ← θ − lr·g                     (no momentum)
 *             m ← μm − lr·g;  θ ← θ + m        (momentum μ)
 *                             θ ← θ + μm − lr·g (Nesterov)
 */

/**
 * The smallest normal float32, 2⁻¹²⁶. Adam's m of a weight whose gradient
 * stays 0 (a pixel that is 0 in every image of the batches, a dead relu
 * unit) shrinks by β₁ a step and, after a few hundred steps, falls below it:
 * a subnormal float32, which x86 CPUs convert and compute in microcode,
 * ~100 times slower (in the seed job 7% of the first kernel's m after 8,000
 * steps: epochs 1.4-2× longer). TensorFlow runs its CPU kernels with
 * subnormals flushed to zero; both kernel tiers flush m the same way (such
 * an m would move θ by less than 10⁻³⁸).
 */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/** One Adam update of θ[start, end) with slots m and v; `alpha` folds in both bias corrections. */
export function adamUpdate(
  g: Float32Array, theta: Float32Array, m: Float32Array, v: Float32Array,
  start: number, end: number, alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  // β₁m + (1 − β₁)g is Keras's m + (g − m)(1 − β₁) rearranged; in float64,
  // rounded once to float32, it stores the same values and runs faster.
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    let mi = beta1 * m[i]! + c1 * gi;
    if (Math.abs(mi) < FLOAT32_MIN_NORMAL) mi = 0; // see FLOAT32_MIN_NORMAL
    const vi = beta2 * v[i]! + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    theta[i] = theta[i]! - (alpha * mi) / (Math.sqrt(vi) + epsilon);
  }
}

/** One SGD update of θ[start, end); `momentum` is the slot (null when μ = 0). */
export function sgdUpdate(
  g: Float32Array, theta: Float32Array, momentum: Float32Array | null,
  start: number, end: number, learningRate: number, mu: number, nesterov: boolean,
): void {
  if (momentum === null || mu === 0) {
    for (let i = start; i < end; i++) theta[i]! -= learningRate * g[i]!;
    return;
  }
  for (let i = start; i < end; i++) {
    const mi = (momentum[i] = mu * momentum[i]! - learningRate * g[i]!);
    theta[i]! += nesterov ? mu * mi - learningRate * g[i]! : mi;
  }
}
