/**
 * RMSprop, Adagrad, AdamW and Nadam, and learning-rate schedules: the rules
 * against a plain float32 transcription of Keras's code, the fused executor
 * (one thread and two) against autograd bit for bit, options and their
 * errors, and saving: config and state round trips. Their agreement with
 * real Keras is in test/keras/optimizers2.keras.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { getOptimizer } from '../../src/optim/index.js';

const { RMSprop, Adagrad, AdamW, Nadam, Adam, SGD } = keras.optimizers;
const { ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, CosineDecay } = keras.optimizers.schedules;
const f = Math.fround;

beforeEach(() => keras.utils.clearSession());

/** One variable θ with a gradient sequence, stepped by `optimizer`. */
function run(optimizer: keras.optimizers.Optimizer, theta0: ArrayLike<number>, grads: ArrayLike<number>[]): Float32Array {
  const theta = keras.tensor(Array.from(theta0));
  for (const g of grads) optimizer.applyGradients([[keras.tensor(Array.from(g)), theta]]);
  return theta.data;
}

keras.setRandomSeed(7);
const theta0 = keras.randomNormal([40], 0, 0.1).data;
const grads = Array.from({ length: 6 }, (_, t) => keras.randomNormal([40], 0, 10 ** -(t % 3)).data);

describe("the update rules, each float32 operation in Keras's order", () => {
  it('RMSprop (plain, momentum, centered)', () => {
    for (const [momentum, centered] of [[0, false], [0.5, false], [0.3, true]] as const) {
      const lr = 0.01, rho = 0.9, eps = 1e-7;
      const theta = Array.from(theta0), v = theta.map(() => 0), p = theta.map(() => 0), a = theta.map(() => 0);
      for (const g of grads) {
        theta.forEach((_, i) => {
          const gi = g[i]!;
          v[i] = f(f(f(rho) * v[i]!) + f(f(1 - rho) * f(gi * gi)));
          let den = f(v[i]! + f(eps));
          if (centered) {
            a[i] = f(f(f(rho) * a[i]!) + f(f(1 - rho) * gi));
            den = f(f(v[i]! - f(a[i]! * a[i]!)) + f(eps));
          }
          const inc = f(f(f(lr) * gi) / f(Math.sqrt(den)));
          if (momentum > 0) {
            p[i] = f(f(f(momentum) * p[i]!) + inc);
            theta[i] = f(theta[i]! - p[i]!);
          } else theta[i] = f(theta[i]! - inc);
        });
      }
      expect(Array.from(run(new RMSprop({ learningRate: lr, momentum, centered }), theta0, grads)), `momentum ${momentum}, centered ${centered}`).toEqual(theta);
    }
  });

  it('Adagrad, its accumulator starting at initialAccumulatorValue', () => {
    const lr = 0.05, eps = 1e-7, init = 0.1;
    const theta = Array.from(theta0), s = theta.map(() => f(init));
    for (const g of grads) {
      theta.forEach((_, i) => {
        s[i] = f(s[i]! + f(g[i]! * g[i]!));
        theta[i] = f(theta[i]! - f(f(f(lr) * g[i]!) / f(Math.sqrt(f(s[i]! + f(eps))))));
      });
    }
    expect(Array.from(run(new Adagrad({ learningRate: lr }), theta0, grads))).toEqual(theta);
  });

  it('AdamW: the decay θ − (θ·wd)·lr, then Adam on the decayed θ', () => {
    const lr = 0.01, wd = 0.004;
    const adam = new Adam({ learningRate: lr });
    const theta = keras.tensor(Array.from(theta0));
    for (const g of grads) {
      for (let i = 0; i < theta.size; i++) theta.data[i] = f(theta.data[i]! - f(f(theta.data[i]! * f(wd)) * f(lr)));
      adam.applyGradients([[keras.tensor(Array.from(g)), theta]]);
    }
    expect(run(new AdamW({ learningRate: lr }), theta0, grads)).toEqual(theta.data);
    expect(new AdamW().weightDecay).toBe(0.004);
  });

  it("Nadam, with Keras's momentum cache Π_t = Π_{t−1}·β₁·(1 − ½·0.96ᵗ)", () => {
    const lr = 0.002, b1 = f(0.9), b2 = f(0.999), eps = f(1e-7);
    const theta = Array.from(theta0), m = theta.map(() => 0), v = theta.map(() => 0);
    let product = 1;
    grads.forEach((g, k) => {
      const t = k + 1;
      product = f(f(product * b1) * f(1 - f(0.5 * f(f(0.96) ** t))));
      const u = f(b1 * f(1 - f(0.5 * f(f(0.96) ** t))));
      const u1 = f(b1 * f(1 - f(0.5 * f(f(0.96) ** (t + 1)))));
      const product1 = f(product * u1);
      const b2Power = f(b2 ** t);
      theta.forEach((_, i) => {
        const gi = g[i]!;
        m[i] = f(m[i]! + f(f(gi - m[i]!) * f(1 - b1)));
        v[i] = f(v[i]! + f(f(f(gi * gi) - v[i]!) * f(1 - b2)));
        const mHat = f(f(f(u1 * m[i]!) / f(1 - product1)) + f(f(f(1 - u) * gi) / f(1 - product)));
        const vHat = f(v[i]! / f(1 - b2Power));
        theta[i] = f(theta[i]! - f(f(mHat * f(lr)) / f(f(Math.sqrt(vHat)) + eps)));
      });
    });
    expect(Array.from(run(new Nadam({ learningRate: lr }), theta0, grads))).toEqual(theta);
  });

  it('Nadam gives the same steps after its state is restored at a later step count (Π is recomputed from t)', () => {
    const whole = new Nadam();
    const thetaWhole = keras.tensor(Array.from(theta0));
    for (const g of grads) whole.applyGradients([[keras.tensor(Array.from(g)), thetaWhole]]);
    const first = new Nadam();
    const theta = keras.tensor(Array.from(theta0));
    for (const g of grads.slice(0, 3)) first.applyGradients([[keras.tensor(Array.from(g)), theta]]);
    const resumed = new Nadam();
    resumed.iterations = first.iterations;
    resumed.setSlots(theta, first.slotsOf(theta));
    for (const g of grads.slice(3)) resumed.applyGradients([[keras.tensor(Array.from(g)), theta]]);
    expect(theta.data).toEqual(thetaWhole.data);
  });
});

