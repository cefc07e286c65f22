/**
 * Shape helpers shared by every op: sizes, NumPy broadcasting, and the
 * outer × axis × inner split that lets one loop reduce along any axis.
 */
import { describeValue, ShapeError, ValueError } from '../errors.js';

export type Shape = readonly number[];

/** The most dimensions a tensor may have; far past any use, and it keeps the checks and printing cheap. */
export const MAX_RANK = 32;
/** The most values a tensor may hold: 2^30 float32s, 4 GiB, under every engine's typed-array limit. */
export const MAX_TENSOR_SIZE = 2 ** 30;

/**
 * Throws a ValueError naming `where` unless `shape` is a list of at most
 * MAX_RANK non-negative integers (or -1 where `allowInferred`, for reshape).
 */
export function checkShape(shape: unknown, where: string, allowInferred = false): asserts shape is number[] {
  const min = allowInferred ? -1 : 0;
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= min)) {
    throw new ValueError(
      `${where}: every dimension must be a non-negative integer${allowInferred ? ' (one may be -1, to be inferred)' : ''}; ` +
        `a shape is a list of at most ${MAX_RANK} of them, such as [2, 3]. Received: shape=${describeValue(shape)}`,
    );
  }
  const size = shape.reduce((n, d) => n * Math.abs(d), 1);
  if (size > MAX_TENSOR_SIZE) {
    throw new ValueError(`${where}: the shape holds ${size} values, more than a tensor can (2^30, 4 GiB of float32). Received: shape=${describeValue(shape)}`);
  }
}

/** Number of elements: the product of the dimensions (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Prints a shape the way Keras does: (None, 784), (28, 28), (). */
export function formatShape(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/**
 * NumPy broadcasting: align shapes on the right; each pair of dimensions
 * must be equal or one of them 1, and the result takes the other one
 * (so 0 against 1 gives 0: an empty batch plus a bias stays empty).
 */
export function broadcastShapes(a: Shape, b: Shape, opName: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${opName}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
          `(dimension ${i} of the aligned shapes is ${da} against ${db}; each pair must be equal or 1).`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides for reading a tensor of `shape` as if it had `outShape`
 * (same rank after left-padding with 1s): broadcast dimensions get stride 0,
 * so the same element is read again along them.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

/** Turns a possibly negative axis into 0..rank-1, or throws naming the op. */
export function normalizeAxis(axis: number, rank: number, opName: string): number {
  if (typeof axis !== 'number') throw new ValueError(`${opName}: axis must be an integer. Received: axis=${describeValue(axis)}`);
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) {
    throw new ValueError(`${opName}: axis ${axis} is out of range for a tensor of rank ${rank}.`);
  }
  return a;
}

/**
 * Views `shape` as [outer, n, inner] around `axis`, so element (o, k, i) sits
 * at index (o * n + k) * inner + i. Reductions and softmax loop over k.
 */
export function splitAtAxis(shape: Shape, axis: number): { outer: number; n: number; inner: number } {
  return {
    outer: sizeOf(shape.slice(0, axis)),
    n: shape[axis] ?? 1,
    inner: sizeOf(shape.slice(axis + 1)),
  };
}
