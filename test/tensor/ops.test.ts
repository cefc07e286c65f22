/**
 * Forward values of the tensor ops: small hand-computed cases and error
 * messages, then fast-check properties against plain reference loops written
 * here (broadcasting, softmax, matmul, broadcast gradients, reshape).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor, zeros, ones, full } from '../../src/tensor/creation.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { sizeOf, type Shape } from '../../src/tensor/shape.js';
import * as ops from '../../src/api/ops.js';

/** Element-wise closeness, with a readable failure. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i], `element ${i}`).toBeCloseTo(expected[i]!, digits);
  }
}

const M = [
  [1, 2, 3],
  [4, 5, 6],
];

// ---------------------------------------------------------------------------
// Hand-computed values

describe('element-wise binary ops', () => {
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);
  const b = tensor([10, 20]);

  it('add, sub, mul, div with row broadcasting', () => {
    expect(a.add(b).toArray()).toEqual([
      [11, 22],
      [13, 24],
    ]);
    expect(a.sub(b).toArray()).toEqual([
      [-9, -18],
      [-7, -16],
    ]);
    expect(a.mul(b).toArray()).toEqual([
      [10, 40],
      [30, 80],
    ]);
    expectClose(a.div(b).data, [0.1, 0.1, 0.3, 0.2]);
  });

  it('column broadcasting [2, 1] with [1, 3] gives [2, 3]', () => {
    const col = tensor([[1], [2]]);
    const row = tensor([[10, 20, 30]]);
    const sum = col.add(row);
    expect(sum.shape).toEqual([2, 3]);
    expect(sum.toArray()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
  });

  it('numbers on either side', () => {
    expect(a.add(1).toArray()).toEqual([
      [2, 3],
      [4, 5],
    ]);
    expect(ops.sub(10, a).toArray()).toEqual([
      [9, 8],
      [7, 6],
    ]);
    expect(ops.div(12, a).toArray()).toEqual([
      [12, 6],
      [4, 3],
    ]);
    expect(ops.add(2, 3).shape).toEqual([]);
    expect(ops.add(2, 3).item()).toBe(5);
  });

  it('pow and maximum', () => {
    expect(a.pow(2).toArray()).toEqual([
      [1, 4],
      [9, 16],
    ]);
    expectClose(tensor([4, 9, 8]).pow(tensor([0.5, 0.5, -1])).data, [2, 3, 0.125]);
    expect(tensor([-1, 2, -3, 4]).maximum(0).toArray()).toEqual([0, 2, 0, 4]);
    expect(tensor([1, 5]).maximum(tensor([[3], [0]])).toArray()).toEqual([
      [3, 5],
      [1, 5],
    ]);
  });

  it('incompatible shapes throw, naming the op and both shapes', () => {
    for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum'] as const) {
      expect(() => ops[op](zeros([2, 3]), zeros([2]))).toThrow(new RegExp(`^${op}: shapes \\(2, 3\\) and \\(2,\\) cannot be broadcast`));
    }
    expect(() => zeros([4, 3]).add(zeros([2, 2, 3]))).toThrow(/add: .*cannot be broadcast/);
    // [4, 3] with [2, 1, 3] is fine: [2, 4, 3].
    expect(zeros([4, 3]).add(zeros([2, 1, 3])).shape).toEqual([2, 4, 3]);
  });

  it('inputs are not modified', () => {
    const x = tensor([1, 2]);
    x.add(1);
    x.mul(x);
    expect(Array.from(x.data)).toEqual([1, 2]);
  });

  // NumPy broadcasts a dimension of 0 against 1 to 0 (an empty result);
  // taking the larger of the two would read past the end of the empty operand.
  it('broadcasting an empty dimension against 1 gives an empty result, as in NumPy', () => {
    const empty = zeros([0, 3]);
    const sum = empty.add(ones([1, 3]));
    expect(sum.shape).toEqual([0, 3]);
    expect(sum.size).toBe(0);
  });

  // The same without an explicit 1: [3] is left-padded to [1, 3].
  it('an empty batch plus a bias stays empty: [0, 3] + [3] → [0, 3]', () => {
    const sum = zeros([0, 3]).add(ones([3]));
    expect(sum.shape).toEqual([0, 3]);
  });

  it('same-shape empty tensors work', () => {
    const sum = zeros([0, 3]).add(zeros([0, 3]));
    expect(sum.shape).toEqual([0, 3]);
    expect(zeros([2, 0]).mul(zeros([2, 0])).shape).toEqual([2, 0]);
  });
});

describe('unary ops', () => {
  it('values', () => {
    const x = tensor([-2, 0, 1, 4]);
    expect(x.neg().toArray()).toEqual([2, -0, -1, -4]);
    expectClose(x.exp().data, [Math.exp(-2), 1, Math.E, Math.exp(4)], 4);
    expectClose(tensor([1, Math.E, 0.5]).log().data, [0, 1, Math.log(0.5)]);
    expect(tensor([0, 4, 9]).sqrt().toArray()).toEqual([0, 2, 3]);
    expect(x.square().toArray()).toEqual([4, 0, 1, 16]);
    expect(x.relu().toArray()).toEqual([0, 0, 1, 4]);
    expectClose(x.sigmoid().data, [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(-4))]);
    expectClose(x.tanh().data, [Math.tanh(-2), 0, Math.tanh(1), Math.tanh(4)]);
    expect(x.clip(-1, 2).toArray()).toEqual([-1, 0, 1, 2]);
    expect(tensor(3).exp().shape).toEqual([]);
  });

  it('sigmoid is finite and saturates for huge inputs', () => {
    const s = tensor([-1000, -100, 100, 1000]).sigmoid();
    expect(Array.from(s.data).every(Number.isFinite)).toBe(true);
    expect(s.data[0]).toBe(0);
    expect(s.data[3]).toBe(1);
  });

  it('log(0) = -Infinity and log of a negative is NaN, as in NumPy', () => {
    const y = tensor([0, -1]).log();
    expect(y.data[0]).toBe(-Infinity);
    expect(Number.isNaN(y.data[1])).toBe(true);
  });

  it('clip with min > max throws naming clip', () => {
    expect(() => tensor([1]).clip(2, 1)).toThrow(/^clip: the minimum must not exceed the maximum/);
  });

  it('keeps the shape', () => {
    const x = zeros([2, 3, 4]);
    for (const y of [x.neg(), x.exp(), x.sigmoid(), x.tanh(), x.relu(), x.square(), x.clip(0, 1)]) {
      expect(y.shape).toEqual([2, 3, 4]);
    }
  });
});

describe('softmax and logSoftmax', () => {
  const SOFTMAX_123 = [0.09003057, 0.24472847, 0.66524096];

  it('softmax([1, 2, 3])', () => {
    expectClose(tensor([1, 2, 3]).softmax().data, SOFTMAX_123, 6);
  });

  it('softmax along the last axis and along axis 0', () => {
    const x = tensor([
      [1, 2, 3],
      [1, 1, 1],
    ]);
    const rows = x.softmax();
    expectClose(rows.data, [...SOFTMAX_123, 1 / 3, 1 / 3, 1 / 3], 6);
    const cols = x.softmax(0);
    const e = Math.exp(1);
    const e2 = Math.exp(2);
    expectClose(cols.data, [0.5, e2 / (e2 + e), Math.exp(3) / (Math.exp(3) + e), 0.5, e / (e2 + e), e / (Math.exp(3) + e)], 6);
  });

  it('softmax is shift invariant and stable for huge inputs', () => {
    expectClose(tensor([1001, 1002, 1003]).softmax().data, SOFTMAX_123, 6);
    expectClose(tensor([-1e4, -1e4 + 1, -1e4 + 2]).softmax().data, SOFTMAX_123, 4);
    const y = tensor([1000, 0, -1000]).softmax();
    expect(Array.from(y.data)).toEqual([1, 0, 0]);
  });

  it('logSoftmax([1000, 1001]) stays finite and exact', () => {
    const y = tensor([1000, 1001]).logSoftmax();
    const lse = Math.log1p(Math.exp(-1));
    expectClose(y.data, [-1 - lse, -lse], 4);
    expect(Array.from(tensor([-1000, -1001]).logSoftmax().data).every(Number.isFinite)).toBe(true);
    // Far apart: log p of the loser is about −2000, not −Infinity.
    expect(tensor([1000, -1000]).logSoftmax().data[1]).toBeCloseTo(-2000, 2);
  });

  it('logSoftmax equals log(softmax) on moderate inputs, on any axis', () => {
    const x = tensor([
      [[0.1, -0.2], [0.3, 0.5]],
      [[1, 2], [-1, 0]],
    ]);
    for (const axis of [0, 1, 2, -1]) {
      expectClose(x.logSoftmax(axis).data, x.softmax(axis).log().data, 5);
    }
  });

  it('softmax over the last axis remembers its logits; other axes do not', () => {
    const x = tensor(M);
    expect(x.softmax().logits).toBe(x);
    expect(x.softmax(1).logits).toBe(x);
    expect(x.softmax(0).logits).toBeNull();
    expect(x.exp().logits).toBeNull();
  });

  it('bad axes throw naming the op', () => {
    expect(() => tensor(M).softmax(2)).toThrow(/^softmax: axis 2 is out of range for a tensor of rank 2/);
    expect(() => tensor(M).logSoftmax(-3)).toThrow(/^logSoftmax: axis -3 is out of range/);
    expect(() => tensor(M).softmax(0.5)).toThrow(/^softmax: axis 0.5/);
  });
});

describe('reductions', () => {
  const x = tensor(M);

  it('sum along each axis, negative axes, all, with keepDims shapes', () => {
    expect(x.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(x.sum(1).toArray()).toEqual([6, 15]);
    expect(x.sum(-1).toArray()).toEqual([6, 15]);
    expect(x.sum(-2).toArray()).toEqual([5, 7, 9]);
    expect(x.sum().item()).toBe(21);
    expect(x.sum().shape).toEqual([]);
    expect(x.sum(0, true).shape).toEqual([1, 3]);
    expect(x.sum(1, true).toArray()).toEqual([[6], [15]]);
    expect(x.sum(undefined, true).shape).toEqual([1, 1]);
    expect(x.sum(undefined, true).toArray()).toEqual([[21]]);
  });

  it('mean', () => {
    expect(x.mean(0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(x.mean(1).toArray()).toEqual([2, 5]);
    expect(x.mean().item()).toBe(3.5);
    expect(x.mean(1, true).shape).toEqual([2, 1]);
  });

  it('max', () => {
    const y = tensor([
      [3, -1, 2],
      [-5, 4, 0],
    ]);
    expect(y.max(0).toArray()).toEqual([3, 4, 2]);
    expect(y.max(1).toArray()).toEqual([3, 4]);
    expect(y.max().item()).toBe(4);
    expect(y.max(0, true).shape).toEqual([1, 3]);
    expect(tensor([-3, -1, -2]).max().item()).toBe(-1);
  });

  it('3-D reductions along the middle axis', () => {
    // t[i][j][k] = 100i + 10j + k
    const t = new Tensor(Float32Array.from({ length: 24 }, (_, n) => 100 * Math.floor(n / 12) + 10 * (Math.floor(n / 4) % 3) + (n % 4)), [2, 3, 4]);
    const s = t.sum(1);
    expect(s.shape).toEqual([2, 4]);
    expect(s.toArray()).toEqual([
      [30, 33, 36, 39],
      [330, 333, 336, 339],
    ]);
    expect(t.max(1, true).shape).toEqual([2, 1, 4]);
    expect(t.max(1).toArray()).toEqual([
      [20, 21, 22, 23],
      [120, 121, 122, 123],
    ]);
    expect(t.mean(2).toArray()).toEqual([
      [1.5, 11.5, 21.5],
      [101.5, 111.5, 121.5],
    ]);
    expect(t.argmax(0).toArray()).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
  });

  it('argmax along axes; ties go to the first index', () => {
    const y = tensor([
      [1, 3, 3],
      [7, 7, 0],
      [2, 2, 2],
    ]);
    expect(y.argmax().toArray()).toEqual([1, 0, 0]);
    expect(y.argmax(0).toArray()).toEqual([1, 1, 0]);
    expect(y.argmax(-1).shape).toEqual([3]);
    // 1-D → a scalar tensor.
    const s = ops.argmax(tensor([0.1, 0.7, 0.2]));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(1);
    expect(tensor([5, 5, 5, 5]).argmax().item()).toBe(0);
  });

  it('argmax has no gradient', () => {
    const w = tensor([1, 2]);
    w.requiresGrad = true;
    expect(w.argmax().requiresGrad).toBe(false);
  });

  it('sum of a scalar, and over an empty tensor', () => {
    expect(tensor(4).sum().item()).toBe(4);
    expect(zeros([0]).sum().item()).toBe(0);
    expect(zeros([2, 0]).sum(1).toArray()).toEqual([0, 0]);
  });

  it('bad axes and empty axes throw naming the op', () => {
    expect(() => x.sum(2)).toThrow(/^sum: axis 2 is out of range for a tensor of rank 2/);
    expect(() => x.mean(-3)).toThrow(/^mean: axis -3 is out of range/);
    expect(() => x.max(5)).toThrow(/^max: axis 5 is out of range/);
    expect(() => x.argmax(2)).toThrow(/^argmax: axis 2 is out of range/);
    expect(() => zeros([2, 0]).max(1)).toThrow(/^max: cannot reduce over an empty axis/);
    expect(() => zeros([2, 0]).argmax(1)).toThrow(/^argmax: cannot reduce over an empty axis/);
  });
});

describe('matmul', () => {
  const A = tensor(M); // 2×3
  const B = tensor([
    [1, 0],
    [0, 1],
    [2, -1],
  ]); // 3×2

  it('the four transpose flags', () => {
    expect(A.matmul(B).toArray()).toEqual([
      [7, -1],
      [16, -1],
    ]);
    // Aᵀ·A: 3×3
    expect(A.matmul(A, { transposeA: true }).toArray()).toEqual([
      [17, 22, 27],
      [22, 29, 36],
      [27, 36, 45],
    ]);
    // A·Aᵀ: 2×2
    expect(A.matmul(A, { transposeB: true }).toArray()).toEqual([
      [14, 32],
      [32, 77],
    ]);
    // Aᵀ·Bᵀ = (B·A)ᵀ: 3×3
    expect(A.matmul(B, { transposeA: true, transposeB: true }).toArray()).toEqual([
      [1, 4, -2],
      [2, 5, -1],
      [3, 6, 0],
    ]);
  });

  it('errors name matmul and the shapes', () => {
    expect(() => A.matmul(A)).toThrow(/^matmul: the inner dimensions must match.*2×3.*2×3/);
    expect(() => A.matmul(tensor([1, 2, 3]))).toThrow(/^matmul: both operands must be 2-D.*\[2, 3\].*\[3\]/);
    expect(() => A.matmul(B, { transposeB: true })).toThrow(/^matmul: .*transposed/);
  });

  it('empty dimensions', () => {
    expect(zeros([0, 3]).matmul(zeros([3, 2])).shape).toEqual([0, 2]);
    expect(zeros([2, 0]).matmul(zeros([0, 2])).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});

describe('shape ops', () => {
  it('reshape, with -1 inferred', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    expect(x.reshape([2, 3]).toArray()).toEqual(M);
    expect(x.reshape([-1, 2]).shape).toEqual([3, 2]);
    expect(x.reshape([3, -1]).shape).toEqual([3, 2]);
    expect(x.reshape([1, -1, 1]).shape).toEqual([1, 6, 1]);
    expect(tensor([7]).reshape([]).shape).toEqual([]);
    expect(tensor(7).reshape([1, 1]).toArray()).toEqual([[7]]);
    expect(tensor(M).flatten().toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reshape shares the data (no copy)', () => {
    const x = tensor(M);
    expect(x.reshape([6]).data).toBe(x.data);
  });

  it('bad reshapes throw naming reshape', () => {
    const x = zeros([2, 3]);
    expect(() => x.reshape([4])).toThrow(/^reshape: cannot reshape a tensor of shape \[2, 3\] \(6 values\) into \[4\]/);
    expect(() => x.reshape([-1, -1])).toThrow(/^reshape: .*at most one dimension may be -1/);
    expect(() => x.reshape([4, -1])).toThrow(/^reshape:/);
    expect(() => x.reshape([2, 1.5, 2])).toThrow(/^reshape:/);
    expect(() => x.reshape([-2, -3])).toThrow(/^reshape:/);
  });

  it('sliceRows is a view of the parent memory', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const s = x.sliceRows(1, 3);
    expect(s.shape).toEqual([2, 2]);
    expect(s.toArray()).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect(s.data.buffer).toBe(x.data.buffer);
    expect(s.data.byteOffset).toBe(2 * 4);
    // A write through the parent shows through the view.
    x.data[2] = 30;
    expect(s.data[0]).toBe(30);
    expect(x.sliceRows(4, 4).shape).toEqual([0, 2]);
    expect(x.sliceRows(0, 4).toArray()).toEqual(x.toArray());
  });

  it('sliceRows errors', () => {
    const x = zeros([4, 2]);
    expect(() => x.sliceRows(3, 2)).toThrow(/^sliceRows: need 0 ≤ start ≤ end ≤ 4. Received: start=3, end=2/);
    expect(() => x.sliceRows(0, 5)).toThrow(/^sliceRows:/);
    expect(() => x.sliceRows(-1, 2)).toThrow(/^sliceRows:/);
    expect(() => x.sliceRows(0.5, 2)).toThrow(/^sliceRows:/);
    expect(() => tensor(1).sliceRows(0, 0)).toThrow(/^sliceRows:/);
  });

  it('row, including negative indices', () => {
    const x = tensor(M);
    expect(x.row(0).toArray()).toEqual([1, 2, 3]);
    expect(x.row(-1).toArray()).toEqual([4, 5, 6]);
    expect(x.row(1).shape).toEqual([3]);
    expect(tensor([1, 2]).row(1).shape).toEqual([]);
    expect(() => x.row(2)).toThrow(/^row: index 2 is out of range for 2 rows/);
    expect(() => x.row(-3)).toThrow(/^row: index -3 is out of range/);
  });

  it('gather rows in any order, with repeats', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const g = x.gather([2, 0, 2]);
    expect(g.toArray()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    expect(g.data.buffer).not.toBe(x.data.buffer); // a copy, not a view
    expect(x.gather(new Int32Array(0)).shape).toEqual([0, 2]);
    expect(tensor([10, 20, 30]).gather([1, 1]).toArray()).toEqual([20, 20]);
    expect(() => x.gather([0, 3])).toThrow(/^gather: index 3 at position 1 is out of range for 3 rows/);
    expect(() => x.gather([-1])).toThrow(/^gather: index -1/);
    expect(() => x.gather([0.5])).toThrow(/^gather: index 0.5/);
  });

  it('oneHot', () => {
    const y = ops.oneHot(tensor([2, 0, 1]), 3);
    expect(y.shape).toEqual([3, 3]);
    expect(y.toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(ops.oneHot(tensor([[1], [0]]), 2).shape).toEqual([2, 1, 2]);
    expect(() => ops.oneHot(tensor([3]), 3)).toThrow(/^oneHot: value 3 at index 0 is not an integer in \[0, 3\)/);
    expect(() => ops.oneHot(tensor([0, 1.5]), 3)).toThrow(/^oneHot: value 1.5 at index 1/);
    expect(() => ops.oneHot(tensor([-1]), 3)).toThrow(/^oneHot:/);
  });
});

describe('creation and Tensor basics', () => {
  it('tensor() infers shapes and rejects ragged arrays', () => {
    expect(tensor(M).shape).toEqual([2, 3]);
    expect(tensor(5).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor(Float32Array.of(1, 2, 3, 4), [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => tensor([[1, 2], [3]])).toThrow(/^tensor: the nested arrays are ragged/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/^Tensor: shape \[2, 2\] holds 4 values but the data has 3/);
  });

  it('the constructor rejects bad shapes', () => {
    expect(() => new Tensor(new Float32Array(2), [-2])).toThrow(/^Tensor: every dimension must be a non-negative integer/);
    expect(() => new Tensor(new Float32Array(2), [2.5])).toThrow(/^Tensor:/);
  });

  it('zeros, ones, full, item, toArray, toString', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([1, 2]).toArray()).toEqual([[1, 1]]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(tensor(3).toArray()).toBe(3);
    expect(tensor([[4]]).item()).toBe(4);
    expect(() => tensor([1, 2]).item()).toThrow(/^item\(\) needs a tensor with one element/);
    expect(tensor([0.1, 0.9]).toString()).toBe('Tensor([0.1, 0.9], shape=[2])');
    expect(tensor([1, 2, 3, 4, 5, 6, 7]).toString()).toBe('Tensor([1, 2, 3, 4, 5, 6, …], shape=[7])');
    expect(tensor(2).toString()).toBe('Tensor(2, shape=[])');
    // Shapes are frozen copies.
    const shape = [2];
    const t = zeros(shape);
    shape[0] = 5;
    expect(t.shape).toEqual([2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Properties

/** Row-major strides of a shape. */
function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Every multi-index of `shape`, in row-major order. */
function* multiIndices(shape: Shape): Generator<number[]> {
  const n = sizeOf(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let count = 0; count < n; count++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** The flat index that an output multi-index reads from an operand of `shape` (aligned on the right, 1s repeat). */
function sourceIndex(outIndex: number[], shape: Shape): number {
  const strides = stridesOf(shape);
  const offset = outIndex.length - shape.length;
  let flat = 0;
  for (let d = 0; d < shape.length; d++) {
    const i = shape[d] === 1 ? 0 : outIndex[offset + d]!;
    flat += i * strides[d]!;
  }
  return flat;
}

/** Random values from a seed, optionally kept in [lo, hi). */
function randomData(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  const g = new RandomGenerator(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * g.uniform());
}

/** An output shape and two operand shapes that broadcast to it. */
const arbBroadcastShapes = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((out) => {
    const operand = fc
      .tuple(
        fc.integer({ min: 0, max: out.length }), // leading dims to drop
        fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }), // dims to set to 1
      )
      .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.tuple(operand, operand);
  })
  .map(([a, b]) => ({ a, b }));