describe('options', () => {
  it("has Keras's defaults and strings", () => {
    expect(new RMSprop().getConfig()).toEqual({ learning_rate: 0.001, weight_decay: null, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(new Adagrad().getConfig()).toEqual({ learning_rate: 0.001, weight_decay: null, initial_accumulator_value: 0.1, epsilon: 1e-7 });
    expect(new AdamW().getConfig()).toEqual({ learning_rate: 0.001, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    expect(new Nadam().getConfig()).toEqual({ learning_rate: 0.001, weight_decay: null, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    for (const [name, cls] of [['rmsprop', RMSprop], ['adagrad', Adagrad], ['adamw', AdamW], ['AdamW', AdamW], ['nadam', Nadam]] as const) {
      expect(getOptimizer(name)).toBeInstanceOf(cls);
    }
    expect(new RMSprop({ momentum: 0.9, centered: true }).slotNames).toEqual(['velocity', 'momentum', 'average_gradient']);
    // compile's default optimizer is Keras's: rmsprop.
    const model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);
    model.compile({ loss: 'mse' });
    expect(model.compiled!.optimizer).toBeInstanceOf(RMSprop);
  });

  it('rejects bad values, snake_case keys, and the Keras options tinykeras does not implement, by name', () => {
    expect(() => new RMSprop({ rho: 1 })).toThrow(/rho must be in \[0, 1\)/);
    expect(() => new Adagrad({ initialAccumulatorValue: -1 })).toThrow(/initialAccumulatorValue must be a non-negative number/);
    expect(() => new AdamW({ weightDecay: -0.1 })).toThrow(/weightDecay must be a non-negative number/);
    expect(() => new Nadam({ beta1: 1.5 })).toThrow(/Nadam: beta1 must be in \[0, 1\)/);
    expect(() => new AdamW({ weight_decay: 0.1 } as never)).toThrow(/Did you mean weightDecay\?/);
    for (const key of ['clipnorm', 'clipvalue', 'globalClipnorm', 'global_clipnorm', 'useEma']) {
      expect(() => new Adam({ [key]: 1 } as never), key).toThrow(new RegExp(`${key} is a Keras option that tinykeras does not support yet`));
      expect(() => new RMSprop({ [key]: 1 } as never), key).toThrow(/does not support yet/);
    }
  });
});

describe('learning-rate schedules', () => {
  it("evaluate Keras's formulas in float32 on the step count", () => {
    const e = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(e.valueAt(0)).toBe(f(0.1));
    expect(e.valueAt(10)).toBe(f(0.05));
    expect(new ExponentialDecay(0.1, { decaySteps: 10, decayRate: 0.5, staircase: true }).valueAt(19)).toBe(f(0.05));
    const it = new InverseTimeDecay(1, { decaySteps: 1, decayRate: 0.5 });
    expect([0, 1, 2].map((s) => it.valueAt(s))).toEqual([1, f(1 / 1.5), 0.5]);
    const pc = new PiecewiseConstantDecay([5, 10], [0.1, 0.05, 0.01]);
    expect([0, 5, 6, 10, 11, 1000].map((s) => pc.valueAt(s))).toEqual([0.1, 0.1, 0.05, 0.05, 0.01, 0.01].map(f));
    const cos = new CosineDecay({ initialLearningRate: 0.2, decaySteps: 10 });
    expect(cos.valueAt(0)).toBe(f(0.2));
    expect(cos.valueAt(5)).toBeCloseTo(0.1, 7);
    expect(cos.valueAt(10)).toBeCloseTo(0, 7);
    expect(cos.valueAt(50)).toBe(cos.valueAt(10));
    const warm = new CosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 0.1, warmupSteps: 4 });
    expect([0, 2, 4].map((s) => warm.valueAt(s))).toEqual([0, f(0.05), f(0.1)]);
    expect(warm.valueAt(14)).toBeCloseTo(0, 7);
  });

  it('drive the learning rate per step, and save as Keras serializes them', () => {
    const schedule = new PiecewiseConstantDecay({ boundaries: [1], values: [0.5, 0.25] });
    const sgd = new SGD({ learningRate: schedule });
    const theta = keras.tensor([1]);
    for (let i = 0; i < 3; i++) sgd.applyGradients([[keras.tensor([1]), theta]]);
    // Steps with iterations 0 and 1 use 0.5, iteration 2 uses 0.25: 1 − 0.5 − 0.5 − 0.25.
    expect(theta.data[0]).toBe(-0.25);
    expect(sgd.getConfig().learning_rate).toEqual({
      module: 'keras.optimizers.schedules', class_name: 'PiecewiseConstantDecay', config: { boundaries: [1], values: [0.5, 0.25], name: 'PiecewiseConstant' }, registered_name: null,
    });
    const again = SGD.fromConfig(sgd.getConfig());
    expect(again.schedule).toBeInstanceOf(PiecewiseConstantDecay);
    expect(again.schedule!.valueAt(2)).toBe(0.25);
    for (const s of [new ExponentialDecay(0.1, { decaySteps: 3, decayRate: 0.9, staircase: true }), new InverseTimeDecay(0.1, { decaySteps: 3, decayRate: 0.9 }), new CosineDecay(0.1, { decaySteps: 7, alpha: 0.1, warmupTarget: 0.2, warmupSteps: 2 })]) {
      const loaded = Adam.fromConfig(new Adam({ learningRate: s }).getConfig()).schedule!;
      expect(loaded.getConfig()).toEqual(s.getConfig());
      expect([0, 1, 5, 9].map((k) => loaded.valueAt(k))).toEqual([0, 1, 5, 9].map((k) => s.valueAt(k)));
    }
  });

  it('reject bad arguments with a clear error', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 })).toThrow(/decaySteps must be a positive number/);
    expect(() => new PiecewiseConstantDecay([1, 2], [0.1])).toThrow(/1 less than the length of values/);
    expect(() => new PiecewiseConstantDecay([2, 1], [0.1, 0.2, 0.3])).toThrow(/strictly increasing/);
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decay_steps: 5 } as never)).toThrow(/Did you mean decaySteps\?/);
    expect(() => Adam.fromConfig({ learning_rate: { class_name: 'Nope', config: {} } })).toThrow(/unknown learning-rate schedule 'Nope'/);
  });
});

