/**
 * The executors on the SIMD kernel tier (await keras.config.setKernels('simd')):
 * the fused executor repeats itself bit for bit under a seed, on one thread
 * and on two; it matches the JS tier within float32 rounding (the SIMD lanes
 * sum in float32 where JS sums in float64); weights made under the JS tier
 * move into the tier's memory and stay the model's own; autograd's matrix
 * products go through the tier too. And neither tier allocates a typed array
 * per training step, per evaluated batch or per predicted batch.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { imageLikeData } from '../support/helpers.js';
import { planTraining } from '../../src/fused/plan.js';
import { gatherBatch, startFusedTraining } from '../../src/fused/runner.js';
import { kernels } from '../../src/tensor/kernels/index.js';
import { simdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { WorkerPool } from '../../src/fused/threads/pool.js';

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

/** How many typed arrays `body` constructs (or views it makes with subarray). */
function typedArraysMadeBy(body: () => void): number {
  const constructors = [Float32Array, Float64Array, Int32Array, Uint8Array] as const;
  let made = 0;
  const g = globalThis as Record<string, unknown>;
  const counting = constructors.map((C) => new Proxy(C, { construct: (target, args) => (made++, Reflect.construct(target, args)) }));
  constructors.forEach((C, i) => (g[C.name] = counting[i]));
  const subarray = Float32Array.prototype.subarray;
  Float32Array.prototype.subarray = function (...a) {
    made++;
    return subarray.apply(this, a);
  };
  try {
    body();
  } finally {
    constructors.forEach((C) => (g[C.name] = C));
    Float32Array.prototype.subarray = subarray;
  }
  return made;
}

const tiers: keras.KernelTier[] = simdSupported() ? ['js', 'simd'] : ['js'];

describe.each(tiers)('no typed array per step or batch (%s tier)', (tier) => {
  it.each([
    [1, false],
    [2, false],
    [1, true],
    [2, true],
  ])('fit steps allocate none in steady state (%i thread(s), Dropout: %s)', async (threads, dropout) => {
    await keras.config.setKernels(tier);
    const [x, y] = data(64, 2);
    // With a Dropout after the first hidden layer, a mask is drawn and applied every step.
    const m = dropout
      ? new keras.Sequential([new Flatten({ inputShape: [6, 6] }), new Dense(24, { activation: 'relu' }), new keras.layers.Dropout(0.2), new Dense(4, { activation: 'softmax' })])
      : model();
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const plan = planTraining(m.layers, m.compiled!, x.shape.slice(1), y.shape);
    if (typeof plan === 'string') throw new Error(plan);
    const { runner } = await startFusedTraining(plan, m.compiled!.optimizer, 32, threads);
    expect(runner.threads).toBe(threads);
    const order = Int32Array.from({ length: 64 }, (_, i) => i);
    const step = (t: number) => {
      gatherBatch(runner.state, x.data, y.data, order, (t % 2) * 32, (t % 2) * 32 + 32);
      runner.run(32);
    };
    step(1); // warm-up: optimizer slots are created on first use
    expect(typedArraysMadeBy(() => { for (let t = 2; t < 12; t++) step(t); })).toBe(0);
    expect(m.compiled!.optimizer.iterations).toBe(11);
    await runner.close();
  });

  it('predict and evaluate allocate the same whether they run 2 batches or 20', async () => {
    await keras.config.setKernels(tier);
    const [x, y] = data(320, 3);
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    m.predict(x, { verbose: 0 }); // warm-up (first calls may build what is cached)
    const per = (batchSize: number) => ({
      predict: typedArraysMadeBy(() => m.predict(x, { batchSize, verbose: 0 })),
      evaluate: typedArraysMadeBy(() => m.evaluate(x, y, { batchSize, verbose: 0 })),
    });
    const few = per(160);
    const many = per(16);
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
