import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';

const { ops, losses } = keras;

describe('ops and losses take plain arrays as Keras takes NumPy arrays', () => {
  it('ops.softmax, argmax, add, matmul on nested arrays and typed arrays', () => {
    const p = ops.softmax([[1, 2, 3]]);
    expect(p.shape).toEqual([1, 3]);
    expect(p.sum().item()).toBeCloseTo(1, 6);
    expect(ops.argmax(new Float32Array([0.1, 0.7, 0.2])).item()).toBe(1);
    expect(Array.from(ops.add([1, 2], 1).data)).toEqual([2, 3]);
    expect(ops.matmul([[1, 2]], [[3], [4]]).item()).toBe(11);
    expect(Array.from(ops.relu(Int32Array.of(-1, 2)).data)).toEqual([0, 2]);
  });

  it('says clearly what is wrong with a ragged array or a non-array', () => {
    expect(() => ops.softmax([[1, 2], [3]])).toThrow(/ops.softmax: x is not a regular nested array.*ragged/);
    expect(() => ops.exp('abc' as never)).toThrow(/ops.exp: x must be a Tensor, a number, nested arrays of numbers or a typed array. Received: x='abc'/);
    expect(() => ops.matmul([1, 2], [[3], [4]])).toThrow(keras.ShapeError);
  });

  it("a loss object on plain arrays: the quickstart's loss_fn(y_train[:1], predictions)", () => {
    const lossFn = new losses.SparseCategoricalCrossentropy({ fromLogits: true });
    const logits = [[0.1, -0.3, 0.2]];
    const expected = -Math.log(Math.exp(0.2) / (Math.exp(0.1) + Math.exp(-0.3) + Math.exp(0.2)));
    expect(lossFn.call([2], logits).item()).toBeCloseTo(expected, 5);
    expect(lossFn.call(new Float32Array([2]), keras.tensor(logits)).item()).toBeCloseTo(expected, 5);
    expect(new losses.MeanSquaredError().call([[1, 2]], [[1, 4]]).item()).toBe(2);
    expect(new losses.CategoricalCrossentropy().call([[0, 1]], [[0.5, 0.5]]).item()).toBeCloseTo(Math.log(2), 5);
    expect(() => lossFn.call([2, 1], logits)).toThrow(/expected integer labels of shape \[1\] or \[1, 1\]/);
    expect(() => new losses.MeanSquaredError().call([1, 2, 3], [[1, 2]])).toThrow(/same shape.*y_true.shape=\[3\], y_pred.shape=\[1, 2\]/);
    expect(() => lossFn.call(undefined as never, logits)).toThrow(/y_true must be a Tensor/);
  });
});

describe('expandDims and squeeze', () => {
  it("expandDims(img, 0) makes a batch of one, as NumPy's expand_dims", () => {
    const img = keras.random.normal([28, 28]);
    expect(ops.expandDims(img, 0).shape).toEqual([1, 28, 28]);
    expect(ops.expandDims(img, -1).shape).toEqual([28, 28, 1]);
    expect(ops.expandDims(img, 1).shape).toEqual([28, 1, 28]);
    expect(ops.expandDims(img, 0).data).toBe(img.data);
    expect(() => ops.expandDims(img, 3)).toThrow(/axis must be an integer in \[-3, 2\]/);
  });

  it('squeeze drops axes of size 1, all or the named ones, and refuses the others', () => {
    const x = keras.ops.zeros([1, 3, 1, 2]);
    expect(ops.squeeze(x).shape).toEqual([3, 2]);
    expect(ops.squeeze(x, 2).shape).toEqual([1, 3, 2]);
    expect(ops.squeeze(x, [0, -2]).shape).toEqual([3, 2]);
    expect(() => ops.squeeze(x, 1)).toThrow(/cannot squeeze axis 1, because its size is 3/);
  });

  it('expandDims then squeeze of that axis is the identity, gradients pass through', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }), fc.nat(), (shape, pick) => {
        const x = keras.random.normal(shape);
        const axis = (pick % (shape.length + 1)) - (pick % 2 === 0 ? 0 : shape.length + 1);
        const round = ops.squeeze(ops.expandDims(x, axis), axis);
        expect(round.shape).toEqual(shape);
        expect(keras.utils.checkGradients((t) => ops.squeeze(ops.expandDims(t, axis), axis).square().sum(), [x]).ok).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
