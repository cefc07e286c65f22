/**
 * The Tensor: a row-major Float32Array with a shape, plus what autograd needs
 * (`requiresGrad`, `grad`, and the `node` that produced it).
 *
 * Element (i, j, k) of a [A, B, C] tensor sits at data[(i * B + j) * C + k].
 * Tensors are immutable from the user's side: every op returns a new tensor,
 * and memory is freed by the garbage collector, so there is no dispose().
 *
 * The methods below are thin conveniences; each op lives in `ops/` with its
 * forward and backward side by side.
 */
import { backward as runBackward, type GradNode } from './autograd.js';
import { checkShape, sizeOf, type Shape } from './shape.js';
import * as elementwise from './ops/elementwise.js';
import * as unary from './ops/unary.js';
import { matmul, type MatmulOptions } from './ops/matmul.js';
import { softmax, logSoftmax } from './ops/softmax.js';
import * as reduce from './ops/reduce.js';
import * as shapeOps from './ops/shape.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';

export type TensorLike = Tensor | number;

/**
 * How a tensor stores its values: 'float32' (every tensor an op makes), or
 * 'uint8' for image data as a dataset loader returns it (Keras keeps it so:
 * a quarter of the memory). Both read as float32 values.
 */
export type DType = 'float32' | 'uint8';

export class Tensor {
  /**
   * The values as float32, row-major. Treat as read-only: other tensors may
   * share it. A 'uint8' tensor makes this float32 copy on first use and keeps
   * it; `images.div(255)` reads `values` instead and never needs it.
   */
  readonly data!: Float32Array;
  /** The values as stored: `data` itself, or a 'uint8' tensor's bytes. */
  readonly values: Float32Array | Uint8Array;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Whether gradients flow to this tensor; true for weights and for values computed from them. */
  requiresGrad = false;
  /** dLoss/dThis after `backward()`, accumulated with `+=`; null until then. */
  grad: Tensor | null = null;
  /** How this tensor was computed, when it was recorded for autograd. */
  node: GradNode | null = null;
  /**
   * Set by softmax to the tensor it was applied to (over the last axis). A
   * crossentropy loss given this softmax output works from these logits
   * instead, which is exact and stable, as Keras does with `_keras_logits`.
   */
  logits: Tensor | null = null;
  /** A name for weights, such as "dense/kernel"; empty for intermediate values. */
  name = '';

  constructor(data: Float32Array | Uint8Array, shape: Shape) {
    if (!(data instanceof Float32Array) && !(data instanceof Uint8Array)) {
      throw new ValueError(`Tensor: the data must be a Float32Array or a Uint8Array (use tensor() for other values). Received: ${describeValue(data)}`);
    }
    checkShape(shape, 'Tensor');
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(
        `Tensor: shape [${shape.join(', ')}] holds ${sizeOf(shape)} values but the data has ${data.length}.`,
      );
    }
    this.values = data;
    if (data instanceof Uint8Array) {
      this.dtype = 'uint8';
      // Only uint8 tensors get an accessor; float32 ones keep a plain field (the fast path every op takes).
      let float32: Float32Array | null = null;
      Object.defineProperty(this, 'data', { get: () => (float32 ??= new Float32Array(data)), enumerable: true });
    } else {
      this.dtype = 'float32';
      this.data = data;
    }
    this.shape = Object.freeze([...shape]);
  }

  /** Number of elements. */
  get size(): number {
    return this.values.length;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** A tensor of zeros with this shape (no graph). */
  zerosLike(): Tensor {
    return new Tensor(new Float32Array(this.size), this.shape);
  }

  // Element-wise arithmetic, with NumPy broadcasting.
  add(other: TensorLike): Tensor { return elementwise.add(this, other); }
  sub(other: TensorLike): Tensor { return elementwise.sub(this, other); }
  mul(other: TensorLike): Tensor { return elementwise.mul(this, other); }
  div(other: TensorLike): Tensor { return elementwise.div(this, other); }
  pow(other: TensorLike): Tensor { return elementwise.pow(this, other); }
  maximum(other: TensorLike): Tensor { return elementwise.maximum(this, other); }

  // Element-wise functions.
  neg(): Tensor { return unary.neg(this); }
  exp(): Tensor { return unary.exp(this); }
  log(): Tensor { return unary.log(this); }
  sqrt(): Tensor { return unary.sqrt(this); }
  square(): Tensor { return unary.square(this); }
  relu(): Tensor { return unary.relu(this); }
  sigmoid(): Tensor { return unary.sigmoid(this); }
  tanh(): Tensor { return unary.tanh(this); }
  elu(): Tensor { return unary.elu(this); }
  selu(): Tensor { return unary.selu(this); }
  leakyRelu(): Tensor { return unary.leakyRelu(this); }
  softplus(): Tensor { return unary.softplus(this); }
  swish(): Tensor { return unary.swish(this); }
  gelu(): Tensor { return unary.gelu(this); }
  clip(min: number, max: number): Tensor { return unary.clip(this, min, max); }

  // Linear algebra and normalisation.
  matmul(other: Tensor, options?: MatmulOptions): Tensor { return matmul(this, asTensor(other), options); }
  softmax(axis = -1): Tensor { return softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return logSoftmax(this, axis); }

  // Reductions: over one axis, or over everything when axis is omitted.
  sum(axis?: number, keepDims = false): Tensor { return reduce.sum(this, axis, keepDims); }
  mean(axis?: number, keepDims = false): Tensor { return reduce.mean(this, axis, keepDims); }
  max(axis?: number, keepDims = false): Tensor { return reduce.max(this, axis, keepDims); }
  argmax(axis = -1): Tensor { return reduce.argmax(this, axis); }

  // Shape and indexing.
  reshape(shape: Shape): Tensor { return shapeOps.reshape(this, shape); }
  flatten(): Tensor { return shapeOps.reshape(this, [this.size]); }
  sliceRows(start: number, end: number): Tensor { return shapeOps.sliceRows(this, start, end); }
  row(index: number): Tensor { return shapeOps.row(this, index); }
  gather(indices: ArrayLike<number>): Tensor { return shapeOps.gather(this, indices); }

  /** Computes gradients of this scalar with respect to everything it depends on. */
  backward(): void {
    runBackward(this);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item() needs a tensor with one element. Received: shape=[${this.shape.join(', ')}]`);
    }
    return this.data[0]!;
  }

  /** The values as nested JavaScript arrays (a number for a scalar). */
  toArray(): NestedArray {
    const build = (offset: number, dim: number): NestedArray => {
      if (dim === this.rank) return this.data[offset]!;
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(build(offset + i * stride, dim + 1));
      return out;
    };
    return build(0, 0);
  }

  /** Like NumPy: `Tensor([0.1, 0.9], shape=[2])`, eliding the middle of long tensors. */
  toString(): string {
    const values = Array.from(this.values.subarray(0, 6), (v) => String(Number(v.toPrecision(6))));
    const body = this.rank === 0 ? values[0] : `[${values.join(', ')}${this.size > 6 ? ', …' : ''}]`;
    return `Tensor(${body}, shape=[${this.shape.join(', ')}])`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export type NestedArray = number | NestedArray[];

/** Throws a ValueError naming `where` unless `value` is a Tensor. */
export function requireTensor(value: unknown, where: string): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new ValueError(`${where}: expected a Tensor. Received: ${describeValue(value)}`);
}

/** Wraps a plain number as a scalar tensor so binary ops accept both. */
export function asTensor(value: TensorLike): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number') throw new ValueError(`expected a Tensor or a number. Received: ${describeValue(value)}`);
  return new Tensor(Float32Array.of(value), []);
}