/** Image-like data, 3 classes. */
function data(n: number): [keras.Tensor, keras.Tensor] {
  const g = new keras.random.RandomGenerator(3);
  const x = new Float32Array(n * 12);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 12; j++) x[i * 12 + j] = g.uniform() < 0.4 ? 0 : g.uniform() + (j % 3 === i % 3 ? 0.5 : 0);
  }
  return [new keras.Tensor(x, [n, 12]), new keras.Tensor(y, [n])];
}

async function train(optimizer: () => keras.optimizers.Optimizer, executor: 'autograd' | 1 | 2, callbacks: keras.callbacks.Callback[] = []) {
  keras.utils.clearSession();
  keras.utils.setRandomSeed(11);
  const [x, y] = data(72);
  const m = new keras.Sequential([new keras.layers.Dense(16, { activation: 'relu', inputShape: [12] }), new keras.layers.Dense(3, { activation: 'softmax' })]);
  m.compile({ optimizer: optimizer(), loss: 'sparse_categorical_crossentropy', ...(executor === 'autograd' ? { runEagerly: true } : { jitCompile: true }) });
  const history = await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, threads: executor === 'autograd' ? 1 : executor, callbacks });
  return { weights: m.getWeights().map((w) => Array.from(w.data)), params: history.params, history: history.history, model: m };
}

