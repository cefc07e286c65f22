/**
 * `keras.ops`: the tensor operations as functions, for code that reads like
 * Keras 3's `keras.ops.argmax(x)`. Each is the same op as the Tensor method.
 */
import type { Tensor, TensorLike } from './tensor/tensor.js';
import * as elementwise from './tensor/ops/elementwise.js';
import * as unary from './tensor/ops/unary.js';
import * as reduce from './tensor/ops/reduce.js';
import * as shape from './tensor/ops/shape.js';
import { matmul as matmulOp, type MatmulOptions } from './tensor/ops/matmul.js';
import { softmax as softmaxOp, logSoftmax as logSoftmaxOp } from './tensor/ops/softmax.js';

export const { add, sub, mul, div, pow, maximum } = elementwise;
export const { neg, exp, log, sqrt, square, relu, sigmoid, tanh, clip } = unary;
export const { sum, mean, max } = reduce;
export const { reshape, sliceRows, gather, oneHot } = shape;

/** op(a) · op(b) for 2-D tensors. */
export const matmul = (a: Tensor, b: Tensor, options?: MatmulOptions): Tensor => matmulOp(a, b, options);
/** Softmax along `axis` (default: the last). */
export const softmax = (x: Tensor, axis = -1): Tensor => softmaxOp(x, axis);
/** Log-softmax along `axis` (default: the last). */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => logSoftmaxOp(x, axis);

/**
 * The index of the largest value along `axis` (default: the last). For a
 * 1-D tensor the result is a scalar tensor: `argmax(p).item()` is a number.
 */
export const argmax = (x: Tensor, axis = -1): Tensor => reduce.argmax(x, axis);

export type { Tensor, TensorLike };
