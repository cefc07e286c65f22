/**
 * The compiled Dense step against autograd: the same model, data and seed
 * trained both ways must give the same losses and weights (to float
 * rounding), on one thread and on two; it must not allocate typed arrays per
 * step; and its fused kernels must agree with the plain ops.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../src/index.js';
import { planDenseStep, createStepRunner, gatherBatch, SingleThreadRunner } from '../src/training/compile-dense-step.js';
import { Activation, activationBackward, biasActivation, columnSums, softmaxCrossEntropy } from '../src/tensor/kernels/dense.js';

const { Dense, Flatten } = keras.layers;

beforeEach(() => keras.clearSession());

/** Image-like data: 4×5 "pictures" with about half exact zeros, 3 classes. */
function data(n: number, seed: number): [keras.Tensor, keras.Tensor] {
  const g = new (class {
    s = seed >>> 0;
    next() {
      this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
      return this.s / 2 ** 32;
    }
  })();
  const x = new Float32Array(n * 20);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 20; j++) x[i * 20 + j] = g.next() < 0.5 ? 0 : g.next() + (j % 3 === i % 3 ? 0.5 : 0);
  }
  return [new keras.Tensor(x, [n, 4, 5]), new keras.Tensor(y, [n])];
}

function model(hidden: keras.ActivationName, output: keras.ActivationName = 'softmax'): keras.Sequential {
  return new keras.Sequential([
    new Flatten({ inputShape: [4, 5] }),
    new Dense(16, { activation: hidden }),
    new Dense(8, { activation: hidden }),
    new Dense(3, { activation: output }),
  ]);
}

/**
 * The same loss, given as a plain function: the compiled step only takes the
 * SparseCategoricalCrossentropy class, so this sends fit and evaluate down
 * the autograd path, for comparison.
 */
function sameLossAsFunction(yTrue: keras.Tensor, yPred: keras.Tensor): keras.Tensor {
  return new keras.losses.SparseCategoricalCrossentropy().call(yTrue, yPred);
}

/** Trains with the given threads (or through autograd) and returns the loss history and final weights. */
async function train(threads: number | 'autograd', hidden: keras.ActivationName, optimizer: () => keras.optimizers.Optimizer) {
  keras.clearSession();
  keras.setRandomSeed(11);
  const [x, y] = data(90, 5);
  const m = model(hidden);
  m.compile({ optimizer: optimizer(), loss: threads === 'autograd' ? sameLossAsFunction : 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  expect(typeof planDenseStep(m.layers, m.compiled!, [4, 5], [90])).toBe(threads === 'autograd' ? 'string' : 'object');
  const history = await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, threads: threads === 'autograd' ? 1 : threads });
  return { loss: history.history.loss!, accuracy: history.history.accuracy!, weights: m.getWeights().map((w) => Array.from(w.data)) };
}

