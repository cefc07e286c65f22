/**
 * Element-wise functions of one tensor. Each rule gives the forward value
 * y = f(x) and the derivative dy/dx, written in terms of x or of the output y
 * when that is cheaper (sigmoid' = y(1 − y), tanh' = 1 − y², exp' = y). The
 * shared backward applies the chain rule:
 *
 *     dX[i] += dOut[i] · f'(x[i], y[i])
 */
import { gradBuffer, record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { kernels, OUTPUT_DERIVATIVE_KINDS, type ActivationKind, type OutputDerivativeKind } from '../kernels/index.js';
import { describeValue, ValueError } from '../../errors.js';

interface UnaryRule {
  readonly name: string;
  forward(x: number): number;
  /** dy/dx, given the input x and the output y. */
  derivative(x: number, y: number): number;
}

function unary(rule: UnaryRule, x: Tensor): Tensor {
  const X = x.data;
  const Y = new Float32Array(X.length);
  for (let i = 0; i < X.length; i++) Y[i] = rule.forward(X[i]!);
  return record(new Tensor(Y, x.shape), rule.name, [x], (dOut) => {
    const dX = gradBuffer(x);
    for (let i = 0; i < dOut.length; i++) dX[i]! += dOut[i]! * rule.derivative(X[i]!, Y[i]!);
  });
}

/** −x */
const negRule: UnaryRule = { name: 'neg', forward: (v) => -v, derivative: () => -1 };
export const neg = (x: Tensor): Tensor => unary(negRule, x);

/** eˣ; its derivative is itself. */
const expRule: UnaryRule = { name: 'exp', forward: Math.exp, derivative: (_x, y) => y };
export const exp = (x: Tensor): Tensor => unary(expRule, x);

/** ln x; derivative 1/x. */
const logRule: UnaryRule = { name: 'log', forward: Math.log, derivative: (v) => 1 / v };
export const log = (x: Tensor): Tensor => unary(logRule, x);

/** √x; derivative 1/(2√x). */
const sqrtRule: UnaryRule = { name: 'sqrt', forward: Math.sqrt, derivative: (_x, y) => 0.5 / y };
export const sqrt = (x: Tensor): Tensor => unary(sqrtRule, x);

/** x²; derivative 2x. */
const squareRule: UnaryRule = { name: 'square', forward: (v) => v * v, derivative: (v) => 2 * v };
export const square = (x: Tensor): Tensor => unary(squareRule, x);

/**
 * The activations: forward and derivative are the kernels in
 * kernels/activations.ts (the fused executor runs the same ones), here
 * wrapped as ops that record their backward. Most derivatives are functions
 * of the output Y; swish's and gelu's need the input X.
 */
function activationOp(kind: ActivationKind, x: Tensor): Tensor {
  const Y = new Float32Array(x.size);
  kernels.activate(kind, x.data, Y, 0, Y.length);
  return record(new Tensor(Y, x.shape), kind, [x], (dOut) => {
    const local = new Float32Array(dOut.length);
    if (isOutputDerivative(kind)) kernels.activationGradient(kind, Y, dOut, local, 0, local.length);
    else kernels.activationGradientFromInput(kind, x.data, dOut, local, 0, local.length);
    const dX = gradBuffer(x);
    for (let i = 0; i < local.length; i++) dX[i]! += local[i]!;
  });
}

function isOutputDerivative(kind: ActivationKind): kind is OutputDerivativeKind {
  return (OUTPUT_DERIVATIVE_KINDS as readonly string[]).includes(kind);
}

/** max(x, 0); derivative 1 where x > 0, else 0. */
export const relu = (x: Tensor): Tensor => activationOp('relu', x);

/** σ(x) = 1 / (1 + e⁻ˣ); derivative σ(x)(1 − σ(x)). */
export const sigmoid = (x: Tensor): Tensor => activationOp('sigmoid', x);

/** tanh x; derivative 1 − tanh²x. */
export const tanh = (x: Tensor): Tensor => activationOp('tanh', x);

/** x if x > 0, else eˣ − 1 (Keras's elu, α = 1); derivative 1, or eˣ. */
export const elu = (x: Tensor): Tensor => activationOp('elu', x);

/** λx if x > 0, else λα(eˣ − 1), with Keras's fixed α ≈ 1.6733 and λ ≈ 1.0507; derivative λ, or λαeˣ. */
export const selu = (x: Tensor): Tensor => activationOp('selu', x);

/** x if x > 0, else 0.2x (Keras's default negative slope); derivative 1, or 0.2. */
export const leakyRelu = (x: Tensor): Tensor => activationOp('leaky_relu', x);

/** ln(1 + eˣ); derivative σ(x). */
export const softplus = (x: Tensor): Tensor => activationOp('softplus', x);

/** x·σ(x) (Keras's swish, also called silu); derivative σ(x) + x·σ(x)(1 − σ(x)). */
export const swish = (x: Tensor): Tensor => activationOp('swish', x);

/** x·Φ(x) = ½x(1 + erf(x/√2)), Keras's exact gelu; derivative Φ(x) + x·φ(x). */
export const gelu = (x: Tensor): Tensor => activationOp('gelu', x);

/**
 * min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi and is 0 where
 * the value was clipped. Used by the probability form of crossentropy.
 */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo <= hi)) {
    throw new ValueError(`clip: the minimum must not exceed the maximum, and both must be numbers. Received: min=${describeValue(lo)}, max=${describeValue(hi)}`);
  }
  return unary(
    {
      name: 'clip',
      forward: (v) => (v < lo ? lo : v > hi ? hi : v),
      derivative: (v) => (v >= lo && v <= hi ? 1 : 0),
    },
    x,
  );
}

/**
 * Keras's general ReLU: x where x ≥ threshold, else negativeSlope·(x − threshold);
 * the derivative is 1 there and negativeSlope below. With the defaults
 * (slope 0, threshold 0) it is relu. A maxValue cap is a clip applied after.
 */
export function generalRelu(x: Tensor, negativeSlope: number, threshold: number): Tensor {
  return unary(
    {
      name: 'generalRelu',
      forward: (v) => (v >= threshold ? v : negativeSlope * (v - threshold)),
      derivative: (v) => (v >= threshold ? 1 : negativeSlope),
    },
    x,
  );
}
