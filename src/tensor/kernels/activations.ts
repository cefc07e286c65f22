/**
 * The activations as plain loops over typed arrays: the one place their
 * formulas live. The autograd ops (ops/unary.ts) and the fused executor
 * (src/fused/) both call these.
 *
 *     linear   y = z                                    f' = 1
 *     relu     y = max(z, 0)                            f' = [y > 0]   (0 at the kink, as TensorFlow)
 *     sigmoid  y = 1 / (1 + e⁻ᶻ)  (eᶻ / (1 + eᶻ) for z < 0)   f' = y(1 − y)
 *     tanh     y = tanh z                               f' = 1 − y²
 *
 * Each derivative is written in terms of the output y, so a backward pass
 * needs only what the forward pass kept: never the pre-activation z.
 */

/** The element-wise activations (softmax, which reads a whole row, is in softmax.ts). */
export type ActivationKind = 'linear' | 'relu' | 'sigmoid' | 'tanh';

export const ACTIVATION_KINDS: readonly ActivationKind[] = ['linear', 'relu', 'sigmoid', 'tanh'];

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
        const v = z[i]!;
        // Never exponentiate a large positive number.
        y[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      }
      break;
    case 'tanh':
      for (let i = start; i < end; i++) y[i] = Math.tanh(z[i]!);
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
  kind: ActivationKind,
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
    case 'linear':
      if (into !== grad) for (let i = start; i < end; i++) into[i] = grad[i]!;
      break;
  }
}
