/**
 * Reductions along one axis (or over all elements when no axis is given):
 *
 *     sum:    y = Σₖ xₖ                 dxₖ = g
 *     mean:   y = (1/n) Σₖ xₖ           dxₖ = g / n
 *     max:    y = maxₖ xₖ               dxₖ = g where k is the (first) argmax, else 0
 *     argmax: the index of the first largest value (no gradient)
 *
 * The input is viewed as [outer, n, inner] around the axis, so one loop
 * serves every axis; `keepDims` keeps the reduced axis with size 1.
 */
import { gradBuffer, record } from '../autograd.js';
import { normalizeAxis, splitAtAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { ShapeError } from '../../errors.js';

interface Reduction {
  /** Shape of the result. */
  outShape: number[];
  outer: number;
  n: number;
  inner: number;
}

/** Works out how to reduce `x` along `axis` (all axes when undefined). */
function plan(x: Tensor, axis: number | undefined, keepDims: boolean, opName: string): Reduction {
  if (axis === undefined) {
    return { outShape: keepDims ? x.shape.map(() => 1) : [], outer: 1, n: x.size, inner: 1 };
  }
  const ax = normalizeAxis(axis, x.rank, opName);
  const outShape = keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  return { outShape, ...splitAtAxis(x.shape, ax) };
}

/** Σ over `axis`, or over everything. */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor {
  return sumScaled(x, axis, keepDims, 1, 'sum');
}

/** The arithmetic mean over `axis`, or over everything. */
export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  const { n } = plan(x, axis, keepDims, 'mean');
  return sumScaled(x, axis, keepDims, 1 / n, 'mean');
}

/** scale · Σ over the axis: sum with scale 1, mean with scale 1/n. */
function sumScaled(x: Tensor, axis: number | undefined, keepDims: boolean, scale: number, opName: string): Tensor {
  const { outShape, outer, n, inner } = plan(x, axis, keepDims, opName);
  const X = x.data;
  const Y = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let total = 0;
      for (let k = 0; k < n; k++) total += X[(o * n + k) * inner + i]!;
      Y[o * inner + i] = total * scale;
    }
  }
  return record(new Tensor(Y, outShape), opName, [x], (dOut) => {
    const dX = gradBuffer(x);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const g = dOut[o * inner + i]! * scale;
        for (let k = 0; k < n; k++) dX[(o * n + k) * inner + i]! += g;
      }
    }
  });
}

/** The largest value over `axis`, or over everything. */
export function max(x: Tensor, axis?: number, keepDims = false): Tensor {
  const { outShape, outer, n, inner } = plan(x, axis, keepDims, 'max');
  if (n === 0) throw new ShapeError(`max: cannot reduce over an empty axis. Received: shape=[${x.shape.join(', ')}]`);
  const winners = argmaxIndices(x.data, outer, n, inner);
  const Y = new Float32Array(winners.length);
  for (let r = 0; r < winners.length; r++) Y[r] = x.data[winners[r]!]!;
  return record(new Tensor(Y, outShape), 'max', [x], (dOut) => {
    const dX = gradBuffer(x);
    for (let r = 0; r < winners.length; r++) dX[winners[r]!]! += dOut[r]!;
  });
}

/**
 * The index along `axis` (default: the last) of the first largest value,
 * as a float tensor of indices. Not differentiable.
 */
export function argmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'argmax');
  const { outer, n, inner } = splitAtAxis(x.shape, ax);
  if (n === 0) throw new ShapeError(`argmax: cannot reduce over an empty axis. Received: shape=[${x.shape.join(', ')}]`);
  const winners = argmaxIndices(x.data, outer, n, inner);
  const Y = new Float32Array(winners.length);
  // Turn flat positions back into indices along the axis.
  for (let r = 0; r < winners.length; r++) Y[r] = Math.floor(winners[r]! / inner) % n;
  return new Tensor(Y, x.shape.filter((_, i) => i !== ax));
}

/** For each slice along the axis, the flat position of its first largest value (NaN wins, as in NumPy). */
function argmaxIndices(X: Float32Array, outer: number, n: number, inner: number): Int32Array {
  const winners = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = o * n * inner + i;
      for (let k = 1; k < n; k++) {
        const p = (o * n + k) * inner + i;
        if (X[p]! > X[best]! || (Number.isNaN(X[p]!) && !Number.isNaN(X[best]!))) best = p;
      }
      winners[o * inner + i] = best;
    }
  }
  return winners;
}
