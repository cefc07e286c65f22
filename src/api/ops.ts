/**
 * `keras.ops`: the tensor operations as functions, for code that reads like
 * Keras 3's `keras.ops.argmax(x)`. Each is the same op as the Tensor method,
 * and, as Keras takes NumPy arrays, each tensor argument may also be a
 * number, nested arrays or a typed array (see tensor/convert.ts).
 * Creating tensors filled with a value (zeros, ones, full) is here too, as
 * in Keras; `keras.tensor(values, shape)` makes one from values.
 */
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import * as elementwise from '../tensor/ops/elementwise.js';
import * as unary from '../tensor/ops/unary.js';
import * as reduce from '../tensor/ops/reduce.js';
import * as shape from '../tensor/ops/shape.js';
import { matmul as matmulOp, type MatmulOptions } from '../tensor/ops/matmul.js';
import { softmax as softmaxOp, logSoftmax as logSoftmaxOp } from '../tensor/ops/softmax.js';
import { toTensorInput, type TensorInput } from '../tensor/convert.js';

export { zeros, ones, full } from '../tensor/creation.js';

/** The op `fn` with its first argument converted from any TensorInput. */
function unaryOp<Rest extends unknown[]>(name: string, fn: (x: Tensor, ...rest: Rest) => Tensor) {
  return (x: TensorInput, ...rest: Rest): Tensor => fn(toTensorInput(x, 'x', `ops.${name}`), ...rest);
}

/** The op `fn` with both tensor arguments converted from any TensorInput. */
function binaryOp<Rest extends unknown[]>(name: string, fn: (a: Tensor, b: Tensor, ...rest: Rest) => Tensor) {
  return (a: TensorInput, b: TensorInput, ...rest: Rest): Tensor =>
    fn(toTensorInput(a, 'a', `ops.${name}`), toTensorInput(b, 'b', `ops.${name}`), ...rest);
}

export const add = binaryOp('add', elementwise.add);
export const sub = binaryOp('sub', elementwise.sub);
export const mul = binaryOp('mul', elementwise.mul);
export const div = binaryOp('div', elementwise.div);
export const pow = binaryOp('pow', elementwise.pow);
export const maximum = binaryOp('maximum', elementwise.maximum);
export const minimum = binaryOp('minimum', elementwise.minimum);

export const neg = unaryOp('neg', unary.neg);
export const exp = unaryOp('exp', unary.exp);
export const log = unaryOp('log', unary.log);
export const sqrt = unaryOp('sqrt', unary.sqrt);
export const square = unaryOp('square', unary.square);
export const relu = unaryOp('relu', unary.relu);
export const sigmoid = unaryOp('sigmoid', unary.sigmoid);
export const tanh = unaryOp('tanh', unary.tanh);
export const clip = unaryOp('clip', unary.clip);

export const sum = unaryOp('sum', reduce.sum);
export const mean = unaryOp('mean', reduce.mean);
export const max = unaryOp('max', reduce.max);

export const reshape = unaryOp('reshape', shape.reshape);
export const sliceRows = unaryOp('sliceRows', shape.sliceRows);
export const gather = unaryOp('gather', shape.gather);
export const oneHot = unaryOp('oneHot', shape.oneHot);
/** The tensors joined along `axis` (default: the last), as NumPy's concatenate. */
export const concatenate = (tensors: readonly TensorInput[], axis: number = -1): Tensor => {
  if (!Array.isArray(tensors)) return shape.concat(tensors as never, axis);
  return shape.concat(tensors.map((t, i) => toTensorInput(t, `tensors[${i}]`, 'ops.concatenate')), axis);
};
/** A new axis of size 1 at `axis`: `expandDims(img, 0)` makes a batch of one image (NumPy's expand_dims). */
export const expandDims = unaryOp('expandDims', shape.expandDims);
/** Drops the axes of size 1 (all, or those in `axis`). */
export const squeeze = unaryOp('squeeze', shape.squeeze);

/** op(a) · op(b) for 2-D tensors. */
export const matmul = binaryOp('matmul', (a: Tensor, b: Tensor, options?: MatmulOptions) => matmulOp(a, b, options));
/** Softmax along `axis` (default: the last). */
export const softmax = unaryOp('softmax', (x: Tensor, axis: number = -1) => softmaxOp(x, axis));
/** Log-softmax along `axis` (default: the last). */
export const logSoftmax = unaryOp('logSoftmax', (x: Tensor, axis: number = -1) => logSoftmaxOp(x, axis));

/**
 * The index of the largest value along `axis` (default: the last). For a
 * 1-D tensor the result is a scalar tensor: `argmax(p).item()` is a number.
 */
export const argmax = unaryOp('argmax', (x: Tensor, axis: number = -1) => reduce.argmax(x, axis));

export type { Tensor, TensorLike, TensorInput };
