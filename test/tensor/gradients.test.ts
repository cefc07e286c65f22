/**
 * Finite-difference gradient checks for every differentiable op, the losses
 * and a small model, plus tests of the autograd machinery itself.
 *
 * Non-scalar outputs are turned into a scalar with a fixed random weighting,
 * Σ wᵢ·yᵢ, rather than a plain sum: a plain sum would make, for example,
 * softmax's gradient identically 0 and hide mistakes.
 *
 * Inputs come from fixed seeds, so every run checks the same numbers.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { tensor } from '../../src/tensor/creation.js';
import { distinct, expectGradientsMatch, normal, weighted } from '../support/gradients.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { sizeOf, type Shape } from '../../src/tensor/shape.js';
import * as ops from '../../src/api/ops.js';
import { sparseSoftmaxCrossEntropyWithLogits } from '../../src/losses/sparse-softmax-crossentropy.js';
import {
  CategoricalCrossentropy,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from '../../src/losses/losses.js';

// ---------------------------------------------------------------------------
// Helpers

/** Uniform values in [lo, hi) from a fixed seed. */
function uniform(shape: Shape, lo: number, hi: number, seed: number): Tensor {
  const g = new RandomGenerator(seed);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * g.uniform();
  return new Tensor(data, shape);
}

/** Normal values pushed away from 0: |x| ≥ margin (for relu and the like). */
function awayFromZero(shape: Shape, seed: number, margin = 0.1): Tensor {
  const t = normal(shape, seed);
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i]!;
    t.data[i] = (v < 0 ? -1 : 1) * (Math.abs(v) + margin);
  }
  return t;
}

/** Multiples of 0.2 (offset by `offset`) in [-2, 2]: two grids with offsets 0 and 0.1 never come closer than 0.1. */
function grid(shape: Shape, seed: number, offset: number): Tensor {
  const g = new RandomGenerator(seed);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = (g.int(21) - 10) * 0.2 + offset;
  return new Tensor(data, shape);
}

const shapeName = (s: Shape | 'number') => (s === 'number' ? 'number' : `[${s.join(',')}]`);

// ---------------------------------------------------------------------------
// Element-wise binary ops, with broadcasting

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum';

/** Operand pairs: same shape, then each broadcasting pattern (both orders). */
const BROADCAST_CASES: Array<[Shape, Shape | 'number']> = [
  [[3, 4], [3, 4]],
  [[3, 4], [4]],
  [[4], [3, 4]],
  [[3, 1], [1, 4]],
  [[1, 4], [3, 1]],
  [[3, 4], 'number'],
  [[3, 4], []],
  [[], [3, 4]],
  [[2, 3, 4], [3, 1]],
  [[3, 1], [2, 3, 4]],
];

/** Inputs in a comfortable range for each op. */
function binaryInputs(op: BinaryName, aShape: Shape, bShape: Shape, seed: number): [Tensor, Tensor] {
  switch (op) {
    case 'div':
      return [normal(aShape, seed), uniform(bShape, 0.5, 2, seed + 1)];
    case 'pow':
      return [uniform(aShape, 0.5, 2, seed), uniform(bShape, -1.5, 2.5, seed + 1)];
    case 'maximum':
      // a on the grid 0.2·k, b on 0.2·k + 0.1: never within a step of each other.
      return [grid(aShape, seed, 0), grid(bShape, seed + 1, 0.1)];
    default:
      return [normal(aShape, seed), normal(bShape, seed + 1)];
  }
}

