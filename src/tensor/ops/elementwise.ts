/**
 * Element-wise binary ops with NumPy broadcasting: add, sub, mul, div, pow,
 * maximum, minimum. Each is one entry: its forward value f(a, b) and the partial
 * derivatives ∂f/∂a and ∂f/∂b, which the shared backward multiplies by the
 * output gradient and sums back onto each input's shape:
 *
 *     dA[ia(o)] += dOut[o] · ∂f/∂a(a, b, out)
 *
 * where ia(o) is the element of a that output o read (see broadcast.ts).
 */
import { gradBuffer, record } from '../autograd.js';
import { asTensor, Tensor, type TensorLike } from '../tensor.js';
import { planBroadcast } from './broadcast.js';
import { sizeOf } from '../shape.js';

interface BinaryRule {
  readonly name: string;
  forward(a: number, b: number): number;
  /** ∂out/∂a, given the inputs and the forward output. */
  da(a: number, b: number, out: number): number;
  /** ∂out/∂b. */
  db(a: number, b: number, out: number): number;
}

const addRule: BinaryRule = {
  name: 'add',
  forward: (a, b) => a + b,
  da: () => 1,
  db: () => 1,
};

const subRule: BinaryRule = {
  name: 'sub',
  forward: (a, b) => a - b,
  da: () => 1,
  db: () => -1,
};

const mulRule: BinaryRule = {
  name: 'mul',
  forward: (a, b) => a * b,
  da: (_a, b) => b,
  db: (a) => a,
};

/** d(a/b)/da = 1/b, d(a/b)/db = -a/b². */
const divRule: BinaryRule = {
  name: 'div',
  forward: (a, b) => a / b,
  da: (_a, b) => 1 / b,
  db: (a, b) => -a / (b * b),
};

/** d(aᵇ)/da = b·aᵇ⁻¹, d(aᵇ)/db = aᵇ·ln a (taken as 0 where a ≤ 0, where it is undefined). */
const powRule: BinaryRule = {
  name: 'pow',
  forward: (a, b) => Math.pow(a, b),
  da: (a, b) => (b === 0 ? 0 : b * Math.pow(a, b - 1)),
  db: (a, _b, out) => (a > 0 ? out * Math.log(a) : 0),
};

/** The gradient goes to a where a ≥ b, else to b (TensorFlow's tie rule). */
const maximumRule: BinaryRule = {
  name: 'maximum',
  forward: (a, b) => (a >= b ? a : b),
  da: (a, b) => (a >= b ? 1 : 0),
  db: (a, b) => (a >= b ? 0 : 1),
};

/** The gradient goes to a where a ≤ b, else to b (the mirror of maximum's tie rule). */
const minimumRule: BinaryRule = {
  name: 'minimum',
  forward: (a, b) => (a <= b ? a : b),
  da: (a, b) => (a <= b ? 1 : 0),
  db: (a, b) => (a <= b ? 0 : 1),
};

/**
 * out[o] = f(A[o], b): a tensor and a number, the commonest case
 * (`images.div(255)`). The loop is the rule's own forward, specialised per
 * rule so that each runs as a tight loop (47 million elements for the
 * Fashion-MNIST images) rather than a call per element.
 */
function scalarRight(rule: BinaryRule, A: Float32Array | Uint8Array, b: number, out: Float32Array): void {
  const loop = scalarLoops.get(rule);
  if (loop) loop(A, b, out);
  else for (let o = 0; o < out.length; o++) out[o] = rule.forward(A[o]!, b);
}

/** One loop per arithmetic rule, each calling only its own forward (which V8 inlines). */
const scalarLoops = new Map<BinaryRule, (A: Float32Array | Uint8Array, b: number, out: Float32Array) => void>([
  [addRule, (A, b, out) => { const f = addRule.forward; for (let o = 0; o < out.length; o++) out[o] = f(A[o]!, b); }],
  [subRule, (A, b, out) => { const f = subRule.forward; for (let o = 0; o < out.length; o++) out[o] = f(A[o]!, b); }],
  [mulRule, (A, b, out) => { const f = mulRule.forward; for (let o = 0; o < out.length; o++) out[o] = f(A[o]!, b); }],
  [divRule, (A, b, out) => { const f = divRule.forward; for (let o = 0; o < out.length; o++) out[o] = f(A[o]!, b); }],
]);

/** Runs one rule forward over broadcast inputs and records its backward. */
function binary(rule: BinaryRule, aLike: TensorLike, bLike: TensorLike): Tensor {
  const a = asTensor(aLike);
  const b = asTensor(bLike);
  const plan = planBroadcast(a.shape, b.shape, rule.name);
  const { map: aMap, stride: aStride } = plan.a;
  const { map: bMap, stride: bStride } = plan.b;
  // `values`: a uint8 tensor's bytes are read as they are (images.div(255) makes no float32 copy of them).
  const A = a.values;
  const B = b.values;
  const out = new Float32Array(sizeOf(plan.outShape));
  if (aMap === null && aStride === 1 && bStride === 0) scalarRight(rule, A, B[0]!, out);
  else {
    for (let o = 0; o < out.length; o++) {
      out[o] = rule.forward(A[aMap ? aMap[o]! : o * aStride]!, B[bMap ? bMap[o]! : o * bStride]!);
    }
  }
  const result = new Tensor(out, plan.outShape);
  return record(result, rule.name, [a, b], (dOut) => {
    const dA = a.requiresGrad ? gradBuffer(a) : null;
    const dB = b.requiresGrad ? gradBuffer(b) : null;
    for (let o = 0; o < dOut.length; o++) {
      const ia = aMap ? aMap[o]! : o * aStride;
      const ib = bMap ? bMap[o]! : o * bStride;
      if (dA) dA[ia]! += dOut[o]! * rule.da(A[ia]!, B[ib]!, out[o]!);
      if (dB) dB[ib]! += dOut[o]! * rule.db(A[ia]!, B[ib]!, out[o]!);
    }
  });
}

/** a + b, broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary(addRule, a, b);
/** a − b, broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary(subRule, a, b);
/** a · b element-wise, broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary(mulRule, a, b);
/** a / b element-wise, broadcasting. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary(divRule, a, b);
/** aᵇ element-wise, broadcasting. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary(powRule, a, b);
/** max(a, b) element-wise, broadcasting. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary(maximumRule, a, b);
/** min(a, b) element-wise, broadcasting. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary(minimumRule, a, b);
