/**
 * Binary crossentropy, categorical crossentropy with label smoothing, mean
 * absolute error and Huber (issue 20), and the binary accuracy and mean
 * absolute error metrics: values against float64 references (fast-check),
 * gradients against finite differences, names, errors, saving, and a fit on
 * a tiny binary problem.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { EPSILON, getLoss, resolveMetric } from '../../src/losses/index.js';
import { checkGradients } from '../../src/tensor/gradcheck.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { ShapeError, ValueError } from '../../src/errors.js';

const { BinaryCrossentropy, CategoricalCrossentropy, MeanAbsoluteError, Huber } = keras.losses;

/** A [rows, cols] tensor of fast-check's float32 values. */
const matrix = (rows: number, cols: number, min: number, max: number) =>
  fc.array(fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true }), { minLength: rows * cols, maxLength: rows * cols })
    .map((values) => new Tensor(Float32Array.from(values), [rows, cols]));
const shapes = fc.record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 5 }) });
const binaryTargets = (rows: number, cols: number) =>
  fc.array(fc.constantFrom(0, 1), { minLength: rows * cols, maxLength: rows * cols }).map((v) => new Tensor(Float32Array.from(v), [rows, cols]));

/** The mean of f(y, ŷ) over every element, in float64. */
function meanOf(yTrue: Tensor, yPred: Tensor, f: (y: number, p: number) => number): number {
  let total = 0;
  for (let i = 0; i < yPred.size; i++) total += f(yTrue.data[i]!, yPred.data[i]!);
  return total / yPred.size;
}

const close = (actual: number, expected: number, rtol = 2e-5) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(expected)));

describe('values against float64 references', () => {
  it('binary crossentropy on probabilities clips to [ε, 1 − ε] and smooths labels towards ½', () => {
    fc.assert(fc.property(shapes.chain(({ rows, cols }) => fc.tuple(binaryTargets(rows, cols), matrix(rows, cols, 0, 1), fc.constantFrom(0, 0.1, 0.5))), ([y, p, s]) => {
      const reference = meanOf(y, p, (z, q) => {
        const t = z * (1 - s) + s / 2;
        // The clip bounds as float32 holds them (1 − 1e-7 rounds to 1 − 1.19e-7), as in Keras.
        const c = Math.min(Math.max(q, Math.fround(EPSILON)), Math.fround(1 - EPSILON));
        return -(t * Math.log(c) + (1 - t) * Math.log(1 - c));
      });
      close(new BinaryCrossentropy({ labelSmoothing: s }).call(y, p).item(), reference, 1e-4);
    }));
  });

  it('binary crossentropy from logits is −z log σ(x) − (1 − z) log(1 − σ(x)), finite for huge logits', () => {
    fc.assert(fc.property(shapes.chain(({ rows, cols }) => fc.tuple(binaryTargets(rows, cols), matrix(rows, cols, -30, 30))), ([y, x]) => {
      const reference = meanOf(y, x, (z, v) => z * Math.log1p(Math.exp(-v)) + (1 - z) * Math.log1p(Math.exp(v)));
      close(new BinaryCrossentropy({ fromLogits: true }).call(y, x).item(), reference);
    }));
    expect(new BinaryCrossentropy({ fromLogits: true }).call([[0], [1]], [[1000], [-1000]]).item()).toBeCloseTo(1000, 3);
  });

  it('categorical crossentropy with label smoothing moves targets to y(1 − s) + s/C', () => {
    fc.assert(fc.property(shapes.chain(({ rows, cols }) => fc.tuple(matrix(rows, cols + 1, -5, 5), fc.constantFrom(0.05, 0.3))), ([z, s]) => {
      const [rows, C] = z.shape as [number, number];
      const y = keras.tensor(Array.from({ length: rows * C }, (_, i) => (i % C === Math.floor(i / C) % C ? 1 : 0)), [rows, C]);
      let reference = 0;
      for (let n = 0; n < rows; n++) {
        const row = Array.from(z.data.slice(n * C, (n + 1) * C));
        const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
        row.forEach((v, j) => { reference -= (y.data[n * C + j]! * (1 - s) + s / C) * (v - lse); });
      }
      close(new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: s }).call(y, z).item(), reference / rows);
    }));
  });

  it('mean absolute error and Huber (any delta) are element-wise means', () => {
    fc.assert(fc.property(shapes.chain(({ rows, cols }) => fc.tuple(matrix(rows, cols, -4, 4), matrix(rows, cols, -4, 4), fc.double({ min: 0.1, max: 3, noNaN: true }))), ([y, p, delta]) => {
      close(new MeanAbsoluteError().call(y, p).item(), meanOf(y, p, (a, b) => Math.abs(b - a)));
      close(keras.metrics.meanAbsoluteError(y, p), meanOf(y, p, (a, b) => Math.abs(b - a)));
      const huber = (a: number, b: number) => (Math.abs(b - a) <= delta ? 0.5 * (b - a) ** 2 : delta * Math.abs(b - a) - 0.5 * delta * delta);
      close(new Huber({ delta }).call(y, p).item(), meanOf(y, p, huber));
    }));
  });

  it('binary accuracy counts ŷ > threshold as 1 (a value on the threshold is 0)', () => {
    fc.assert(fc.property(shapes.chain(({ rows, cols }) => fc.tuple(binaryTargets(rows, cols), matrix(rows, cols, 0, 1), fc.constantFrom(0.25, 0.5, 0.9))), ([y, p, t]) => {
      // Keras's formula: per sample, the mean over its values; then the mean over samples (equal to the mean over all values, up to rounding).
      close(keras.metrics.binaryAccuracy(y, p, t), meanOf(y, p, (z, q) => ((q > t ? 1 : 0) === z ? 1 : 0)));
    }));
    expect(keras.metrics.binaryAccuracy(keras.tensor([[0], [1]]), keras.tensor([[0.5], [0.5]]))).toBe(0.5);
  });

  it('the element-wise losses take targets [N] against predictions [N, 1], as Keras does', () => {
    const p = keras.tensor([[0.9], [0.2], [0.6]]);
    for (const loss of [new BinaryCrossentropy(), new MeanAbsoluteError(), new Huber()]) {
      expect(loss.call(keras.tensor([1, 0, 0]), p).item()).toBe(loss.call(keras.tensor([[1], [0], [0]]), p).item());
    }
  });
});

