/**
 * Functional models between tinykeras and TensorFlow.js: a graph TF.js saves
 * (two inputs, a shared layer, Concatenate, two outputs, a nested model,
 * compiled with a loss per output) loads here and computes the same
 * outputs; a graph saved here loads in TF.js, compiled, with the same
 * outputs. Runs the real @tensorflow/tfjs on its 'cpu' backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';

const { Dense, Concatenate, Add, Average, Maximum, Minimum, Multiply } = keras.layers;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => keras.utils.clearSession());

/** What TF.js's model.save hands its handler. */
async function tfjsArtifacts(model: tf.LayersModel, includeOptimizer: boolean): Promise<tf.io.ModelArtifacts> {
  let artifacts!: tf.io.ModelArtifacts;
  await model.save(
    tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
    { includeOptimizer },
  );
  return artifacts;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** `n` rows of `width` values in [-1, 1) from a seeded generator, as both libraries' tensors. */
function rows(n: number, width: number, seed: number): { ours: keras.Tensor; theirs: tf.Tensor } {
  const rng = new keras.random.RandomGenerator(seed);
  const values = Float32Array.from({ length: n * width }, () => 2 * rng.uniform() - 1);
  return { ours: new keras.Tensor(values, [n, width]), theirs: tf.tensor(values, [n, width]) };
}

describe('TF.js → tinykeras', () => {
  it('loads a TF.js graph with a shared layer, Concatenate, a nested model and two compiled outputs', async () => {
    const a = tf.input({ shape: [4], name: 'a' });
    const b = tf.input({ shape: [3], name: 'b' });
    const widen = tf.layers.dense({ units: 3, name: 'widen' });
    const shared = tf.layers.dense({ units: 5, activation: 'relu', name: 'shared' });
    const sa = shared.apply(widen.apply(a)) as tf.SymbolicTensor;
    const sb = shared.apply(b) as tf.SymbolicTensor;
    const innerIn = tf.input({ shape: [5], name: 'inner_in' });
    const inner = tf.model({ inputs: innerIn, outputs: tf.layers.dense({ units: 5, activation: 'tanh', name: 'inner_dense' }).apply(innerIn) as tf.SymbolicTensor, name: 'inner' });
    const joined = tf.layers.concatenate({ name: 'joined' }).apply([inner.apply(sa) as tf.SymbolicTensor, tf.layers.add({ name: 'sum' }).apply([sa, sb]) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const score = tf.layers.dense({ units: 1, name: 'score' }).apply(joined) as tf.SymbolicTensor;
    const kind = tf.layers.dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(joined) as tf.SymbolicTensor;
    const tfModel = tf.model({ inputs: [a, b], outputs: [score, kind], name: 'tickets' });
    tfModel.compile({ optimizer: 'adam', loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: ['accuracy'] });

    const loaded = await keras.models.loadModel(tf.io.fromMemory(await tfjsArtifacts(tfModel, true)));
    expect(loaded).toBeInstanceOf(keras.Model);
    const model = loaded as keras.Model;
    expect(model.layers.map((l) => l.name).sort()).toEqual(tfModel.layers.map((l) => l.name).sort());
    expect(model.getLayer('shared').inboundNodes).toHaveLength(2);
    expect(model.compiled!.losses.map((l) => l.name)).toEqual(['mean_squared_error', 'categorical_crossentropy']);
    // TF.js's flat metrics list applies to every output.
    expect(model.compiled!.outputMetricNames).toEqual([['accuracy'], ['accuracy']]);
    const xa = rows(6, 4, 1);
    const xb = rows(6, 3, 2);
    const ours = model.predict([xa.ours, xb.ours], { verbose: 0 }) as keras.Tensor[];
    const theirs = tfModel.predict([xa.theirs, xb.theirs]) as tf.Tensor[];
    expect(ours).toHaveLength(2);
    ours.forEach((t, i) => expect(maxAbsDiff(t.data, theirs[i]!.dataSync())).toBeLessThan(1e-5));
  });
});

describe('tinykeras → TF.js', () => {
  it('tf.loadLayersModel loads a saved graph, compiled with a loss per output, and computes the same outputs', async () => {
    keras.utils.setRandomSeed(4);
    const a = keras.Input({ shape: [4], name: 'a' });
    const b = keras.Input({ shape: [4], name: 'b' });
    const shared = new Dense(3, { activation: 'relu', name: 'shared' });
    const sa = shared.apply(a);
    const sb = shared.apply(b);
    const towerIn = keras.Input({ shape: [3], name: 'tower_in' });
    const tower = new keras.Model({ inputs: towerIn, outputs: new Dense(3, { activation: 'sigmoid', name: 'tower_dense' }).apply(towerIn), name: 'tower' });
    const merged = [new Add(), new Multiply(), new Average(), new Maximum(), new Minimum()].map((m) => m.apply([tower.apply(sa), sb]));
    const joined = new Concatenate({ name: 'joined' }).apply(merged);
    const priority = new Dense(1, { name: 'priority' }).apply(joined);
    const department = new Dense(4, { activation: 'softmax', name: 'department' }).apply(joined);
    const model = new keras.Model({ inputs: [a, b], outputs: [priority, department], name: 'tickets' });
    model.compile({ optimizer: 'adam', loss: ['mse', 'categorical_crossentropy'], lossWeights: [1, 0.2], metrics: [[], ['accuracy']] });
    const memory = keras.io.memory();
    await model.save(memory);

    const artifacts = memory.artifacts!;
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, weightData: artifacts.weightData as ArrayBuffer }));
    expect(tfModel.inputNames).toEqual(['a', 'b']);
    expect(tfModel.outputNames).toEqual(['priority', 'department']);
    expect(tfModel.getLayer('shared').inboundNodes).toHaveLength(2);
    expect(tfModel.getLayer('tower').getClassName()).toBe('Functional');
    // TF.js compiled it from the trainingConfig: its loss per output, its metrics by output name.
    expect(tfModel.optimizer.getClassName()).toBe('Adam');
    expect(tfModel.metricsNames).toEqual(['loss', 'priority_loss', 'department_loss', 'department_acc']);
    const xa = rows(5, 4, 3);
    const xb = rows(5, 4, 4);
    const ours = model.predict([xa.ours, xb.ours], { verbose: 0 }) as keras.Tensor[];
    const theirs = tfModel.predict([xa.theirs, xb.theirs]) as tf.Tensor[];
    ours.forEach((t, i) => expect(maxAbsDiff(t.data, theirs[i]!.dataSync())).toBeLessThan(1e-5));
  });
});
