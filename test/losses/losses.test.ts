import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { EPSILON, getLoss, resolveMetric } from '../../src/losses/index.js';

const { SparseCategoricalCrossentropy, CategoricalCrossentropy, MeanSquaredError } = keras.losses;

describe('sparse categorical crossentropy', () => {
  const probabilities = keras.tensor([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]]);
  const labels = keras.tensor([1, 2]);

  it('is the batch mean of −log p[label] for probabilities', () => {
    const loss = new SparseCategoricalCrossentropy().call(labels, probabilities).item();
    expect(loss).toBeCloseTo((-Math.log(0.7) - Math.log(0.25)) / 2, 6);
  });

  it('accepts labels of shape [N, 1]', () => {
    const loss = new SparseCategoricalCrossentropy().call(keras.tensor([[1], [2]]), probabilities).item();
    expect(loss).toBeCloseTo((-Math.log(0.7) - Math.log(0.25)) / 2, 6);
  });

  it('clips a zero probability to ε instead of returning Infinity', () => {
    const loss = new SparseCategoricalCrossentropy().call(keras.tensor([0]), keras.tensor([[0, 1]])).item();
    expect(loss).toBeCloseTo(-Math.log(EPSILON), 4);
  });

  it('with fromLogits, equals logsumexp(z) − z[label], even for huge logits', () => {
    const logits = keras.tensor([[1000, 0, -1000], [1, 2, 3]]);
    const loss = new SparseCategoricalCrossentropy({ fromLogits: true }).call(keras.tensor([1, 2]), logits).item();
    const lse2 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(loss).toBeCloseTo((1000 + (lse2 - 3)) / 2, 3);
  });

  it('on a softmax output, works from its logits: exact where clipping would cap the loss', () => {
    // softmax([0, 40]) rounds p[0] to ~4e-18, far below ε; the logits path gives the true loss 40.
    const logits = keras.tensor([[0, 40]]);
    const loss = new SparseCategoricalCrossentropy().call(keras.tensor([0]), logits.softmax()).item();
    expect(loss).toBeCloseTo(40, 3);
    // The same probabilities without the logits attached are clipped: −log(1e-7) ≈ 16.1.
    const detached = new keras.Tensor(logits.softmax().data, [1, 2]);
    expect(new SparseCategoricalCrossentropy().call(keras.tensor([0]), detached).item()).toBeCloseTo(-Math.log(EPSILON), 3);
  });

  it('names the loss, the index and the value of a bad label', () => {
    const loss = new SparseCategoricalCrossentropy();
    expect(() => loss.call(keras.tensor([1, 3]), probabilities)).toThrow(
      /sparse_categorical_crossentropy: labels must be integer class indices in \[0, 3\).*Received: y_true\[1\]=3/,
    );
    expect(() => loss.call(keras.tensor([0.5, 1]), probabilities)).toThrow(/y_true\[0\]=0.5/);
    expect(() => loss.call(keras.tensor([[0, 1, 0], [1, 0, 0]]), probabilities)).toThrow(/look like one-hot labels/);
  });
});

describe('categorical crossentropy and mean squared error', () => {
  it('categorical crossentropy is −Σ y log p, batch mean', () => {
    const y = keras.tensor([[0, 1, 0], [0.5, 0, 0.5]]);
    const p = keras.tensor([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2]]);
    const expected = (-Math.log(0.5) - 0.5 * Math.log(0.4) - 0.5 * Math.log(0.2)) / 2;
    expect(new CategoricalCrossentropy().call(y, p).item()).toBeCloseTo(expected, 6);
  });

  it('mean squared error is the mean of squared differences', () => {
    const loss = new MeanSquaredError().call(keras.tensor([[1, 2], [3, 4]]), keras.tensor([[1, 0], [0, 4]])).item();
    expect(loss).toBeCloseTo((0 + 4 + 9 + 0) / 4, 6);
  });

  it('getLoss accepts snake_case, camelCase and instances, and suggests on typos', () => {
    expect(getLoss('sparse_categorical_crossentropy')).toBeInstanceOf(SparseCategoricalCrossentropy);
    expect(getLoss('sparseCategoricalCrossentropy')).toBeInstanceOf(SparseCategoricalCrossentropy);
    expect(getLoss('mse')).toBeInstanceOf(MeanSquaredError);
    expect(() => getLoss('sparse_categorical_crossentropi')).toThrow(/Did you mean 'sparse_categorical_crossentropy'/);
  });
});

describe("the 'accuracy' metric", () => {
  it('resolves as Keras does from the shapes, keeping the user\'s name', () => {
    expect(resolveMetric('accuracy', [4], [4, 10]).fn).toBe(keras.metrics.sparseCategoricalAccuracy);
    expect(resolveMetric('accuracy', [4, 1], [4, 10]).fn).toBe(keras.metrics.sparseCategoricalAccuracy);
    expect(resolveMetric('accuracy', [4, 10], [4, 10]).fn).toBe(keras.metrics.categoricalAccuracy);
    expect(resolveMetric('acc', [4, 1], [4, 1]).fn).toBe(keras.metrics.binaryAccuracy);
    expect(resolveMetric('acc', [4], [4, 10]).name).toBe('acc');
  });

  it('counts argmax hits, the first index winning ties', () => {
    const p = keras.tensor([[0.1, 0.8, 0.1], [0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.6, 0.2, 0.2]]);
    // argmax: 1, 0 (tie → first), 2, 0
    expect(keras.metrics.sparseCategoricalAccuracy(keras.tensor([1, 1, 2, 1]), p)).toBe(0.5);
    expect(keras.metrics.sparseCategoricalAccuracy(keras.tensor([1, 0, 2, 0]), p)).toBe(1);
  });
});
