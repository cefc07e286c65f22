/**
 * Metric objects (issue 20): AUC (ROC, 'interpolation', 200 thresholds),
 * Precision and Recall against float64 references from their confusion
 * counts, with and without sample weights, accumulating over batches until
 * resetState; the crossentropy metrics as their losses' means; the weighted
 * mean of a MeanMetric; and errors for bad options.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { ShapeError, ValueError } from '../../src/errors.js';

const { AUC, Precision, Recall } = keras.metrics;

/** Float64 confusion counts at a threshold t: prediction > t is positive. */
function counts(y: number[], p: number[], w: number[], t: number) {
  let [tp, fp, fn, tn] = [0, 0, 0, 0];
  p.forEach((v, i) => {
    const positive = y[i] !== 0;
    if (v > t) positive ? (tp += w[i]!) : (fp += w[i]!);
    else positive ? (fn += w[i]!) : (tn += w[i]!);
  });
  return { tp, fp, fn, tn };
}

/** The ROC AUC Keras's formula gives: trapezoids between K thresholds −ε, 1/(K−1), …, 1 + ε. */
function referenceAuc(y: number[], p: number[], w: number[], k = 200): number {
  const thresholds = [Math.fround(-1e-7), ...Array.from({ length: k - 2 }, (_, i) => Math.fround((i + 1) / (k - 1))), Math.fround(1 + 1e-7)];
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const points = thresholds.map((t) => {
    const c = counts(y, p, w, t);
    return { fpr: ratio(c.fp, c.fp + c.tn), recall: ratio(c.tp, c.tp + c.fn) };
  });
  let area = 0;
  for (let i = 0; i + 1 < points.length; i++) area += (points[i]!.fpr - points[i + 1]!.fpr) * ((points[i]!.recall + points[i + 1]!.recall) / 2);
  return area;
}

const batch = fc.integer({ min: 1, max: 10 }).chain((n) => fc.record({
  y: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
  p: fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
  w: fc.array(fc.float({ min: 0, max: 3, noNaN: true }), { minLength: n, maxLength: n }),
}));

describe('AUC, Precision and Recall', () => {
  it('equal the float64 reference of their confusion counts, over several batches, weighted or not', () => {
    fc.assert(fc.property(fc.array(batch, { minLength: 1, maxLength: 3 }), fc.boolean(), (batches, weighted) => {
      const [auc, precision, recall] = [new AUC(), new Precision(), new Recall()];
      for (const b of batches) {
        const [y, p] = [keras.tensor(b.y, [b.y.length, 1]), keras.tensor(b.p, [b.p.length, 1])];
        for (const m of [auc, precision, recall]) m.updateState(y, p, weighted ? keras.tensor(b.w) : null);
      }
      const y = batches.flatMap((b) => b.y);
      const p = batches.flatMap((b) => Array.from(Float32Array.from(b.p)));
      const w = batches.flatMap((b) => (weighted ? Array.from(Float32Array.from(b.w)) : b.y.map(() => 1)));
      const c = counts(y, p, w, Math.fround(0.5));
      const close = (a: number, e: number) => expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-9);
      close(auc.result(), referenceAuc(y, p, w));
      close(precision.result(), c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp));
      close(recall.result(), c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn));
    }));
  });

  it('give 1 for a perfect ranking, 0 for a reversed one, and forget on resetState', () => {
    const auc = new AUC({ numThresholds: 50 });
    auc.updateState([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]);
    expect(auc.result()).toBeCloseTo(1, 12);
    auc.resetState();
    auc.updateState([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]);
    expect(auc.result()).toBeCloseTo(0, 12);
    const fromLogits = new AUC({ fromLogits: true });
    fromLogits.updateState([0, 1], [-3, 2]);
    expect(fromLogits.result()).toBeCloseTo(1, 12);
  });

  it("take Keras's names: AUC, Precision and Recall count per session like layers ('auc', 'auc_1', …), the strings take a count too", async () => {
    // As Keras 3 (its auto_name): what python prints for the same calls after keras.backend.clear_session().
    keras.clearSession();
    const [roc, auc, r] = [new AUC({ name: 'roc' }), new AUC(), new Recall({ name: 'r' })];
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new keras.layers.Dense(1, { activation: 'sigmoid' })]);
    model.compile({ optimizer: 'sgd', loss: 'bce', metrics: ['AUC', 'precision', roc, auc, r] });
    const history = await model.fit(keras.tensor([[1, 1], [1, 1], [1, 1], [1, 1]]), keras.tensor([[1], [1], [1], [1]]), { verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['AUC', 'auc', 'loss', 'precision', 'r', 'roc']);
    expect([new AUC().name, new Precision().name, new Recall().name]).toEqual(['auc_2', 'precision_1', 'recall']);
    keras.clearSession();
    expect(new AUC().name).toBe('auc');
  });

  it('refuse bad options and mismatched shapes', () => {
    expect(() => new AUC({ numThresholds: 1 })).toThrow(/numThresholds must be an integer > 1/);
    expect(() => new AUC({ curve: 'PR' as never })).toThrow(/'ROC' curve only/);
    expect(() => new AUC({ num_thresholds: 10 } as never)).toThrow(/numThresholds/);
    expect(() => new Precision({ thresholds: 2 })).toThrow(/thresholds must be one number in \[0, 1\]/);
    expect(() => new Recall().updateState([1, 0], [0.5])).toThrow(ShapeError);
    expect(() => new Recall().updateState([1, 0], [0.5, 0.2], [1])).toThrow(/sample_weight must hold one weight per sample/);
  });
});

