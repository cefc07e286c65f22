/**
 * `keras.ops`: the tensor operations as functions, for code that reads like
 * Keras 3's `keras.ops.argmax(x)`. Each is the same op as the Tensor method.
 */
import { requireTensor, type Tensor, type TensorLike } from './tensor/tensor.js';
import * as elementwise from './tensor/ops/elementwise.js';
import * as unary from './tensor/ops/unary.js';
import * as reduce from './tensor/ops/reduce.js';
import * as shape from './tensor/ops/shape.js';
import { matmul as matmulOp, type MatmulOptions } from './tensor/ops/matmul.js';
import { softmax as softmaxOp, logSoftmax as logSoftmaxOp } from './tensor/ops/softmax.js';

/**
 * `fn` with its first argument checked to be a Tensor: as methods these ops
 * always have one (`this`); called as functions they may be given anything.
 */
function onTensor<A extends unknown[]>(name: string, fn: (x: Tensor, ...rest: A) => Tensor): (x: Tensor, ...rest: A) => Tensor {
  return (x, ...rest) => {
    requireTensor(x, `ops.${name}`);
    return fn(x, ...rest);
  };
}

export const { add, sub, mul, div, pow, maximum } = elementwise;
export const neg = onTensor('neg', unary.neg);
export const exp = onTensor('exp', unary.exp);
export const log = onTensor('log', unary.log);
export const sqrt = onTensor('sqrt', unary.sqrt);
export const square = onTensor('square', unary.square);
export const relu = onTensor('relu', unary.relu);
export const sigmoid = onTensor('sigmoid', unary.sigmoid);
export const tanh = onTensor('tanh', unary.tanh);
export const clip = onTensor('clip', unary.clip);
export const sum = onTensor('sum', reduce.sum);
export const mean = onTensor('mean', reduce.mean);
export const max = onTensor('max', reduce.max);
export const reshape = onTensor('reshape', shape.reshape);
export const sliceRows = onTensor('sliceRows', shape.sliceRows);
export const gather = onTensor('gather', shape.gather);
export const { oneHot } = shape;

/** op(a) · op(b) for 2-D tensors. */
export const matmul = (a: Tensor, b: Tensor, options?: MatmulOptions): Tensor => matmulOp(a, b, options);
/** Softmax along `axis` (default: the last). */
export const softmax = onTensor<[axis?: number]>('softmax', (x: Tensor, axis = -1): Tensor => softmaxOp(x, axis));
/** Log-softmax along `axis` (default: the last). */
export const logSoftmax = onTensor<[axis?: number]>('logSoftmax', (x: Tensor, axis = -1): Tensor => logSoftmaxOp(x, axis));

/**
 * The index of the largest value along `axis` (default: the last). For a
 * 1-D tensor the result is a scalar tensor: `argmax(p).item()` is a number.
 */
export const argmax = onTensor<[axis?: number]>('argmax', (x: Tensor, axis = -1): Tensor => reduce.argmax(x, axis));

export type { Tensor, TensorLike };
