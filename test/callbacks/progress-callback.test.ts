import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import type { TrainingProgress } from '../../src/index.js';

function blobs(n: number): [keras.Tensor, keras.Tensor] {
  const rng = new keras.random.RandomGenerator(4);
  const x = Float32Array.from({ length: n * 4 }, (_, i) => ((i >> 2) % 3 === i % 4 ? 1 : 0) + 0.1 * rng.uniform());
  return [keras.tensor(x, [n, 4]), keras.tensor(Array.from({ length: n }, (_, i) => i % 3))];
}

describe('ProgressCallback', () => {
  it('reports batch, epoch, running logs, samples and a rate, without changing History', async () => {
    keras.utils.setRandomSeed(1);
    const model = new keras.Sequential([new keras.layers.Dense(3, { activation: 'softmax', inputShape: [4] })]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const [x, y] = blobs(50);
    const reports: TrainingProgress[] = [];
    const batchLogs: Array<Record<string, number>> = [];
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 16,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [new keras.callbacks.ProgressCallback((p) => void reports.push(p)), { onBatchEnd: (_b, logs) => void batchLogs.push({ ...logs }) }],
    });
    // 40 training samples in batches of 16: 16, 32, 40; then the epoch report.
    const perEpoch = (epoch: number) => reports.filter((r) => r.epoch === epoch);
    expect(perEpoch(0).map((r) => [r.phase, r.batch, r.samplesSeen])).toEqual([
      ['batch', 0, 16],
      ['batch', 1, 32],
      ['batch', 2, 40],
      ['epoch', 2, 40],
    ]);
    expect(reports.every((r) => r.epochs === 2 && r.steps === 3 && r.samples === 40)).toBe(true);
    expect(reports.filter((r) => r.phase === 'batch').map((r) => r.logs)).toEqual(batchLogs);
    expect(perEpoch(1).at(-1)!.logs).toEqual(Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[1]])));
    expect(reports.at(-1)!.fraction).toBe(1);
    expect(reports[0]!.fraction).toBeCloseTo(1 / 6);
    expect(reports.every((r) => r.samplesPerSecond >= 0 && Number.isFinite(r.samplesPerSecond) && r.elapsedSeconds >= 0)).toBe(true);
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  });

  it('is a ValueError without a function', () => {
    expect(() => new keras.callbacks.ProgressCallback(42 as never)).toThrow(keras.ValueError);
  });
});