describe('on both executors', () => {
  const cases: [string, () => keras.optimizers.Optimizer][] = [
    ['RMSprop centered with momentum', () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
    ['Adagrad', () => new Adagrad({ learningRate: 0.1 })],
    ['AdamW', () => new AdamW({ learningRate: 0.01, weightDecay: 0.1 })],
    ['Nadam', () => new Nadam({ learningRate: 0.01 })],
    ['Adam on an ExponentialDecay', () => new Adam({ learningRate: new ExponentialDecay(0.05, { decaySteps: 3, decayRate: 0.5 }) })],
    ['SGD on a CosineDecay with warmup', () => new SGD({ learningRate: new CosineDecay(0.01, { decaySteps: 10, warmupTarget: 0.5, warmupSteps: 4 }), momentum: 0.9 })],
  ];
  for (const [name, optimizer] of cases) {
    it(`${name}: the fused executor on one thread and on two gives autograd's weights bit for bit`, async () => {
      const reference = await train(optimizer, 'autograd');
      expect(reference.params.executor).toBe('autograd');
      for (const threads of [1, 2] as const) {
        const fused = await train(optimizer, threads);
        expect(fused.params).toMatchObject({ executor: 'fused', threads });
        expect(fused.weights).toEqual(reference.weights);
      }
    });
  }

  it('saves and loads each optimizer with its state and schedule, and resumes as if never stopped', async () => {
    for (const [name, optimizer] of cases) {
      const { model } = await train(optimizer, 1);
      const handler = keras.io.memory();
      await model.save(handler);
      const loaded = await keras.models.loadModel(handler);
      const [a, b] = [model.compiled!.optimizer, loaded.compiled!.optimizer];
      expect(b.constructor, name).toBe(a.constructor);
      expect(b.getConfig(), name).toEqual(a.getConfig());
      expect(b.iterations, name).toBe(a.iterations);
      const [x, y] = data(16);
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      await loaded.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      expect(loaded.getWeights().map((w) => Array.from(w.data)), name).toEqual(model.getWeights().map((w) => Array.from(w.data)));
    }
  });
});
