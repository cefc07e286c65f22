/**
 * The activations as plain loops over typed arrays: the one place their
 * formulas live. The autograd ops (ops/unary.ts) and the fused executor
 * (src/fused/) both call these. Keras 3's formulas and defaults:
 *
 *     linear      y = z                                  f' = 1
 *     relu        y = max(z, 0)                          f' = [y > 0]   (0 at the kink, as TensorFlow)
 *     sigmoid     y = σ(z) = 1 / (1 + e⁻ᶻ)               f' = y(1 − y)
 *     tanh        y = tanh z                             f' = 1 − y²
 *     elu         y = z if z > 0, else α(eᶻ − 1), α = 1   f' = y + α if y < 0, else 1
 *     selu        y = λz if z > 0, else λα(eᶻ − 1)       f' = y + λα if y < 0, else λ
 *                 (α ≈ 1.6733, λ ≈ 1.0507: SELU_ALPHA, SELU_SCALE)
 *     leaky_relu  y = z if z > 0, else 0.2·z             f' = 1 if y > 0, else 0.2
 *                 (at the kink z = 0, elu's and selu's f' is the right-hand one,
 *                 leaky_relu's the left-hand one: TensorFlow's EluGrad, SeluGrad and LeakyReluGrad)
 *     softplus    y = ln(1 + eᶻ) = max(z, 0) + ln(1 + e^−|z|)   f' = σ(z) = 1 − e⁻ʸ
 *     swish/silu  y = z·σ(z)                             f' = σ(z) + y(1 − σ(z))
 *     gelu        y = z·Φ(z) = ½z(1 + erf(z/√2))         f' = Φ(z) + z·φ(z)
 *                 (Keras 3's default approximate=False: the exact erf form)
 *
 * Where a derivative can be written in terms of the output y, it is
 * (activationGradient): a backward pass then needs only what the forward
 * pass kept, never the pre-activation z, and the fused executor overwrites z
 * with y in place. swish and gelu need z (activationGradientFromInput), so
 * the fused executor runs them forward (predict) but does not train them.
 */

/** The element-wise activations (softmax, which reads a whole row, is in softmax.ts). 'silu' is Keras's other name for 'swish'. */
export type ActivationKind = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'leaky_relu' | 'softplus' | 'swish' | 'silu' | 'gelu';

export const ACTIVATION_KINDS: readonly ActivationKind[] = ['linear', 'relu', 'sigmoid', 'tanh', 'elu', 'selu', 'leaky_relu', 'softplus', 'swish', 'silu', 'gelu'];

/** The activations whose derivative is a function of the output y alone. */
export type OutputDerivativeKind = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'leaky_relu' | 'softplus';
export const OUTPUT_DERIVATIVE_KINDS: readonly OutputDerivativeKind[] = ['linear', 'relu', 'sigmoid', 'tanh', 'elu', 'selu', 'leaky_relu', 'softplus'];

/** The activations whose derivative needs the input z. */
export type InputDerivativeKind = Exclude<ActivationKind, OutputDerivativeKind>;

/** SELU's constants (Klambauer et al. 2017), as Keras has them: the fixed point of mean 0, variance 1. */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;
/** ELU's α and leaky_relu's negative slope: Keras's defaults for the activation names. */
export const ELU_ALPHA = 1;
export const LEAKY_RELU_SLOPE = 0.2;

/** σ(v), never exponentiating a large positive number. */
function sigmoidOf(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * erf(x) = (2/√π)∫₀ˣ e^(−t²) dt in float64 (JavaScript has no Math.erf):
 * its Maclaurin series Σ (−1)ⁿx²ⁿ⁺¹/(n!(2n+1)) for |x| < 3, and 1 − erfc(x)
 * from erfc's continued fraction e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …))))
 * beyond, where the series would lose too many digits to cancellation.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 100 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (a > 6) return Math.sign(x); // erfc(6) ≈ 2e−17: below float64's resolution of 1
  let t = a;
  for (let k = 60; k >= 1; k--) t = a + k / 2 / t;
  const erfc = Math.exp(-a * a) / (Math.sqrt(Math.PI) * t);
  return Math.sign(x) * (1 - erfc);
}

