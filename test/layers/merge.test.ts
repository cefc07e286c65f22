/**
 * The merge layers (Concatenate, Add, Subtract, Multiply, Average, Maximum,
 * Minimum) and the ops under them (concat, minimum): forward values against
 * plain loops, gradients against finite differences, shapes, and errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { concat } from '../../src/tensor/ops/shape.js';
import { minimum } from '../../src/tensor/ops/elementwise.js';
import { checkGradients } from '../../src/tensor/gradcheck.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { sizeOf, type Shape } from '../../src/tensor/shape.js';

const { Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dense } = keras.layers;

/** Values on the grid 0.2·k + offset from a fixed seed: inputs with different offsets never tie (for max/min). */
function grid(shape: Shape, seed: number, offset = 0): Tensor {
  const g = new RandomGenerator(seed);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = (g.int(21) - 10) * 0.2 + offset;
  return new Tensor(data, shape);
}

/** Σ wᵢ yᵢ with fixed weights: a scalar whose gradient with respect to y is w (a plain sum would hide mistakes). */
function weighted(y: Tensor): Tensor {
  return y.mul(grid(y.shape, 999, 0.05)).sum();
}

function expectGradientsMatch(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const result = checkGradients(f, inputs, { step: 1e-2, rtol: 1e-2, atol: 1e-3 });
  expect(result.ok, `worst ratio ${result.worstRatio}`).toBe(true);
  const largest = Math.max(...result.analytic.map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  expect(largest).toBeGreaterThan(1e-3);
}

/** concat by the definition: index by index, the input whose block along `axis` holds the output index. */
function concatReference(tensors: Tensor[], axis: number): number[] {
  const shape = [...tensors[0]!.shape];
  shape[axis] = tensors.reduce((n, t) => n + t.shape[axis]!, 0);
  const out: number[] = [];
  const index = shape.map(() => 0);
  for (let flat = 0; flat < sizeOf(shape); flat++) {
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    let k = index[axis]!;
    let t = 0;
    while (k >= tensors[t]!.shape[axis]!) k -= tensors[t++]!.shape[axis]!;
    const src = tensors[t]!;
    const at = index.map((v, d) => (d === axis ? k : v)).reduce((acc, v, d) => acc * src.shape[d]! + v, 0);
    out.push(src.data[at]!);
  }
  return out;
}

describe('concat', () => {
  it('joins along any axis, as the definition says (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.integer(),
        (shape, sizes, axisSeed, seed) => {
          const axis = axisSeed % shape.length;
          const tensors = sizes.map((size, i) => grid(shape.map((d, k) => (k === axis ? size : d)), seed + i));
          const out = concat(tensors, axis);
          expect(out.shape[axis]).toBe(sizes.reduce((a, b) => a + b, 0));
          expect(Array.from(out.data)).toEqual(concatReference(tensors, axis));
          // A negative axis counts from the end.
          expect(Array.from(concat(tensors, axis - shape.length).data)).toEqual(Array.from(out.data));
        },
      ),
    );
  });

  it('has the gradient finite differences give, on every axis', () => {
    for (const axis of [0, 1, 2, -1]) {
      const a = grid([2, 3, 2], 1, 0.1);
      const b = grid(axis === 0 ? [1, 3, 2] : axis === 1 ? [2, 1, 2] : [2, 3, 3], 2, 0.1);
      expectGradientsMatch((x, y) => weighted(concat([x, y], axis).tanh()), [a, b]);
    }
  });

  it('passes gradients only to the inputs that need them', () => {
    const a = keras.tensor([[1, 2]]);
    const b = keras.tensor([[3]]);
    a.requiresGrad = true;
    concat([a, b], 1).mul(keras.tensor([[10, 20, 30]])).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([10, 20]);
    expect(b.grad).toBeNull();
  });

  it('is keras.ops.concatenate, which takes nested arrays too', () => {
    expect(keras.ops.concatenate([[[1, 2]], keras.tensor([[3]])]).toArray()).toEqual([[1, 2, 3]]);
  });

  it('names the mismatch when shapes differ off the axis', () => {
    expect(() => concat([keras.zeros([2, 3]), keras.zeros([3, 3])], 1)).toThrow(keras.ShapeError);
    expect(() => concat([keras.zeros([2, 3]), keras.zeros([3, 3])], 1)).toThrow(/input 1 shape=\[3, 3\]/);
    expect(() => concat([], 0)).toThrow(keras.ValueError);
    expect(() => concat([keras.zeros([2])], 3)).toThrow(/axis 3 is out of range/);
  });
});

describe('minimum', () => {
  it('takes the smaller value and sends the gradient to it', () => {
    const a = keras.tensor([1, -2, 3, -4]);
    const b = keras.tensor([0, 0, 5, -5]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    const y = minimum(a, b);
    expect(Array.from(y.data)).toEqual([0, -2, 3, -5]);
    y.sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0, 1, 1, 0]);
    expect(Array.from(b.grad!.data)).toEqual([1, 0, 0, 1]);
    expect(keras.ops.minimum([1, 5], 2).toArray()).toEqual([1, 2]);
  });

  it('has the gradient finite differences give, with broadcasting', () => {
    expectGradientsMatch((x, y) => weighted(minimum(x, y)), [grid([3, 4], 3), grid([4], 4, 0.1)]);
  });
});