describe('gradients of element-wise binary ops', () => {
  const opNames: BinaryName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum'];
  for (const op of opNames) {
    describe(op, () => {
      BROADCAST_CASES.forEach(([aShape, bShape], caseIndex) => {
        it(`${shapeName(aShape)} with ${shapeName(bShape)}`, () => {
          const seed = 100 * opNames.indexOf(op) + 10 * caseIndex;
          if (bShape === 'number') {
            const [a] = binaryInputs(op, aShape, [], seed);
            const b = op === 'div' || op === 'pow' ? 1.7 : op === 'maximum' ? 0.1 : -0.6;
            // The method form, tensor ⊙ number.
            expectGradientsMatch((x) => weighted(x[op](b)), [a]);
            // The function form with the number first, number ⊙ tensor.
            const aPos = op === 'pow' || op === 'div' ? uniform(aShape, 0.5, 2, seed + 5) : a;
            expectGradientsMatch((x) => weighted(ops[op](b, x)), [aPos]);
          } else {
            const [a, b] = binaryInputs(op, aShape, bShape, seed);
            expectGradientsMatch((x, y) => weighted(x[op](y)), [a, b]);
          }
        });
      });
    });
  }

  it('maximum routes the gradient to whichever operand is larger, element by element', () => {
    const a = tensor([1, -2, 3, -4]);
    const b = tensor([0, 0, 5, -5]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    a.maximum(b).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([1, 0, 0, 1]);
    expect(Array.from(b.grad!.data)).toEqual([0, 1, 1, 0]);
  });
});

// ---------------------------------------------------------------------------
// Unary ops

describe('gradients of unary ops', () => {
  const shape = [3, 5];
  const cases: Array<[string, Tensor, (x: Tensor) => Tensor]> = [
    ['neg', normal(shape, 1), (x) => x.neg()],
    ['exp', uniform(shape, -2, 2, 2), (x) => x.exp()],
    ['log', uniform(shape, 0.5, 3, 3), (x) => x.log()],
    ['sqrt', uniform(shape, 0.5, 3, 4), (x) => x.sqrt()],
    ['square', normal(shape, 5), (x) => x.square()],
    ['relu', awayFromZero(shape, 6), (x) => x.relu()],
    ['sigmoid', normal(shape, 7, 2), (x) => x.sigmoid()],
    ['tanh', normal(shape, 8), (x) => x.tanh()],
    ['elu', awayFromZero(shape, 10), (x) => x.elu()],
    ['selu', awayFromZero(shape, 11), (x) => x.selu()],
    ['leaky_relu', awayFromZero(shape, 12), (x) => x.leakyRelu()],
    ['softplus', normal(shape, 13, 3), (x) => x.softplus()],
    ['swish', normal(shape, 14, 3), (x) => x.swish()],
    ['gelu', normal(shape, 15, 3), (x) => x.gelu()],
    // Grid values 0.2·k + 0.1 are at least 0.1 from the bounds -0.6 and 0.4; some are clipped, some not.
    ['clip', grid(shape, 9, 0.1), (x) => x.clip(-0.6, 0.4)],
  ];
  for (const [name, input, f] of cases) {
    it(name, () => {
      expectGradientsMatch((x) => weighted(f(x)), [input]);
    });
  }

  it('relu and clip pass exactly 1 or 0', () => {
    const x = tensor([-1, 2, -0.3, 0.7]);
    x.requiresGrad = true;
    x.relu().add(x.clip(-0.5, 0.5)).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 1, 1]);
  });

  it('the same op functions from keras.ops give the same gradients', () => {
    const x = uniform([2, 3], 0.5, 2, 11);
    expectGradientsMatch((t) => weighted(ops.log(ops.sqrt(ops.exp(ops.tanh(t))))), [x]);
  });
});

// ---------------------------------------------------------------------------
// matmul

