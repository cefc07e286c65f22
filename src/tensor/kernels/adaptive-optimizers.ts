/**
 * The update rules of RMSprop, Adagrad and Nadam, and the decoupled weight
 * decay of AdamW (and any optimizer given weightDecay), as plain loops over
 * elements [start, end) of a variable: the one place their formulas live.
 * The optimizer classes (src/optim/) compute their per-step scalars and call
 * these through `kernels`; every tier runs these JavaScript loops (the
 * arrays may be the SIMD tier's memory, which JavaScript reads as it is):
 * the SIMD tier has emitted kernels for Adam and SGD only.
 *
 *     weight decay: θ ← θ − (θ·wd)·lr                    (before the update, as Keras 3's _apply_weight_decay)
 *
 *     RMSprop:  v ← ρ·v + (1 − ρ)·g²
 *               a ← ρ·a + (1 − ρ)·g                       (centered only)
 *               Δ ← lr·g / √(v + ε)    or, centered, lr·g / √(v − a² + ε)
 *               θ ← θ − Δ               or, momentum μ: p ← μ·p + Δ;  θ ← θ − p
 *
 *     Adagrad:  s ← s + g²;  θ ← θ − lr·g / √(s + ε)
 *
 *     Nadam:    m ← m + (g − m)·(1 − β₁);  v ← v + (g² − v)·(1 − β₂)
 *               m̂ ← u_{t+1}·m / (1 − Π_{t+1}) + (1 − u_t)·g / (1 − Π_t)
 *               v̂ ← v / (1 − β₂ᵗ)
 *               θ ← θ − m̂·lr / (√v̂ + ε)
 *               with u_t = β₁(1 − ½·0.96ᵗ) and Π_t = u₁·u₂·…·u_t (Nadam.scalars)
 *
 * Every operation is one float32 operation in Keras's order
 * (keras/src/optimizers/rmsprop.py, adagrad.py, nadam.py, base_optimizer.py),
 * with Keras's constants: where Keras writes `1 - self.rho` with a Python
 * float the difference is taken in float64 and rounded once (`oneMinus`),
 * where it first casts β₁ to float32 (Nadam) the difference is a float32 one.
 * See optimizers.ts for why `f32` after each operation gives Keras's float32.
 */
import { FLOAT32_MIN_NORMAL } from './optimizers.js';

const f32 = Math.fround;

/** Decoupled weight decay of θ[start, end): θ ← θ − (θ·wd)·lr, Keras 3's `variable - variable * wd * lr`. */
export function decayWeights(theta: Float32Array, start: number, end: number, learningRate: number, weightDecay: number): void {
  const lr = f32(learningRate), wd = f32(weightDecay);
  for (let i = start; i < end; i++) {
    const t = theta[i]!;
    theta[i] = f32(t - f32(f32(t * wd) * lr));
  }
}

/** One RMSprop update of θ[start, end); `momentum` and `average` are the slots used when μ > 0 and when centered (else null). */
export function rmspropUpdate(
  g: Float32Array, theta: Float32Array, velocity: Float32Array, momentum: Float32Array | null, average: Float32Array | null,
  start: number, end: number, learningRate: number, rho: number, mu: number, epsilon: number,
): void {
  const lr = f32(learningRate), r = f32(rho), oneMinusRho = f32(1 - rho), eps = f32(epsilon), mu32 = f32(mu);
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    let vi = f32(f32(r * velocity[i]!) + f32(oneMinusRho * f32(gi * gi)));
    if (vi < FLOAT32_MIN_NORMAL) vi = 0; // a gradient that stays 0: see FLOAT32_MIN_NORMAL (v + ε is ε either way)
    velocity[i] = vi;
    let denominator: number;
    if (average !== null) {
      const ai = f32(f32(r * average[i]!) + f32(oneMinusRho * gi));
      average[i] = ai;
      denominator = f32(f32(vi - f32(ai * ai)) + eps);
    } else {
      denominator = f32(vi + eps);
    }
    const increment = f32(f32(lr * gi) / f32(Math.sqrt(denominator)));
    if (momentum !== null) {
      const pi = f32(f32(mu32 * momentum[i]!) + increment);
      momentum[i] = pi;
      theta[i] = f32(theta[i]! - pi);
    } else {
      theta[i] = f32(theta[i]! - increment);
    }
  }
}

/** One Adagrad update of θ[start, end) with the accumulator slot `accumulator`. */
export function adagradUpdate(
  g: Float32Array, theta: Float32Array, accumulator: Float32Array,
  start: number, end: number, learningRate: number, epsilon: number,
): void {
  const lr = f32(learningRate), eps = f32(epsilon);
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    const si = f32(accumulator[i]! + f32(gi * gi));
    accumulator[i] = si;
    theta[i] = f32(theta[i]! - f32(f32(lr * gi) / f32(Math.sqrt(f32(si + eps)))));
  }
}

/** Nadam's per-step scalars, in float32: what `nadamUpdate` needs beyond the learning rate and the β's. */
export interface NadamScalars {
  /** u_{t+1} = β₁(1 − ½·0.96^(t+1)). */
  uNext: number;
  /** 1 − Π_{t+1}, with Π_{t+1} = Π_t · u_{t+1}. */
  oneMinusProductNext: number;
  /** 1 − u_t. */
  oneMinusU: number;
  /** 1 − Π_t. */
  oneMinusProduct: number;
  /** 1 − β₂ᵗ. */
  oneMinusBeta2Power: number;
}

/** One Nadam update of θ[start, end) with slots m (momentum) and v (velocity). */
export function nadamUpdate(
  g: Float32Array, theta: Float32Array, m: Float32Array, v: Float32Array,
  start: number, end: number, learningRate: number, beta1: number, beta2: number, epsilon: number, s: NadamScalars,
): void {
  const lr = f32(learningRate), eps = f32(epsilon);
  const c1 = f32(1 - f32(beta1)), c2 = f32(1 - f32(beta2));
  const { uNext, oneMinusProductNext, oneMinusU, oneMinusProduct, oneMinusBeta2Power } = s;
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    const m0 = m[i]!;
    const v0 = v[i]!;
    let mi = f32(m0 + f32(f32(gi - m0) * c1));
    if (Math.abs(mi) < FLOAT32_MIN_NORMAL) mi = 0; // see FLOAT32_MIN_NORMAL
    const vi = f32(v0 + f32(f32(f32(gi * gi) - v0) * c2));
    m[i] = mi;
    v[i] = vi;
    const mHat = f32(f32(f32(uNext * mi) / oneMinusProductNext) + f32(f32(oneMinusU * gi) / oneMinusProduct));
    const vHat = f32(vi / oneMinusBeta2Power);
    theta[i] = f32(theta[i]! - f32(f32(mHat * lr) / f32(f32(Math.sqrt(vHat)) + eps)));
  }
}