describe('the compiled Dense step', () => {
  it('applies to the seed architecture and not to what it cannot compute', () => {
    const m = model('relu');
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    expect(typeof planDenseStep(m.layers, m.compiled!, [4, 5], [10])).toBe('object');
    m.compile({ optimizer: 'adam', loss: 'mse' });
    expect(planDenseStep(m.layers, m.compiled!, [4, 5], [10])).toMatch(/not sparse categorical crossentropy/);
    const logits = model('relu', 'linear');
    logits.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    expect(planDenseStep(logits.layers, logits.compiled!, [4, 5], [10])).toMatch(/not softmax/);
    logits.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    expect(typeof planDenseStep(logits.layers, logits.compiled!, [4, 5], [10])).toBe('object');
  });

  for (const hidden of ['relu', 'tanh', 'sigmoid', 'linear'] as const) {
    it(`trains like autograd (${hidden} hidden layers, Adam), on one thread and on two`, async () => {
      const reference = await train('autograd', hidden, () => new keras.optimizers.Adam({ learningRate: 0.01 }));
      for (const threads of [1, 2]) {
        const compiled = await train(threads, hidden, () => new keras.optimizers.Adam({ learningRate: 0.01 }));
        compiled.loss.forEach((v, i) => expect(v).toBeCloseTo(reference.loss[i]!, 5));
        compiled.accuracy.forEach((v, i) => expect(v).toBeCloseTo(reference.accuracy[i]!, 6));
        compiled.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(reference.weights[i]![j]!, 4)));
      }
    });
  }

  it("uses threads by default only when a step has enough work to pay for them", async () => {
    const [x, y] = data(64, 2);
    const small = model('relu');
    small.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const smallRunner = (await createStepRunner(small, small.compiled!, x, y, 32, 'auto'))!;
    expect(smallRunner).toBeInstanceOf(SingleThreadRunner);
    await smallRunner.close();
    const big = new keras.Sequential([new Flatten({ inputShape: [4, 5] }), new Dense(2048, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })]);
    big.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const bigRunner = (await createStepRunner(big, big.compiled!, x, y, 32, 'auto'))!;
    expect(bigRunner).not.toBeInstanceOf(SingleThreadRunner); // 32 × 20 × 2048 = 1.3M multiply-adds per step
    await bigRunner.close();
  });

  it('gives the same weights on two threads as on one, bit for bit', async () => {
    const one = await train(1, 'relu', () => new keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }));
    const two = await train(2, 'relu', () => new keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }));
    expect(two.weights).toEqual(one.weights);
    two.loss.forEach((v, i) => expect(v).toBeCloseTo(one.loss[i]!, 6));
  });

  it.each([1, 2])('allocates no typed arrays in steady state (%i thread(s))', async (threads) => {
    keras.setRandomSeed(1);
    const [x, y] = data(64, 2);
    const m = model('relu');
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const runner = (await createStepRunner(m, m.compiled!, x, y, 32, threads))!;
    const order = Int32Array.from({ length: 64 }, (_, i) => i);
    const step = (t: number) => {
      gatherBatch(runner.state, x.data, y.data, order, (t % 2) * 32, (t % 2) * 32 + 32);
      runner.run(32, t);
    };
    step(1); // warm-up: optimizer slots are created on first use
    const constructors = [Float32Array, Float64Array, Int32Array] as const;
    let made = 0;
    const originals = constructors.map((C) => C.prototype.constructor);
    const counting = constructors.map(
      (C) => new Proxy(C, { construct: (target, args) => (made++, Reflect.construct(target, args)) }),
    );
    const g = globalThis as Record<string, unknown>;
    constructors.forEach((C, i) => (g[C.name] = counting[i]));
    const subarray = Float32Array.prototype.subarray;
    Float32Array.prototype.subarray = function (...a) {
      made++;
      return subarray.apply(this, a);
    };
    try {
      for (let t = 2; t < 12; t++) step(t);
    } finally {
      constructors.forEach((C, i) => (g[C.name] = originals[i]));
      Float32Array.prototype.subarray = subarray;
    }
    expect(made).toBe(0);
    await runner.close();
  });
});

