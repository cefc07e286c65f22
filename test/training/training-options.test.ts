/**
 * fit/evaluate's sampleWeight and classWeight, loss functions returning
 * values per sample, metric functions and weightedMetrics, and
 * model.metricsNames (issue 20): Keras's reduction (Σ wᵢ·ℓᵢ / N, not / Σ w),
 * class weights as sample weights, names in logs, which executor runs, and
 * the errors for bad weights.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { reduceLoss } from '../../src/losses/index.js';
import { checkGradients } from '../../src/tensor/gradcheck.js';
import { ShapeError, ValueError } from '../../src/errors.js';

const { Dense } = keras.layers;

beforeEach(() => keras.utils.clearSession());

function regression(seed: number): { model: keras.Sequential; x: keras.Tensor; y: keras.Tensor } {
  keras.utils.setRandomSeed(seed);
  const model = new keras.Sequential([new Dense(4, { inputShape: [3], activation: 'tanh' }), new Dense(2)]);
  return { model, x: keras.random.normal([10, 3]), y: keras.random.normal([10, 2]) };
}

function classifier(seed: number): { model: keras.Sequential; x: keras.Tensor; y: keras.Tensor } {
  keras.utils.setRandomSeed(seed);
  const model = new keras.Sequential([new Dense(6, { inputShape: [4], activation: 'relu' }), new Dense(3, { activation: 'softmax' })]);
  return { model, x: keras.random.normal([12, 4]), y: keras.tensor(Array.from({ length: 12 }, (_, i) => (i * 5) % 3)) };
}

const weightsOf = (m: keras.Sequential) => m.getWeights().map((w) => Array.from(w.data));

describe("the loss reduction 'sum_over_batch_size'", () => {
  it('is Σ wᵢ·ℓᵢ / N with weights (not / Σ w), the mean without, in float64 reference', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }).chain((n) => fc.tuple(
      fc.array(fc.float({ min: 0, max: 5, noNaN: true }), { minLength: n, maxLength: n }),
      fc.array(fc.float({ min: 0, max: 3, noNaN: true }), { minLength: n, maxLength: n }),
    )), ([ls, ws]) => {
      const [values, weights] = [keras.tensor(ls), keras.tensor(ws)];
      const expected = Array.from(values.data).reduce((s, v, i) => s + v * weights.data[i]!, 0) / ls.length;
      expect(Math.abs(reduceLoss(values, weights).item() - expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, expected));
      expect(reduceLoss(values.reshape([ls.length, 1]), weights).item()).toBe(reduceLoss(values, weights).item());
      expect(reduceLoss(values).item()).toBe(values.mean().item());
    }));
  });

  it('differentiates through the weights, and refuses weights against values that are not one per sample', () => {
    const w = keras.tensor([1, 0, 2]);
    expect(checkGradients((v) => reduceLoss(v, w), [keras.tensor([0.5, 1.5, -2])]).ok).toBe(true);
    expect(() => reduceLoss(keras.random.normal([3, 2]), w, "The loss 'squares'")).toThrow(ShapeError);
    expect(() => reduceLoss(keras.random.normal([3, 2]), w, "The loss 'squares'")).toThrow(/one loss value per sample, shape \[3\] or \[3, 1\].*\[3, 2\]/);
    // One number for the batch is spread over it, as Keras broadcasts it.
    expect(reduceLoss(keras.tensor(2), w).item()).toBe(2);
  });

  it('each built-in loss gives its values per sample, whose mean is its call', () => {
    const { x, y } = regression(1);
    const yPred = x.matmul(keras.random.normal([3, 2]));
    for (const loss of [new keras.losses.MeanSquaredError(), new keras.losses.MeanAbsoluteError(), new keras.losses.Huber()]) {
      const perSample = loss.perSample(y, yPred);
      expect(perSample.shape, loss.name).toEqual([10]);
      expect(loss.call(y, yPred).item()).toBe(perSample.mean().item());
    }
  });
});

describe('loss functions returning values per sample', () => {
  it("train as Keras reduces them (no more 'backward() starts from a scalar'), the same as the built-in loss", async () => {
    function squared(yTrue: keras.Tensor, yPred: keras.Tensor): keras.Tensor {
      return yPred.sub(yTrue).square().mean(-1);
    }
    const runs: { keys: string[]; loss: number[]; weights: number[][] }[] = [];
    for (const loss of ['mse', squared, (yTrue: keras.Tensor, yPred: keras.Tensor) => yPred.sub(yTrue).square()] as const) {
      const { model, x, y } = regression(2);
      model.compile({ optimizer: 'sgd', loss, metrics: ['mae'] });
      const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
      runs.push({ keys: Object.keys(history.history), loss: history.history.loss!, weights: weightsOf(model) });
    }
    expect(runs[1]!.keys).toEqual(['loss', 'mae']);
    expect(runs[1]!.loss).toEqual(runs[0]!.loss);
    expect(runs[1]!.weights).toEqual(runs[0]!.weights);
    runs[2]!.loss.forEach((l, i) => expect(l).toBeCloseTo(runs[0]!.loss[i]!, 5));
  });

  it('a loss function that returns no tensor is a clear error', async () => {
    const { model, x, y } = regression(3);
    model.compile({ optimizer: 'sgd', loss: (() => 1) as never });
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/The loss '.*' must return a Tensor.*Received: 1/);
  });
});

describe('sampleWeight and classWeight', () => {
  it('weights of 1 change nothing; a weight of 0 drops a sample from the sum but not from the count', async () => {
    const runs: unknown[] = [];
    for (const sampleWeight of [undefined, keras.ops.ones([10])]) {
      const { model, x, y } = regression(4);
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false, ...(sampleWeight ? { sampleWeight } : {}) });
      runs.push([history.history.loss, weightsOf(model)]);
    }
    expect(runs[1]).toEqual(runs[0]);
    const { model, x, y } = regression(5);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const zeroFirst = keras.tensor([0, ...Array<number>(9).fill(1)]);
    const pred = model.predict(x, { verbose: 0 });
    const perSample = Array.from({ length: 10 }, (_, i) => ((pred.data[2 * i]! - y.data[2 * i]!) ** 2 + (pred.data[2 * i + 1]! - y.data[2 * i + 1]!) ** 2) / 2);
    const [loss] = model.evaluate(x, y, { verbose: 0, batchSize: 10, sampleWeight: zeroFirst });
    expect(loss).toBeCloseTo(perSample.slice(1).reduce((s, v) => s + v, 0) / 10, 5);
  });

  it('classWeight is the sample weights of each sample’s class (1 for a class not named), for integer, one-hot and 0/1 targets', async () => {
    const classWeight = { 0: 1, 1: 3 };
    const runs: [Record<string, number[]>, number[][]][] = [];
    for (const useClassWeight of [true, false]) {
      const { model, x, y } = classifier(6);
      model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
      const sampleWeight = keras.tensor(Array.from(y.data, (c) => (c === 1 ? 3 : 1)));
      const history = await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, shuffle: false, ...(useClassWeight ? { classWeight } : { sampleWeight }) });
      runs.push([history.history, weightsOf(model)]);
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(Object.keys(runs[0]![0] as object)).toEqual(['loss', 'accuracy', 'weighted_accuracy']);
    // One-hot targets name their class by argmax.
    const { model, x, y } = classifier(6);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const oneHot = keras.utils.toCategorical(y, 3);
    const a = await model.fit(x, oneHot, { epochs: 1, batchSize: 12, verbose: 0, classWeight: { 2: 0 } });
    const b = classifier(6);
    b.model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const c = await b.model.fit(b.x, oneHot, { epochs: 1, batchSize: 12, verbose: 0, sampleWeight: keras.tensor(Array.from(y.data, (v) => (v === 2 ? 0 : 1))) });
    expect(a.history.loss).toEqual(c.history.loss);
  });

  it('runs through autograd, saying why, and validates with validationData [x, y, sampleWeight]', async () => {
    const { model, x, y } = classifier(7);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 1, verbose: 0, sampleWeight: keras.ops.ones([12]), validationData: [x, y, keras.ops.ones([12])] });
    expect(history.params.executor).toBe('autograd');
    expect(history.params.reason).toBe('sample weights (sampleWeight or classWeight) weight the loss');
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    const plain = await model.fit(x, y, { epochs: 1, verbose: 0, validationData: [x, y] });
    expect(plain.params.executor).toBe('fused');
  });

  it('refuses weights of the wrong shape or values, both options together, classWeight for two outputs, and snake_case keys', async () => {
    const { model, x, y } = classifier(8);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const fit = (args: object) => model.fit(x, y, { verbose: 0, ...args });
    await expect(fit({ sampleWeight: keras.ops.ones([5]) })).rejects.toThrow(/sampleWeight must hold one weight per sample, shape \[12\]. Received: sampleWeight.shape=\[5\]/);
    await expect(fit({ sampleWeight: keras.ops.ones([12, 2]) })).rejects.toThrow(ShapeError);
    await expect(fit({ sampleWeight: keras.tensor([NaN, ...Array<number>(11).fill(1)]) })).rejects.toThrow(/finite numbers. Received: sampleWeight\[0\]=NaN/);
    await expect(fit({ sampleWeight: keras.ops.ones([12]), classWeight: { 0: 2 } })).rejects.toThrow(/sampleWeight or classWeight, not both/);
    await expect(fit({ classWeight: { a: 2 } })).rejects.toThrow(/classWeight maps class indices/);
    await expect(fit({ classWeight: [1, 2] })).rejects.toThrow(ValueError);
    await expect(fit({ sample_weight: keras.ops.ones([12]) })).rejects.toThrow(/sampleWeight/);
    await expect(fit({ validationData: [x, y, keras.ops.ones([3])] })).rejects.toThrow(/validationData\[2\] must hold one weight per sample/);
    expect(() => model.evaluate(x, y, { verbose: 0, sampleWeight: keras.ops.ones([2]) })).toThrow(/evaluate\(\): sampleWeight/);
    const input = keras.Input({ shape: [4] });
    const two = new keras.Model({ inputs: input, outputs: [new Dense(1, { name: 'a' }).apply(input) as keras.KerasTensor, new Dense(1, { name: 'b' }).apply(input) as keras.KerasTensor] });
    two.compile({ optimizer: 'sgd', loss: 'mse' });
    const yy = keras.random.normal([12, 1]);
    await expect(two.fit(x, [yy, yy], { verbose: 0, classWeight: { 0: 1 } })).rejects.toThrow(/classWeight is only supported for models with a single output/);
  });
});

describe('metric functions, weightedMetrics and metricsNames', () => {
  it('names a metric function by its name, keeps it running over the epoch, and counts a number-returning one once per batch', async () => {
    function average(_yTrue: keras.Tensor, yPred: keras.Tensor): keras.Tensor {
      return yPred.mean(-1);
    }
    const batchMean = (_yTrue: keras.Tensor, yPred: keras.Tensor) => yPred.mean().item();
    const { model, x, y } = regression(9);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [average, batchMean, 'mae', 'mae'] });
    const logs = model.evaluate(x, y, { verbose: 0, batchSize: 4, returnDict: true });
    expect(Object.keys(logs)).toEqual(['loss', 'average', 'batchMean', 'mae', 'mae_1']);
    const pred = model.predict(x, { verbose: 0 });
    expect(logs.average).toBeCloseTo(pred.mean().item(), 6);
    // Batches of 4, 4, 2: a number per batch counts once, so the short batch weighs as much as the others.
    const batch = (s: number, e: number) => pred.sliceRows(s, e).mean().item();
    expect(logs.batchMean).toBeCloseTo((batch(0, 4) + batch(4, 8) + batch(8, 10)) / 3, 6);
    expect(logs.mae_1).toBe(logs.mae);
  });

  it("lists Keras 3's metricsNames before and after training", async () => {
    const { model, x, y } = regression(10);
    expect(model.metricsNames).toEqual([]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(model.metricsNames).toEqual(['loss']);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [] });
    expect(model.metricsNames).toEqual(['loss', 'compile_metrics']);
    await model.fit(x, y, { verbose: 0 });
    expect(model.metricsNames).toEqual(['loss', 'compile_metrics']);
    const input = keras.Input({ shape: [3] });
    const two = new keras.Model({ inputs: input, outputs: [new Dense(1, { name: 'a' }).apply(input) as keras.KerasTensor, new Dense(2, { name: 'b' }).apply(input) as keras.KerasTensor] });
    two.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], []] });
    expect(two.metricsNames).toEqual(['loss', 'compile_metrics']);
    two.evaluate(x, [y.sliceRows(0, 10).mean(-1, true), y], { verbose: 0 });
    expect(two.metricsNames).toEqual(['loss', 'compile_metrics', 'a_loss', 'b_loss']);
  });

  it('refuses a metric that is neither a name, an object nor a function', () => {
    const { model } = regression(11);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', weightedMetrics: [42 as never] })).toThrow(/metrics are given by name, as metric objects or as functions/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', weighted_metrics: ['mae'] } as never)).toThrow(/weightedMetrics/);
  });

  it('saves metrics and weightedMetrics by name (Keras\'s weighted_metrics) and compiles them back', async () => {
    const { model, x, y } = classifier(12);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const handler = keras.io.memory();
    await model.save(handler);
    expect(handler.artifacts!.trainingConfig).toMatchObject({ metrics: ['accuracy'], weighted_metrics: ['accuracy'] });
    const loaded = await keras.models.loadModel(handler);
    const w = keras.tensor(Array.from({ length: 12 }, (_, i) => i % 3));
    expect(loaded.evaluate(x, y, { verbose: 0, returnDict: true, sampleWeight: w })).toEqual(model.evaluate(x, y, { verbose: 0, returnDict: true, sampleWeight: w }));
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: [(_t: keras.Tensor, p: keras.Tensor) => p.mean(-1)] });
    await expect(model.save(keras.io.memory(), { includeOptimizer: true })).rejects.toThrow(/cannot be written as a Keras metric name/);
  });
});
