/**
 * Convolutional networks on the fused executor (src/fused/kinds/conv2d.ts,
 * pool.ts): the TensorFlow CNN tutorial's model, on 18×18 images (the
 * smallest its three 3×3 convolutions and two poolings fit), trains bit for
 * bit as autograd does under a seed, on one thread and on two; predict and
 * evaluate run fused with autograd's bits; the windows' other options
 * ('same' padding, strides, dilation, average pooling, Dropout on feature
 * maps, an Activation layer) too; and on the SIMD tier the fused executor
 * gives autograd's bits there, on one thread or two.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { cnnTutorialModel, imageLikeData } from '../support/helpers.js';
import { trainUnderSeed, type SeededRun } from '../support/seeded-training.js';
import { planForward, planTraining } from '../../src/fused/plan.js';
import { simdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';

const { Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dense, Dropout, Activation, BatchNormalization } = keras.layers;

beforeEach(() => keras.utils.clearSession());
afterEach(() => keras.config.setKernels('js'));

/** `n` grey images of size × size with a class drawn into each (test/support/helpers.ts), channels last. */
function images(n: number, seed: number, size = 18): [keras.Tensor, keras.Tensor] {
  const [x, y] = imageLikeData(n, seed, size, size, 10);
  return [x.reshape([n, size, size, 1]), y];
}

/** The tutorial's model on 18×18 images (the smallest its convolutions and poolings fit). */
const tutorialModel = (): keras.Sequential => cnnTutorialModel(18);

/** The windows' other options: 'same' padding, strides, dilation, average pooling, no bias, Dropout on feature maps, an Activation layer. */
function optionsModel(): keras.Sequential {
  return new keras.Sequential([
    new Conv2D(6, [3, 2], { padding: 'same', strides: [2, 1], activation: 'tanh', inputShape: [18, 18, 1] }),
    new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }),
    new Conv2D(8, 2, { dilationRate: 2, useBias: false }),
    new Activation('relu'),
    new MaxPooling2D({ poolSize: [2, 3], strides: 1, padding: 'same' }),
    new Dropout(0.3),
    new Conv2D(5, 1, { activation: 'sigmoid' }),
    new Flatten(),
    new Dense(10, { activation: 'softmax' }),
  ]);
}

/** A run of trainUnderSeed (test/support/seeded-training.ts) on 40 images, 2 epochs, then predict and evaluate in batches of 7. */
async function train(run: Omit<SeededRun, 'data'>) {
  const trained = await trainUnderSeed({ epochs: 2, ...run, data: () => images(40, 3) });
  const { model, x, y } = trained;
  return {
    ...trained,
    predicted: Array.from(model.predict(x, { batchSize: 7, verbose: 0 }).data),
    evaluated: model.evaluate(x, y, { batchSize: 7, verbose: 0 }) as number[],
  };
}

describe("the CNN tutorial's model on the fused executor", () => {
  it('trains like autograd bit for bit under a seed, on one thread and on two; predict and evaluate give its bits', async () => {
    const reference = await train({ make: tutorialModel, fromLogits: true, runEagerly: true });
    expect(reference.params).toMatchObject({ executor: 'autograd' });
    for (const threads of [1, 2]) {
      const fused = await train({ make: tutorialModel, fromLogits: true, threads });
      expect(fused.params).toMatchObject({ executor: 'fused', threads });
      expect(fused.weights).toEqual(reference.weights);
      expect(fused.predicted).toEqual(reference.predicted);
      expect(fused.accuracy).toEqual(reference.accuracy);
      fused.loss.forEach((v, i) => expect(v).toBeCloseTo(reference.loss[i]!, 5));
      fused.evaluated.forEach((v, i) => expect(v).toBeCloseTo(reference.evaluated[i]!, 5));
    }
    // It learned something: the run is not trivially equal because nothing moved.
    expect(reference.loss[1]!).toBeLessThan(reference.loss[0]!);
  }, 60_000);

  it("trains 'same' padding, strides, dilation, average pooling, Dropout on feature maps and Activation layers like autograd", async () => {
    const reference = await train({ make: optionsModel, fromLogits: false, runEagerly: true });
    for (const threads of [1, 2]) {
      const fused = await train({ make: optionsModel, fromLogits: false, threads });
      expect(fused.params).toMatchObject({ executor: 'fused', threads });
      expect(fused.weights).toEqual(reference.weights);
      expect(fused.predicted).toEqual(reference.predicted);
      expect(fused.nextDraw).toBe(reference.nextDraw);
    }
  }, 60_000);

  it.runIf(simdSupported())('on the SIMD tier trains like autograd on it bit for bit, on one thread and on two, close to the JS tier', async () => {
    const eager = await train({ make: tutorialModel, fromLogits: true, tier: 'simd', runEagerly: true });
    const one = await train({ make: tutorialModel, fromLogits: true, tier: 'simd' });
    const two = await train({ make: tutorialModel, fromLogits: true, tier: 'simd', threads: 2 });
    expect(two.params).toMatchObject({ executor: 'fused', threads: 2 });
    expect(one.weights).toEqual(eager.weights);
    expect(two.weights).toEqual(one.weights);
    expect(one.predicted).toEqual(eager.predicted);
    expect(two.predicted).toEqual(one.predicted);
    const js = await train({ make: tutorialModel, fromLogits: true });
    one.loss.forEach((v, i) => expect(v).toBeCloseTo(js.loss[i]!, 3));
  }, 60_000);
});

