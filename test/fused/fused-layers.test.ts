/**
 * The fused executor beyond Flatten and Dense: Dropout (masks drawn from the
 * seeded generator in the autograd path's order, applied forward and
 * backward), Activation/ReLU/Softmax layers folded into the Dense layer
 * before them, and nested models opened up into the parent's ops. Each
 * against runEagerly (autograd) under the same seed, on one and two threads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { imageLikeData } from '../support/helpers.js';
import { trainUnderSeed, type SeededRun } from '../support/seeded-training.js';
import { planForward, planTraining } from '../../src/fused/plan.js';
import { simdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';

const { Dense, Dropout, Flatten, Activation, ReLU, Softmax } = keras.layers;

beforeEach(() => keras.utils.clearSession());
afterEach(() => keras.config.setKernels('js'));

/** Image-like data: 4×5 "pictures" from a seed (test/support/helpers.ts). */
const data = (n: number, seed: number) => imageLikeData(n, seed, 4, 5, 3);

/** The quickstart's shape, smaller, with a second Dropout that has its own seed and a tanh layer between. */
function dropoutModel(): keras.Sequential {
  return new keras.Sequential([
    new Flatten({ inputShape: [4, 5] }),
    new Dense(16, { activation: 'relu' }),
    new Dropout(0.3),
    new Dense(8, { activation: 'tanh' }),
    new Dropout(0.25, { seed: 5 }),
    new Dense(3),
  ]);
}

/** The same math written with Activation, ReLU and Softmax layers, and a nested model holding the first half. */
function layeredModel(): keras.Sequential {
  const inner = new keras.Sequential([new Flatten({ inputShape: [4, 5] }), new Dense(16), new ReLU(), new Dropout(0.3)]);
  return new keras.Sequential([inner, new Dense(8), new Activation('tanh'), new Dropout(0.25, { seed: 5 }), new Dense(3), new Softmax()]);
}

/** A run of trainUnderSeed (test/support/seeded-training.ts) on 90 samples of `data`. */
const train = (run: Omit<SeededRun, 'data'>) => trainUnderSeed({ ...run, data: () => data(90, 3) });

describe('Dropout on the fused executor', () => {
  it('trains like autograd bit for bit under a seed, on one thread and on two', async () => {
    const reference = await train({ make: dropoutModel, fromLogits: true, runEagerly: true });
    expect(reference.params).toMatchObject({ executor: 'autograd' });
    for (const threads of [1, 2]) {
      const fused = await train({ make: dropoutModel, fromLogits: true, threads });
      expect(fused.params).toMatchObject({ executor: 'fused', threads });
      expect(fused.weights).toEqual(reference.weights);
      expect(fused.nextDraw).toBe(reference.nextDraw);
      fused.loss.forEach((v, i) => expect(v).toBeCloseTo(reference.loss[i]!, 5));
    }
  });

  it("trains the quickstart's model under jitCompile: true (it would throw if the model could not run fused)", async () => {
    keras.utils.setRandomSeed(2);
    const x = keras.random.uniform([40, 28, 28], 0, 1);
    const y = new keras.Tensor(Float32Array.from({ length: 40 }, (_, i) => i % 10), [40]);
    const model = new keras.Sequential([
      new Flatten({ inputShape: [28, 28] }),
      new Dense(128, { activation: 'relu' }),
      new Dropout(0.2),
      new Dense(10),
    ]);
    model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'], jitCompile: true });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(history.params).toMatchObject({ executor: 'fused' });
    expect(history.history.loss![1]).toBeLessThan(history.history.loss![0]!);
  });

  it('drops units while training only: a different seed trains differently, evaluate and predict are deterministic', async () => {
    const a = await train({ make: dropoutModel, fromLogits: true, epochs: 1 });
    const [x, y] = data(90, 3);
    /** One more epoch from a's end weights, unshuffled, under `seed`: only the masks of the unseeded Dropout depend on it. */
    const epochFromA = async (seed: number) => {
      keras.utils.clearSession();
      keras.utils.setRandomSeed(seed);
      const m = dropoutModel();
      m.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 0.01 }), loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
      m.setWeights(a.model.getWeights());
      await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      return m.getWeights().map((w) => Array.from(w.data));
    };
    const seed12 = await epochFromA(12);
    expect(await epochFromA(12)).toEqual(seed12);
    expect(await epochFromA(11)).not.toEqual(seed12);
    const first = Array.from(a.model.predict(x, { verbose: 0 }).data);
    expect(Array.from(a.model.predict(x, { verbose: 0 }).data)).toEqual(first);
    expect(a.model.evaluate(x, y, { verbose: 0 })).toEqual(a.model.evaluate(x, y, { verbose: 0 }));
  });

  it.runIf(simdSupported())('gives the same weights on two threads as on one on the SIMD tier, close to autograd there', async () => {
    const eager = await train({ make: dropoutModel, fromLogits: true, runEagerly: true, tier: 'simd' });
    const one = await train({ make: dropoutModel, fromLogits: true, tier: 'simd' });
    const two = await train({ make: dropoutModel, fromLogits: true, threads: 2, tier: 'simd' });
    expect(two.params).toMatchObject({ executor: 'fused', threads: 2 });
    expect(two.weights).toEqual(one.weights);
    expect(one.nextDraw).toBe(eager.nextDraw);
    one.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(eager.weights[i]![j]!, 4)));
  });
});

