/**
 * Functional models (keras.Model) saved and loaded in TF.js's layers-model
 * format: several inputs and outputs, shared layers (a layer with several
 * inbound nodes), merge layers, models nested either way, the compile
 * settings (a loss per output, lossWeights, metrics by output) with the
 * optimizer's state; toJSON / modelFromJSON; both executors after loading;
 * and the clear errors of a graph that cannot be built.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { FileFormatError } from '../../src/errors.js';
import { useTempDir } from '../support/helpers.js';

const { Dense, Concatenate, Add, Multiply, Average, Subtract, Maximum, Minimum, Dropout } = keras.layers;
const dir = useTempDir('functional-saving');
let counter = 0;
const freshPath = () => join(dir(), `model-${counter++}`);

beforeEach(() => keras.utils.clearSession());

/**
 * Two inputs; a layer shared by both (two inbound nodes); every merge layer;
 * a nested Sequential and a nested Functional model; two outputs.
 */
function graphModel(): keras.Model {
  const a = keras.Input({ shape: [4], name: 'a' });
  const b = keras.Input({ shape: [4], name: 'b' });
  const shared = new Dense(3, { activation: 'tanh', name: 'shared' });
  const sa = shared.apply(a);
  const sb = shared.apply(b);
  const innerInput = keras.Input({ shape: [3], name: 'inner_in' });
  const inner = new keras.Model({ inputs: innerInput, outputs: new Dense(3, { name: 'inner_dense' }).apply(innerInput), name: 'inner' });
  const tower = new keras.Sequential([new Dense(3, { activation: 'relu', name: 'tower_dense' })], { name: 'tower' });
  tower.build([null, 3]);
  const left = inner.apply(sa);
  const right = tower.apply(sb);
  const merged = [new Add(), new Subtract(), new Multiply(), new Average(), new Maximum(), new Minimum()].map((m) => m.apply([left, right]));
  const joined = new Concatenate({ name: 'joined' }).apply(merged);
  const score = new Dense(1, { name: 'score' }).apply(joined);
  const kind = new Dense(3, { activation: 'softmax', name: 'kind' }).apply(new Dropout(0.25).apply(joined));
  return new keras.Model({ inputs: [a, b], outputs: [score, kind], name: 'graph' });
}

function graphData(n: number, seed: number) {
  keras.utils.setRandomSeed(seed);
  const a = keras.random.uniform([n, 4]);
  const b = keras.random.uniform([n, 4]);
  const score = new keras.Tensor(Float32Array.from({ length: n }, (_, i) => a.data[i * 4]! - b.data[i * 4 + 1]!), [n, 1]);
  const kind = keras.utils.toCategorical(new keras.Tensor(Float32Array.from({ length: n }, (_, i) => i % 3), [n]), 3);
  return { x: [a, b], y: [score, kind] };
}

const values = (model: { weights: keras.Tensor[] }) => model.weights.map((w) => Array.from(w.data));
const outputsOf = (model: keras.Model, x: keras.Tensor[]) => (model.predict(x, { verbose: 0 }) as keras.Tensor[]).map((t) => Array.from(t.data));

