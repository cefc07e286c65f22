/**
 * Weights and optimizer state through Keras's own files, against real Keras
 * 3, both ways (python/keras_weights.py):
 *
 *   Keras → tinykeras: Keras trains each model three full-batch steps and
 *   writes `.weights.h5` and `.keras`; tinykeras builds the same
 *   architecture, loads the weights and the optimizer's state, predicts what
 *   Keras predicts (≤ 1e-5), and its next step gives Keras's next-step
 *   weights (Keras on TensorFlow and on JAX each resume from the same file).
 *
 *   tinykeras → Keras: tinykeras trains three steps and writes `.weights.h5`
 *   (model.saveWeights), a `.keras` archive (Keras's config.json with
 *   kerasArchiveWeights) and a legacy `.h5` (Keras's model_config with
 *   legacyH5Root); Keras loads each (`load_weights` into a compiled model
 *   whose optimizer is built, `keras.saving.load_model`, and Keras's legacy
 *   loader), resumes at step 4 with tinykeras's predictions, and its next
 *   step gives tinykeras's. Keras's legacy `.h5` files load here too.
 *
 * Sequential with Adam, Functional with branches and SGD with momentum, a
 * nested model with Adam, and a CNN with BatchNormalization and SGD with
 * momentum. Next-step weights are compared by relative L2 within the
 * oracle's bound (max of 4 × Keras's TF-vs-JAX spread, 4 float32 ulps).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { kerasArchiveWeights, legacyH5Root, writeHdf5, writeKerasArchive } from '../../src/saving/keras-format/index.js';
import { concat, describeKeras, DistanceLog, pack, runKerasAsync, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';

const { Dense, Concatenate, Conv2D, BatchNormalization, ReLU, MaxPooling2D, Flatten } = keras.layers;

type OptimizerSpec = { name: 'adam'; learningRate: number } | { name: 'sgd'; learningRate: number; momentum: number };
interface Case {
  name: 'sequential' | 'branches' | 'nested' | 'cnn';
  optimizer: OptimizerSpec;
  loss: string;
  inputShape: number[];
}
interface Resumed {
  iterations: number;
  learningRate: number;
  predictions: Packed;
  weights: Packed[];
}

const CASES: Case[] = [
  { name: 'sequential', optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'mse', inputShape: [6] },
  { name: 'branches', optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9 }, loss: 'mse', inputShape: [6] },
  { name: 'nested', optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'mse', inputShape: [6] },
  { name: 'cnn', optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9 }, loss: 'categorical_crossentropy', inputShape: [6, 6, 2] },
];
const SAMPLES = 8;
/** What tinykeras writes for Keras to load, each case: weights file, archive, legacy file. */
const TINYKERAS_FILES = ['.tk.weights.h5', '.tk.keras', '.tk.h5'];
const TRAINED_STEPS = 3;
/** Predictions of a loaded model: Keras's within this, absolute (the bound). */
const PREDICTION_TOLERANCE = 1e-5;

/** The case's model, as python/keras_weights.py's `architecture` builds it. */
function architecture(name: Case['name']): keras.Sequential | keras.Model {
  switch (name) {
    case 'sequential':
      return new keras.Sequential([keras.Input({ shape: [6] }), new Dense(8, { activation: 'relu', name: 'hidden' }), new Dense(8, { activation: 'tanh' }), new Dense(3)]);
    case 'branches': {
      const inputs = keras.Input({ shape: [6] });
      const left = new Dense(5, { activation: 'relu' }).apply(inputs);
      const right = new Dense(5, { activation: 'tanh' }).apply(inputs);
      return new keras.Model({ inputs, outputs: new Dense(3).apply(new Concatenate().apply([left, right])) });
    }
    case 'nested': {
      const inner = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(4, { activation: 'relu' }), new Dense(4)], { name: 'inner' });
      const inputs = keras.Input({ shape: [6] });
      return new keras.Model({ inputs, outputs: new Dense(3).apply(inner.apply(new Dense(4).apply(inputs))) });
    }
    case 'cnn':
      return new keras.Sequential([keras.Input({ shape: [6, 6, 2] }), new Conv2D(3, 3), new BatchNormalization(), new ReLU(), new MaxPooling2D(), new Flatten(), new Dense(3, { activation: 'softmax' })]);
  }
}

function compiled(c: Case): keras.Sequential | keras.Model {
  const model = architecture(c.name);
  const { name, ...options } = c.optimizer;
  model.compile({ optimizer: name === 'adam' ? new keras.optimizers.Adam(options) : new keras.optimizers.SGD(options), loss: c.loss });
  return model;
}

keras.utils.setRandomSeed(11);
const generator = new keras.random.RandomGenerator(5);
const DATA = new Map(
  CASES.map((c) => {
    const x = keras.random.uniform([SAMPLES, ...c.inputShape], -1, 1, generator);
    const y = c.loss === 'mse' ? keras.random.uniform([SAMPLES, 3], -1, 1, generator) : keras.tensor(Array.from({ length: SAMPLES }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0))));
    return [c.name, { x, y }];
  }),
);
const caseInput = (c: Case) => ({ ...c, x: pack(DATA.get(c.name)!.x.data, DATA.get(c.name)!.x.shape), y: pack(DATA.get(c.name)!.y.data, DATA.get(c.name)!.y.shape) });

/** One full-batch training step, as Keras's train_on_batch. */
async function step(model: keras.Sequential | keras.Model, c: Case): Promise<void> {
  const { x, y } = DATA.get(c.name)!;
  await model.fit(x, y, { epochs: 1, batchSize: SAMPLES, shuffle: false, verbose: 0 });
}

