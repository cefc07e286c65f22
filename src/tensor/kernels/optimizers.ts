/**
 * The optimizers' update rules as plain loops over elements [start, end) of
 * a variable: the one place their formulas live. Adam and SGD (src/optim/)
 * compute their per-step scalars and call these through `kernels`, so a
 * faster tier runs them for autograd and the fused executor alike.
 *
 *     Adam:   m ← m + (g − m)·(1 − β₁)
 *             v ← v + (g² − v)·(1 − β₂)
 *             θ ← θ − (m·α) / (√v + ε)         α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), from the caller
 *
 *     SGD:    θ ← θ − g·lr                     (no momentum)
 *             m ← m·μ − g·lr;  θ ← θ + m       (momentum μ)
 *                              θ ← θ + (m·μ − g·lr) (Nesterov)
 *
 * Every operation is one float32 operation, in Keras's order (keras/src/
 * optimizers/adam.py, sgd.py): Keras keeps the learning rate in a float32
 * variable and casts every constant (β₁, 1 − β₁, ε, μ) to the variable's
 * float32 before using it. `f32` (Math.fround) after each JS operation gives
 * exactly the float32 result (a float64 operation on float32 inputs, rounded
 * once, is the correctly rounded float32 operation for + − × ÷ √), so this
 * tier and the SIMD tier (simd/elementwise-kernels.ts, f32 instructions)
 * agree bit for bit, and with Keras to an ulp here and there (XLA fuses
 * some of Keras's multiply-adds into one rounding, which JavaScript has no
 * instruction for). Float64 here instead drifted from Keras by up to 2.4e-2
 * (relative L2) over 300 steps: docs/keras-oracle.md.
 */
const f32 = Math.fround;

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

/** One Adam update of θ[start, end) with slots m and v; `alpha` folds in both bias corrections (Adam.stepSize). */
export function adamUpdate(
  g: Float32Array, theta: Float32Array, m: Float32Array, v: Float32Array,
  start: number, end: number, alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  const a = f32(alpha), c1 = f32(1 - beta1), c2 = f32(1 - beta2), eps = f32(epsilon);
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    const m0 = m[i]!;
    const v0 = v[i]!;
    let mi = f32(m0 + f32(f32(gi - m0) * c1));
    if (Math.abs(mi) < FLOAT32_MIN_NORMAL) mi = 0; // see FLOAT32_MIN_NORMAL
    const vi = f32(v0 + f32(f32(f32(gi * gi) - v0) * c2));
    m[i] = mi;
    v[i] = vi;
    theta[i] = theta[i]! - f32(f32(mi * a) / f32(f32(Math.sqrt(vi)) + eps));
  }
}

/** One SGD update of θ[start, end); `momentum` is the slot (null when μ = 0). */
export function sgdUpdate(
  g: Float32Array, theta: Float32Array, momentum: Float32Array | null,
  start: number, end: number, learningRate: number, mu: number, nesterov: boolean,
): void {
  const lr = f32(learningRate);
  if (momentum === null || mu === 0) {
    for (let i = start; i < end; i++) theta[i] = theta[i]! - f32(g[i]! * lr);
    return;
  }
  const mu32 = f32(mu);
  for (let i = start; i < end; i++) {
    const lrg = f32(g[i]! * lr);
    const mi = f32(f32(momentum[i]! * mu32) - lrg);
    momentum[i] = mi;
    theta[i] = theta[i]! + (nesterov ? f32(f32(mi * mu32) - lrg) : mi);
  }
}
