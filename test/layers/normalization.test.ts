/**
 * Normalization: adapt's statistics (mean and population variance, as
 * float32 weights named as Keras names them), the forward and inverted
 * formulas, given statistics, axis null, its gradient, summary counts and a
 * save/load round trip. Real Keras's numbers: test/keras/normalization.keras.test.ts.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { loadSequential } from '../support/helpers.js';

const { Normalization, Dense } = keras.layers;
const f = Math.fround;

beforeEach(() => keras.utils.clearSession());

/** Per column of a [rows, cols] array: mean and population variance, summed row after row in float32 as NumPy does. */
function columnStats(values: number[][]): { mean: number[]; variance: number[] } {
  const cols = values[0]!.length;
  const mean = Array.from({ length: cols }, (_, j) => f(values.reduce((s, r) => f(s + r[j]!), 0) / values.length));
  const variance = mean.map((m, j) => f(values.reduce((s, r) => f(s + f(f(r[j]! - m) ** 2)), 0) / values.length));
  return { mean, variance };
}

describe('Normalization', () => {
  it('adapts to the mean and population variance per feature, and maps x to (x − μ)/√σ²', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 20 }), (rows) => {
        const values = rows.map((r) => r.map(f));
        const layer = new Normalization();
        layer.adapt(values);
        const { mean, variance } = columnStats(values);
        expect(Array.from(layer.adaptMean!.data)).toEqual(mean);
        expect(Array.from(layer.adaptVariance!.data)).toEqual(variance);
        const out = layer.apply(keras.tensor(values)).data;
        values.forEach((r, i) => r.forEach((v, j) => {
          const scale = Math.max(f(Math.sqrt(variance[j]!)), f(1e-7));
          expect(out[i * 3 + j]).toBe(f(f(v - mean[j]!) / scale));
        }));
      }),
      { numRuns: 50 },
    );
  });

  it("has Keras's non-trainable weights mean, variance and count, and counts them in summary", () => {
    const layer = new Normalization();
    layer.adapt([[1, 2], [3, 6]]);
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([['normalization/mean', [2]], ['normalization/variance', [2]], ['normalization/count', []]]);
    expect(layer.trainableWeights).toEqual([]);
    expect(Array.from(layer.adaptMean!.data)).toEqual([2, 4]);
    expect(Array.from(layer.adaptVariance!.data)).toEqual([1, 4]);
    const model = new keras.Sequential([keras.Input({ shape: [2] }), layer, new Dense(1)]);
    const lines: string[] = [];
    model.summary((line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/Non-trainable params: 5/);
  });

  it('inverts, takes given statistics (numbers or per feature), and axis null', () => {
    const given = new Normalization({ mean: [1, 2, 3], variance: [4, 9, 16], invert: true });
    expect(Array.from(given.apply(keras.tensor([[1, 1, 1]])).data)).toEqual([3, 5, 7]);
    expect(given.weights).toEqual([]);
    expect(Array.from(new Normalization({ mean: 2, variance: 4 }).apply(keras.tensor([[4, 6]])).data)).toEqual([1, 2]);
    const all = new Normalization({ axis: null });
    all.adapt([[0, 2], [4, 6]]);
    expect([all.adaptMean!.data[0], all.adaptVariance!.data[0]]).toEqual([3, 5]);
    // A variance of 0 divides by ε = 1e-7 (Keras's backend epsilon), not by 0.
    const flat = new Normalization();
    flat.adapt([[5], [5]]);
    expect(flat.apply(keras.tensor([[5.5]])).data[0]).toBe(f(0.5 / f(1e-7)));
  });

  it('passes gradients to its input: a finite-difference check', () => {
    const layer = new Normalization({ mean: [1, -2], variance: [4, 0.25] });
    const x = keras.randomNormal([3, 2]);
    expect(keras.utils.checkGradients((t) => layer.apply(t).square().sum(), [x], { step: 1e-2, rtol: 1e-2, atol: 1e-3 }).ok).toBe(true);
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => new Normalization({ mean: [1] })).toThrow(/both mean and variance must be set/);
    expect(() => new Normalization({ axis: 1 })).toThrow(/keeps the last axis \(-1\) or none \(null\)/);
    expect(() => new Normalization({ mean: [1, 2], variance: [1] })).toThrow(/the same shape/);
    expect(() => new Normalization({ mean: 1, variance: 1 }).adapt([[1]])).toThrow(/nothing to adapt/);
    const layer = new Normalization();
    layer.adapt([[1, 2]]);
    expect(() => layer.adapt([[1, 2, 3]])).toThrow(/built for 2 features, but the data has 3/);
    expect(() => layer.apply(keras.tensor([[1, 2, 3]]))).toThrow(/expected inputs of 2 features/);
  });

  it('saves and loads: adapted statistics as weights, given ones in the config', async () => {
    const adapted = new Normalization();
    adapted.adapt([[1, 10], [3, 30], [8, 20]]);
    for (const first of [adapted, new Normalization({ mean: [1, 2], variance: [3, 4], invert: true })]) {
      const model = new keras.Sequential([keras.Input({ shape: [2] }), first, new Dense(2)]);
      const handler = keras.io.memory();
      await model.save(handler);
      const loaded = await loadSequential(handler);
      const x = keras.tensor([[2, 15], [-1, 4]]);
      expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
      const { batch_input_shape: _, ...config } = loaded.layers[0]!.getConfig();
      expect(config).toEqual(first.getConfig());
    }
  });
});
