/**
 * The fused executor against autograd: the same model, data and seed
 * trained both ways must give the same weights bit for bit (and losses to
 * float rounding, summed in another order), on one thread and on two,
 * chosen by compile()'s runEagerly and jitCompile, on both kernel tiers;
 * and the kernels it shares with the autograd ops must agree with them.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { planTraining } from '../../src/fused/plan.js';
import { SingleThreadRunner, startFusedTraining } from '../../src/fused/runner.js';
import type { StepRunner } from '../../src/fused/step.js';
import { ACTIVATION_KINDS, activate, activationGradient } from '../../src/tensor/kernels/activations.js';
import { columnSums, addBias } from '../../src/tensor/kernels/bias.js';
import { softmaxCrossEntropy } from '../../src/tensor/kernels/softmax.js';
import { sparseSoftmaxCrossEntropyWithLogits } from '../../src/losses/sparse-softmax-crossentropy.js';
import { simdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';

const { Dense, Flatten } = keras.layers;

beforeEach(() => keras.utils.clearSession());
afterEach(() => keras.config.setKernels('js'));

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

function model(hidden: keras.ActivationName, output: keras.ActivationName = 'softmax', useBias = true): keras.Sequential {
  return new keras.Sequential([
    new Flatten({ inputShape: [4, 5] }),
    new Dense(16, { activation: hidden, useBias }),
    new Dense(8, { activation: hidden, useBias }),
    new Dense(3, { activation: output, useBias }),
  ]);
}

/** A fused step for a compiled model on (x, y), as fit starts it. */
async function runnerFor(m: keras.Sequential, x: keras.Tensor, y: keras.Tensor, threads: number | 'auto'): Promise<StepRunner> {
  const plan = planTraining(m.layers, m.compiled!, x.shape.slice(1), y.shape);
  if (typeof plan === 'string') throw new Error(plan);
  return (await startFusedTraining(plan, m.compiled!.optimizer, 32, threads)).runner;
}

/**
 * The same loss, given as a plain function: the fused executor only takes the
 * SparseCategoricalCrossentropy class, so this sends fit and evaluate down
 * the autograd path under jitCompile 'auto'.
 */
function sameLossAsFunction(yTrue: keras.Tensor, yPred: keras.Tensor): keras.Tensor {
  return new keras.losses.SparseCategoricalCrossentropy().call(yTrue, yPred);
}

/** How a training run picks its executor. */
type Executor =
  | { runEagerly: true }
  | { lossAsFunction: true }
  | { threads: number; jitCompile: true | 'auto' };

interface TrainOptions {
  hidden: keras.ActivationName;
  optimizer: () => keras.optimizers.Optimizer;
  useBias?: boolean;
  /** The kernel tier, selected before the model is built (default 'js'). */
  tier?: keras.KernelTier;
}

/** Trains under `executor` and returns the loss history, final weights and history.params. */
async function train(executor: Executor, { hidden, optimizer, useBias = true, tier = 'js' }: TrainOptions) {
  await keras.config.setKernels(tier);
  keras.utils.clearSession();
  keras.utils.setRandomSeed(11);
  const [x, y] = data(90, 5);
  const m = model(hidden, 'softmax', useBias);
  const loss = 'lossAsFunction' in executor ? sameLossAsFunction : 'sparse_categorical_crossentropy';
  m.compile({
    optimizer: optimizer(),
    loss,
    metrics: ['accuracy'],
    ...('runEagerly' in executor ? { runEagerly: true } : {}),
    ...('jitCompile' in executor ? { jitCompile: executor.jitCompile } : {}),
  });
  const threads = 'threads' in executor ? executor.threads : 1;
  const history = await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, threads });
  return {
    loss: history.history.loss!,
    accuracy: history.history.accuracy!,
    weights: m.getWeights().map((w) => Array.from(w.data)),
    params: history.params,
    iterations: m.compiled!.optimizer.iterations,
  };
}

type Trained = Awaited<ReturnType<typeof train>>;

function expectSameTraining(got: Trained, reference: Trained): void {
  got.loss.forEach((v, i) => expect(v).toBeCloseTo(reference.loss[i]!, 5));
  got.accuracy.forEach((v, i) => expect(v).toBeCloseTo(reference.accuracy[i]!, 6));
  // Bit for bit: the same kernels, the same order of sums, the same float32 roundings.
  expect(got.weights).toEqual(reference.weights);
  expect(got.iterations).toBe(reference.iterations);
}