describe('predict and evaluate on images', () => {
  it("give autograd's bits when a thread's rows take several patch buffers (large patches, one image at a time)", () => {
    keras.utils.setRandomSeed(5);
    // 60·60 positions × 5·5·8 values: 720,000 patch values an image, so predict's buffer holds one image at a time.
    const make = () => new keras.Sequential([new Conv2D(4, 5, { activation: 'relu', inputShape: [64, 64, 8] }), new MaxPooling2D(4), new Flatten(), new Dense(3)]);
    const fused = make();
    const eager = make();
    eager.setWeights(fused.getWeights());
    const loss = new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true });
    fused.compile({ optimizer: 'sgd', loss, jitCompile: true });
    eager.compile({ optimizer: 'sgd', loss, runEagerly: true });
    const x = keras.random.uniform([5, 64, 64, 8], -1, 1);
    const y = keras.tensor([0, 1, 2, 0, 1]);
    expect(Array.from(fused.predict(x, { batchSize: 5, verbose: 0 }).data)).toEqual(Array.from(eager.predict(x, { batchSize: 5, verbose: 0 }).data));
    const [fusedLoss] = fused.evaluate(x, y, { verbose: 0 }) as number[];
    const [eagerLoss] = eager.evaluate(x, y, { verbose: 0 }) as number[];
    expect(fusedLoss).toBeCloseTo(eagerLoss!, 6);
  });
});

describe('the planner on images', () => {
  const plan = (layers: keras.layers.Layer[], shape = [18, 18, 1]) => {
    const m = new keras.Sequential(layers);
    m.build([null, ...shape]);
    m.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    return planTraining(m.layers, m.compiled!, shape, [4]);
  };

  it('follows the shape through each window: ops, widths and the Dense input', () => {
    const ops = planForward([tutorialModel()], [18, 18, 1]);
    if (typeof ops === 'string') throw new Error(ops);
    expect(ops.map((op) => op.kind)).toEqual(['conv2d', 'pool2d', 'conv2d', 'pool2d', 'conv2d', 'dense', 'dense']);
    const sizes = ops.flatMap((op) => (op.kind === 'conv2d' || op.kind === 'pool2d' ? [[op.window.outHeight, op.window.outWidth]] : []));
    expect(sizes).toEqual([[16, 16], [8, 8], [6, 6], [3, 3], [1, 1]]);
    expect(ops[5]).toMatchObject({ kind: 'dense', inputDim: 64 });
  });

  it('says why a model on images stays with autograd', () => {
    expect(plan([new Conv2D(4, 3), new Flatten(), new Dense(3)], [18, 18, 1])).toMatchObject({ classes: 3 });
    expect(plan([new Conv2D(4, 3), new BatchNormalization(), new Flatten(), new Dense(3)])).toMatch(/"batch_normalization(_\d+)?" \(BatchNormalization\) has no fused form/);
    expect(plan([new Conv2D(4, 3), new Dense(3)])).toMatch(/\(Dense\) receives images without a Flatten layer before it/);
    expect(plan([new Conv2D(4, 3, { activation: 'softmax' }), new Flatten(), new Dense(3)])).toMatch(/\(Conv2D\) has activation 'softmax'/);
    expect(plan([new Conv2D(4, 3, { activation: 'gelu' }), new Flatten(), new Dense(3)])).toMatch(/has activation 'gelu'/);
    const frozen = new Conv2D(4, 3);
    frozen.trainable = false;
    expect(plan([frozen, new Flatten(), new Dense(3)])).toMatch(/layer "conv2d(_\d+)?" is not trainable/);
  });
});
