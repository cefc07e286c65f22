/**
 * Softmax (its forward is the kernel in kernels/softmax.ts) and log-softmax along one axis, both max-subtracted so that large
 * inputs cannot overflow the exponential:
 *
 *     softmax(x)ᵢ    = e^(xᵢ − m) / Σⱼ e^(xⱼ − m),       m = maxⱼ xⱼ
 *     logSoftmax(x)ᵢ = xᵢ − m − ln Σⱼ e^(xⱼ − m)
 *
 * Backward, for one slice along the axis, with y the output and g = dOut:
 *     softmax:     dxᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ)
 *     logSoftmax:  dxᵢ = gᵢ − softmax(x)ᵢ Σⱼ gⱼ
 */
import { gradBuffer, record } from '../autograd.js';
import { normalizeAxis, splitAtAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { kernels } from '../kernels/index.js';

/**
 * Softmax along `axis` (default: the last). When it is the last axis the
 * output remembers its input as `logits`, so a crossentropy loss can use the
 * stable fused form, as Keras does.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'softmax');
  const { outer, n, inner } = splitAtAxis(x.shape, ax);
  const X = x.data;
  const Y = new Float32Array(X.length);
  forEachSlice(outer, n, inner, (start, stride) => kernels.softmaxSlice(X, Y, start, n, stride));
  const y = record(new Tensor(Y, x.shape), 'softmax', [x], (dOut) => {
    const dX = gradBuffer(x);
    forEachSlice(outer, n, inner, (start, stride) => {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += dOut[start + k * stride]! * Y[start + k * stride]!;
      for (let k = 0; k < n; k++) {
        const i = start + k * stride;
        dX[i]! += Y[i]! * (dOut[i]! - dot);
      }
    });
  });
  if (ax === x.rank - 1) y.logits = x;
  return y;
}

/** log(softmax(x)) along `axis`, computed without taking the log of a tiny number. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'logSoftmax');
  const { outer, n, inner } = splitAtAxis(x.shape, ax);
  const X = x.data;
  const Y = new Float32Array(X.length);
  forEachSlice(outer, n, inner, (start, stride) => {
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, X[start + k * stride]!);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += Math.exp(X[start + k * stride]! - max);
    const logSum = max + Math.log(sum);
    for (let k = 0; k < n; k++) Y[start + k * stride] = X[start + k * stride]! - logSum;
  });
  return record(new Tensor(Y, x.shape), 'logSoftmax', [x], (dOut) => {
    const dX = gradBuffer(x);
    forEachSlice(outer, n, inner, (start, stride) => {
      let gradSum = 0;
      for (let k = 0; k < n; k++) gradSum += dOut[start + k * stride]!;
      for (let k = 0; k < n; k++) {
        const i = start + k * stride;
        dX[i]! += dOut[i]! - Math.exp(Y[i]!) * gradSum;
      }
    });
  });
}

/**
 * Calls `fn(start, stride)` once per 1-D slice along the axis of a tensor
 * viewed as [outer, n, inner]: the slice's elements are start + k·stride.
 */
export function forEachSlice(
  outer: number,
  n: number,
  inner: number,
  fn: (start: number, stride: number) => void,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) fn(o * n * inner + i, inner);
  }
}