describe('gradients against finite differences', () => {
  // Errors kept away from the kinks of |e| (0) and Huber (±δ), by more than the finite-difference step.
  const y = keras.tensor([[0.2, -1, 0.5], [1.5, 0, -0.3]]);
  const yHat = keras.tensor([[0.5, -2.3, 0.45], [0.2, 0.6, 1.4]]);
  const labels = keras.tensor([[1, 0, 1], [0, 0, 1]]);
  const cases: [string, (p: Tensor) => Tensor, Tensor][] = [
    ['BinaryCrossentropy', (p) => new BinaryCrossentropy({ labelSmoothing: 0.1 }).call(labels, p), keras.tensor([[0.3, 0.8, 0.55], [0.1, 0.6, 0.9]])],
    ['BinaryCrossentropy(fromLogits)', (p) => new BinaryCrossentropy({ fromLogits: true }).call(labels, p), yHat.mul(3)],
    ['CategoricalCrossentropy(labelSmoothing)', (p) => new CategoricalCrossentropy({ labelSmoothing: 0.2 }).call(keras.tensor([[0, 1, 0], [1, 0, 0]]), p.softmax()), yHat],
    ['MeanAbsoluteError', (p) => new MeanAbsoluteError().call(y, p), yHat],
    ['Huber', (p) => new Huber().call(y, p), yHat],
    ['Huber(delta 0.4)', (p) => new Huber({ delta: 0.4 }).call(y, p), yHat],
  ];
  for (const [name, f, input] of cases) {
    it(name, () => {
      const result = checkGradients(f, [new Tensor(input.data.slice(), input.shape)], { step: 1e-3, rtol: 1e-2, atol: 1e-4 });
      expect(result.ok, `worst ratio ${result.worstRatio}`).toBe(true);
      expect(Math.max(...result.analytic[0]!.map(Math.abs))).toBeGreaterThan(1e-2);
    });
  }
});

