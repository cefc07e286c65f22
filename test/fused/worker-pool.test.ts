/**
 * The worker pool between jobs: a job that uses fewer workers than the one
 * before it. A worker left out of the next job may still be asleep in its
 * last job when that job ends and the next one announces its first phase; it
 * must see that the phase is not its own and stop, not run its old job's
 * share of it. And when a worker does fail inside a job, the caller's error
 * carries the worker's own message, although the caller was blocked while
 * the worker posted it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { planTraining } from '../../src/fused/plan.js';
import { startFusedTraining } from '../../src/fused/runner.js';
import { WorkerPool } from '../../src/fused/threads/pool.js';
import { FusedStep } from '../../src/fused/step.js';
import { RuntimeError } from '../../src/errors.js';

const { Dense } = keras.layers;

afterEach(() => vi.restoreAllMocks());

/** A compiled model and its training plan: a step big enough for threads, inference rows many times the step's batch. */
function setup() {
  keras.utils.setRandomSeed(3);
  const m = new keras.Sequential([new Dense(128, { activation: 'relu', inputShape: [64] }), new Dense(8, { activation: 'softmax' })]);
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const plan = planTraining(m.layers, m.compiled!, [64], [2048]);
  if (typeof plan === 'string') throw new Error(plan);
  return { m, plan, x: keras.random.uniform([2048, 64]) };
}

/** Sleeps the calling thread for `ms` (the pool's workers spin about 2 ms after a phase, then sleep). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('the worker pool between jobs', () => {
  it("a worker left out of the next job never runs that job's phases with its old job", async () => {
    const { m, plan, x } = setup();
    // predict takes min(workers, cores − 1) workers: on "two cores", one of the step's two.
    vi.spyOn(WorkerPool.prototype, 'cores').mockReturnValue(2);
    const reference = Array.from(m.predict(x, { verbose: 0 }).data); // the pool starts in the background
    const begin = vi.spyOn(WorkerPool.prototype, 'begin');
    // Each round: a step job on two workers, which sleep; it ends and predict's job on one worker begins at once.
    // Before the fix, the sleeping second worker now and then woke to predict's phase and ran its step's
    // weights phase with predict's row count: "gemm: arrays too short", or rows finished before they were.
    for (let round = 0; round < 150; round++) {
      const training = await startFusedTraining(plan, m.compiled!.optimizer, 32, 3);
      expect(training.runner.threads).toBe(3);
      pause(4);
      await training.runner.close();
      expect(Array.from(m.predict(x, { verbose: 0 }).data)).toEqual(reference);
    }
    expect(begin.mock.calls.map((call) => call[1])).toEqual(Array.from({ length: 150 }, () => [2, 1]).flat());
  }, 120_000);

  it("a worker's failure inside a job reaches the caller with the worker's own message", async () => {
    const { m, plan } = setup();
    const training = await startFusedTraining(plan, m.compiled!.optimizer, 32, 2);
    expect(training.runner.threads).toBe(2);
    // A batch larger than the step's buffers: the worker's kernels reject it. The calling thread's own shares are
    // skipped (the spy replaces this thread's FusedStep only: a worker loads its own copy of the module), so the
    // error the caller throws can only come from the worker.
    vi.spyOn(FusedStep.prototype, 'rowsPhase').mockImplementation(() => {});
    vi.spyOn(FusedStep.prototype, 'weightsPhase').mockImplementation(() => {});
    const failure = (() => {
      try {
        training.runner.run(4096);
      } catch (error) {
        return error;
      }
      return null;
    })();
    await training.runner.close();
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as Error).message).toMatch(/^A worker thread failed: RangeError: gemm: arrays too short/);
  });
});
