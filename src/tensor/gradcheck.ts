/**
 * Gradient checking: compare autograd's gradients with central finite
 * differences, the way to trust a backward pass you just wrote.
 *
 *     ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h
 *
 * f is evaluated in float32, so h must not be too small (rounding) or too
 * large (curvature): h = 1e-2 … 1e-3 with about 1% relative tolerance works
 * for smooth functions of values near 1. Keep inputs away from kinks such as
 * relu's at 0, where the two sides disagree.
 *
 *     const x = keras.random.normal([3, 4]);
 *     const result = keras.utils.checkGradients((x) => x.tanh().sum(), [x]);
 *     result.ok  // true when every element agrees within tolerance
 */
import { noGrad } from './autograd.js';
import { Tensor } from './tensor.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkTypedOptions, isCallable } from '../utils/options.js';

export interface GradCheckOptions {
  /** Finite-difference step; 1e-2 by default. */
  step?: number;
  /** Relative tolerance; 1e-2 by default. */
  rtol?: number;
  /** Absolute tolerance, for gradients near 0; 1e-3 by default. */
  atol?: number;
}

export interface GradCheckMismatch {
  /** Which input (position in `inputs`) and which element of it. */
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradCheckResult {
  ok: boolean;
  /** The largest |analytic − numeric| / (atol + rtol·|numeric|) seen; ≤ 1 passes. */
  worstRatio: number;
  /** Every element that failed, for printing. */
  mismatches: GradCheckMismatch[];
  /** Autograd's gradients, one per input. */
  analytic: Float32Array[];
  /** The finite-difference estimates, one per input. */
  numeric: Float64Array[];
}

/**
 * Checks the gradient of a scalar function `f` of the given input tensors.
 * The inputs are marked `requiresGrad` and are restored unchanged afterwards.
 */
export function checkGradients(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradCheckOptions = {},
): GradCheckResult {
  if (!isCallable(f)) throw new ValueError(`checkGradients: f must be a function of the input tensors. Received: ${describeValue(f)}`);
  if (!Array.isArray(inputs) || !inputs.every((x) => x instanceof Tensor)) {
    throw new ValueError(`checkGradients: inputs must be a list of Tensors. Received: ${describeValue(inputs)}`);
  }
  checkTypedOptions('checkGradients', options, { step: 'number', rtol: 'number', atol: 'number' });
  const h = options.step ?? 1e-2;
  const rtol = options.rtol ?? 1e-2;
  const atol = options.atol ?? 1e-3;

  // Analytic gradients from one backward pass.
  for (const x of inputs) {
    x.requiresGrad = true;
    x.grad = null;
  }
  const output = f(...inputs);
  if (!(output instanceof Tensor)) throw new ValueError(`checkGradients: f must return a scalar Tensor. Received: ${describeValue(output)}`);
  if (output.size !== 1) {
    throw new ShapeError(`checkGradients: f must return a scalar. Received: shape=[${output.shape.join(', ')}]`);
  }
  output.backward();
  const analytic = inputs.map((x) => x.grad?.data.slice() ?? new Float32Array(x.size));

  // Numeric gradients: nudge one element at a time, both ways.
  const evaluate = (): number => noGrad(() => f(...inputs).item());
  const numeric = inputs.map((x) => {
    const estimates = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const original = x.data[i]!;
      x.data[i] = original + h;
      const plus = evaluate();
      x.data[i] = original - h;
      const minus = evaluate();
      x.data[i] = original;
      // Divide by the step actually taken after float32 rounding of x ± h.
      const taken = Math.fround(original + h) - Math.fround(original - h);
      estimates[i] = (plus - minus) / taken;
    }
    return estimates;
  });

  let worstRatio = 0;
  const mismatches: GradCheckMismatch[] = [];
  inputs.forEach((_, k) => {
    for (let i = 0; i < analytic[k]!.length; i++) {
      const a = analytic[k]![i]!;
      const n = numeric[k]![i]!;
      const ratio = Math.abs(a - n) / (atol + rtol * Math.abs(n));
      worstRatio = Math.max(worstRatio, Number.isNaN(ratio) ? Infinity : ratio);
      if (!(ratio <= 1)) mismatches.push({ input: k, index: i, analytic: a, numeric: n });
    }
  });
  return { ok: mismatches.length === 0, worstRatio, mismatches, analytic, numeric };
}