describe('names, options and errors', () => {
  it('compile strings and Keras aliases give the classes', () => {
    expect(getLoss('binary_crossentropy')).toBeInstanceOf(BinaryCrossentropy);
    expect(getLoss('binaryCrossentropy')).toBeInstanceOf(BinaryCrossentropy);
    expect(getLoss('bce')).toBeInstanceOf(BinaryCrossentropy);
    expect(getLoss('mean_absolute_error')).toBeInstanceOf(MeanAbsoluteError);
    expect(getLoss('mae').name).toBe('mean_absolute_error');
    expect((getLoss('huber') as InstanceType<typeof Huber>).delta).toBe(1);
    expect(new CategoricalCrossentropy().labelSmoothing).toBe(0);
  });

  it("'accuracy' becomes binary accuracy for one output unit, whatever the labels' rank", () => {
    expect(resolveMetric('accuracy', [8], [8, 1]).fn).toBe(keras.metrics.binaryAccuracy);
    expect(resolveMetric('accuracy', [8, 1], [8, 1]).fn).toBe(keras.metrics.binaryAccuracy);
    expect(resolveMetric('mae', [8, 3], [8, 3]).fn).toBe(keras.metrics.meanAbsoluteError);
  });

  it('refuses bad options with the camelCase name', () => {
    expect(() => new BinaryCrossentropy({ label_smoothing: 0.1 } as never)).toThrow(/labelSmoothing/);
    expect(() => new BinaryCrossentropy({ labelSmoothing: 1.5 })).toThrow(ValueError);
    expect(() => new CategoricalCrossentropy({ labelSmoothing: Number.NaN })).toThrow(/labelSmoothing must be a number in \[0, 1\]/);
    expect(() => new Huber({ delta: 0 })).toThrow(/Huber: delta must be a positive number. Received: delta=0/);
    expect(() => new Huber({ delta: '2' as never })).toThrow(ValueError);
    expect(() => new MeanAbsoluteError({ reduction: 'sum' } as never)).toThrow(ValueError);
  });

  it('refuses targets of another shape, naming the loss and both shapes', () => {
    expect(() => new BinaryCrossentropy().call([[1, 0]], [[0.5, 0.5, 0.5]])).toThrow(/binary_crossentropy: .*y_true.shape=\[1, 2\], y_pred.shape=\[1, 3\]/);
    expect(() => new Huber().call([1, 2, 3, 4], [[1], [2]])).toThrow(ValueError);
    expect(() => keras.metrics.meanAbsoluteError(keras.tensor([1, 2]), keras.tensor([1, 2, 3]))).toThrow(ShapeError);
  });
});

