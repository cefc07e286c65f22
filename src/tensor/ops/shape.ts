/**
 * Ops that move values without arithmetic: reshape, row slicing, gathering
 * rows by index, concatenation, and one-hot encoding. Their backward passes route each
 * gradient back to the element it came from.
 */
import { gradBuffer, record } from '../autograd.js';
import { checkShape, normalizeAxis, sizeOf, splitAtAxis, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { describeValue, ShapeError, ValueError } from '../../errors.js';

/**
 * The same values under a new shape; one dimension may be -1 and is inferred.
 * Row-major order is unchanged, so the data is shared, not copied, and the
 * gradient passes through unchanged.
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = inferShape(shape, x.size, x.shape);
  return record(new Tensor(x.values, target), 'reshape', [x], (dOut) => {
    const dX = gradBuffer(x);
    for (let i = 0; i < dOut.length; i++) dX[i]! += dOut[i]!;
  });
}

function inferShape(shape: Shape, size: number, from: Shape): number[] {
  checkShape(shape, 'reshape', true);
  const unknown = shape.indexOf(-1);
  const known = sizeOf(shape.filter((d) => d !== -1));
  const out = [...shape];
  if (unknown >= 0 && shape.lastIndexOf(-1) === unknown && known > 0 && size % known === 0) out[unknown] = size / known;
  if (!out.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(out) !== size) {
    throw new ShapeError(
      `reshape: cannot reshape a tensor of shape [${from.join(', ')}] (${size} values) into [${shape.join(', ')}]. ` +
        'The sizes must match; at most one dimension may be -1.',
    );
  }
  return out;
}

/**
 * Rows start..end-1 (along the first axis). The result is a view: it shares
 * the parent's memory, which makes batching for evaluate/predict copy-free.
 */
export function sliceRows(x: Tensor, start: number, end: number): Tensor {
  const rows = x.shape[0];
  if (rows === undefined || !(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= rows)) {
    throw new ValueError(
      `sliceRows: need 0 ≤ start ≤ end ≤ ${rows ?? '(a tensor of rank ≥ 1)'}. Received: start=${describeValue(start)}, end=${describeValue(end)}, shape=[${x.shape.join(', ')}]`,
    );
  }
  const rowSize = sizeOf(x.shape.slice(1));
  const view = x.values.subarray(start * rowSize, end * rowSize);
  return record(new Tensor(view, [end - start, ...x.shape.slice(1)]), 'sliceRows', [x], (dOut) => {
    const dX = gradBuffer(x);
    for (let i = 0; i < dOut.length; i++) dX[start * rowSize + i]! += dOut[i]!;
  });
}

/** Row `index` of the first axis, without that axis: a [N, 10] tensor gives a [10] one. */
export function row(x: Tensor, index: number): Tensor {
  if (typeof index !== 'number') throw new ValueError(`row: the index must be an integer. Received: index=${describeValue(index)}`);
  const rows = x.shape[0] ?? 0;
  const i = index < 0 ? index + rows : index;
  if (!Number.isInteger(i) || i < 0 || i >= rows) {
    throw new ValueError(`row: index ${describeValue(index)} is out of range for ${rows} rows. Received: shape=[${x.shape.join(', ')}]`);
  }
  return reshape(sliceRows(x, i, i + 1), x.shape.slice(1));
}

/**
 * out[r] = x[indices[r]] along the first axis: a new tensor holding the
 * chosen rows in the given order (how `fit` assembles a shuffled batch).
 * Backward scatters each row's gradient back with +=.
 */
export function gather(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (!Array.isArray(indices) && !(ArrayBuffer.isView(indices) && !(indices instanceof DataView))) {
    throw new ValueError(`gather: indices must be a list or typed array of row numbers. Received: ${describeValue(indices)}`);
  }
  const rows = x.shape[0] ?? 0;
  const rowSize = sizeOf(x.shape.slice(1));
  const out = new Float32Array(indices.length * rowSize);
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r]!;
    if (!Number.isInteger(src) || src < 0 || src >= rows) {
      throw new ValueError(`gather: index ${describeValue(src)} at position ${r} is out of range for ${rows} rows.`);
    }
    out.set(x.values.subarray(src * rowSize, (src + 1) * rowSize), r * rowSize);
  }
  return record(new Tensor(out, [indices.length, ...x.shape.slice(1)]), 'gather', [x], (dOut) => {
    const dX = gradBuffer(x);
    for (let r = 0; r < indices.length; r++) {
      const base = indices[r]! * rowSize;
      for (let j = 0; j < rowSize; j++) dX[base + j]! += dOut[r * rowSize + j]!;
    }
  });
}

/**
 * concat([a, b], axis): the tensors side by side along `axis`, which may
 * differ in size; every other dimension must match. Seen as [outer, n, inner]
 * around the axis (splitAtAxis), each output row of outer index o is a's
 * n_a·inner values followed by b's n_b·inner values, and so on. Backward
 * hands each input back its own block of every output row.
 */
