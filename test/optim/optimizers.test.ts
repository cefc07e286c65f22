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
  it("computes the step size α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) in float32, giving Keras's values", () => {
    // Keras 3.15.1's Adam, compiled (TensorFlow + XLA and JAX alike), and numpy in float32, for lr 0.001, β₁ 0.9, β₂ 0.999.
    const keras3: [number, number][] = [
      [1, 0.00031622566166333854], [2, 0.0002353143790969625], [10, 0.0001531880407128483],
      [100, 0.000308563990984112], [1000, 0.0007951728766784072],
    ];
    const adam = new Adam();
    for (const [t, alpha] of keras3) {
      expect(adam.stepSize(t), `t=${t}`).toBe(alpha);
      // The float64 formula is 6.5e-6 larger at t = 1: Keras's float32 β₂ is 0.99900001287…
      const float64 = (0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      expect(Math.abs(float64 - alpha) / alpha, `t=${t}`).toBeGreaterThan(1e-6);
    }
  });

  it("matches Keras's update, each operation in float32 in Keras's order, bit for bit over five steps", () => {
    const f = Math.fround;
    const [lr, b1, b2, eps] = [0.001, 0.9, 0.999, 1e-7];
    keras.setRandomSeed(4);
    const theta0 = keras.randomNormal([50], 0, 0.01).data;
    const grads = Array.from({ length: 5 }, (_, t) => Array.from(keras.randomNormal([50], 0, 10 ** -t).data));
    // keras/src/optimizers/adam.py on float32 variables: lr, β₁, β₂, ε and t are float32 there.
    const theta = Array.from(theta0), m = new Array<number>(50).fill(0), v = new Array<number>(50).fill(0);
    const [c1, c2] = [f(1 - b1), f(1 - b2)];
    grads.forEach((g, step) => {
      const t = f(step + 1);
      const alpha = f(f(f(lr) * f(Math.sqrt(f(1 - f(f(b2) ** t))))) / f(1 - f(f(b1) ** t)));
      for (let i = 0; i < 50; i++) {
        m[i] = f(m[i]! + f(f(g[i]! - m[i]!) * c1));
        v[i] = f(v[i]! + f(f(f(g[i]! * g[i]!) - v[i]!) * c2));
        theta[i] = f(theta[i]! - f(f(m[i]! * alpha) / f(f(Math.sqrt(v[i]!)) + f(eps))));
      }
    });
    const got = run(new Adam(), Array.from(theta0), grads);
    expect(Array.from(got)).toEqual(theta);
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

  it('momentum and Nesterov follow Keras: lr and μ in float32, each operation rounded to float32, bit for bit', () => {
    const f = Math.fround;
    const [mu, lr] = [0.9, 0.01];
    keras.setRandomSeed(5);
    const theta0 = Array.from(keras.randomNormal([40], 0, 0.1).data);
    const grads = Array.from({ length: 6 }, () => Array.from(keras.randomNormal([40]).data));
    // keras/src/optimizers/sgd.py: m ← m·μ − g·lr; θ ← θ + m, or θ + (m·μ − g·lr) with Nesterov.
    const reference = (nesterov: boolean, float32: boolean): number[] => {
      const r = float32 ? f : (x: number) => x;
      const th = [...theta0], m = theta0.map(() => 0);
      for (const g of grads) {
        for (let i = 0; i < th.length; i++) {
          const lrg = r(g[i]! * r(lr));
          m[i] = f(r(m[i]! * r(mu)) - lrg);
          th[i] = f(th[i]! + (nesterov ? r(r(m[i]! * r(mu)) - lrg) : m[i]!));
        }
      }
      return th;
    };
    for (const nesterov of [false, true]) {
      const got = Array.from(run(new SGD({ learningRate: lr, momentum: mu, nesterov }), theta0, grads));
      expect(got, `nesterov=${nesterov}`).toEqual(reference(nesterov, true));
      // The float64 arithmetic tinykeras used before lands elsewhere on these numbers.
      expect(got, `nesterov=${nesterov}`).not.toEqual(reference(nesterov, false));
    }
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
