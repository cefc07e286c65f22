/**
 * The executors on the SIMD kernel tier (await keras.config.setKernels('simd')):
 * the fused executor repeats itself bit for bit under a seed, on one thread
 * and on two; it matches the JS tier within float32 rounding (the SIMD lanes
 * sum in float32 where JS sums in float64); weights made under the JS tier
 * move into the tier's memory and stay the model's own; autograd's matrix
 * products go through the tier too. And neither tier allocates a typed array
 * (nor a view: subarray, slice) per training step, per evaluated batch or
 * per predicted batch, on the calling thread or in a worker thread, for the
 * MLP and for the CNN tutorial's model.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { imageLikeData } from '../support/helpers.js';
import { planTraining } from '../../src/fused/plan.js';
import { gatherBatch, startFusedTraining } from '../../src/fused/runner.js';
import { kernels } from '../../src/tensor/kernels/index.js';
import { simdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { processPool, WorkerPool } from '../../src/fused/threads/pool.js';
import { nodePlatform } from '../../src/fused/threads/node-platform.js';
import { typedArraysMadeBy, workerTypedArraysMadeBy } from '../support/allocations.js';

// Workers start through a bootstrap that counts the typed arrays they make (test/support/allocations.ts).
vi.mock('node:worker_threads', async (original) => (await import('../support/allocations.js')).countingWorkerThreads(await original()));

const { Dense, Flatten } = keras.layers;
const describeSimd = simdSupported() ? describe : describe.skip;

afterEach(() => keras.config.setKernels('js'));

/** Image-like data: 6×6 "pictures" from a seed (test/support/helpers.ts). */
const data = (n: number, seed: number) => imageLikeData(n, seed, 6, 6, 4);

/** A small classifier; `width` units in its first layer (128: products big enough for autograd to use the tier). */
function model(width = 24): keras.Sequential {
  return new keras.Sequential([
    new Flatten({ inputShape: [6, 6] }),
    new Dense(width, { activation: 'relu' }),
    new Dense(12, { activation: 'relu' }),
    new Dense(4, { activation: 'softmax' }),
  ]);
}

interface Run {
  tier: keras.KernelTier;
  threads?: number;
  runEagerly?: boolean;
  /** Build the model under the JS tier, then switch (its weights start outside the tier's memory). */
  switchAfterBuild?: boolean;
  width?: number;
}

/** Trains the model under a seed on the given tier; returns losses, weights, evaluate and predict. */
async function train({ tier, threads = 1, runEagerly = false, switchAfterBuild = false, width }: Run) {
  await keras.config.setKernels(switchAfterBuild ? 'js' : tier);
  keras.utils.clearSession();
  const [x, y] = data(160, 4);
  keras.utils.setRandomSeed(7);
  const m = model(width);
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], runEagerly });
  await keras.config.setKernels(tier);
  const history = await m.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, threads });
  return {
    loss: history.history.loss!,
    weights: m.getWeights().map((w) => Array.from(w.data)),
    evaluated: m.evaluate(x, y, { verbose: 0 }) as number[],
    predicted: Array.from(m.predict(x, { verbose: 0 }).data),
    model: m,
  };
}

type Trained = Awaited<ReturnType<typeof train>>;

function expectClose(got: Trained, want: Trained, digits: number): void {
  got.loss.forEach((v, i) => expect(v).toBeCloseTo(want.loss[i]!, digits));
  got.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(want.weights[i]![j]!, digits)));
  got.evaluated.forEach((v, i) => expect(v).toBeCloseTo(want.evaluated[i]!, digits));
  got.predicted.forEach((v, i) => expect(v).toBeCloseTo(want.predicted[i]!, digits));
}