describe('mean metrics', () => {
  it('weight each sample: Σ wᵢ·vᵢ / Σ wᵢ (BinaryAccuracy, MeanAbsoluteError)', () => {
    const accuracy = new keras.metrics.BinaryAccuracy();
    accuracy.updateState([[1], [0], [1]], [[0.8], [0.7], [0.2]], [2, 1, 1]); // right, wrong, wrong
    expect(accuracy.result()).toBe(0.5);
    const mae = new keras.metrics.MeanAbsoluteError();
    mae.updateState([[0, 0], [0, 0]], [[1, 3], [2, 2]], [[3], [1]]);
    expect(mae.result()).toBe((2 * 3 + 2 * 1) / 4);
  });

  it('the crossentropy metrics are the mean of their losses over every sample seen', () => {
    keras.utils.setRandomSeed(4);
    const probs = keras.ops.softmax(keras.random.normal([6, 3]));
    const labels = keras.tensor([0, 2, 1, 1, 0, 2]);
    const oneHot = keras.utils.toCategorical(labels, 3);
    const sparse = new keras.metrics.SparseCategoricalCrossentropy();
    const categorical = new keras.metrics.CategoricalCrossentropy();
    sparse.updateState(labels.sliceRows(0, 4), probs.sliceRows(0, 4));
    sparse.updateState(labels.sliceRows(4, 6), probs.sliceRows(4, 6));
    categorical.updateState(oneHot, probs);
    const loss = new keras.losses.SparseCategoricalCrossentropy().call(labels, probs).item();
    expect(sparse.result()).toBeCloseTo(loss, 6);
    expect(categorical.result()).toBeCloseTo(loss, 6);
    const binary = new keras.metrics.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
    binary.updateState([[1], [0]], [[2], [-1]]);
    expect(binary.result()).toBeCloseTo(new keras.losses.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).call([[1], [0]], [[2], [-1]]).item(), 6);
    expect(() => new keras.metrics.BinaryCrossentropy({ from_logits: true } as never)).toThrow(ValueError);
  });

  it("are what the Keras strings 'auc', 'precision', 'recall' and the crossentropies make in compile", async () => {
    keras.utils.setRandomSeed(5);
    const model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2], activation: 'sigmoid' })]);
    model.compile({ optimizer: 'sgd', loss: 'bce', metrics: ['AUC', 'precision', 'recall', 'bce', new AUC({ name: 'roc' })] });
    const x = keras.random.normal([8, 2]);
    const y = keras.tensor([1, 0, 1, 1, 0, 0, 1, 0], [8, 1]);
    const logs = model.evaluate(x, y, { verbose: 0, batchSize: 3, returnDict: true });
    expect(Object.keys(logs)).toEqual(['loss', 'AUC', 'precision', 'recall', 'bce', 'roc']);
    expect(logs.AUC).toBe(logs.roc);
    expect(logs.bce).toBeCloseTo(logs.loss!, 6);
    const whole = new AUC();
    whole.updateState(y, model.predict(x, { verbose: 0 }));
    expect(logs.roc).toBe(whole.result());
  });
});

describe('keras.metrics.MeanSquaredError', () => {
  it("is the 'mse' metric as an object: mean (ŷ − y)² over every sample since the last reset, weighted when asked", () => {
    const m = new keras.metrics.MeanSquaredError();
    expect(m.name).toBe('mean_squared_error');
    m.updateState(keras.tensor([[1, 2], [3, 4]]), keras.tensor([[1, 4], [0, 4]]));
    expect(m.result()).toBeCloseTo((0 + 4 + 9 + 0) / 4, 6);
    m.updateState(keras.tensor([[0, 0]]), keras.tensor([[2, 2]]), keras.tensor([2]));
    // samples: (0+4)/2 = 2 and (9+0)/2 = 4.5 with weight 1, then 4 with weight 2.
    expect(m.result()).toBeCloseTo((2 + 4.5 + 2 * 4) / 4, 6);
    m.resetState();
    expect(m.result()).toBe(0);
  });
});