describe('save and loadModel, Functional models', () => {
  it('rebuild the graph: layers, shared calls, merges, nested models, weights and outputs', async () => {
    const model = graphModel();
    const path = freshPath();
    await model.save(path);
    const loaded = await keras.models.loadModel(path);
    expect(loaded).toBeInstanceOf(keras.Model);
    const copy = loaded as keras.Model;
    expect(copy.name).toBe('graph');
    expect(copy.layers.map((l) => `${l.name}:${l.className}`)).toEqual(model.layers.map((l) => `${l.name}:${l.className}`));
    expect(copy.inputNames).toEqual(['a', 'b']);
    expect(copy.outputNames).toEqual(['score', 'kind']);
    // The shared layer is called twice in the rebuilt graph too, and its weights are one set.
    expect(copy.getLayer('shared').inboundNodes).toHaveLength(2);
    expect(copy.weights.map((w) => w.name)).toEqual(model.weights.map((w) => w.name));
    expect(values(copy)).toEqual(values(model));
    const { x } = graphData(6, 1);
    expect(outputsOf(copy, x)).toEqual(outputsOf(model, x));
    // Saving the loaded model writes the same topology.
    expect(copy.toJSON()).toBe(model.toJSON());
  });

  it('write what TF.js writes for a graph: inbound_nodes, input_layers and output_layers', () => {
    const model = graphModel();
    const topology = JSON.parse(model.toJSON());
    expect(topology.class_name).toBe('Functional');
    const { layers, input_layers: inputs, output_layers: outputs } = topology.config;
    expect(inputs).toEqual([['a', 0, 0], ['b', 0, 0]]);
    expect(outputs).toEqual([['score', 0, 0], ['kind', 0, 0]]);
    const entry = (name: string) => layers.find((l: { name: string }) => l.name === name);
    expect(entry('a')).toEqual({ name: 'a', class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, name: 'a' }, inbound_nodes: [] });
    expect(entry('shared').inbound_nodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    expect(entry('inner').inbound_nodes).toEqual([[['shared', 0, 0, {}]]]);
    expect(entry('tower').inbound_nodes).toEqual([[['shared', 1, 0, {}]]]);
    expect(entry('joined').inbound_nodes[0]).toHaveLength(6);
    // A nested model's calls are numbered from 1, as TF.js and Keras 2 number them (0 is its own graph).
    expect(entry('add').inbound_nodes).toEqual([[['inner', 1, 0, {}], ['tower', 1, 0, {}]]]);
    // A nested Functional model keeps its own graph, its call counted from 0 in its own config.
    expect(entry('inner').config.input_layers).toEqual([['inner_in', 0, 0]]);
    expect(entry('inner').config.layers[1].inbound_nodes).toEqual([[['inner_in', 0, 0, {}]]]);
  });

  it('count a layer\'s calls in this model only, when it is also called in another', () => {
    const x = keras.Input({ shape: [2], name: 'x' });
    const dense = new Dense(2, { name: 'd' });
    const elsewhere = keras.Input({ shape: [2], name: 'elsewhere' });
    dense.apply(elsewhere);
    const model = new keras.Model({ inputs: x, outputs: dense.apply(x) });
    const entry = JSON.parse(model.toJSON()).config.layers.find((l: { name: string }) => l.name === 'd');
    expect(entry.inbound_nodes).toEqual([[['x', 0, 0, {}]]]);
    expect(JSON.parse(model.toJSON()).config.output_layers).toEqual([['d', 0, 0]]);
  });

  it('keep keras.Input\'s fixed batch size', async () => {
    const x = keras.Input({ shape: [3], batchSize: 5, name: 'x' });
    const model = new keras.Model({ inputs: x, outputs: new Dense(2).apply(x) });
    const loaded = (await keras.models.loadModel(keras.io.fromMemory({ modelTopology: JSON.parse(model.toJSON()), weightSpecs: [], weightData: new ArrayBuffer(0) })).catch((e: Error) => e));
    // The weights are missing from this artifact: the error says so, after the InputLayer was read.
    expect(loaded).toBeInstanceOf(FileFormatError);
    const memory = keras.io.memory();
    await model.save(memory);
    const copy = (await keras.models.loadModel(memory)) as keras.Model;
    expect(copy.inputs[0]!.shape).toEqual([5, 3]);
  });

  it('restore the compile settings and the optimizer: training resumes exactly', async () => {
    const build = () => {
      const model = graphModel();
      model.compile({
        optimizer: new keras.optimizers.Adam({ learningRate: 0.01 }),
        loss: [new keras.losses.MeanSquaredError(), new keras.losses.CategoricalCrossentropy({ labelSmoothing: 0.1 })],
        lossWeights: [0.5, 2],
        metrics: [['mean_absolute_error'], ['accuracy', 'categorical_accuracy']],
      });
      return model;
    };
    const { x, y } = graphData(24, 3);
    keras.utils.setRandomSeed(5);
    const model = build();
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
    const memory = keras.io.memory();
    await model.save(memory);
    const config = memory.artifacts!.trainingConfig as Record<string, unknown>;
    expect(config.loss).toEqual(['mean_squared_error', 'categorical_crossentropy']);
    expect(config.metrics).toEqual({ score: 'mean_absolute_error', kind: ['accuracy', 'categorical_accuracy'] });
    expect(config.tinykeras_loss_weights).toEqual([0.5, 2]);
    expect((config.loss_config as unknown[])[0]).toBeNull();

    const loaded = (await keras.models.loadModel(memory)) as keras.Model;
    expect(loaded.compiled!.lossWeights).toEqual([0.5, 2]);
    expect(loaded.compiled!.losses.map((l) => l.name)).toEqual(['mean_squared_error', 'categorical_crossentropy']);
    expect(loaded.compiled!.logNames).toEqual(model.compiled!.logNames);
    expect(loaded.compiled!.optimizer.iterations).toBe(3);
    const after = [];
    for (const m of [model, loaded]) {
      // Dropout draws from the random stream: each run starts it at the same place.
      keras.utils.setRandomSeed(6);
      const history = await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
      after.push({ history: history.history, weights: values(m) });
    }
    expect(after[1]!.weights).toEqual(after[0]!.weights);
    expect(after[1]!.history).toEqual(after[0]!.history);
    expect(Object.keys(after[0]!.history)).toEqual(['kind_accuracy', 'kind_categorical_accuracy', 'kind_loss', 'loss', 'score_loss', 'score_mean_absolute_error'].sort((p, q) => model.compiled!.logNames.indexOf(p) - model.compiled!.logNames.indexOf(q)));
  });

  it('read the trainingConfig forms others write: losses by output name, Keras\'s loss_weights, metrics by name, camelCase', async () => {
    const memory = keras.io.memory();
    await graphModel().save(memory);
    const artifacts = {
      ...memory.artifacts!,
      trainingConfig: {
        loss: { score: 'meanSquaredError', kind: 'categorical_crossentropy' },
        loss_weights: { score: 3, kind: 0.5 },
        metrics: { kind: 'accuracy', score: ['mae'] },
        optimizer_config: { class_name: 'SGD', config: { learningRate: 0.05 } },
      },
    };
    const loaded = (await keras.models.loadModel(keras.io.fromMemory(artifacts))) as keras.Model;
    expect(loaded.compiled!.losses.map((l) => l.name)).toEqual(['mean_squared_error', 'categorical_crossentropy']);
    expect(loaded.compiled!.lossWeights).toEqual([3, 0.5]);
    expect(loaded.compiled!.outputMetricNames).toEqual([['mae'], ['accuracy']]);
    const bad = { ...artifacts, trainingConfig: { ...artifacts.trainingConfig, loss_weights: ['heavy', 1] } };
    await expect(keras.models.loadModel(keras.io.fromMemory(bad))).rejects.toThrow(/loss weights are numbers, one per output/);
    const unknownOutput = { ...artifacts, trainingConfig: { ...artifacts.trainingConfig, loss: { score: 'mse', other: 'mse' } } };
    await expect(keras.models.loadModel(keras.io.fromMemory(unknownOutput))).rejects.toThrow(/names output "other", which the model does not have/);
  });

  it('train a loaded chain on both executors, with the same result', async () => {
    const build = () => {
      const x = keras.Input({ shape: [4], name: 'x' });
      const h = new Dense(5, { activation: 'relu', name: 'h' }).apply(x);
      const model = new keras.Model({ inputs: x, outputs: new Dense(3, { activation: 'softmax', name: 'out' }).apply(h) });
      return model;
    };
    keras.utils.setRandomSeed(8);
    const model = build();
    const memory = keras.io.memory();
    await model.save(memory);
    const { x } = graphData(16, 4);
    const labels = new keras.Tensor(Float32Array.from({ length: 16 }, (_, i) => i % 3), [16]);
    const runs = [];
    // One after the other: each fit draws its shuffles from the one random stream.
    for (const executor of ['fused', 'autograd']) {
      const loaded = (await keras.models.loadModel(memory)) as keras.Model;
      loaded.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', ...(executor === 'fused' ? { jitCompile: true } : { runEagerly: true }) });
      keras.utils.setRandomSeed(9);
      const history = await loaded.fit(x[0]!, labels, { epochs: 2, batchSize: 4, verbose: 0, threads: 1 });
      runs.push({ executor: history.params.executor, weights: values(loaded) });
    }
    expect(runs.map((r) => r.executor)).toEqual(['fused', 'autograd']);
    expect(runs[0]!.weights).toEqual(runs[1]!.weights);
  });

  it('nest a Functional model in a Sequential, and back', async () => {
    const input = keras.Input({ shape: [3], name: 'in' });
    const inner = new keras.Model({ inputs: input, outputs: new Dense(4, { activation: 'relu', name: 'd1' }).apply(input), name: 'block' });
    const outer = new keras.Sequential([inner, new Dense(2, { name: 'd2' })], { name: 'outer' });
    expect(outer.built).toBe(true);
    const memory = keras.io.memory();
    await outer.save(memory);
    const loaded = await keras.models.loadModel(memory);
    expect(loaded).toBeInstanceOf(keras.Sequential);
    expect((loaded as keras.Sequential).layers[0]).toBeInstanceOf(keras.Model);
    const x = keras.random.uniform([5, 3]);
    expect(Array.from((loaded.predict(x, { verbose: 0 }) as keras.Tensor).data)).toEqual(Array.from(outer.predict(x, { verbose: 0 }).data));
  });
});