type MergeCase = [name: string, make: () => InstanceType<typeof keras.layers.Layer>, reference: (xs: number[]) => number, inputs: number];

const MERGES: MergeCase[] = [
  ['Add', () => new Add(), (xs) => xs.reduce((a, b) => a + b), 3],
  ['Subtract', () => new Subtract(), (xs) => xs[0]! - xs[1]!, 2],
  ['Multiply', () => new Multiply(), (xs) => xs.reduce((a, b) => a * b), 3],
  ['Average', () => new Average(), (xs) => xs.reduce((a, b) => a + b) / xs.length, 3],
  ['Maximum', () => new Maximum(), (xs) => Math.max(...xs), 3],
  ['Minimum', () => new Minimum(), (xs) => Math.min(...xs), 3],
];

describe('element-wise merge layers', () => {
  for (const [name, make, reference, count] of MERGES) {
    describe(name, () => {
      // Different offsets keep every pair of inputs at least 0.1 apart: no ties for Maximum/Minimum.
      const inputs = Array.from({ length: count }, (_, i) => grid([4, 3], 10 + i, 0.05 * i + 0.01));

      it('computes the formula element by element', () => {
        const y = make().apply(inputs);
        expect(y.shape).toEqual([4, 3]);
        const expected = Array.from(inputs[0]!.data, (_, j) => reference(inputs.map((t) => t.data[j]!)));
        Array.from(y.data).forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5));
      });

      it('has the gradient finite differences give, for every input', () => {
        const layer = make();
        expectGradientsMatch((...xs) => weighted(layer.apply(xs)), inputs);
      });

      it('records a call on symbolic tensors, with the output shape', () => {
        const xs = Array.from({ length: count }, () => keras.Input({ shape: [3] }));
        const out = make().apply(xs);
        expect(out).toBeInstanceOf(keras.KerasTensor);
        expect(out.shape).toEqual([null, 3]);
        expect(out.node.inputs).toEqual(xs);
      });

      it('refuses inputs of different shapes, and a single tensor', () => {
        const layer = make();
        const mismatched = [keras.Input({ shape: [3] }), keras.Input({ shape: [4] })];
        expect(() => layer.apply(mismatched)).toThrow(keras.ShapeError);
        expect(() => layer.apply(mismatched)).toThrow(/needs inputs of one shape.*input 1 shape=\(None, 4\)/);
        expect(() => make().apply(inputs[0]!)).toThrow(/merges a list of inputs/);
      });
    });
  }

  it('Subtract takes exactly two inputs', () => {
    expect(() => new Subtract().apply([keras.zeros([1, 2]), keras.zeros([1, 2]), keras.zeros([1, 2])])).toThrow(
      /should be called on a list of exactly 2 inputs. Received: 3 inputs/,
    );
  });
});

describe('Concatenate', () => {
  it('joins symbolic shapes along the axis, and computes the concat of the batches', () => {
    const a = keras.Input({ shape: [2, 3] });
    const b = keras.Input({ shape: [2, 5] });
    expect(new Concatenate().apply([a, b]).shape).toEqual([null, 2, 8]);
    expect(new Concatenate({ axis: 1 }).apply([a, keras.Input({ shape: [4, 3] })]).shape).toEqual([null, 6, 3]);
    const y = new Concatenate().apply([keras.tensor([[1, 2]]), keras.tensor([[3]])]);
    expect(y.toArray()).toEqual([[1, 2, 3]]);
  });

  it('has the gradient finite differences give, through a Dense layer on each side', () => {
    keras.setRandomSeed(3);
    const left = new Dense(3, { activation: 'tanh' });
    const right = new Dense(2, { activation: 'tanh' });
    const join = new Concatenate();
    expectGradientsMatch((x, y) => weighted(join.apply([left.apply(x), right.apply(y)])), [grid([4, 2], 5, 0.01), grid([4, 3], 6, 0.02)]);
  });

  it('explains shapes that do not line up, and an axis on the batch', () => {
    const a = keras.Input({ shape: [2, 3] });
    expect(() => new Concatenate({ axis: 1 }).apply([a, keras.Input({ shape: [2, 4] })])).toThrow(
      /matching shapes except for the concatenation axis 1. Received: input 0 shape=\(None, 2, 3\), input 1 shape=\(None, 2, 4\)/,
    );
    expect(() => new Concatenate({ axis: 0 }).apply([a, a])).toThrow(/the batch axis 0 cannot be joined along/);
    expect(() => new Concatenate({ axis: 1.5 })).toThrow(keras.ValueError);
    expect(() => new Concatenate({ axis_: 1 } as never)).toThrow(keras.ValueError);
    expect(new Concatenate({ axis: 2 }).getConfig()).toMatchObject({ axis: 2 });
  });
});