export function concat(tensors: readonly Tensor[], axis = -1): Tensor {
  // Array.from visits a sparse list's holes, which every() would skip.
  const given: unknown = tensors;
  if (!Array.isArray(given) || given.length === 0 || !Array.from(given).every((t) => t instanceof Tensor)) {
    throw new ValueError(`concat: expected a non-empty list of Tensors. Received: ${describeValue(tensors)}`);
  }
  const first = tensors[0]!;
  const ax = normalizeAxis(axis, first.rank, 'concat');
  for (const [i, t] of tensors.entries()) {
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== ax && d !== first.shape[k])) {
      throw new ShapeError(
        `concat: every input must have the shape of the first except along axis ${axis}. ` +
          `Received: input 0 shape=[${first.shape.join(', ')}], input ${i} shape=[${t.shape.join(', ')}]`,
      );
    }
  }
  const { outer, inner } = splitAtAxis(first.shape, ax);
  const widths = tensors.map((t) => t.shape[ax]! * inner);
  const rowWidth = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(outer * rowWidth);
  let offset = 0;
  tensors.forEach((t, i) => {
    const src = t.values;
    const w = widths[i]!;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * w, (o + 1) * w), o * rowWidth + offset);
    offset += w;
  });
  const shape = [...first.shape];
  shape[ax] = tensors.reduce((n, t) => n + t.shape[ax]!, 0);
  return record(new Tensor(out, shape), 'concat', tensors, (dOut) => {
    let start = 0;
    tensors.forEach((t, i) => {
      const w = widths[i]!;
      if (t.requiresGrad) {
        const dX = gradBuffer(t);
        for (let o = 0; o < outer; o++) {
          for (let j = 0; j < w; j++) dX[o * w + j]! += dOut[o * rowWidth + start + j]!;
        }
      }
      start += w;
    });
  });
}

/**
 * oneHot([2, 0], 3) = [[0, 0, 1], [1, 0, 0]]: a 1 at each index. The indices
 * are labels, so there is no gradient.
 */
export function oneHot(indices: Tensor, depth: number): Tensor {
  if (!(indices instanceof Tensor)) throw new ValueError(`oneHot: indices must be a Tensor of integer labels. Received: ${describeValue(indices)}`);
  if (!(Number.isInteger(depth) && depth > 0 && indices.size * depth <= 2 ** 30)) {
    throw new ValueError(`oneHot: depth must be a positive integer, the number of classes. Received: depth=${describeValue(depth)}`);
  }
  const out = new Float32Array(indices.size * depth);
  for (let r = 0; r < indices.size; r++) {
    const label = indices.data[r]!;
    if (!Number.isInteger(label) || label < 0 || label >= depth) {
      throw new ValueError(`oneHot: value ${label} at index ${r} is not an integer in [0, ${depth}).`);
    }
    out[r * depth + label] = 1;
  }
  return new Tensor(out, [...indices.shape, depth]);
}

/**
 * A new axis of size 1 at `axis` (negative counts from the end, -1 appends):
 * a [28, 28] image becomes a batch of one, [1, 28, 28], with `expandDims(img, 0)`.
 * A reshape, so the data is shared and the gradient passes through.
 */
export function expandDims(x: Tensor, axis: number): Tensor {
  const rank = x.rank + 1;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError(
      `expandDims: axis must be an integer in [${-rank}, ${rank - 1}] for a tensor of rank ${x.rank}. ` +
        `Received: axis=${describeValue(axis)}, shape=[${x.shape.join(', ')}]`,
    );
  }
  const ax = axis < 0 ? axis + rank : axis;
  const shape = [...x.shape];
  shape.splice(ax, 0, 1);
  return reshape(x, shape);
}

/**
 * The tensor without its axes of size 1: all of them, or those in `axis`,
 * each of which must have size 1. A reshape, like expandDims.
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  if (axis === undefined || axis === null) return reshape(x, x.shape.filter((d) => d !== 1));
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new ValueError(`squeeze: axis must be an integer or an array of integers. Received: axis=${describeValue(axis)}`);
  }
  const axes = (typeof axis === 'number' ? [axis] : [...axis]).map((a: unknown) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -x.rank || a >= x.rank) {
      throw new ValueError(
        `squeeze: each axis must be an integer in [${-x.rank}, ${x.rank - 1}] for a tensor of rank ${x.rank}. ` +
          `Received: axis=${describeValue(axis)}, shape=[${x.shape.join(', ')}]`,
      );
    }
    const ax = a < 0 ? a + x.rank : a;
    if (x.shape[ax] !== 1) {
      throw new ValueError(
        `squeeze: cannot squeeze axis ${a}, because its size is ${x.shape[ax]}, not 1. Received: axis=${JSON.stringify(axis)}, shape=[${x.shape.join(', ')}]`,
      );
    }
    return ax;
  });
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}