describe('gradients of matmul', () => {
  const flags = [
    { transposeA: false, transposeB: false },
    { transposeA: true, transposeB: false },
    { transposeA: false, transposeB: true },
    { transposeA: true, transposeB: true },
  ];
  // Small shapes hit the kernel's edge loops; 9×17 with K = 11 also hits the 4×8 blocks.
  const sizes: Array<[number, number, number]> = [
    [2, 3, 4],
    [9, 11, 17],
  ];
  for (const options of flags) {
    for (const [M, K, N] of sizes) {
      it(`transposeA=${options.transposeA} transposeB=${options.transposeB}, ${M}×${K} · ${K}×${N}`, () => {
        const aShape = options.transposeA ? [K, M] : [M, K];
        const bShape = options.transposeB ? [N, K] : [K, N];
        const a = normal(aShape, M + K);
        const b = normal(bShape, N + K);
        const result = a.matmul(b, options);
        expect(result.shape).toEqual([M, N]);
        // A linear function of each operand: finite differences are exact up to rounding.
        expectGradientsMatch((x, y) => weighted(x.matmul(y, options)), [a, b], { step: 1e-2, rtol: 1e-2, atol: 2e-3 });
      });
    }
  }

  it('a matrix times its own transpose gets both contributions', () => {
    const a = normal([3, 4], 21);
    expectGradientsMatch((x) => weighted(x.matmul(x, { transposeB: true })), [a]);
  });
});

// ---------------------------------------------------------------------------
// softmax and logSoftmax

describe('gradients of softmax and logSoftmax', () => {
  for (const axis of [-1, 0, 1]) {
    it(`softmax on axis ${axis} of a [2, 3, 4] tensor`, () => {
      expectGradientsMatch((x) => weighted(x.softmax(axis)), [normal([2, 3, 4], 30 + axis)]);
    });
    it(`logSoftmax on axis ${axis} of a [2, 3, 4] tensor`, () => {
      expectGradientsMatch((x) => weighted(x.logSoftmax(axis)), [normal([2, 3, 4], 40 + axis)]);
    });
  }

  it('softmax of large logits (max-subtracted)', () => {
    const x = normal([3, 4], 50);
    for (let i = 0; i < x.size; i++) x.data[i]! += 500;
    expectGradientsMatch((t) => weighted(t.softmax()), [x], { step: 3e-2 });
  });
});

// ---------------------------------------------------------------------------
// Reductions