/** Φ(v) = ½(1 + erf(v/√2)), the standard normal's cumulative distribution. */
function normalCdf(v: number): number {
  return 0.5 * (1 + erf(v / Math.SQRT2));
}

/** y[i] = f(z[i]) for i in [start, end); `y` may be `z` (in place). */
export function activate(kind: ActivationKind, z: Float32Array, y: Float32Array, start: number, end: number): void {
  switch (kind) {
    case 'relu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        y[i] = v > 0 ? v : 0;
      }
      break;
    case 'sigmoid':
      for (let i = start; i < end; i++) {
        y[i] = sigmoidOf(z[i]!);
      }
      break;
    case 'tanh':
      for (let i = start; i < end; i++) y[i] = Math.tanh(z[i]!);
      break;
    case 'elu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        y[i] = v > 0 ? v : ELU_ALPHA * Math.expm1(v);
      }
      break;
    case 'selu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        y[i] = v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * Math.expm1(v);
      }
      break;
    case 'leaky_relu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        y[i] = v > 0 ? v : LEAKY_RELU_SLOPE * v;
      }
      break;
    case 'softplus':
      // max(z, 0) + ln(1 + e^−|z|): no overflow for large z, no lost digits for very negative z.
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        y[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
      break;
    case 'swish':
    case 'silu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        y[i] = v * sigmoidOf(v);
      }
      break;
    case 'gelu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        y[i] = v * normalCdf(v);
      }
      break;
    case 'linear':
      if (y !== z) for (let i = start; i < end; i++) y[i] = z[i]!;
      break;
  }
}

/**
 * into[i] = grad[i] · f'(y[i]) for i in [start, end), where y = f(z) is the
 * activation's output: the chain rule through the activation. `into` may be
 * `grad` (in place, as the fused executor does).
 */
export function activationGradient(
  kind: OutputDerivativeKind,
  y: Float32Array,
  grad: Float32Array,
  into: Float32Array,
  start: number,
  end: number,
): void {
  switch (kind) {
    case 'relu':
      for (let i = start; i < end; i++) into[i] = y[i]! > 0 ? grad[i]! : 0;
      break;
    case 'sigmoid':
      for (let i = start; i < end; i++) into[i] = grad[i]! * (y[i]! * (1 - y[i]!));
      break;
    case 'tanh':
      for (let i = start; i < end; i++) into[i] = grad[i]! * (1 - y[i]! * y[i]!);
      break;
    case 'elu':
      for (let i = start; i < end; i++) into[i] = grad[i]! * (y[i]! < 0 ? y[i]! + ELU_ALPHA : 1);
      break;
    case 'selu':
      for (let i = start; i < end; i++) into[i] = grad[i]! * (y[i]! < 0 ? y[i]! + SELU_SCALE * SELU_ALPHA : SELU_SCALE);
      break;
    case 'leaky_relu':
      for (let i = start; i < end; i++) into[i] = grad[i]! * (y[i]! > 0 ? 1 : LEAKY_RELU_SLOPE);
      break;
    case 'softplus':
      // σ(z) = 1 − e⁻ʸ, since e⁻ʸ = 1/(1 + eᶻ); −expm1 keeps the digits when y is tiny.
      for (let i = start; i < end; i++) into[i] = grad[i]! * -Math.expm1(-y[i]!);
      break;
    case 'linear':
      if (into !== grad) for (let i = start; i < end; i++) into[i] = grad[i]!;
      break;
  }
}

/**
 * into[i] = grad[i] · f'(z[i]) for i in [start, end), for the activations
 * whose derivative needs the input z (swish, gelu). `into` may be `grad`.
 */
export function activationGradientFromInput(
  kind: InputDerivativeKind,
  z: Float32Array,
  grad: Float32Array,
  into: Float32Array,
  start: number,
  end: number,
): void {
  switch (kind) {
    case 'swish':
    case 'silu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        const s = sigmoidOf(v);
        into[i] = grad[i]! * (s + v * s * (1 - s));
      }
      break;
    case 'gelu':
      for (let i = start; i < end; i++) {
        const v = z[i]!;
        into[i] = grad[i]! * (normalCdf(v) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI));
      }
      break;
  }
}