describe('the fused kernels agree with the plain ops', () => {
  it('biasActivation and activationBackward = bias add, activation and its derivative (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom('relu', 'sigmoid', 'tanh', 'linear') as fc.Arbitrary<'relu' | 'sigmoid' | 'tanh' | 'linear'>, fc.integer(), (rows, units, act, seed) => {
        const g = new keras.utils.RandomGenerator(seed);
        const z = keras.tensor(Array.from({ length: rows * units }, () => g.normal()), [rows, units]);
        const b = keras.tensor(Array.from({ length: units }, () => g.normal()), [units]);
        const upstream = Array.from({ length: rows * units }, () => g.normal());
        // The plain ops, with autograd for the derivative.
        z.requiresGrad = true;
        const pre = z.add(b);
        const out = act === 'relu' ? pre.relu() : act === 'sigmoid' ? pre.sigmoid() : act === 'tanh' ? pre.tanh() : pre;
        out.mul(keras.tensor(upstream, [rows, units])).sum().backward();
        // The fused kernels on copies.
        const A = Float32Array.from(z.data);
        biasActivation(A, b.data, 0, rows, units, Activation[act]);
        const dZ = Float32Array.from(upstream);
        activationBackward(dZ, A, 0, rows, units, Activation[act]);
        A.forEach((v, i) => expect(v).toBeCloseTo(out.data[i]!, 5));
        dZ.forEach((v, i) => expect(v).toBeCloseTo(z.grad!.data[i]!, 5));
      }),
      { numRuns: 100 },
    );
  });

  it('softmaxCrossEntropy = the fused loss op and its gradient, with the argmax count (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 2, max: 6 }), fc.integer(), (rows, classes, seed) => {
        const g = new keras.utils.RandomGenerator(seed);
        const logits = keras.tensor(Array.from({ length: rows * classes }, () => 10 * g.normal()), [rows, classes]);
        const labels = keras.tensor(Array.from({ length: rows }, () => g.int(classes)));
        logits.requiresGrad = true;
        const loss = keras.losses.sparseSoftmaxCrossEntropyWithLogits(logits, labels).mean();
        loss.backward();
        const dZ = new Float32Array(rows * classes);
        const totals = new Float64Array(2);
        softmaxCrossEntropy(logits.data, labels.data, 0, rows, classes, 1 / rows, dZ, totals);
        expect(totals[0]! / rows).toBeCloseTo(loss.item(), 4);
        expect(totals[1]).toBe(keras.losses.sparseCategoricalAccuracy(labels, logits) * rows);
        dZ.forEach((v, i) => expect(v).toBeCloseTo(logits.grad!.data[i]!, 6));
      }),
      { numRuns: 100 },
    );
  });

  it('columnSums = sum over axis 0 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (rows, units, seed) => {
        const g = new keras.utils.RandomGenerator(seed);
        const d = keras.tensor(Array.from({ length: rows * units }, () => g.normal()), [rows, units]);
        const out = new Float32Array(units);
        columnSums(d.data, rows, units, 0, units, out);
        const expected = d.sum(0);
        out.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 5));
      }),
      { numRuns: 100 },
    );
  });
});

describe('predict through the fused kernels', () => {
  it('equals the layer-by-layer forward pass, for every activation and batch size', () => {
    for (const hidden of ['relu', 'tanh', 'sigmoid', 'linear'] as const) {
      for (const output of ['softmax', 'linear', 'sigmoid'] as const) {
        keras.setRandomSeed(3);
        const m = model(hidden, output);
        const [x] = data(37, 9);
        const expected = keras.noGrad(() => m.apply(x));
        for (const batchSize of [1, 5, 32, 37]) {
          const got = m.predict(x, { batchSize, verbose: 0 });
          expect(got.shape).toEqual([37, 3]);
          got.data.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 6));
        }
      }
    }
  });
});

describe('evaluate through the fused kernels', () => {
  it('gives the loss and accuracy of the layer-by-layer path, for softmax outputs and logits', () => {
    for (const fromLogits of [false, true]) {
      keras.setRandomSeed(8);
      const m = model('relu', fromLogits ? 'linear' : 'softmax');
      const [x, y] = data(45, 4);
      const loss = new keras.losses.SparseCategoricalCrossentropy({ fromLogits });
      m.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
      const fused = m.evaluate(x, y, { batchSize: 8, verbose: 0 });
      // The same loss as a plain function sends evaluate down the layer-by-layer path.
      m.compile({ optimizer: 'adam', loss: (t: keras.Tensor, p: keras.Tensor) => loss.call(t, p), metrics: ['accuracy'] });
      expect(typeof planDenseStep(m.layers, m.compiled!, [4, 5], [45])).toBe('string');
      const [plainLoss, plainAccuracy] = m.evaluate(x, y, { batchSize: 8, verbose: 0 });
      expect(fused[0]).toBeCloseTo(plainLoss!, 5);
      expect(fused[1]).toBeCloseTo(plainAccuracy!, 10);
      const column = new keras.Tensor(y.data, [45, 1]);
      m.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
      expect(m.evaluate(x, column, { batchSize: 8, verbose: 0 })[0]).toBeCloseTo(plainLoss!, 5);
    }
  });

  it('still names a bad label', () => {
    const m = model('relu');
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const [x] = data(4, 1);
    expect(() => m.evaluate(x, keras.tensor([0, 1, 7, 2]), { verbose: 0 })).toThrow(/labels must be integer class indices in \[0, 3\).*y_true\[2\]=7/);
  });
});