describe('Activation, ReLU and Softmax layers and nested models on the fused executor', () => {
  it('run the layered model fused, with the weights autograd gives it and the Dense-activation model gets', async () => {
    const reference = await train({ make: layeredModel, fromLogits: false, runEagerly: true });
    const fused = await train({ make: layeredModel, fromLogits: false, threads: 2 });
    expect(fused.params).toMatchObject({ executor: 'fused', threads: 2 });
    expect(fused.weights).toEqual(reference.weights);
    // Same initial weights (the layers without weights draw nothing), same masks, same math.
    const plain = await train({
      make: () => {
        const m = dropoutModel();
        m.add(new Softmax());
        return m;
      },
      fromLogits: false,
    });
    expect(plain.weights).toEqual(fused.weights);
  });

  it("runs the tutorial's probability model, Sequential([model, Softmax()]), fused in predict", async () => {
    const { model, x } = await train({ make: dropoutModel, fromLogits: true, epochs: 1 });
    const probabilityModel = new keras.Sequential([model, new Softmax()]);
    const ops = planForward(probabilityModel.layers, [4, 5]);
    if (typeof ops === 'string') throw new Error(ops);
    expect(ops.map((op) => (op.kind === 'dense' ? `dense ${op.activation}` : op.kind))).toEqual(['dense relu', 'dropout', 'dense tanh', 'dropout', 'dense softmax']);
    probabilityModel.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', jitCompile: true });
    const fused = probabilityModel.predict(x, { verbose: 0 });
    const expected = keras.ops.softmax(model.predict(x, { verbose: 0 }));
    Array.from(fused.data).forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 6));
  });

  it('trains a frozen nested model through autograd, saying why', async () => {
    const [x, y] = data(32, 1);
    const inner = new keras.Sequential([new Flatten({ inputShape: [4, 5] }), new Dense(8, { activation: 'relu' })]);
    inner.trainable = false;
    const m = new keras.Sequential([inner, new Dropout(0.2), new Dense(3, { activation: 'softmax' })]);
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const history = await m.fit(x, y, { verbose: 0 });
    expect(history.params).toMatchObject({ executor: 'autograd' });
    expect(history.params.reason).toMatch(/layer "dense(_\d+)?" is not trainable/);
  });

  it('leaves a frozen model, and a Sequential subclass with its own call(), to autograd', async () => {
    const [x, y] = data(32, 1);
    const frozen = new keras.Sequential([new Flatten({ inputShape: [4, 5] }), new Dense(3, { activation: 'softmax' })]);
    frozen.trainable = false;
    frozen.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const before = frozen.getWeights().map((w) => Array.from(w.data));
    const history = await frozen.fit(x, y, { verbose: 0 });
    expect(history.params).toMatchObject({ executor: 'autograd' });
    expect(frozen.getWeights().map((w) => Array.from(w.data))).toEqual(before);

    class Doubled extends keras.Sequential {
      override call(inputs: keras.Tensor): keras.Tensor {
        return super.call(inputs).mul(2);
      }
    }
    const doubled = new Doubled([new Flatten({ inputShape: [4, 5] }), new Dense(3)]);
    doubled.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    expect((await doubled.fit(x, y, { verbose: 0 })).params).toMatchObject({ executor: 'autograd' });
    const plain = keras.ops.mul(doubled.layers[1]!.apply(doubled.layers[0]!.apply(x)), 2);
    expect(Array.from(doubled.predict(x, { verbose: 0 }).data)).toEqual(Array.from(plain.data));
  });

  it('says why for what it cannot fuse', () => {
    const settings = { loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metricEntries: [] };
    const reason = (layers: InstanceType<typeof keras.layers.Layer>[]) => planTraining(new keras.Sequential([new Flatten({ inputShape: [4, 5] }), ...layers]).layers, settings, [4, 5], [10]);
    expect(reason([new Dropout(0.2), new Dense(3)])).toMatch(/"dropout(_\d+)?" \(Dropout\) does not come right after a Dense layer/);
    expect(reason([new Dense(3), new Dropout(0.2)])).toMatch(/a Dropout layer comes after the output layer/);
    expect(reason([new Dense(4, { activation: 'relu' }), new ReLU(), new Dense(3)])).toMatch(/does not come right after a Dense layer without activation/);
    expect(reason([new Dense(4), new ReLU({ maxValue: 6 }), new Dense(3)])).toMatch(/\(ReLU\) has no fused form/);
    expect(reason([new Dense(4), new Dropout(0.5, { noiseShape: [1, 4] }), new Dense(3)])).toMatch(/\(Dropout\) has no fused form/);
    expect(typeof reason([new Dense(4), new Dropout(0), new Dense(3)])).toBe('object');
  });
});
