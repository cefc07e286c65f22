import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { adamUpdate } from '../../src/tensor/kernels/optimizers.js';
import { getOptimizer } from '../../src/optim/index.js';

const { Adam, SGD } = keras.optimizers;

/** One variable θ with a fixed gradient sequence, stepped by `optimizer`. */
function run(optimizer: keras.optimizers.Optimizer, theta0: number[], grads: number[][]): Float32Array {
  const theta = keras.tensor(theta0);
  for (const g of grads) optimizer.applyGradients([[keras.tensor(g), theta]]);
  return theta.data;
}

describe('Adam', () => {
  it("matches Keras's epsilon-hat update, computed by hand, for three steps", () => {
    const lr = 0.001, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    const grads = [[0.5, -2, 1e-4], [0.1, -1, 0], [-0.3, 0.5, 2]];
    let theta = [1, -1, 0.5];
    let m = [0, 0, 0], v = [0, 0, 0];
    grads.forEach((g, step) => {
      const t = step + 1;
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! ** 2);
      theta = theta.map((th, i) => th - (alpha * m[i]!) / (Math.sqrt(v[i]!) + eps));
    });
    const got = run(new Adam(), [1, -1, 0.5], grads);
    theta.forEach((expected, i) => expect(got[i]).toBeCloseTo(expected, 6));
  });

  it('takes a first step of size lr in the direction of -sign(g)', () => {
    // t=1: α = lr·√(1−β₂)/(1−β₁), m = (1−β₁)g, v = (1−β₂)g² → step ≈ lr·sign(g).
    const got = run(new Adam({ learningRate: 0.01 }), [0, 0], [[3, -0.2]]);
    expect(got[0]).toBeCloseTo(-0.01, 6);
    expect(got[1]).toBeCloseTo(0.01, 6);
  });

  it('differs from the textbook (TF.js) form where epsilon matters', () => {
    // With a tiny gradient, ε dominates: Keras divides by √v + ε with v uncorrected.
    const g = 1e-7, lr = 0.001, eps = 1e-7;
    const keras1 = run(new Adam(), [0], [[g]])[0]!;
    const alpha = lr * Math.sqrt(1 - 0.999) / (1 - 0.9);
    const kerasExpected = -(alpha * 0.1 * g) / (Math.sqrt(0.001 * g * g) + eps);
    const textbook = -(lr * g) / (Math.abs(g) + eps); // m̂ = g, √v̂ = |g|
    expect(keras1).toBeCloseTo(kerasExpected, 9);
    expect(Math.abs(keras1 - textbook)).toBeGreaterThan(1e-5);
  });

  it('counts iterations and keeps two slots per variable', () => {
    const adam = new Adam();
    run(adam, [1, 2, 3], [[1, 1, 1], [1, 1, 1]]);
    expect(adam.iterations).toBe(2);
    expect(adam.countParams()).toBe(2 + 2 * 3);
  });
});

describe('SGD', () => {
  it('plain: θ ← θ − lr·g', () => {
    const got = run(new SGD({ learningRate: 0.1 }), [1], [[2], [2]]);
    expect(got[0]).toBeCloseTo(1 - 0.2 - 0.2, 6);
  });

  it('momentum and Nesterov follow Keras', () => {
    const mu = 0.9, lr = 0.1, grads = [[1], [2]];
    let m = 0, th = 0, thN = 0, mN = 0;
    for (const [g] of grads) {
      m = mu * m - lr * g!;
      th += m;
      mN = mu * mN - lr * g!;
      thN += mu * mN - lr * g!;
    }
    expect(run(new SGD({ learningRate: lr, momentum: mu }), [0], grads)[0]).toBeCloseTo(th, 6);
    expect(run(new SGD({ learningRate: lr, momentum: mu, nesterov: true }), [0], grads)[0]).toBeCloseTo(thN, 6);
  });
});

describe('getOptimizer', () => {
  it('accepts Keras strings in any case, and instances', () => {
    expect(getOptimizer('adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('Adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('sgd')).toBeInstanceOf(SGD);
    const mine = new Adam({ learningRate: 0.1 });
    expect(getOptimizer(mine)).toBe(mine);
  });

  it('lists the valid names and suggests the closest', () => {
    expect(() => getOptimizer('adma')).toThrow(/Unknown optimizer: 'adma'. Did you mean 'adam'\? Valid optimizers: adam, sgd/);
  });
});

describe('the Adam kernel and subnormal numbers', () => {
  it('flushes an m below the smallest normal float32 to 0 and keeps the rest (both tiers flush alike)', () => {
    const minNormal = 2 ** -126;
    const m0 = [minNormal, -minNormal, 2 ** -120, -(2 ** -120), 1e-3];
    const m = Float32Array.from(m0), v = new Float32Array(5).fill(1e-8), theta = new Float32Array(5).fill(0.5), g = new Float32Array(5);
    adamUpdate(g, theta, m, v, 0, 5, 1e-3, 0.9, 0.999, 1e-7);
    expect(Array.from(m.subarray(0, 2)).map(Math.abs)).toEqual([0, 0]); // 0.9·2⁻¹²⁶ is subnormal
    m0.slice(2).forEach((x, i) => expect(m[i + 2]).toBe(Math.fround(0.9 * Math.fround(x))));
    expect(Array.from(theta.subarray(0, 2))).toEqual([0.5, 0.5]);
  });
});