describe('toJSON and modelFromJSON, Functional models', () => {
  it('rebuild the architecture with fresh weights, not compiled', () => {
    const model = graphModel();
    const copy = keras.models.modelFromJSON(model.toJSON());
    expect(copy).toBeInstanceOf(keras.Model);
    expect(copy.toJSON()).toBe(model.toJSON());
    expect(copy.compiled).toBeNull();
    expect(copy.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
    // Fresh kernels, drawn from the initializers: not the original's.
    expect(values(copy)[0]).not.toEqual(values(model)[0]);
  });
});

describe('a graph that cannot be built', () => {
  /** A small two-branch model's topology, to break. */
  function topology() {
    const x = keras.Input({ shape: [2], name: 'x' });
    const d1 = new Dense(2, { name: 'd1' }).apply(x);
    const d2 = new Dense(2, { name: 'd2' }).apply(d1);
    return JSON.parse(new keras.Model({ inputs: x, outputs: new Add({ name: 'sum' }).apply([d1, d2]) }).toJSON());
  }
  const fail = (t: unknown) => {
    try {
      keras.models.modelFromJSON(t as object);
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected an error');
  };
  const layer = (t: { config: { layers: { name: string }[] } }, name: string) => t.config.layers.find((l) => l.name === name) as unknown as { inbound_nodes: unknown[] };

  it('is a FileFormatError naming the place: a cycle', () => {
    const t = topology();
    layer(t, 'd1').inbound_nodes = [[['d2', 0, 0, {}]]];
    const error = fail(t);
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/the calls of layers "d1", "d2", "sum" wait on each other \(their inbound_nodes form a cycle\)/);
  });

  it('a layer that calls itself', () => {
    const t = topology();
    layer(t, 'd2').inbound_nodes = [[['d2', 0, 0, {}]]];
    expect(fail(t).message).toMatch(/"d2".*form a cycle/);
  });

  it('a dangling layer name', () => {
    const t = topology();
    layer(t, 'd2').inbound_nodes = [[['nowhere', 0, 0, {}]]];
    const error = fail(t);
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/modelTopology layer 2 call 0 input 0 names layer "nowhere", which is not among the model's layers/);
  });

  it('absurd node and tensor indices', () => {
    for (const [node, tensor, expected] of [
      [7, 0, /reads call 7 of layer "d1", which makes 1 call in this model/],
      [-1, 0, /reads call -1 of layer "d1"/],
      [1e300, 0, /reads call 1e\+300 of layer "d1"/],
      [0.5, 0, /reads call 0.5 of layer "d1"/],
      [0, 3, /reads output 3 of layer "d1"; tinykeras layers have one output/],
      ['0', 0, /reads call '0' of layer "d1"/],
    ] as const) {
      const t = topology();
      layer(t, 'd2').inbound_nodes = [[['d1', node, tensor, {}]]];
      const error = fail(t);
      expect(error).toBeInstanceOf(FileFormatError);
      expect(error.message).toMatch(expected);
    }
  });

  it('malformed references, outputs and inputs', () => {
    const cases: [(t: ReturnType<typeof topology>) => void, RegExp][] = [
      [(t) => { layer(t, 'd2').inbound_nodes = [['d1', 0, 0, {}]]; }, /layer 2 call 0 input 0 must be \[layer name, node index, tensor index, kwargs\]/],
      [(t) => { layer(t, 'd2').inbound_nodes = [[]]; }, /layer 2 call 0 must be a non-empty list/],
      [(t) => { layer(t, 'd2').inbound_nodes = 'd1' as never; }, /layer 2: inbound_nodes must be a list of calls/],
      [(t) => { t.config.output_layers = [['x', 0, 0], ['ghost', 0, 0]]; }, /output_layers\[1\] names layer "ghost"/],
      [(t) => { t.config.input_layers = [['d1', 0, 0]]; }, /input_layers\[0\] names layer "d1", which is not an InputLayer/],
      [(t) => { t.config.layers.push({ ...t.config.layers[1], inbound_nodes: [] }); }, /two layers are named "d1"/],
      [(t) => { t.config.layers[0].config.batch_input_shape = [null, -2]; }, /batch_input_shape must be \[null, d1, d2, …\] with positive integer sizes/],
      // Shapes that do not fit: d2 (built for 2 inputs by its call) fed by the 2-wide input; sum fed tensors of two widths.
      [(t) => { layer(t, 'sum').inbound_nodes = [[['x', 0, 0, {}], ['d1', 0, 0, {}]]]; t.config.layers[1].config.units = 3; }, /layer 3 \("sum", Add\) call 0: Layer "sum" \(Add\) needs inputs of one shape/],
      // An output that does not depend on the model's inputs.
      [(t) => { t.config.layers.push({ name: 'y', class_name: 'InputLayer', config: { batch_input_shape: [null, 2], name: 'y' }, inbound_nodes: [] }); layer(t, 'd1').inbound_nodes = [[['y', 0, 0, {}]]]; }, /the graph is not connected/],
      [(t) => { t.config = { layers: t.config.layers }; }, /must be an object \{ name, layers, input_layers, output_layers \}/],
    ];
    for (const [breakIt, expected] of cases) {
      const t = topology();
      breakIt(t);
      const error = fail(t);
      expect(error, String(expected)).toBeInstanceOf(FileFormatError);
      expect(error.message).toMatch(expected);
    }
  });

  it('a layer class tinykeras does not have: a ValueError naming it', () => {
    const t = topology();
    (t.config.layers[1] as { class_name: string }).class_name = 'LSTM';
    const error = fail(t);
    expect(error).toBeInstanceOf(keras.ValueError);
    expect(error.message).toMatch(/layer 1 \("d1", LSTM\): unknown layer class; tinykeras can load .*Concatenate.*Sequential and Functional/);
  });
});
