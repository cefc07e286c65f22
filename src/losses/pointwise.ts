/**
 * Element-wise losses ℓ(y, ŷ) of a target y and a prediction ŷ of the same
 * shape, each given as its value and its derivative in ŷ side by side:
 *
 *     out[i] = ℓ(y[i], ŷ[i])          dŶ[i] += dOut[i] · ∂ℓ/∂ŷ(y[i], ŷ[i])
 *
 * Fused rather than composed from ops where the composition would need ops
 * the engine does not have (|x|, a select) or would be unstable (binary
 * crossentropy on logits). Targets are data, so no gradient flows to them.
 */
import { gradBuffer, record } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';

export interface PointwiseLoss {
  readonly name: string;
  value(y: number, yHat: number): number;
  /** ∂ℓ/∂ŷ at (y, ŷ). */
  derivative(y: number, yHat: number): number;
}

/** Per-element losses, with yPred's shape; yTrue must hold as many values. */
export function pointwiseLoss(rule: PointwiseLoss, yTrue: Tensor, yPred: Tensor): Tensor {
  const Y = yTrue.data;
  const P = yPred.data;
  const out = new Float32Array(P.length);
  for (let i = 0; i < P.length; i++) out[i] = rule.value(Y[i]!, P[i]!);
  return record(new Tensor(out, yPred.shape), rule.name, [yPred], (dOut) => {
    const dP = gradBuffer(yPred);
    for (let i = 0; i < dOut.length; i++) dP[i]! += dOut[i]! * rule.derivative(Y[i]!, P[i]!);
  });
}

/**
 * Binary crossentropy on a logit x against a target z, TensorFlow's
 * `sigmoid_cross_entropy_with_logits`:
 *
 *     ℓ = max(x, 0) − x·z + log(1 + e^(−|x|))      ∂ℓ/∂x = σ(x) − z
 *
 * This equals −z·log σ(x) − (1 − z)·log(1 − σ(x)) but never forms σ(x), so
 * it neither overflows nor logs a probability rounded to 0.
 */
export const sigmoidCrossentropyWithLogits: PointwiseLoss = {
  name: 'sigmoidCrossentropyWithLogits',
  value: (z, x) => Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x))),
  derivative: (z, x) => 1 / (1 + Math.exp(-x)) - z,
};

/** |ŷ − y|; its derivative sign(ŷ − y), 0 where they are equal (as Keras's backends). */
export const absoluteError: PointwiseLoss = {
  name: 'absoluteError',
  value: (y, yHat) => Math.abs(yHat - y),
  derivative: (y, yHat) => Math.sign(yHat - y),
};

/**
 * The Huber loss of the error e = ŷ − y with threshold δ: quadratic near 0,
 * linear beyond δ (the quadratic side includes |e| = δ, as Keras):
 *
 *     ℓ = ½e²              if |e| ≤ δ        ∂ℓ/∂ŷ = e
 *     ℓ = δ|e| − ½δ²       otherwise        ∂ℓ/∂ŷ = δ·sign(e)
 */
export function huberError(delta: number): PointwiseLoss {
  return {
    name: 'huber',
    value: (y, yHat) => {
      const e = yHat - y;
      return Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta;
    },
    derivative: (y, yHat) => {
      const e = yHat - y;
      return Math.abs(e) <= delta ? e : delta * Math.sign(e);
    },
  };
}