describe('gradients of reductions', () => {
  const shape = [2, 3, 4];
  const axes: Array<number | undefined> = [0, 1, 2, -1, undefined];
  for (const op of ['sum', 'mean', 'max'] as const) {
    for (const axis of axes) {
      for (const keepDims of [false, true]) {
        it(`${op}(axis=${axis ?? 'all'}, keepDims=${keepDims})`, () => {
          const seed = 60 + (axis ?? 9) + (keepDims ? 20 : 0);
          const x = op === 'max' ? distinct(shape, seed) : normal(shape, seed);
          expectGradientsMatch((t) => weighted(t[op](axis, keepDims)), [x]);
        });
      }
    }
  }

  it('max sends the gradient to the largest element only', () => {
    const x = tensor([
      [1, 5, 2],
      [7, 0, 3],
    ]);
    x.requiresGrad = true;
    x.max(1).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it('max on ties sends the whole gradient to the first largest element', () => {
    const x = tensor([3, 1, 3, 3]);
    x.requiresGrad = true;
    x.max().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------
// Shape ops

describe('gradients of shape ops', () => {
  it('reshape', () => {
    expectGradientsMatch((x) => weighted(x.reshape([4, -1]).tanh()), [normal([2, 3, 2], 70)]);
  });

  it('flatten', () => {
    expectGradientsMatch((x) => weighted(x.flatten().square()), [normal([2, 3, 2], 71)]);
  });

  it('sliceRows (a view into the middle rows)', () => {
    expectGradientsMatch((x) => weighted(x.sliceRows(1, 4).square()), [normal([5, 3], 72)]);
  });

  it('sliceRows gives exactly zero gradient outside the slice', () => {
    const x = normal([5, 3], 73);
    x.requiresGrad = true;
    x.sliceRows(1, 3).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [1, 1, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('row, with positive and negative indices', () => {
    expectGradientsMatch((x) => weighted(x.row(1).mul(x.row(-1))), [normal([4, 3], 74)]);
  });

  it('gather with repeated indices accumulates with +=', () => {
    const indices = [2, 0, 2, 2, 1];
    expectGradientsMatch((x) => weighted(x.gather(indices).square()), [normal([4, 3], 75)]);
    // Row 2 is gathered three times, row 3 never.
    const x = normal([4, 3], 76);
    x.requiresGrad = true;
    x.gather(indices).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
      [3, 3, 3],
      [0, 0, 0],
    ]);
  });

  it('gather of a 3-D tensor', () => {
    expectGradientsMatch((x) => weighted(x.gather(Int32Array.of(1, 1, 0))), [normal([2, 2, 3], 77)]);
  });
});

// ---------------------------------------------------------------------------
// Losses

/** Integer labels in [0, classes), as a float tensor. */
function labels(n: number, classes: number, seed: number): Tensor {
  const g = new RandomGenerator(seed);
  return new Tensor(Float32Array.from({ length: n }, () => g.int(classes)), [n]);
}

/** Rows of non-negative weights summing to 1 (soft targets). */
function softTargets(n: number, classes: number, seed: number): Tensor {
  return noGrad(() => uniform([n, classes], 0.1, 1, seed).softmax());
}

describe('gradients of the fused sparse softmax crossentropy', () => {
  it('per-sample losses, weighted', () => {
    const y = labels(6, 4, 80);
    expectGradientsMatch((z) => weighted(sparseSoftmaxCrossEntropyWithLogits(z, y)), [normal([6, 4], 81, 2)]);
  });

  it('batch mean', () => {
    const y = labels(5, 3, 82);
    expectGradientsMatch((z) => sparseSoftmaxCrossEntropyWithLogits(z, y).mean(), [normal([5, 3], 83)]);
  });

  it('values: log Σ e^z − z[y]', () => {
    const z = tensor([
      [1, 2, 3],
      [1000, 0, -1000],
    ]);
    const losses = sparseSoftmaxCrossEntropyWithLogits(z, tensor([2, 1]));
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(losses.data[0]).toBeCloseTo(lse - 3, 5);
    expect(losses.data[1]).toBeCloseTo(1000, 2);
  });
});

describe('gradients of the losses', () => {
  const N = 5;
  const C = 4;

  describe('SparseCategoricalCrossentropy', () => {
    const y = labels(N, C, 90);

    it('on softmax outputs (takes the logits path)', () => {
      const loss = new SparseCategoricalCrossentropy();
      const z = normal([N, C], 91, 2);
      // The logits path: the same value as the fused op on the logits.
      const value = noGrad(() => loss.call(y, z.softmax()).item());
      const fused = noGrad(() => sparseSoftmaxCrossEntropyWithLogits(z, y).mean().item());
      expect(value).toBeCloseTo(fused, 6);
      expectGradientsMatch((t) => loss.call(y, t.softmax()), [z]);
    });

    it('on plain probabilities (renormalised and clipped)', () => {
      const loss = new SparseCategoricalCrossentropy();
      // Positive rows that do not sum to 1, so the renormalisation is exercised.
      expectGradientsMatch((p) => loss.call(y, p), [uniform([N, C], 0.2, 1, 92)], { step: 1e-3 });
    });

    it('with fromLogits', () => {
      const loss = new SparseCategoricalCrossentropy({ fromLogits: true });
      expectGradientsMatch((z) => loss.call(y, z), [normal([N, C], 93, 2)]);
    });

    it('with labels of shape [N, 1]', () => {
      const loss = new SparseCategoricalCrossentropy({ fromLogits: true });
      const y2 = new Tensor(y.data.slice(), [N, 1]);
      expectGradientsMatch((z) => loss.call(y2, z), [normal([N, C], 94)]);
    });
  });

  describe('CategoricalCrossentropy', () => {
    const y = softTargets(N, C, 95);

    it('on softmax outputs (takes the logits path)', () => {
      const loss = new CategoricalCrossentropy();
      expectGradientsMatch((z) => loss.call(y, z.softmax()), [normal([N, C], 96, 2)]);
    });

    it('on plain probabilities', () => {
      const loss = new CategoricalCrossentropy();
      expectGradientsMatch((p) => loss.call(y, p), [uniform([N, C], 0.2, 1, 97)], { step: 1e-3 });
    });

    it('with fromLogits', () => {
      const loss = new CategoricalCrossentropy({ fromLogits: true });
      expectGradientsMatch((z) => loss.call(y, z), [normal([N, C], 98, 2)]);
    });

    it('with respect to the targets too', () => {
      const loss = new CategoricalCrossentropy({ fromLogits: true });
      const z = normal([N, C], 99);
      expectGradientsMatch((t) => loss.call(t, z), [uniform([N, C], 0, 1, 100)]);
    });
  });

  describe('MeanSquaredError', () => {
    it('with respect to predictions and targets', () => {
      const loss = new MeanSquaredError();
      expectGradientsMatch((t, p) => loss.call(t, p), [normal([N, C], 101), normal([N, C], 102)]);
    });
  });
});

// ---------------------------------------------------------------------------
// A whole model

describe('gradients of a small model', () => {
  it('x → dense(4) → relu → dense(3) → softmax → sparse crossentropy', () => {
    const x = normal([5, 6], 150);
    const y = labels(5, 3, 151);
    const W1 = normal([6, 4], 152, 0.5);
    const b1 = normal([4], 153, 0.1);
    const W2 = normal([4, 3], 154, 0.5);
    const b2 = normal([3], 155, 0.1);
    const loss = new SparseCategoricalCrossentropy();
    const hidden = (w1: Tensor, c1: Tensor) => x.matmul(w1).add(c1);
    const model = (w1: Tensor, c1: Tensor, w2: Tensor, c2: Tensor) =>
      loss.call(y, hidden(w1, c1).relu().matmul(w2).add(c2).softmax());

    // Precondition: no pre-activation is near relu's kink, where finite differences lie.
    const pre = noGrad(() => hidden(W1, b1));
    const nearest = Math.min(...Array.from(pre.data, Math.abs));
    expect(nearest).toBeGreaterThan(0.05);
    // Both sides of the kink occur, so relu matters.
    expect(pre.data.some((v) => v < 0) && pre.data.some((v) => v > 0)).toBe(true);

    expectGradientsMatch(model, [W1, b1, W2, b2], { step: 1e-3, rtol: 1e-2, atol: 1e-3 });
  });
});

// ---------------------------------------------------------------------------
// The autograd machinery

describe('autograd structure', () => {
  it('a tensor used twice receives both contributions: d(x·x)/dx = 2x', () => {
    const x = tensor([1, -2, 3]);
    x.requiresGrad = true;
    x.mul(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([2, -4, 6]);
  });

  it('a tensor reached along several paths sums them', () => {
    const x = tensor([2]);
    x.requiresGrad = true;
    const y = x.square(); // 4
    // y + y·x + exp(0·x): d/dx = 2x + (x² + 2x·x) = 4 + 12 = 16
    y.add(y.mul(x)).add(x.mul(0).exp()).sum().backward();
    expect(x.grad!.item()).toBeCloseTo(16, 5);
  });

  it('gradients accumulate across two backward() calls (two forward passes)', () => {
    const x = tensor([1, 2, 3]);
    const w = tensor([0.5, -1, 2]);
    w.requiresGrad = true;
    x.mul(w).tanh().sum().backward();
    const once = w.grad!.data.slice();
    x.mul(w).tanh().sum().backward();
    expect(Array.from(w.grad!.data)).toEqual(Array.from(once, (v) => Math.fround(v + v)));
  });

  it('grad = null resets accumulation', () => {
    const w = tensor([1, 2]);
    w.requiresGrad = true;
    w.mul(3).sum().backward();
    w.grad = null;
    w.mul(3).sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([3, 3]);
  });

  // Calling backward() twice on the same recorded graph: intermediate tensors
  // must not carry the first call's gradient into the second, or w.grad would
  // end up at 4× instead of 2× (PyTorch with retain_graph gives 2×).
  it('backward() twice on the same loss adds d(loss)/dw twice, not more', () => {
    const x = tensor([1, 2, 3]);
    const w = tensor([0.5, -1, 2]);
    w.requiresGrad = true;
    const loss = x.mul(w).sum();
    loss.backward();
    loss.backward();
    expect(Array.from(w.grad!.data)).toEqual([2, 4, 6]);
  });

  it('two losses sharing an intermediate tensor each add their own gradient', () => {
    const x = tensor([1, 2, 3]);
    const w = tensor([1, 1, 1]);
    w.requiresGrad = true;
    const h = x.mul(w);
    h.sum().backward(); // adds x
    h.mul(2).sum().backward(); // adds 2x
    expect(Array.from(w.grad!.data)).toEqual([3, 6, 9]);
  });

  it('noGrad records nothing', () => {
    const w = normal([2, 3], 120);
    w.requiresGrad = true;
    const inside = noGrad(() => {
      const y = w.matmul(w, { transposeB: true }).relu().softmax().sum();
      return { y, z: w.mul(2), s: w.sliceRows(0, 1), g: w.gather([1]) };
    });
    for (const t of Object.values(inside)) {
      expect(t.requiresGrad).toBe(false);
      expect(t.node).toBeNull();
    }
    expect(() => inside.y.backward()).toThrow(/noGrad/);
    // And recording resumes afterwards.
    const after = w.mul(2).sum();
    expect(after.requiresGrad).toBe(true);
    expect(after.node).not.toBeNull();
  });

  it('noGrad restores recording even when its function throws, and returns its value', () => {
    const w = tensor([1]);
    w.requiresGrad = true;
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(w.mul(2).requiresGrad).toBe(true);
    expect(noGrad(() => 42)).toBe(42);
    // Nested noGrad keeps recording off until the outer one ends.
    noGrad(() => {
      noGrad(() => undefined);
      expect(w.mul(2).requiresGrad).toBe(false);
    });
  });

  it('ops on constants are not recorded', () => {
    const y = tensor([1, 2]).mul(tensor([3, 4])).sum();
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(() => y.backward()).toThrow(/does not depend on any tensor that requires a gradient/);
  });

  it('only inputs that require a gradient get one', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    b.requiresGrad = true;
    a.mul(b).sum().backward();
    expect(a.grad).toBeNull();
    expect(Array.from(b.grad!.data)).toEqual([1, 2]);
  });

  it('backward() on a non-scalar throws a helpful message', () => {
    const x = normal([2, 3], 121);
    x.requiresGrad = true;
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/scalar/);
    expect(() => y.backward()).toThrow(/\[2, 3\]/);
    expect(() => y.backward()).toThrow(/\.sum\(\)|\.mean\(\)/);
    // A one-element tensor of any rank is fine.
    const one = x.sum(undefined, true);
    expect(one.shape).toEqual([1, 1]);
    one.backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('backward() on a leaf scalar sets its own gradient to 1', () => {
    const x = tensor(5);
    x.requiresGrad = true;
    x.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('a chain of 10,000 ops does not overflow the stack', () => {
    const x = tensor([1, 2]);
    x.requiresGrad = true;
    let y = x;
    for (let i = 0; i < 10_000; i++) y = y.mul(1.0001);
    y.sum().backward();
    const expected = Math.pow(1.0001, 10_000);
    for (const g of x.grad!.data) expect(g).toBeCloseTo(expected, 2);
  });

  it('a chain of 10,000 mixed ops (unary, binary, reshape) backpropagates', () => {
    const x = tensor([0.5, -0.25]);
    x.requiresGrad = true;
    let y = x;
    for (let i = 0; i < 2_500; i++) y = y.add(0).reshape([2]).neg().mul(1);
    y.sum().backward();
    // 2,500 negations: an even number, so the gradient is +1.
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it('a wide diamond (one tensor feeding 1,000 branches) accumulates every branch', () => {
    const x = tensor([1.5]);
    x.requiresGrad = true;
    let total = x.mul(0);
    for (let i = 1; i <= 1000; i++) total = total.add(x.mul(i));
    total.sum().backward();
    expect(x.grad!.item()).toBe((1000 * 1001) / 2);
  });
});