describe('the metric classes', () => {
  it('keep a running mean over samples, and reset', () => {
    const accuracy = new keras.metrics.BinaryAccuracy({ threshold: 0.7 });
    expect(accuracy.name).toBe('binary_accuracy');
    accuracy.updateState([[1], [0], [1]], [[0.8], [0.75], [0.6]]); // 1 of 3 right
    accuracy.updateState([[0]], [[0.1]]); // 1 of 1
    expect(accuracy.result()).toBe(0.5);
    accuracy.resetState();
    expect(accuracy.result()).toBe(0);
    const mae = new keras.metrics.MeanAbsoluteError({ name: 'mae_metric' });
    mae.updateState([[1, 2], [3, 4]], [[1, 1], [3, 7]]);
    expect([mae.name, mae.result()]).toEqual(['mae_metric', 1]);
    const categorical = new keras.metrics.CategoricalAccuracy();
    categorical.updateState([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]);
    expect(categorical.result()).toBe(0.5);
  });

  it('refuse bad options', () => {
    expect(() => new keras.metrics.BinaryAccuracy({ threshold: 'high' as never })).toThrow(/BinaryAccuracy: threshold must be a finite number/);
    expect(() => new keras.metrics.CategoricalAccuracy({ dtype: 'float32' } as never)).toThrow(ValueError);
  });

  it('compile takes them: logged under their names, computed with their options', async () => {
    keras.setRandomSeed(9);
    const model = new keras.Sequential([new keras.layers.Dense(1, { activation: 'sigmoid', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'bce', metrics: [new keras.metrics.BinaryAccuracy({ threshold: 0.99, name: 'sure' }), 'binary_accuracy', new keras.metrics.MeanAbsoluteError()] });
    const x = keras.randomNormal([20, 2]);
    const y = keras.tensor(Array.from({ length: 20 }, (_, n) => n % 2), [20, 1]);
    const [, sure, plain, mae] = model.evaluate(x, y, { verbose: 0 }) as number[];
    const p = model.predict(x, { verbose: 0 });
    expect(sure).toBeCloseTo(keras.metrics.binaryAccuracy(y, p, 0.99), 6);
    expect(plain).toBeCloseTo(keras.metrics.binaryAccuracy(y, p), 6);
    expect(mae).toBeCloseTo(keras.metrics.meanAbsoluteError(y, p), 6);
    const history = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'sure', 'binary_accuracy', 'mean_absolute_error']);
    // A threshold or a name that a metric string cannot carry is not saved silently
    // (by default the model is saved without its training config, with a warning).
    await expect(model.save(keras.io.memory(), { includeOptimizer: true })).rejects.toThrow(/save\(\): the metric 'sure' cannot be written as a Keras metric name/);
  });

  it('a model whose metric is an object trains on autograd, saying which metric', async () => {
    keras.setRandomSeed(10);
    const model = new keras.Sequential([new keras.layers.Dense(3, { activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: [new keras.metrics.CategoricalAccuracy({ name: 'accuracy' })] });
    const history = await model.fit(keras.randomNormal([8, 2]), keras.tensor([0, 1, 2, 0, 1, 2, 0, 1]), { epochs: 1, verbose: 0 });
    expect(history.params.executor).toBe('autograd');
    expect(history.params.reason).toBe("metric 'accuracy' is not sparse categorical accuracy");
  });
});

describe('training and saving', () => {
  function tinyBinaryProblem() {
    keras.setRandomSeed(4);
    const x = keras.randomNormal([64, 2]);
    const y = keras.tensor(Array.from({ length: 64 }, (_, n) => (x.data[2 * n]! + x.data[2 * n + 1]! > 0 ? 1 : 0)));
    const model = new keras.Sequential([new keras.layers.Dense(1, { activation: 'sigmoid', inputShape: [2] })]);
    return { x, y, model };
  }

  it("fits with 'binary_crossentropy' and 'accuracy': Keras's history keys, on autograd, saying why", async () => {
    const { x, y, model } = tinyBinaryProblem();
    model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 0.5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 15, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    // Keras 3 shows ['accuracy', 'loss', 'val_accuracy', 'val_loss'] (sorted).
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.params.executor).toBe('autograd');
    expect(history.params.reason).toBe('the loss is not sparse categorical crossentropy');
    const accuracy = history.history.accuracy!;
    expect(accuracy[accuracy.length - 1]).toBeGreaterThan(0.85);
    expect(history.history.loss![14]).toBeLessThan(history.history.loss![0]!);
  });

  it('saves each loss by its Keras name, and options in loss_config, and loads them back', async () => {
    const cases: [string | keras.losses.Loss, string, Record<string, unknown> | undefined][] = [
      ['binary_crossentropy', 'binary_crossentropy', undefined],
      ['mae', 'mean_absolute_error', undefined],
      [new Huber(), 'huber', undefined],
      [new Huber({ delta: 2 }), 'huber', { class_name: 'Huber', config: { name: 'huber', delta: 2, reduction: 'sum_over_batch_size' } }],
      [new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.25 }), 'binary_crossentropy',
        { class_name: 'BinaryCrossentropy', config: { name: 'binary_crossentropy', from_logits: true, label_smoothing: 0.25, reduction: 'sum_over_batch_size' } }],
      [new CategoricalCrossentropy({ labelSmoothing: 0.1 }), 'categorical_crossentropy',
        { class_name: 'CategoricalCrossentropy', config: { name: 'categorical_crossentropy', label_smoothing: 0.1, reduction: 'sum_over_batch_size' } }],
    ];
    for (const [loss, name, lossConfig] of cases) {
      const { model } = tinyBinaryProblem();
      model.compile({ optimizer: 'sgd', loss, metrics: [new keras.metrics.BinaryAccuracy(), 'mae'] });
      const handler = keras.io.memory();
      await model.save(handler);
      const config = handler.artifacts!.trainingConfig as { loss: unknown; loss_config?: unknown; metrics: unknown };
      expect(config.loss).toBe(name);
      expect(config.loss_config).toEqual(lossConfig);
      expect(config.metrics).toEqual(['binary_accuracy', 'mae']);
      const loaded = (await keras.models.loadModel(keras.io.fromMemory(handler.artifacts!))).compiled!.loss;
      expect(loaded.constructor).toBe(typeof loss === 'string' ? getLoss(loss).constructor : loss.constructor);
      for (const key of ['fromLogits', 'labelSmoothing', 'delta'] as const) {
        if (typeof loss !== 'string' && key in loss) expect((loaded as unknown as Record<string, unknown>)[key], key).toBe((loss as unknown as Record<string, unknown>)[key]);
      }
    }
  });
});
