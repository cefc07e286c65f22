/**
 * Regularizers (issue 20): L1, L2 and L1L2 penalties against float64
 * references and finite differences, the strings and their Keras defaults,
 * Dense and Conv2D options saved in Keras's form and read back, the penalty
 * in the reported loss (added after the reduction, unweighted; activity
 * penalties divided by the batch size; none for frozen layers), and the
 * fused executor stepping aside with the reason.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { checkGradients } from '../../src/tensor/gradcheck.js';
import { ValueError } from '../../src/errors.js';

const { L1, L2, L1L2, l1, l2, l1l2 } = keras.regularizers;
const { Dense, Conv2D, Flatten } = keras.layers;

const values = fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 12 });

describe('the penalties', () => {
  it('are l1·Σ|x|, l2·Σx² and their sum, in float64 reference', () => {
    fc.assert(fc.property(values, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, a, b) => {
      const x = keras.tensor(xs);
      const x32 = Array.from(x.data);
      const abs = x32.reduce((s, v) => s + Math.abs(v), 0);
      const sq = x32.reduce((s, v) => s + v * v, 0);
      const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected)));
      close(new L1(a).call(x).item(), a * abs);
      close(new L2(b).call(x).item(), b * sq);
      close(new L1L2({ l1: a, l2: b }).call(x).item(), a * abs + b * sq);
    }));
  });

  it('have the gradients finite differences give (away from the kink of |x| at 0)', () => {
    const x = keras.tensor([[0.7, -1.2, 0.4], [-0.3, 2.1, -0.9]]);
    for (const r of [new L1(0.3), new L2(0.2), new L1L2({ l1: 0.1, l2: 0.5 })]) {
      const result = checkGradients((t) => r.call(t), [x]);
      expect(result.ok, r.className).toBe(true);
    }
    // At 0 the L1 gradient is 0, as Keras's TensorFlow backend gives it.
    const zero = keras.tensor([0, 1]);
    zero.requiresGrad = true;
    new L1(0.5).call(zero).backward();
    expect(Array.from(zero.grad!.data)).toEqual([0, 0.5]);
  });

  it("take Keras's defaults: l1() and l2() 0.01, l1l2() and L1L2 0 each; strings 'l1', 'l2', 'l1l2'", () => {
    expect([l1().l1, l2().l2, l1l2().l1, l1l2().l2, new L1L2().l1]).toEqual([0.01, 0.01, 0, 0, 0]);
    expect(new L1({ l1: 0.2 }).l1).toBe(0.2);
    const layer = new Dense(2, { kernelRegularizer: 'l2', biasRegularizer: 'L1', activityRegularizer: 'l1l2' });
    expect(layer.getConfig()).toMatchObject({
      kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } },
      bias_regularizer: { class_name: 'L1', config: { l1: 0.01 } },
      activity_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0 } },
    });
  });

  it('refuse bad factors, unknown names and snake_case keys with clear errors', () => {
    expect(() => new L2(-1)).toThrow(/L2: l2 must be a finite number ≥ 0. Received: l2=-1/);
    expect(() => new L1L2({ l1: NaN })).toThrow(ValueError);
    expect(() => new Dense(2, { kernelRegularizer: 'l1_l2' as never })).toThrow(/kernelRegularizer must be a regularizer .* Received: kernelRegularizer='l1_l2'/);
    expect(() => new Dense(2, { kernel_regularizer: 'l2' } as never)).toThrow(/kernelRegularizer/);
    expect(() => new Conv2D(2, 3, { biasRegularizer: 5 as never })).toThrow(/biasRegularizer/);
  });
});

describe('regularized layers', () => {
  it('save in Keras form and load back the same penalties (Dense and Conv2D)', async () => {
    const model = new keras.Sequential([
      new Conv2D(2, 3, { inputShape: [5, 5, 1], kernelRegularizer: l2(0.05), activityRegularizer: 'l2' }),
      new Flatten(),
      new Dense(2, { kernelRegularizer: new L1L2({ l1: 0.1, l2: 0.2 }), biasRegularizer: l1(0.3) }),
    ]);
    const handler = keras.io.memory();
    await model.save(handler);
    const loaded = await keras.models.loadModel(handler);
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(loaded.layers[2]!.getConfig()).toMatchObject({ kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } }, kernel_constraint: null });
    const x = keras.random.uniform([3, 5, 5, 1], 0, 1);
    const y = keras.random.normal([3, 2]);
    for (const m of [model, loaded]) m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(loaded.evaluate(x, y, { verbose: 0 })).toEqual(model.evaluate(x, y, { verbose: 0 }));
  });

  it('add their penalties to the reported loss after the reduction, unweighted, the activity one divided by the batch size', () => {
    keras.utils.setRandomSeed(3);
    const dense = new Dense(2, { inputShape: [3], kernelRegularizer: l2(0.1), biasRegularizer: l1(0.2), activityRegularizer: l1(0.05) });
    const model = new keras.Sequential([dense]);
    model.setWeights([keras.random.normal([3, 2]), keras.tensor([0.3, -0.4])]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = keras.random.normal([4, 3]);
    const y = keras.random.normal([4, 2]);
    const w = keras.tensor([1, 0, 2, 0.5]);
    const pred = model.predict(x, { verbose: 0 });
    const perSample = [0, 1, 2, 3].map((i) => ((pred.data[2 * i]! - y.data[2 * i]!) ** 2 + (pred.data[2 * i + 1]! - y.data[2 * i + 1]!) ** 2) / 2);
    const kernel = Array.from(dense.kernel!.data);
    const penalty = 0.1 * kernel.reduce((s, v) => s + v * v, 0) + 0.2 * (0.3 + 0.4) + (0.05 * Array.from(pred.data).reduce((s, v) => s + Math.abs(v), 0)) / 4;
    const weighted = perSample.reduce((s, v, i) => s + v * w.data[i]!, 0) / 4;
    const [loss] = model.evaluate(x, y, { verbose: 0, batchSize: 4, sampleWeight: w });
    expect(loss).toBeCloseTo(weighted + penalty, 5);
    // A frozen layer adds no weight penalty (Keras regularizes trainable weights only); its activity penalty stays.
    dense.trainable = false;
    const [frozen] = model.evaluate(x, y, { verbose: 0, batchSize: 4, sampleWeight: w });
    expect(frozen).toBeCloseTo(weighted + (0.05 * Array.from(pred.data).reduce((s, v) => s + Math.abs(v), 0)) / 4, 5);
  });

  it('train through autograd, saying why, and predict as without them', async () => {
    const x = keras.random.normal([8, 4]);
    const y = keras.tensor([0, 1, 2, 0, 1, 2, 0, 1]);
    const model = new keras.Sequential([new Dense(5, { inputShape: [4], activation: 'relu', kernelRegularizer: 'l2', name: 'hidden' }), new Dense(3, { activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(history.params.executor).toBe('autograd');
    expect(history.params.reason).toBe('layer "hidden" has a regularizer');
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', jitCompile: true });
    await expect(model.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/layer "hidden" has a regularizer/);
  });

  it('gradient-check the whole regularized loss of a model', () => {
    keras.utils.setRandomSeed(5);
    const dense = new Dense(2, { inputShape: [3], activation: 'tanh', kernelRegularizer: new L1L2({ l1: 0.05, l2: 0.1 }), activityRegularizer: l2(0.2) });
    const model = new keras.Sequential([dense]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = keras.random.normal([4, 3]);
    const y = keras.random.normal([4, 2]);
    const values = [0];
    const loss = (kernel: keras.Tensor) => {
      dense.kernel!.data.set(kernel.data);
      const out = x.matmul(kernel).add(dense.bias!).tanh();
      const penalty = new L1L2({ l1: 0.05, l2: 0.1 }).call(kernel).add(l2(0.2).call(out).div(4));
      return model.compiled!.lossAndLogs([y], [out], values, null, penalty);
    };
    expect(checkGradients(loss, [keras.random.normal([3, 2])]).ok).toBe(true);
  });
});
