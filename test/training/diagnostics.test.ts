/**
 * Training never goes silently wrong: a loss that turns NaN stops fit at that
 * batch with a diagnosis, on every training path.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';

const { Dense, Flatten } = keras.layers;

/**
 * 640 samples of small values, except sample `poisoned`, whose pixels are
 * 3e38: its batch's products overflow float32, so the loss of that batch
 * (and no earlier one) is NaN when the data is not shuffled.
 */
function poisonedData(poisoned: number): [keras.Tensor, keras.Tensor] {
  keras.utils.setRandomSeed(7);
  const x = keras.random.uniform([640, 28, 28], 0, 1);
  x.data.fill(3e38, poisoned * 784, (poisoned + 1) * 784);
  const y = keras.tensor(Array.from({ length: 640 }, (_, i) => i % 10));
  return [x, y];
}

/** softmax output → the fused executor; sigmoid output → autograd. */
function model(output: 'softmax' | 'sigmoid'): keras.Sequential {
  const m = new keras.Sequential([new Flatten({ inputShape: [28, 28] }), new Dense(8, { activation: 'relu' }), new Dense(10, { activation: output })]);
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

afterEach(() => vi.restoreAllMocks());

describe('a loss that becomes NaN', () => {
  const paths = [
    { name: 'the fused executor on one thread', output: 'softmax', threads: 1 },
    { name: 'the fused executor on two threads', output: 'softmax', threads: 2 },
    { name: 'autograd', output: 'sigmoid', threads: 1 },
  ] as const;

  for (const path of paths) {
    it(`stops fit at the batch where it first appears, with a diagnosis (${path.name})`, async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const [x, y] = poisonedData(100); // batch 3 (0-based) holds samples 96-127
      const m = model(path.output);
      const batchLosses: number[] = [];
      const history = await m.fit(x, y, {
        epochs: 3,
        verbose: 0,
        shuffle: false,
        threads: path.threads,
        callbacks: { onBatchEnd: (_batch: number, logs: keras.Logs) => void batchLosses.push(logs['loss']!) },
      });
      // Batches 0-2 ran with finite losses, batch 3 was the last.
      expect(batchLosses).toHaveLength(4);
      expect(batchLosses.slice(0, 3).every(Number.isFinite)).toBe(true);
      expect(batchLosses[3]).toBeNaN();
      expect(history.epoch).toEqual([0]);

      const report = history.nonFiniteReport!;
      expect(report).not.toBeNull();
      expect([report.epoch, report.batch]).toEqual([0, 3]);
      expect(report.previousLoss).toBeCloseTo(2.3, 0);
      // The poisoned sample's NaN reaches every weight's gradient through the loss.
      expect(report.gradients.map((f) => f.name)).toEqual(m.trainableWeights.map((w) => w.name));
      expect(report.weights.length).toBeGreaterThan(0);
      expect(report.optimizerState.some((f) => f.name.startsWith('m of '))).toBe(true);
      const message = warn.mock.calls.map((c) => String(c[0])).find((text) => text.includes('the loss became'))!;
      expect(message).toContain('fit(): the loss became NaN at epoch 1/3, batch 4/20');
      expect(message).toMatch(/gradients: .*\(\d+ of \d+, first \[\d+\]=NaN\)/);
      expect(message).toMatch(/not normalised.*learning rate too high/);
    });
  }

  it('trains on regardless with terminateOnNaN: false', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const [x, y] = poisonedData(100);
    const history = await model('softmax').fit(x, y, { epochs: 2, verbose: 0, shuffle: false, terminateOnNaN: false });
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history['loss']![1]).toBeNaN();
    expect(history.nonFiniteReport).toBeNull();
  });

  it("Keras's TerminateOnNaN callback prints its line and stops, or throws with raiseError", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const [x, y] = poisonedData(40); // batch 1
    const history = await model('softmax').fit(x, y, {
      epochs: 2, verbose: 0, shuffle: false, terminateOnNaN: false, callbacks: [new keras.callbacks.TerminateOnNaN()],
    });
    expect(log).toHaveBeenCalledWith('Batch 1: Invalid loss, terminating training');
    expect(history.epoch).toEqual([0]);
    await expect(
      model('softmax').fit(x, y, { verbose: 0, shuffle: false, terminateOnNaN: false, callbacks: [new keras.callbacks.TerminateOnNaN({ raiseError: true })] }),
    ).rejects.toThrow(keras.RuntimeError);
  });

  it('does not fire on finite losses', async () => {
    keras.utils.setRandomSeed(1);
    const x = keras.random.uniform([64, 28, 28]);
    const y = keras.tensor(Array.from({ length: 64 }, (_, i) => i % 10));
    const history = await model('softmax').fit(x, y, { epochs: 2, verbose: 0 });
    expect(history.nonFiniteReport).toBeNull();
    expect(history.epoch).toEqual([0, 1]);
  });
});
