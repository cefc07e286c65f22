/**
 * Metric objects in Keras files, against real Keras 3.15: a model Keras
 * compiled with metric objects at non-default options (AUC(num_thresholds=50),
 * Precision(thresholds=0.3), BinaryAccuracy(threshold=0.7, name='acc7'), …)
 * and weighted metrics loads in tinykeras compiled with the same metrics,
 * whose evaluate gives Keras's values; and the model tinykeras saves loads in
 * Keras with the same compile config and the same evaluate values.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { describeKeras, runKeras } from './oracle.js';

interface Reported {
  evaluate: Record<string, number>;
  metrics: unknown[];
  weighted_metrics: unknown[];
}

const dir = mkdtempSync(join(tmpdir(), 'tinykeras-compile-metrics-'));
const n = 48;
const x = Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(2 * i), (i % 5) / 5, ((i * 7) % 11) / 11 - 0.5]);
const y = Array.from({ length: n }, (_, i) => [Math.sin(i) + (i % 5) / 5 > 0.4 ? 1 : 0]); // [n, 1], as Keras's binary crossentropy wants
const sw = Array.from({ length: n }, (_, i) => 1 + (i % 4));
const data = { x, y, sw };

/** Keras's serialized metrics reduced to what must agree: class and options (names may carry Keras's _1 suffixes). */
const essentials = (list: unknown[]) =>
  list.map((m) => {
    if (typeof m === 'string') return m;
    const { class_name: className, config } = m as { class_name: string; config: Record<string, unknown> };
    const { name: _name, ...options } = config;
    return [className, options];
  });

const expectSameValues = (got: Record<string, number>, want: Record<string, number>) => {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const key of Object.keys(want)) expect(Math.abs(got[key]! - want[key]!), key).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[key]!)));
};

describeKeras('metric objects in compile configs, with real Keras', () => {
  let made: Reported & { files: { keras: string; h5: string } };
  beforeAll(() => {
    made = runKeras('compile_metrics', { mode: 'make', dir, ...data });
  });

  for (const format of ['keras', 'h5'] as const) {
    it(`Keras's .${format} loads compiled with its metric objects, and evaluate gives Keras's values`, async () => {
      const model = (await keras.models.loadModel(made.files[format])) as keras.Sequential;
      const [first] = model.compiled!.metricsPerOutput;
      const auc = first!.metrics[0] as keras.metrics.AUC;
      expect(auc).toBeInstanceOf(keras.metrics.AUC);
      expect(auc.numThresholds).toBe(50);
      expect(first!.metrics[1]).toBeInstanceOf(keras.metrics.Precision);
      expect((first!.metrics[3] as keras.metrics.BinaryAccuracy).threshold).toBeCloseTo(0.7, 6);
      expect(first!.weightedMetrics.length).toBe(2);
      const got = model.evaluate(keras.tensor(x), keras.tensor(y), { sampleWeight: keras.tensor(sw), returnDict: true, verbose: 0 }) as Record<string, number>;
      expectSameValues(got, made.evaluate);
    });
  }

  it('the .keras tinykeras saves loads in Keras with the same metrics and evaluate values', async () => {
    const model = (await keras.models.loadModel(made.files.keras)) as keras.Sequential;
    await model.fit(keras.tensor(x), keras.tensor(y), { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const path = join(dir, 'tinykeras.keras');
    await model.save(path);
    const inKeras = runKeras<Reported>('compile_metrics', { mode: 'load', path, ...data });
    expect(essentials(inKeras.metrics)).toEqual(essentials(made.metrics));
    expect(essentials(inKeras.weighted_metrics)).toEqual(essentials(made.weighted_metrics));
    const ours = model.evaluate(keras.tensor(x), keras.tensor(y), { sampleWeight: keras.tensor(sw), returnDict: true, verbose: 0 }) as Record<string, number>;
    expectSameValues(inKeras.evaluate, ours);
  });
});
