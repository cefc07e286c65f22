/**
 * LearningRateScheduler and ReduceLROnPlateau: when they change the
 * learning rate, by how much, and the 'learning_rate' they add to the
 * epoch logs (History, CSVLogger) as Keras 3 does. Real Keras's numbers for
 * the same runs are in test/keras/optimizers2.keras.test.ts.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';

const { LearningRateScheduler, ReduceLROnPlateau } = keras.callbacks;

beforeEach(() => keras.utils.clearSession());

function compiled(optimizer: keras.optimizers.Optimizer): keras.Sequential {
  const m = new keras.Sequential([new keras.layers.Dense(3, { inputShape: [4] })]);
  m.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
  return m;
}

/** Runs the callback's epoch hooks over the given losses, as fit would, and returns the logs. */
async function epochs(callback: keras.callbacks.Callback, model: keras.Sequential, losses: number[]): Promise<Record<string, number>[]> {
  callback.setModel(model);
  await callback.onTrainBegin({});
  const all: Record<string, number>[] = [];
  for (const [epoch, loss] of losses.entries()) {
    await callback.onEpochBegin(epoch, {});
    const logs = { loss };
    await callback.onEpochEnd(epoch, logs);
    all.push(logs);
  }
  return all;
}

describe('LearningRateScheduler', () => {
  it('sets schedule(epoch, lr) at each epoch start, and logs the float32 rate', async () => {
    const seen: [number, number][] = [];
    const optimizer = new keras.optimizers.SGD({ learningRate: 0.1 });
    const logs = await epochs(new LearningRateScheduler((epoch, lr) => (seen.push([epoch, lr]), epoch < 1 ? lr : lr / 2)), compiled(optimizer), [1, 1, 1]);
    expect(seen).toEqual([[0, Math.fround(0.1)], [1, Math.fround(0.1)], [2, Math.fround(Math.fround(0.1) / 2)]]);
    expect(logs.map((l) => l.learning_rate)).toEqual([0.1, 0.05, 0.025].map(Math.fround));
  });

  it('fails clearly on a bad schedule, a schedule optimizer, or no model', async () => {
    expect(() => new LearningRateScheduler(0.1 as never)).toThrow(/schedule must be a function/);
    await expect(epochs(new LearningRateScheduler(() => NaN), compiled(new keras.optimizers.SGD()), [1])).rejects.toThrow(/should be a finite number/);
    const scheduled = new keras.optimizers.SGD({ learningRate: new keras.optimizers.schedules.ExponentialDecay(0.1, { decaySteps: 1, decayRate: 0.5 }) });
    await expect(epochs(new LearningRateScheduler((_, lr) => lr), compiled(scheduled), [1])).rejects.toThrow(/learning-rate schedule \(ExponentialDecay\), hence its learning rate is not settable/);
    expect(() => new LearningRateScheduler((_, lr) => lr).onEpochBegin(0)).toThrow(/the model has no optimizer/);
  });
});

describe('ReduceLROnPlateau', () => {
  it("reduces after `patience` epochs without an improvement above minDelta, then cools down, never below minLr (Keras's counting)", async () => {
    const optimizer = new keras.optimizers.Adam({ learningRate: 0.1 });
    const callback = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minLr: 0.03 });
    const logs = await epochs(callback, compiled(optimizer), [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    const [a, b, min] = [Math.fround(0.1), Math.fround(Math.fround(0.1) * 0.5), Math.fround(0.03)];
    // The rate is logged before the epoch's reduction. Epoch 2 is the second without improvement: 0.1 → 0.05.
    // Epoch 3 is cooldown (and improves); 4 and 5 do not improve: 0.05 → max(0.025, minLr). Then minLr is reached.
    expect(logs.map((l) => l.learning_rate)).toEqual([a, a, a, b, b, b, min, min, min]);
    expect(optimizer.learningRate).toBe(0.03);
  });

  it("watches 'max' for accuracies in mode auto, and checks its options", async () => {
    const optimizer = new keras.optimizers.SGD({ learningRate: 1 });
    const callback = new ReduceLROnPlateau({ monitor: 'accuracy', patience: 1 });
    callback.setModel(compiled(optimizer));
    callback.onTrainBegin();
    for (const [epoch, accuracy] of [0.5, 0.6, 0.7].entries()) callback.onEpochEnd(epoch, { accuracy });
    expect(optimizer.learningRate).toBe(1);
    callback.onEpochEnd(3, { accuracy: 0.6 });
    expect(optimizer.learningRate).toBeCloseTo(0.1, 7);
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/does not support a factor >= 1.0/);
    expect(() => new ReduceLROnPlateau({ min_lr: 0.1 } as never)).toThrow(/Did you mean minLr\?/);
    expect(() => new ReduceLROnPlateau({ mode: 'up' as never })).toThrow(/mode must be 'auto', 'min' or 'max'/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    callback.onEpochEnd(4, { loss: 1 });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/conditioned on metric `accuracy` which is not available/));
    warn.mockRestore();
  });

  it("puts learning_rate in fit's history", async () => {
    const m = compiled(new keras.optimizers.SGD({ learningRate: 0.1 }));
    const x = keras.randomNormal([8, 4]);
    const y = new keras.Tensor(Float32Array.from([0, 1, 2, 0, 1, 2, 0, 1]), [8]);
    const history = await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', patience: 100 })] });
    expect(history.history.learning_rate).toEqual([Math.fround(0.1), Math.fround(0.1)]);
  });
});