describe('the fused executor', () => {
  it('applies to the seed architecture and not to what it cannot compute', () => {
    const m = model('relu');
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    expect(typeof planTraining(m.layers, m.compiled!, [4, 5], [10])).toBe('object');
    m.compile({ optimizer: 'adam', loss: 'mse' });
    expect(planTraining(m.layers, m.compiled!, [4, 5], [10])).toMatch(/not sparse categorical crossentropy/);
    const logits = model('relu', 'linear');
    logits.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    expect(planTraining(logits.layers, logits.compiled!, [4, 5], [10])).toMatch(/not softmax/);
    logits.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    expect(typeof planTraining(logits.layers, logits.compiled!, [4, 5], [10])).toBe('object');
  });

  const optimizers = {
    Adam: () => new keras.optimizers.Adam({ learningRate: 0.01 }),
    SGD: () => new keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }),
  };
  // Every activation the fused backward runs: the first four with and without bias and under both optimizers, the rest once.
  const trainingCases = [
    ...(['relu', 'tanh', 'sigmoid', 'linear'] as const).flatMap((hidden) => [true, false].flatMap((useBias) => (['Adam', 'SGD'] as const).map((o) => [hidden, useBias, o] as const))),
    ...(['elu', 'selu', 'leaky_relu', 'softplus'] as const).map((hidden) => [hidden, true, 'Adam' as const] as const),
  ];
  for (const [hidden, useBias, optimizerName] of trainingCases) {
    it(`trains like autograd (${hidden} hidden layers, ${useBias ? 'with' : 'without'} bias, ${optimizerName}), on one thread and on two`, async () => {
      const options = { hidden, optimizer: optimizers[optimizerName], useBias };
      const reference = await train({ runEagerly: true }, options);
      expect(reference.params).toMatchObject({ executor: 'autograd', threads: 1, reason: 'runEagerly is true' });
      const oneThread = await train({ threads: 1, jitCompile: 'auto' }, options);
      expect(oneThread.params).toMatchObject({ executor: 'fused', threads: 1 });
      expect(oneThread.params.reason).toBeUndefined();
      expectSameTraining(oneThread, reference);
      const twoThreads = await train({ threads: 2, jitCompile: true }, options);
      expect(twoThreads.params).toMatchObject({ executor: 'fused', threads: 2 });
      expectSameTraining(twoThreads, reference);
    });
  }

  // The SIMD tier's kernels give the tier's result wherever autograd's arrays live (simd/simd-table.ts
  // copies a product's or the loss's operands into its memory), so there too the executors agree bit for bit.
  // 90 rows in batches of 16: the last batch of 10 has a mean whose 1/batch is not a power of 2.
  const simdCases = simdSupported() ? (['relu', 'tanh'] as const).flatMap((hidden) => (['Adam', 'SGD'] as const).map((o) => [hidden, o] as const)) : [];
  for (const [hidden, optimizerName] of simdCases) {
    it(`trains like autograd on the SIMD tier too, bit for bit (${hidden} hidden layers, ${optimizerName}), on one thread and on two`, async () => {
      const options = { hidden, optimizer: optimizers[optimizerName], tier: 'simd' as const };
      const reference = await train({ runEagerly: true }, options);
      expect(reference.params).toMatchObject({ executor: 'autograd' });
      const oneThread = await train({ threads: 1, jitCompile: true }, options);
      expect(oneThread.params).toMatchObject({ executor: 'fused', threads: 1 });
      expectSameTraining(oneThread, reference);
      const twoThreads = await train({ threads: 2, jitCompile: true }, options);
      expect(twoThreads.params).toMatchObject({ executor: 'fused', threads: 2 });
      expectSameTraining(twoThreads, reference);
      // The tier really ran: its float32 lanes and polynomial exp round otherwise than the JS kernels.
      expect(reference.weights).not.toEqual((await train({ runEagerly: true }, { ...options, tier: 'js' })).weights);
    });
  }

  for (const hidden of ['swish', 'silu', 'gelu'] as const) {
    it(`trains ${hidden} hidden layers through autograd under jitCompile auto (their derivative needs the input), and says why`, async () => {
      const trained = await train({ threads: 1, jitCompile: 'auto' }, { hidden, optimizer: optimizers.Adam });
      expect(trained.params).toMatchObject({ executor: 'autograd' });
      expect(trained.params.reason).toMatch(new RegExp(`has activation '${hidden}'`));
      expectSameTraining(trained, await train({ runEagerly: true }, { hidden, optimizer: optimizers.Adam }));
    });
  }

  it('trains a loss given as a function through autograd under jitCompile auto, and says why', async () => {
    const options = { hidden: 'relu' as const, optimizer: optimizers.Adam };
    const viaFunction = await train({ lossAsFunction: true }, options);
    expect(viaFunction.params).toMatchObject({ executor: 'autograd', threads: 1, reason: 'the loss is not sparse categorical crossentropy' });
    expectSameTraining(viaFunction, await train({ runEagerly: true }, options));
  });

  it('throws, saying why, when jitCompile is true and the model cannot run fused', async () => {
    const [x, y] = data(20, 1);
    const m = model('relu');
    m.compile({ optimizer: 'adam', loss: 'mse', jitCompile: true });
    await expect(m.fit(x, keras.ops.oneHot(y, 3), { verbose: 0 })).rejects.toThrow(
      /fit\(\): jitCompile is true, but the fused executor cannot run model "sequential(_\d+)?": the loss is not sparse categorical crossentropy\. Compile with jitCompile: 'auto'/,
    );
    class Doubling extends keras.layers.Layer {
      static override readonly className = 'Doubling';
      call(t: keras.Tensor): keras.Tensor { return t.mul(2); }
      computeOutputShape(s: keras.BatchShape): keras.BatchShape { return s; }
    }
    const custom = new keras.Sequential([new Flatten({ inputShape: [4, 5] }), new Doubling(), new Dense(3, { activation: 'softmax' })]);
    custom.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', jitCompile: true });
    await expect(custom.fit(x, y, { verbose: 0 })).rejects.toBeInstanceOf(keras.ValueError);
    expect(() => custom.predict(x, { verbose: 0 })).toThrow(/predict\(\): jitCompile is true.*layer "doubling" \(Doubling\) has no fused form/);
    custom.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const history = await custom.fit(x, y, { verbose: 0 });
    expect(history.params).toMatchObject({ executor: 'autograd', reason: 'layer "doubling" (Doubling) has no fused form' });
  });

  it('rejects bad runEagerly and jitCompile values, and lets runEagerly win over jitCompile as Keras does', () => {
    const m = model('relu');
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', jitCompile: 'yes' as never })).toThrow(/jitCompile must be true, false or 'auto'\. Received: jitCompile='yes'/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', runEagerly: 1 as never })).toThrow(/runEagerly must be true or false/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    m.compile({ optimizer: 'adam', loss: 'mse', runEagerly: true, jitCompile: true });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/runEagerly is true, so jitCompile cannot also be true/));
    expect(m.compiled!.jitCompile).toBe(false);
  });

  describe('threads it cannot use', () => {
    let warn: ReturnType<typeof vi.spyOn>;
    beforeEach(() => (warn = vi.spyOn(console, 'warn').mockImplementation(() => {})));
    afterEach(() => warn.mockRestore());

    it('says so once when autograd runs', async () => {
      const [x, y] = data(20, 1);
      const m = model('relu');
      m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', runEagerly: true });
      await m.fit(x, y, { verbose: 0, threads: 2 });
      const history = await m.fit(x, y, { verbose: 0, threads: 2 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/fit\(\): threads=2 was asked for, but training runs on one thread: runEagerly is true\./);
      expect(history.params).toMatchObject({ executor: 'autograd', threads: 1 });
    });

    it('trains a custom Optimizer subclass fused on one thread, and reports why not two', async () => {
      class HalfSGD extends keras.optimizers.SGD {}
      const [x, y] = data(40, 3);
      const m = model('relu');
      m.compile({ optimizer: new HalfSGD({ learningRate: 0.05 }), loss: 'sparse_categorical_crossentropy' });
      const history = await m.fit(x, y, { verbose: 0, threads: 2, batchSize: 8 });
      expect(history.params).toMatchObject({ executor: 'fused', threads: 1 });
      expect(history.params.reason).toMatch(/the optimizer is a HalfSGD, which worker threads cannot rebuild/);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(m.compiled!.optimizer.iterations).toBe(5);
    });
  });

  it("uses threads by default only when a step has enough work to pay for them", async () => {
    const [x, y] = data(64, 2);
    const small = model('relu');
    small.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const smallRunner = await runnerFor(small, x, y, 'auto');
    expect(smallRunner).toBeInstanceOf(SingleThreadRunner);
    await smallRunner.close();
    const big = new keras.Sequential([new Flatten({ inputShape: [4, 5] }), new Dense(2048, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })]);
    big.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const bigRunner = await runnerFor(big, x, y, 'auto');
    expect(bigRunner).not.toBeInstanceOf(SingleThreadRunner); // 32 × 20 × 2048 = 1.3M multiply-adds per step
    await bigRunner.close();
  });

  it('gives the same weights on two threads as on one, bit for bit', async () => {
    const options = { hidden: 'relu' as const, optimizer: () => new keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }) };
    const one = await train({ threads: 1, jitCompile: true }, options);
    const two = await train({ threads: 2, jitCompile: true }, options);
    expect(two.weights).toEqual(one.weights);
    two.loss.forEach((v, i) => expect(v).toBeCloseTo(one.loss[i]!, 6));
  });

  // That a step allocates no typed array (on both kernel tiers, 1 and 2 threads) is tested in simd-executor.test.ts.
});