describeSimd('the fused executor on the SIMD tier', () => {
  it('repeats itself bit for bit under a seed, and two threads give the weights of one', async () => {
    const one = await train({ tier: 'simd' });
    const again = await train({ tier: 'simd' });
    const two = await train({ tier: 'simd', threads: 2 });
    expect(again.weights).toEqual(one.weights);
    expect(again.loss).toEqual(one.loss);
    expect(again.predicted).toEqual(one.predicted);
    expect(two.weights).toEqual(one.weights);
    expect(two.predicted).toEqual(one.predicted);
    // The logged loss sums per-thread totals, so only its last bits may differ.
    two.loss.forEach((v, i) => expect(v).toBeCloseTo(one.loss[i]!, 12));
  });

  it('matches the JS tier within float32 rounding: losses, weights, evaluate and predict', async () => {
    const js = await train({ tier: 'js' });
    const simd = await train({ tier: 'simd' });
    expectClose(simd, js, 5);
    expect(simd.weights).not.toEqual(js.weights); // the lanes really ran (float32 sums differ in the last bits)
  });

  it("trains weights made under the JS tier in the tier's memory, and the model's tensors see every update", async () => {
    const native = await train({ tier: 'simd' });
    const moved = await train({ tier: 'simd', switchAfterBuild: true });
    expect(moved.weights).toEqual(native.weights);
    const tier = kernels.memory!;
    for (const w of moved.model.trainableWeights) expect(tier.holds(w.data)).toBe(true);
  });

  it("trains on the SIMD tier when fit starts before setKernels('simd') has finished loading it (no await)", async () => {
    const awaited = await train({ tier: 'simd' });
    await keras.config.setKernels('js');
    keras.utils.clearSession();
    const [x, y] = data(160, 4);
    keras.utils.setRandomSeed(7);
    const m = model();
    void keras.config.setKernels('simd'); // forgotten await: fit waits for the switch
    expect(keras.config.kernels()).toBe('js'); // still switching
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], runEagerly: false });
    const history = await m.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, threads: 1 });
    expect(keras.config.kernels()).toBe('simd');
    expect(history.history.loss).toEqual(awaited.loss);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(awaited.weights);
  });

  it('runs autograd (runEagerly) with its matrix products on the tier, close to the JS tier', async () => {
    const js = await train({ tier: 'js', runEagerly: true, width: 128 });
    const simd = await train({ tier: 'simd', runEagerly: true, width: 128 });
    expectClose(simd, js, 4);
    expect(simd.weights).not.toEqual(js.weights);
  });
});

const tiers: keras.KernelTier[] = simdSupported() ? ['js', 'simd'] : ['js'];

describe.each(tiers)('no typed array per step or batch (%s tier)', (tier) => {
  /** The CNN tutorial's model on 18×18 images (the smallest it fits), with a Dropout on its feature maps. */
  const cnn = () => {
    const L = keras.layers;
    return new keras.Sequential([
      new L.Conv2D(32, 3, { activation: 'relu', inputShape: [18, 18, 1] }), new L.MaxPooling2D(2),
      new L.Conv2D(64, 3, { activation: 'relu' }), new L.AveragePooling2D(2), new L.Dropout(0.1),
      new L.Conv2D(64, 3, { activation: 'relu' }), new L.Flatten(), new L.Dense(64, { activation: 'relu' }), new L.Dense(10),
    ]);
  };
  const dropoutMlp = () => new keras.Sequential([new Flatten({ inputShape: [6, 6] }), new Dense(24, { activation: 'relu' }), new keras.layers.Dropout(0.2), new Dense(4, { activation: 'softmax' })]);

  it.each([
    [1, 'mlp'],
    [2, 'mlp'],
    [1, 'mlp with Dropout'],
    [2, 'mlp with Dropout'],
    [1, 'cnn'],
    [2, 'cnn'],
  ] as const)('fit steps allocate none in steady state on any thread (%i thread(s), %s)', async (threads, which) => {
    await keras.config.setKernels(tier);
    const [x, y] = which === 'cnn' ? [keras.random.uniform([64, 18, 18, 1]), new keras.Tensor(Float32Array.from({ length: 64 }, (_, i) => i % 10), [64])] : data(64, 2);
    // With a Dropout, a mask is drawn and applied every step.
    const m = which === 'cnn' ? cnn() : which === 'mlp' ? model() : dropoutMlp();
    m.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: which === 'cnn' }), metrics: ['accuracy'] });
    const plan = planTraining(m.layers, m.compiled!, x.shape.slice(1), y.shape);
    if (typeof plan === 'string') throw new Error(plan);
    let started: Awaited<ReturnType<typeof startFusedTraining>> | null = null;
    // The counter sees the workers: building their part of the step makes views.
    const atStart = await workerTypedArraysMadeBy(async () => (started = await startFusedTraining(plan, m.compiled!.optimizer, 32, threads)));
    const { runner } = started!;
    expect(runner.threads).toBe(threads);
    expect(atStart > 0).toBe(threads > 1);
    const order = Int32Array.from({ length: 64 }, (_, i) => i);
    const step = (t: number) => {
      gatherBatch(runner.state, x.data, y.data, order, (t % 2) * 32, (t % 2) * 32 + 32);
      runner.run(32);
    };
    step(1); // warm-up: optimizer slots are created on first use
    expect(typedArraysMadeBy(() => { for (let t = 2; t < 8; t++) step(t); })).toEqual({ thisThread: 0, workers: 0 });
    expect(m.compiled!.optimizer.iterations).toBe(7);
    await runner.close();
  });

  it.each(['mlp', 'cnn'] as const)('predict and evaluate allocate the same whether they run 2 batches or 16 (%s)', async (which) => {
    await keras.config.setKernels(tier);
    const n = which === 'cnn' ? 64 : 320;
    const [x, y] = which === 'cnn' ? [keras.random.uniform([n, 18, 18, 1]), new keras.Tensor(Float32Array.from({ length: n }, (_, i) => i % 10), [n])] : data(n, 3);
    const m = which === 'cnn' ? cnn() : model();
    m.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: which === 'cnn' }), metrics: ['accuracy'], jitCompile: true });
    // The pool's workers up before counting (predict starts them in the background, and a worker booting makes arrays).
    const pool = processPool(nodePlatform);
    await pool.grow(pool.cores() - 1);
    m.predict(x, { verbose: 0 }); // warm-up (first calls may build what is cached)
    const per = (batchSize: number) => ({
      predict: typedArraysMadeBy(() => m.predict(x, { batchSize, verbose: 0 })),
      evaluate: typedArraysMadeBy(() => m.evaluate(x, y, { batchSize, verbose: 0 })),
    });
    const few = per(n / 2);
    const many = per(n / 16);
    expect(many).toEqual(few);
  });
});