function predictions(model: keras.Sequential | keras.Model, c: Case): Float32Array {
  return (model.predict(DATA.get(c.name)!.x, { verbose: 0 }) as keras.Tensor).data;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describeKeras("weights and optimizer state through Keras's files, both ways", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinykeras-keras-weights-'));
  const log = new DistanceLog('keras-weights.keras.test.ts');
  /** Keras resuming from its own files ('<case>.weights.h5'), and from tinykeras's ('.tk.weights.h5', '.tk.keras'), per backend. */
  let fromKeras: BothBackends<{ results: Resumed[] }>;
  let fromTinykeras: BothBackends<{ results: Resumed[] }>;
  /** What tinykeras's own models did: predictions at save time, weights after the next step. */
  const ours = new Map<string, { predictions: Float32Array; next: Float64Array }>();

  beforeAll(async () => {
    await runKerasAsync('keras_weights', { mode: 'make', dir, cases: CASES.map(caseInput) });
    const keraJobs = CASES.map((c) => ({ case: caseInput(c), path: join(dir, `${c.name}.weights.h5`) }));
    const pending = runKerasOnBoth<{ results: Resumed[] }>('keras_weights', { mode: 'resume', jobs: keraJobs });
    const tinykerasJobs = [];
    for (const c of CASES) {
      const model = compiled(c);
      for (let i = 0; i < TRAINED_STEPS; i++) await step(model, c);
      await model.saveWeights(join(dir, `${c.name}.tk.weights.h5`));
      const config = JSON.parse(readFileSync(join(dir, `${c.name}.config.json`), 'utf8'));
      await writeFile(join(dir, `${c.name}.tk.keras`), await writeKerasArchive({ config, ...kerasArchiveWeights(model) }));
      const modelConfig = JSON.parse(readFileSync(join(dir, `${c.name}.model_config.json`), 'utf8'));
      await writeFile(join(dir, `${c.name}.tk.h5`), writeHdf5(legacyH5Root(model, { modelConfig })));
      const before = predictions(model, c);
      await step(model, c);
      ours.set(c.name, { predictions: before, next: concat(model.weights.map((w) => w.data)) });
      for (const suffix of TINYKERAS_FILES) tinykerasJobs.push({ case: caseInput(c), path: join(dir, `${c.name}${suffix}`) });
    }
    fromTinykeras = await runKerasOnBoth<{ results: Resumed[] }>('keras_weights', { mode: 'resume', jobs: tinykerasJobs });
    fromKeras = await pending;
  });
  afterAll(() => log.print());

  CASES.forEach((c, i) => {
    it(`${c.name}: a Keras .weights.h5 loads with its ${c.optimizer.name} state, predicts Keras's numbers and steps to Keras's next weights`, async () => {
      const model = compiled(c);
      await model.loadWeights(join(dir, `${c.name}.weights.h5`));
      expect(model.compiled!.optimizer.iterations).toBe(TRAINED_STEPS);
      const keras3 = { tensorflow: fromKeras.tensorflow.results[i]!, jax: fromKeras.jax.results[i]! };
      expect(keras3.tensorflow.iterations).toBe(TRAINED_STEPS);
      expect(maxAbsDifference(predictions(model, c), unpack(keras3.tensorflow.predictions))).toBeLessThanOrEqual(PREDICTION_TOLERANCE);
      await step(model, c);
      log.withinSpread(`Keras ${c.name}.weights.h5, next step`, concat(model.weights.map((w) => w.data)), {
        tensorflow: concat(keras3.tensorflow.weights.map(unpack)),
        jax: concat(keras3.jax.weights.map(unpack)),
      });
    });

    for (const suffix of ['.keras', '.h5']) {
      it(`${c.name}: the same weights and state from Keras's ${suffix} file`, async () => {
        const fromFile = compiled(c);
        await fromFile.loadWeights(join(dir, `${c.name}${suffix}`));
        const fromWeights = compiled(c);
        await fromWeights.loadWeights(join(dir, `${c.name}.weights.h5`));
        expect(fromFile.weights.map((w) => w.data)).toEqual(fromWeights.weights.map((w) => w.data));
        const [a, b] = [fromFile, fromWeights].map((m) => m.compiled!.optimizer);
        expect(a!.iterations).toBe(TRAINED_STEPS);
        expect(fromFile.trainableWeights.map((w) => a!.peekSlots(w))).toEqual(fromWeights.trainableWeights.map((w) => b!.peekSlots(w)));
      });
    }

    for (const [k, suffix] of TINYKERAS_FILES.entries()) {
      it(`${c.name}: tinykeras's ${suffix.slice(4)} loads in Keras (${['load_weights', 'load_model', 'the legacy loader'][k]}) with the ${c.optimizer.name} state, and Keras steps to tinykeras's next weights`, () => {
        const n = TINYKERAS_FILES.length;
        const keras3 = { tensorflow: fromTinykeras.tensorflow.results[n * i + k]!, jax: fromTinykeras.jax.results[n * i + k]! };
        const mine = ours.get(c.name)!;
        expect(keras3.tensorflow.iterations).toBe(TRAINED_STEPS);
        expect(keras3.jax.iterations).toBe(TRAINED_STEPS);
        expect(keras3.tensorflow.learningRate).toBe(Math.fround(c.optimizer.learningRate));
        expect(maxAbsDifference(mine.predictions, unpack(keras3.tensorflow.predictions))).toBeLessThanOrEqual(PREDICTION_TOLERANCE);
        log.withinSpread(`tinykeras ${c.name}${suffix} in Keras, next step`, mine.next, {
          tensorflow: concat(keras3.tensorflow.weights.map(unpack)),
          jax: concat(keras3.jax.weights.map(unpack)),
        });
      });
    }
  });
});