describe('the kernels the executor and the ops share agree with plain formulas and with autograd', () => {
  it('addBias, activate and activationGradient = bias add, activation and its derivative (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom('relu', 'sigmoid', 'tanh', 'linear') as fc.Arbitrary<'relu' | 'sigmoid' | 'tanh' | 'linear'>, fc.integer(), (rows, units, act, seed) => {
        const g = new keras.random.RandomGenerator(seed);
        const z = keras.tensor(Array.from({ length: rows * units }, () => g.normal()), [rows, units]);
        const b = keras.tensor(Array.from({ length: units }, () => g.normal()), [units]);
        const upstream = Array.from({ length: rows * units }, () => g.normal());
        // The plain ops, with autograd for the derivative.
        z.requiresGrad = true;
        const pre = z.add(b);
        const out = act === 'relu' ? pre.relu() : act === 'sigmoid' ? pre.sigmoid() : act === 'tanh' ? pre.tanh() : pre;
        out.mul(keras.tensor(upstream, [rows, units])).sum().backward();
        // The kernels on copies, in place, as the fused executor runs them.
        const A = Float32Array.from(z.data);
        addBias(A, b.data, 0, rows, units);
        activate(act, A, A, 0, rows * units);
        const dZ = Float32Array.from(upstream);
        activationGradient(act, A, dZ, dZ, 0, rows * units);
        A.forEach((v, i) => expect(v).toBeCloseTo(out.data[i]!, 5));
        dZ.forEach((v, i) => expect(v).toBeCloseTo(z.grad!.data[i]!, 5));
        // And both against the textbook formulas, in float64.
        const plain = { relu: (v: number) => Math.max(v, 0), sigmoid: (v: number) => 1 / (1 + Math.exp(-v)), tanh: Math.tanh, linear: (v: number) => v }[act];
        const derivative = { relu: (v: number) => (v > 0 ? 1 : 0), sigmoid: (v: number) => plain(v) * (1 - plain(v)), tanh: (v: number) => 1 - Math.tanh(v) ** 2, linear: () => 1 }[act];
        A.forEach((v, i) => {
          const zi = z.data[i]! + b.data[i % units]!;
          expect(v).toBeCloseTo(plain(zi), 5);
          expect(dZ[i]!).toBeCloseTo(upstream[i]! * derivative(zi), 5);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('softmaxCrossEntropy = the fused loss op and its gradient, with the argmax count (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 2, max: 6 }), fc.integer(), (rows, classes, seed) => {
        const g = new keras.random.RandomGenerator(seed);
        const logits = keras.tensor(Array.from({ length: rows * classes }, () => 10 * g.normal()), [rows, classes]);
        const labels = keras.tensor(Array.from({ length: rows }, () => g.int(classes)));
        logits.requiresGrad = true;
        const loss = sparseSoftmaxCrossEntropyWithLogits(logits, labels).mean();
        loss.backward();
        const dZ = new Float32Array(rows * classes);
        const totals = new Float64Array(2);
        softmaxCrossEntropy({ logits: logits.data, labels: labels.data, classes, rowStart: 0, rowEnd: rows, scale: 1 / rows, grad: dZ, totals, rowLosses: null });
        expect(totals[0]! / rows).toBeCloseTo(loss.item(), 4);
        // The textbook loss, −log softmax(z)_y, in float64.
        let plainLoss = 0;
        for (let r = 0; r < rows; r++) {
          const row = Array.from(logits.data.subarray(r * classes, (r + 1) * classes));
          const m = Math.max(...row);
          plainLoss -= row[labels.data[r]!]! - m - Math.log(row.reduce((sum, v) => sum + Math.exp(v - m), 0));
        }
        expect(totals[0]! / rows).toBeCloseTo(plainLoss / rows, 4);
        expect(totals[1]).toBe(keras.metrics.sparseCategoricalAccuracy(labels, logits) * rows);
        dZ.forEach((v, i) => expect(v).toBeCloseTo(logits.grad!.data[i]!, 6));
      }),
      { numRuns: 100 },
    );
  });

  it('columnSums = sum over axis 0 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (rows, units, seed) => {
        const g = new keras.random.RandomGenerator(seed);
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
    for (const hidden of ACTIVATION_KINDS) {
      for (const output of ['softmax', 'linear', 'sigmoid'] as const) {
        keras.utils.setRandomSeed(3);
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
      keras.utils.setRandomSeed(8);
      const m = model('relu', fromLogits ? 'linear' : 'softmax');
      const [x, y] = data(45, 4);
      const loss = new keras.losses.SparseCategoricalCrossentropy({ fromLogits });
      m.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
      const fused = m.evaluate(x, y, { batchSize: 8, verbose: 0 });
      // The same loss as a plain function sends evaluate down the layer-by-layer path.
      m.compile({ optimizer: 'adam', loss: (t: keras.Tensor, p: keras.Tensor) => loss.call(t, p), metrics: ['accuracy'] });
      expect(typeof planTraining(m.layers, m.compiled!, [4, 5], [45])).toBe('string');
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