const REFERENCE: Record<'add' | 'sub' | 'mul' | 'div' | 'maximum', (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: (x, y) => (x >= y ? x : y),
};
const OP_NAMES = Object.keys(REFERENCE) as Array<keyof typeof REFERENCE>;

/** The broadcast output shape by the NumPy rule, written independently of the library. */
function referenceShape(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

describe('properties', () => {
  it('(a) broadcasting add/sub/mul/div/maximum equals a multi-index reference loop', () => {
    fc.assert(
      fc.property(arbBroadcastShapes, fc.constantFrom(...OP_NAMES), fc.integer(), ({ a: aShape, b: bShape }, op, seed) => {
        const a = new Tensor(randomData(sizeOf(aShape), seed), aShape);
        // Divisors kept away from 0; maximum also sees some exact ties.
        const bData = op === 'div' ? randomData(sizeOf(bShape), seed + 1, 0.5, 3) : randomData(sizeOf(bShape), seed + 1);
        if (op === 'maximum' && bData.length > 0 && a.size > 0) bData[0] = a.data[0]!;
        const b = new Tensor(bData, bShape);
        const out = ops[op](a, b);
        const outShape = referenceShape(aShape, bShape);
        expect(out.shape).toEqual(outShape);
        const expected = new Float32Array(sizeOf(outShape));
        let o = 0;
        for (const idx of multiIndices(outShape)) {
          expected[o++] = REFERENCE[op](a.data[sourceIndex(idx, aShape)]!, b.data[sourceIndex(idx, bShape)]!);
        }
        expect(out.data).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('(a) incompatible shapes throw, naming the op', () => {
    const arb = fc
      .tuple(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
      )
      .map(([shape, position, dim, shift, drop, swap]) => {
        const p = position % shape.length;
        const a = [...shape];
        a[p] = dim;
        const b = [...shape];
        b[p] = dim + shift; // both ≥ 2 and different
        const bDropped = b.slice(Math.min(drop, p)); // dropping leading dims keeps the clash
        return swap ? { a: bDropped, b: a } : { a, b: bDropped };
      });
    fc.assert(
      fc.property(arb, fc.constantFrom(...OP_NAMES), ({ a, b }, op) => {
        expect(() => ops[op](zeros(a), zeros(b))).toThrow(new RegExp(`^${op}: .*cannot be broadcast together`));
      }),
      { numRuns: 100 },
    );
  });

  it('(b) softmax slices sum to 1 and lie in [0, 1], for inputs up to ±1e4', () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 })
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
          values: fc.array(
            fc.oneof(
              fc.float({ min: -1e4, max: 1e4, noNaN: true }),
              fc.float({ min: -10, max: 10, noNaN: true }),
              fc.constantFrom(0, 1e4, -1e4),
            ),
            { minLength: sizeOf(shape), maxLength: sizeOf(shape) },
          ),
        }),
      );
    fc.assert(
      fc.property(arb, ({ shape, axis, values }) => {
        const x = new Tensor(Float32Array.from(values), shape);
        const y = x.softmax(axis);
        const logY = x.logSoftmax(axis);
        expect(y.shape).toEqual(shape);
        for (const v of y.data) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        for (const v of logY.data) {
          expect(Number.isFinite(v)).toBe(true);
          expect(v).toBeLessThanOrEqual(0);
        }
        const sums = y.sum(axis);
        for (const s of sums.data) expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-5);
        // Also via logSoftmax: Σ exp(log p) = 1.
        for (const s of logY.exp().sum(axis).data) expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-5);
      }),
      { numRuns: 200 },
    );
  });

  /** Naive C = op(A)·op(B) by a triple loop over the stored layouts. */
  function naiveMatmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): { data: Float64Array; m: number; n: number } {
    const m = transA ? a.shape[1]! : a.shape[0]!;
    const k = transA ? a.shape[0]! : a.shape[1]!;
    const n = transB ? b.shape[0]! : b.shape[1]!;
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a.data[p * m + i]! : a.data[i * k + p]!;
          const bv = transB ? b.data[j * k + p]! : b.data[p * n + j]!;
          s += av * bv;
        }
        out[i * n + j] = s;
      }
    }
    return { data: out, m, n };
  }

  const dim = fc.integer({ min: 1, max: 20 });
  /** Values with many exact zeros (whole rows/columns sometimes), to exercise zero skipping. */
  const sparseValue = fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: -4, max: 4 }) },
  );
  const matmulCase = (value: fc.Arbitrary<number>) =>
    fc
      .record({ m: dim, k: dim, n: dim, transA: fc.boolean(), transB: fc.boolean(), zeroRows: fc.boolean() })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          a: fc.array(value, { minLength: c.m * c.k, maxLength: c.m * c.k }),
          b: fc.array(value, { minLength: c.k * c.n, maxLength: c.k * c.n }),
        }),
      );

  it('(c) matmul equals a naive triple loop (integer values with many zeros: exact)', () => {
    fc.assert(
      fc.property(matmulCase(sparseValue), ({ c, a: aValues, b: bValues }) => {
        const aData = Float32Array.from(aValues);
        // Sometimes zero out whole stored rows of A, as a ReLU or image border would.
        if (c.zeroRows) for (let r = 0; r < aData.length; r += 3 * c.k) aData.fill(0, r, r + c.k);
        const a = new Tensor(aData, c.transA ? [c.k, c.m] : [c.m, c.k]);
        const b = new Tensor(Float32Array.from(bValues), c.transB ? [c.n, c.k] : [c.k, c.n]);
        const out = a.matmul(b, { transposeA: c.transA, transposeB: c.transB });
        const ref = naiveMatmul(a, b, c.transA, c.transB);
        expect(out.shape).toEqual([ref.m, ref.n]);
        expect(Array.from(out.data)).toEqual(Array.from(ref.data));
      }),
      { numRuns: 200 },
    );
  });

  it('(c) matmul equals a naive triple loop (real values, within float32 rounding)', () => {
    const real = fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.float({ min: -10, max: 10, noNaN: true }) },
    );
    fc.assert(
      fc.property(matmulCase(real), ({ c, a: aValues, b: bValues }) => {
        const a = new Tensor(Float32Array.from(aValues), c.transA ? [c.k, c.m] : [c.m, c.k]);
        const b = new Tensor(Float32Array.from(bValues), c.transB ? [c.n, c.k] : [c.k, c.n]);
        const out = a.matmul(b, { transposeA: c.transA, transposeB: c.transB });
        const ref = naiveMatmul(a, b, c.transA, c.transB);
        // Bound the rounding by the sum of |products|, which cancellation cannot shrink.
        const absRef = naiveMatmul(
          new Tensor(a.data.map(Math.abs), a.shape),
          new Tensor(b.data.map(Math.abs), b.shape),
          c.transA,
          c.transB,
        );
        for (let i = 0; i < ref.data.length; i++) {
          expect(Math.abs(out.data[i]! - ref.data[i]!)).toBeLessThanOrEqual(1e-6 * absRef.data[i]! + 1e-30);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('(d) the gradient w.r.t. a broadcast operand is the reference sum over the broadcast dimensions', () => {
    /** ∂f/∂a and ∂f/∂b of each op, for the reference. */
    const partials: Record<keyof typeof REFERENCE, (x: number, y: number) => [number, number]> = {
      add: () => [1, 1],
      sub: () => [1, -1],
      mul: (x, y) => [y, x],
      div: (x, y) => [1 / y, -x / (y * y)],
      maximum: (x, y) => (x >= y ? [1, 0] : [0, 1]),
    };
    fc.assert(
      fc.property(arbBroadcastShapes, fc.constantFrom(...OP_NAMES), fc.integer(), fc.boolean(), ({ a: aShape, b: bShape }, op, seed, weightedSum) => {
        const a = new Tensor(randomData(sizeOf(aShape), seed), aShape);
        const b = new Tensor(
          op === 'div' ? randomData(sizeOf(bShape), seed + 1, 0.5, 3) : randomData(sizeOf(bShape), seed + 1),
          bShape,
        );
        a.requiresGrad = true;
        b.requiresGrad = true;
        const out = ops[op](a, b);
        const w = weightedSum ? new Tensor(randomData(out.size, seed + 2), out.shape) : null;
        (w ? out.mul(w) : out).sum().backward();

        const dA = new Float64Array(a.size);
        const dB = new Float64Array(b.size);
        // Σ|terms|, which bounds the float32 rounding of the library's += accumulation.
        const absA = new Float64Array(a.size);
        const absB = new Float64Array(b.size);
        let o = 0;
        for (const idx of multiIndices(out.shape)) {
          const ia = sourceIndex(idx, aShape);
          const ib = sourceIndex(idx, bShape);
          const g = w ? w.data[o]! : 1;
          const [pa, pb] = partials[op](a.data[ia]!, b.data[ib]!);
          dA[ia] += g * pa;
          dB[ib] += g * pb;
          absA[ia] += Math.abs(g * pa);
          absB[ib] += Math.abs(g * pb);
          o++;
        }
        const check = (actual: Float32Array, expected: Float64Array, bound: Float64Array) => {
          for (let i = 0; i < expected.length; i++) {
            expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(3e-5 * bound[i]! + 1e-6);
          }
        };
        expect(a.grad!.shape).toEqual(aShape);
        expect(b.grad!.shape).toEqual(bShape);
        check(a.grad!.data, dA, absA);
        check(b.grad!.data, dB, absB);
      }),
      { numRuns: 200 },
    );
  });

  it('(e) reshape round-trips through any shape of the same size', () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          // Another shape of the same size: the same dims shuffled, padded with 1s.
          other: fc.shuffledSubarray([...shape, 1, 1], { minLength: shape.length + 2, maxLength: shape.length + 2 }),
          inferAt: fc.integer({ min: -1, max: 5 }),
        }),
      );
    fc.assert(
      fc.property(arb, fc.integer(), ({ shape, other, inferAt }, seed) => {
        const x = new Tensor(randomData(sizeOf(shape), seed), shape);
        const target = [...other];
        if (inferAt >= 0 && inferAt < target.length) target[inferAt] = -1;
        const y = x.reshape(target);
        expect(y.shape).toEqual(other);
        expect(y.size).toBe(x.size);
        const back = y.reshape(shape);
        expect(back.shape).toEqual(shape);
        expect(back.data).toEqual(x.data);
        expect(back.toArray()).toEqual(x.toArray());
        expect(x.flatten().reshape(shape).toArray()).toEqual(x.toArray());
        expect(x.reshape([-1]).shape).toEqual([x.size]);
      }),
      { numRuns: 200 },
    );
  });
});