describe.each(tiers)("threads 'auto' (%s tier)", (tier) => {
  it('takes a second thread only when a step has enough work for the tier, and says why not', async () => {
    await keras.config.setKernels(tier);
    // The seed model's shape at batch 32: 3.3 million multiply-adds per step.
    const m = new keras.Sequential([new Flatten({ inputShape: [784] }), new Dense(128, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })]);
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const plan = planTraining(m.layers, m.compiled!, [784], [64]);
    if (typeof plan === 'string') throw new Error(plan);
    const seed = await startFusedTraining(plan, m.compiled!.optimizer, 32, 'auto');
    await seed.runner.close();
    const tiny = await startFusedTraining(plan, m.compiled!.optimizer, 2, 'auto'); // 0.2 million per step
    await tiny.runner.close();
    expect(seed.runner.threads).toBeGreaterThan(1);
    expect(seed.autoNote).toBeNull();
    expect(tiny.runner.threads).toBe(1);
    const tierName = tier === 'simd' ? 'SIMD' : 'JS';
    expect(tiny.autoNote).toMatch(
      new RegExp(`threads 'auto': a step of 0\\.2 million multiply-adds \\(batch 2\\) runs faster on one thread than shared with workers on the ${tierName} kernel tier`),
    );
  });
});

describe.each(tiers)('the worker pool (%s tier)', (tier) => {
  it('runs predict and evaluate on the pool with the bits one thread gives', async () => {
    await keras.config.setKernels(tier);
    const [x, y] = data(1000, 5); // 1000 rows × 6,144 multiply-adds: enough work for threads
    keras.utils.setRandomSeed(2);
    const m = model(128);
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    let alone: { predicted: Float32Array; evaluated: number[] } | null = null;
    // While fit holds the pool, predict and evaluate run on the calling thread alone.
    const onEpochEnd = () => {
      alone = { predicted: m.predict(x, { verbose: 0, batchSize: 30 }).data, evaluated: m.evaluate(x, y, { verbose: 0, batchSize: 30 }) as number[] };
    };
    await m.fit(x, y, { epochs: 1, batchSize: 100, threads: 2, verbose: 0, callbacks: [{ onEpochEnd }] });
    const begin = vi.spyOn(WorkerPool.prototype, 'begin');
    const pooled = { predicted: m.predict(x, { verbose: 0, batchSize: 30 }).data, evaluated: m.evaluate(x, y, { verbose: 0, batchSize: 30 }) as number[] };
    expect(begin).toHaveBeenCalledTimes(2);
    begin.mockRestore();
    expect(pooled).toEqual(alone);
  });
});

describe('a process using the pool', () => {
  it('exits on its own after fit, evaluate and predict', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { join, resolve } = await import('node:path');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const root = resolve(__dirname, '../..');
    const script = `
      import * as keras from ${JSON.stringify(resolve(root, 'src/index.ts'))};
      await keras.config.setKernels(process.argv[2]);
      const x = keras.random.uniform([3000, 40]);
      const y = keras.tensor(Array.from({ length: 3000 }, (_, i) => i % 3));
      const m = new keras.Sequential([new keras.layers.Dense(64, { activation: 'relu', inputShape: [40] }), new keras.layers.Dense(3, { activation: 'softmax' })]);
      m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      m.predict(x, { verbose: 0 }); // before any fit: the pool starts in the background
      await m.fit(x, y, { epochs: 1, threads: 2, verbose: 0 });
      m.evaluate(x, y, { verbose: 0 });
      console.log(m.predict(x, { verbose: 0 }).shape.join('x'));`;
    const tsx = resolve(root, 'node_modules/tsx/dist/cli.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'tinykeras-pool-'));
    try {
      writeFileSync(join(dir, 'pool.mts'), script);
      for (const kernels of tiers) {
        const { stdout } = await promisify(execFile)(process.execPath, [tsx, join(dir, 'pool.mts'), kernels], { cwd: root, timeout: 60_000 });
        expect(stdout.trim()).toBe('3000x3');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
