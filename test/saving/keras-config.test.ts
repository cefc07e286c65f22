/**
 * Keras configs ↔ tinykeras models (src/saving/keras-format/keras-config.ts,
 * keras-config-write.ts, compile-config.ts) and `.keras` files through
 * loadModel and save: every layer class both ways, Functional graphs and
 * nested models, compile settings, the format told by the bytes, and
 * hostile configs as clear errors.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { modelFromKerasConfig, type ModelFactories } from '../../src/saving/keras-format/keras-config.js';
import { kerasModelConfig } from '../../src/saving/keras-format/keras-config-write.js';
import { compileArgsFromKeras } from '../../src/saving/keras-format/compile-config.js';
import { readKerasArchive, writeKerasArchive } from '../../src/saving/keras-format/index.js';
import { LAYER_CLASS_NAMES } from '../../src/saving/model-json.js';
import { getGlobalGenerator } from '../../src/tensor/random.js';
import { failure, rejection, useTempDir } from '../support/helpers.js';
import { everyLayerModels } from '../support/every-layer.js';

const L = keras.layers;
const dir = useTempDir('keras-config');
beforeEach(() => keras.utils.clearSession());
const FACTORIES: ModelFactories<keras.Sequential, keras.Model> = {
  sequential: (layers, args) => new keras.Sequential(layers, args),
  functional: (args) => new keras.Model(args),
};
const fromConfig = (config: unknown, source = 'config.json') => modelFromKerasConfig(config, source, FACTORIES);
const values = (t: keras.Tensor | keras.Tensor[] | Record<string, keras.Tensor>) => Array.from((t as keras.Tensor).data);

describe('Keras configs both ways', () => {
  it('registers every layer class the layers namespace exports (InputLayer and the base aside)', () => {
    const exported = Object.entries(L)
      .filter(([name, value]) => typeof value === 'function' && /^[A-Z]/.test(name) && (value as { prototype?: unknown }).prototype instanceof L.Layer)
      .map(([name]) => name)
      .filter((name) => name !== 'InputLayer');
    expect([...LAYER_CLASS_NAMES].sort()).toEqual(exported.sort());
  });

  it('writes every layer class as Keras 3 does and reads it back: same classes, configs and predictions, no random draws', async () => {
    for (const model of everyLayerModels()) {
      const config = JSON.parse(JSON.stringify(kerasModelConfig(model))) as { module: string; config: { layers: { class_name: string; module: string; config: { dtype: unknown } }[] } };
      const layers = config.config.layers;
      expect(layers.every((l) => l.module === 'keras.layers')).toBe(true);
      expect(layers.filter((l) => l.class_name !== 'InputLayer').every((l) => (l.config.dtype as { class_name: string }).class_name === 'DTypePolicy')).toBe(true);
      keras.utils.setRandomSeed(9);
      const before = getGlobalGenerator().uniform();
      keras.utils.setRandomSeed(9);
      const loaded = fromConfig(config);
      expect(getGlobalGenerator().uniform()).toBe(before);
      expect(loaded.className).toBe(model.className);
      expect(loaded.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
      // The same configs, but for where the input shape is kept and the module names Keras 3 adds to initializers.
      const comparable = (layer: keras.layers.Layer) =>
        Object.fromEntries(
          Object.entries(layer.getConfig())
            .filter(([key]) => key !== 'batch_input_shape')
            .map(([key, value]) => [key, key.endsWith('_initializer') ? (value as { class_name: string }).class_name : value]),
        );
      expect(loaded.layers.map(comparable)).toEqual(model.layers.map(comparable));
      // The config written again is the same config.
      expect(JSON.parse(JSON.stringify(kerasModelConfig(loaded)))).toEqual(config);
      // Weights copied over, the two predict the same.
      loaded.layers.forEach((layer, i) => layer.setWeights(model.layers[i]!.getWeights()));
      const x = model instanceof keras.Sequential ? keras.random.uniform([2, 10, 10, 2]) : [keras.random.uniform([2, 4]), keras.random.uniform([2, 4])];
      expect(values(loaded.predict(x as never, { verbose: 0 }))).toEqual(values(model.predict(x as never, { verbose: 0 })));
    }
  });

  it('saves a compiled model as .keras and loads it back compiled, with its optimizer state and the same predictions', async () => {
    // No random layers: their generators would draw differently in the two models' next steps.
    keras.utils.setRandomSeed(5);
    const image = new keras.Sequential([
      new L.Conv2D(3, 3, { inputShape: [10, 10, 2], activation: 'relu' }),
      new L.BatchNormalization(),
      new L.MaxPooling2D(2),
      new L.Flatten(),
      new L.Dense(4, { activation: 'softmax' }),
    ]);
    image.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const x = keras.random.uniform([6, 10, 10, 2]);
    const y = keras.tensor([0, 1, 2, 3, 0, 1]);
    await image.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
    const path = join(dir(), 'image.keras');
    await image.save(path);
    const loaded = await keras.models.loadModel(path);
    expect(loaded).toBeInstanceOf(keras.Sequential);
    expect(loaded.compiled!.optimizer.iterations).toBe(2);
    expect(loaded.compiled!.optimizer.learningRate).toBe(Math.fround(0.01));
    expect(loaded.compiled!.metricNames).toEqual(['accuracy']);
    expect(values(loaded.predict(x, { verbose: 0 }))).toEqual(values(image.predict(x, { verbose: 0 })));
    // The next step is the same step.
    await image.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    await loaded.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(image.getWeights().map((w) => Array.from(w.data)));
  });

  it('loads a model Keras 3 saved without compiling it (compile_config {}) uncompiled', async () => {
    const model = new keras.Sequential([keras.Input({ shape: [3] }), new L.Dense(2)]);
    const path = join(dir(), 'plain.keras');
    await model.save(path);
    const archive = await readKerasArchive(await readFile(path), path);
    const bytes = await writeKerasArchive({ config: { ...(archive.config as object), compile_config: {} }, weights: archive.weights as never });
    await writeFile(path, bytes);
    const loaded = await keras.models.loadModel(path);
    expect(loaded.compiled).toBeNull();
    // A metric name tinykeras lacks is an error that says how to load the model anyway.
    await writeFile(path, await writeKerasArchive({ config: { ...(archive.config as object), compile_config: { optimizer: 'adam', loss: 'mse', metrics: ['top_k_categorical_accuracy'] } }, weights: archive.weights as never }));
    const error = await rejection(keras.models.loadModel(path));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/plain\.keras: compile_config: Unknown metric: 'top_k_categorical_accuracy'.*Load with \{ compile: false \}/s);
    expect((await keras.models.loadModel(path, { compile: false })).compiled).toBeNull();
    expect(values(loaded.predict(keras.tensor([[1, 2, 3]]), { verbose: 0 }))).toEqual(values(model.predict(keras.tensor([[1, 2, 3]]), { verbose: 0 })));
  });

  it('keeps dict inputs and outputs as dicts in .keras, in the order written, so the loaded model takes and predicts dicts', async () => {
    const zeta = keras.Input({ shape: [3], name: 'zeta_in' });
    const alpha = keras.Input({ shape: [2], name: 'alpha_in' });
    const h = new L.Concatenate().apply([zeta, alpha]);
    const model = new keras.Model({
      inputs: { zeta, alpha },
      outputs: { score: new L.Dense(1, { name: 's' }).apply(h), klass: new L.Dense(2, { name: 'k' }).apply(h) },
    });
    const path = join(dir(), 'dicts.keras');
    await model.save(path);
    const archive = await readKerasArchive(await readFile(path), path);
    const config = (archive.config as { config: Record<string, unknown> }).config;
    expect(config.input_layers).toEqual({ zeta: ['zeta_in', 0, 0], alpha: ['alpha_in', 0, 0] });
    expect(Object.keys(config.output_layers as object)).toEqual(['score', 'klass']);
    const loaded = (await keras.models.loadModel(path)) as keras.Model;
    const x = { zeta: keras.random.uniform([4, 3]), alpha: keras.random.uniform([4, 2]) };
    const [got, want] = [loaded.predict(x, { verbose: 0 }), model.predict(x, { verbose: 0 })] as Record<string, keras.Tensor>[];
    expect(Object.keys(got!)).toEqual(['score', 'klass']);
    for (const key of ['score', 'klass']) expect(Array.from(got![key]!.data)).toEqual(Array.from(want![key]!.data));
  });

  it('saves and loads a Functional model with two outputs, its losses, loss weights and metrics per output', async () => {
    const input = keras.Input({ shape: [3], name: 'x' });
    const h = new L.Dense(4, { activation: 'relu' }).apply(input);
    const kind = new L.Dense(2, { activation: 'softmax', name: 'kind' }).apply(h);
    const size = new L.Dense(1, { name: 'size' }).apply(h);
    const model = new keras.Model({ inputs: input, outputs: [kind, size] });
    model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.5 }), loss: ['sparse_categorical_crossentropy', 'mse'], lossWeights: [1, 0.5], metrics: [['accuracy'], []] });
    const path = join(dir(), 'heads.keras');
    await model.save(path);
    const loaded = (await keras.models.loadModel(path)) as keras.Model;
    expect(loaded).toBeInstanceOf(keras.Model);
    expect(loaded.outputNames).toEqual(['kind', 'size']);
    expect(loaded.compiled!.lossWeights).toEqual([1, 0.5]);
    expect(loaded.compiled!.losses.map((l) => l.name)).toEqual(['sparse_categorical_crossentropy', 'mean_squared_error']);
    expect(loaded.compiled!.outputMetricNames).toEqual([['accuracy'], []]);
    const x = keras.random.uniform([2, 3]);
    const [a, b] = [loaded.predict(x, { verbose: 0 }) as keras.Tensor[], model.predict(x, { verbose: 0 }) as keras.Tensor[]];
    expect(a.map((t) => Array.from(t.data))).toEqual(b.map((t) => Array.from(t.data)));
  });

  it('reads nested models: a Sequential in a Functional, a Functional in a Sequential, a shared layer called twice', () => {
    const inner = new keras.Sequential([keras.Input({ shape: [3] }), new L.Dense(3, { name: 'inner_dense' })], { name: 'inner' });
    const i = keras.Input({ shape: [3], name: 'i' });
    const shared = new L.Dense(3, { name: 'shared' });
    const twice = shared.apply(shared.apply(inner.apply(i)));
    const functional = new keras.Model({ inputs: i, outputs: twice, name: 'outer' });
    const outer = new keras.Sequential([keras.Input({ shape: [3] }), functional, new L.Dense(1, { name: 'last' })], { name: 'top' });
    const config = JSON.parse(JSON.stringify(kerasModelConfig(outer)));
    const loaded = fromConfig(config) as keras.Sequential;
    expect(loaded.layers.map((l) => l.className)).toEqual(['Functional', 'Dense']);
    const nested = loaded.layers[0] as keras.Model;
    expect(nested.layers.map((l) => l.name)).toEqual(['i', 'inner', 'shared']);
    expect(nested.nodes.length).toBe(4);
    expect(JSON.parse(JSON.stringify(kerasModelConfig(loaded)))).toEqual(config);
  });

  it("reads a nested Functional's calls as Keras numbers them, from 1", () => {
    const i = keras.Input({ shape: [2], name: 'i' });
    const inner = new keras.Model({ inputs: i, outputs: new L.Dense(2, { name: 'd' }).apply(i), name: 'inner' });
    const o = keras.Input({ shape: [2], name: 'o' });
    const outer = new keras.Model({ inputs: o, outputs: new L.Dense(1, { name: 'head' }).apply(inner.apply(o)), name: 'outer' });
    const config = JSON.parse(JSON.stringify(kerasModelConfig(outer))) as { config: { layers: { name: string; inbound_nodes: { args: { config: { keras_history: unknown[] } }[] }[] }[] } };
    const head = config.config.layers.find((l) => l.name === 'head')!;
    expect(head.inbound_nodes[0]!.args[0]!.config.keras_history).toEqual(['inner', 1, 0]);
    expect(fromConfig(config).layers.map((l) => l.name)).toEqual(['o', 'inner', 'head']);
  });

  it("reads Keras 3's extra keys (module, registered_name, build_config, shared_object_id, DTypePolicy) and ignores unknown ones", () => {
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null, shared_object_id: 12345 };
    const model = fromConfig({
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        trainable: true,
        dtype: policy,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null },
          {
            module: 'keras.layers',
            class_name: 'Dense',
            registered_name: null,
            build_config: { input_shape: [null, 4] },
            config: {
              name: 'dense', trainable: true, dtype: policy, units: 3, activation: 'relu', use_bias: true, quantization_config: null, lora_rank: null, something_new: 7,
              kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null, input_axes: null, output_axes: null }, registered_name: null },
              bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
              kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null,
            },
          },
        ],
        build_input_shape: [null, 4],
      },
      registered_name: null,
      build_config: { input_shape: [null, 4] },
    });
    expect(model.layers.map((l) => l.name)).toEqual(['dense']);
    expect(model.weights.map((w) => w.shape)).toEqual([[4, 3], [3]]);
  });

  it('reads a loss and a metric given as Keras functions (keras.losses.sparse_categorical_crossentropy), as Keras 3.15 serializes them', async () => {
    const fn = (name: string) => ({ module: 'builtins', class_name: 'function', config: name, registered_name: 'function' });
    const args = compileArgsFromKeras({ optimizer: 'adam', loss: fn('sparse_categorical_crossentropy'), metrics: [fn('sparse_categorical_accuracy')] }, 'f.keras', null);
    expect(args.loss).toBe('sparse_categorical_crossentropy');
    expect(args.metrics).toEqual(['sparse_categorical_accuracy']);
    // A function of the user's own is named in compile()'s error.
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new L.Dense(1)]);
    const own = compileArgsFromKeras({ optimizer: 'adam', loss: fn('my_loss') }, 'f.keras', null);
    expect((await failure(() => model.compile(own))).message).toMatch(/my_loss/);
  });

  it("reads Keras 2's compile settings (training_config) and Keras 3's (compile_config), serialized losses and metrics included", () => {
    const keras3 = compileArgsFromKeras(
      {
        optimizer: { module: 'keras.optimizers', class_name: 'Adam', config: { name: 'adam', learning_rate: 0.009999999776482582, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-7, amsgrad: false, weight_decay: null }, registered_name: null },
        loss: { module: 'keras.losses', class_name: 'SparseCategoricalCrossentropy', config: { name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: true, ignore_class: null }, registered_name: null },
        loss_weights: null,
        metrics: ['accuracy', { module: 'keras.metrics', class_name: 'MeanAbsoluteError', config: { name: 'mean_absolute_error', dtype: 'float32' }, registered_name: null }],
        weighted_metrics: null, run_eagerly: false, steps_per_execution: 1, jit_compile: false,
      },
      'm.keras',
      null,
    );
    expect(keras3.optimizer).toBeInstanceOf(keras.optimizers.Adam);
    expect((keras3.optimizer as keras.optimizers.Adam).beta1).toBe(0.8);
    expect((keras3.loss as unknown as { fromLogits: boolean }).fromLogits).toBe(true);
    const [accuracy, mae] = keras3.metrics as [string, keras.metrics.Metric];
    expect(accuracy).toBe('accuracy');
    expect(mae).toBeInstanceOf(keras.metrics.MeanAbsoluteError);
    expect(mae.name).toBe('mean_absolute_error');
    const keras2 = compileArgsFromKeras({ loss: 'mse', metrics: ['mae'], loss_weights: null, optimizer_config: { class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9, nesterov: true } } }, 'm.h5', null);
    expect(keras2.optimizer).toBeInstanceOf(keras.optimizers.SGD);
    expect(keras2.loss).toBe('mse');
  });

  it('saves metric objects with their options, and weighted metrics, in .keras and .h5; loads them back with the same configs and values', async () => {
    const M = keras.metrics;
    const model = new keras.Sequential([new L.Dense(3, { activation: 'relu', inputShape: [4] }), new L.Dense(1, { activation: 'sigmoid' })]);
    model.compile({
      optimizer: 'adam',
      loss: 'binary_crossentropy',
      metrics: [new M.AUC({ numThresholds: 50 }), new M.Precision({ thresholds: 0.3 }), new M.Recall(), new M.BinaryAccuracy({ threshold: 0.7, name: 'acc7' }), 'accuracy'],
      weightedMetrics: ['accuracy', new M.BinaryCrossentropy({ labelSmoothing: 0.1 })],
    });
    const x = keras.random.uniform([40, 4]);
    const y = keras.tensor(Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 0)));
    const sampleWeight = keras.tensor(Array.from({ length: 40 }, (_, i) => 1 + (i % 4)));
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const want = model.evaluate(x, y, { sampleWeight, returnDict: true, verbose: 0 });
    const configs = (m: keras.Sequential) => m.compiled!.metricsPerOutput.map((o) => ({
      metrics: o.metrics.map((e) => (typeof e === 'string' ? e : [e.constructor.name, e.getConfig!()])),
      weightedMetrics: o.weightedMetrics.map((e) => (typeof e === 'string' ? e : [e.constructor.name, e.getConfig!()])),
    }));
    for (const name of ['metrics.keras', 'metrics.h5']) {
      const path = join(dir(), name);
      await model.save(path);
      const loaded = (await keras.models.loadModel(path)) as keras.Sequential;
      expect(configs(loaded)).toEqual(configs(model));
      expect(loaded.metricsNames).toEqual(model.metricsNames);
      expect(loaded.evaluate(x, y, { sampleWeight, returnDict: true, verbose: 0 })).toEqual(want);
    }
    expect(configs(model)[0]!.metrics[0]).toEqual(['AUC', {
      name: 'auc', dtype: 'float32', num_thresholds: 50, curve: 'ROC', summation_method: 'interpolation',
      multi_label: false, num_labels: null, label_weights: null, from_logits: false,
    }]);
  });

  it("rebuilds every metric class from its own config, and refuses options it lacks by their Keras key, and classes it lacks by name", () => {
    const M = keras.metrics;
    const made = [
      new M.AUC({ numThresholds: 7, fromLogits: true, name: 'a' }), new M.Precision({ thresholds: 0.2 }), new M.Recall({ thresholds: 0.9, name: 'r' }),
      new M.BinaryAccuracy({ threshold: 0.1 }), new M.CategoricalAccuracy({ name: 'c' }), new M.SparseCategoricalAccuracy(), new M.MeanAbsoluteError(), new M.MeanSquaredError({ name: 'm2' }),
      new M.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), new M.CategoricalCrossentropy({ labelSmoothing: 0.3 }), new M.SparseCategoricalCrossentropy({ fromLogits: true }),
    ];
    const serialized = made.map((m) => ({ module: 'keras.metrics', class_name: m.constructor.name.replace(/Metric$/, ''), config: m.getConfig!(), registered_name: null }));
    const args = compileArgsFromKeras({ optimizer: 'adam', loss: 'mse', metrics: serialized }, 'm.keras', null);
    const rebuilt = args.metrics as keras.metrics.Metric[];
    rebuilt.forEach((m, i) => {
      expect(m.constructor).toBe(made[i]!.constructor);
      expect(m.getConfig!()).toEqual(made[i]!.getConfig!());
    });
    const read = (metric: unknown) => () => compileArgsFromKeras({ optimizer: 'adam', loss: 'mse', metrics: [metric] }, 'm.keras', null);
    expect(read({ class_name: 'AUC', config: { curve: 'PR' } })).toThrow(/AUC: tinykeras has the 'ROC' curve only/);
    expect(read({ class_name: 'AUC', config: { multi_label: true } })).toThrow(/AUC\.fromConfig: tinykeras has multi_label=false only/);
    expect(read({ class_name: 'Precision', config: { top_k: 3 } })).toThrow(/Precision\.fromConfig: tinykeras has top_k=null only. Received: top_k=3/);
    expect(read({ class_name: 'Recall', config: { thresholds: [0.2, 0.4] } })).toThrow(/Recall\.fromConfig: tinykeras has one threshold/);
    expect(read({ class_name: 'F1Score', config: {} })).toThrow(/tinykeras has no metric class 'F1Score'/);
    expect(read({ class_name: 'SparseCategoricalCrossentropy', config: { ignore_class: 0 } })).toThrow(/ignore_class=null only/);
  });

  it('tells the format by the first bytes, not the name: an HDF5 file named .keras loads, a zip named .h5 too', async () => {
    const model = new keras.Sequential([new L.Dense(2, { inputShape: [3] })]);
    const zipPath = join(dir(), 'really-a-zip.h5');
    await writeFile(zipPath, await readFile(await saved(model, 'model.keras')));
    const loaded = await keras.models.loadModel(zipPath);
    expect(loaded.weights.map((w) => w.shape)).toEqual([[3, 2], [2]]);
    // A plain file without an extension is read by its bytes too.
    const bare = join(dir(), 'model-file');
    await writeFile(bare, await readFile(zipPath));
    expect((await keras.models.loadModel(bare)).layers.length).toBe(1);
  });

  it('saves a Functional model as .keras, legacy .h5 or TF.js format, by the path', async () => {
    const i = keras.Input({ shape: [2] });
    const model = new keras.Model({ inputs: i, outputs: new L.Dense(1).apply(i) });
    const x = keras.tensor([[1, 2], [3, 4]]);
    for (const name of ['fun.keras', 'fun.h5', 'fun']) {
      const loaded = (await keras.models.loadModel(await saved(model, name))) as keras.Model;
      expect(loaded).toBeInstanceOf(keras.Model);
      expect(values(loaded.predict(x, { verbose: 0 }))).toEqual(values(model.predict(x, { verbose: 0 })));
    }
  });
});

async function saved(model: keras.Sequential | keras.Model, name: string): Promise<string> {
  const path = join(dir(), name);
  await model.save(path);
  return path;
}

describe('hostile Keras configs', () => {
  const dense = (name: string, inbound: unknown) => ({ class_name: 'Dense', name, config: { name, units: 2 }, inbound_nodes: inbound });
  const input = (name: string) => ({ class_name: 'InputLayer', name, config: { batch_shape: [null, 2], name }, inbound_nodes: [] });
  const functional = (layers: unknown[], outputs: unknown = ['b', 0, 0]) => ({ class_name: 'Functional', config: { name: 'f', layers, input_layers: [['x', 0, 0]], output_layers: outputs } });

  it('names an unknown layer class and lists the ones tinykeras has', async () => {
    const error = await failure(() => fromConfig(functional([input('x'), { class_name: 'LSTM', name: 'b', config: { name: 'b', units: 2 }, inbound_nodes: [[['x', 0, 0, {}]]] }])));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/config\.json: config layer 1 \("b", LSTM\): unknown layer class; tinykeras can load Dense, .*Concatenate.*Functional.*Received: class_name='LSTM'/);
  });

  it('names an unknown model class', async () => {
    const error = await failure(() => fromConfig({ class_name: 'MyModel', config: {} }));
    expect(error.message).toMatch(/reads Sequential and Functional.*Received: class_name='MyModel'/);
  });

  it('finds a cycle in inbound_nodes', async () => {
    const error = await failure(() => fromConfig(functional([input('x'), dense('a', [[['b', 0, 0, {}]]]), dense('b', [[['a', 0, 0, {}]]])])));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/the layers "a", "b" wait for each other's outputs \(a cycle in inbound_nodes\)/);
  });

  it('names a layer that is not in the model, and a call that does not exist', async () => {
    const missing = await failure(() => fromConfig(functional([input('x'), dense('b', [[['ghost', 0, 0, {}]]])])));
    expect(missing.message).toMatch(/an input comes from layer "ghost", which is not in the model\. Layers: x, b\./);
    const noCall = await failure(() => fromConfig(functional([input('x'), dense('b', [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['x', 3, 0] } }], kwargs: {} }])])));
    expect(noCall.message).toMatch(/output 0 of call 3 of layer "x", which is called 1 time/);
  });

  it('refuses absurd shapes and weight counts beyond what the file holds', async () => {
    const huge = { class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2 ** 40] } }, { class_name: 'Dense', config: { units: 2 } }] } };
    expect((await failure(() => fromConfig(huge))).message).toMatch(/its kernel would hold 2,199,023,255,552 values, more than one weight can/);
    const negative = functional([{ class_name: 'InputLayer', name: 'x', config: { batch_shape: [null, -3], name: 'x' } }, dense('b', [[['x', 0, 0, {}]]])]);
    expect(await failure(() => fromConfig(negative))).toBeInstanceOf(FileFormatError);
    const wide = functional([input('x'), { class_name: 'Dense', name: 'b', config: { name: 'b', units: 100_000_000 }, inbound_nodes: [[['x', 0, 0, {}]]] }]);
    const error = await failure(() => modelFromKerasConfig(wide, 'w.keras', FACTORIES, 10));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/builds more weight values than the file holds/);
  });

  it('refuses malformed entries, duplicate names, quantized layers and deep nesting as FileFormatErrors or ValueErrors naming the place', async () => {
    expect((await failure(() => fromConfig(functional([input('x'), 'nonsense'])))).message).toMatch(/config layer 1 must be an object \{ class_name, config \}/);
    expect((await failure(() => fromConfig(functional([input('x'), input('x')])))).message).toMatch(/two layers are named "x"/);
    const quantized = functional([input('x'), { ...dense('b', [[['x', 0, 0, {}]]]), config: { name: 'b', units: 2, quantization_config: { mode: 'int8' } } }]);
    expect((await failure(() => fromConfig(quantized))).message).toMatch(/quantized/);
    let deep: unknown = { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 1, batch_input_shape: [null, 1] } }] } };
    for (let k = 0; k < 40; k++) deep = { class_name: 'Functional', config: { layers: [input('x'), { ...(deep as object), name: `m${k}`, inbound_nodes: [[['x', 0, 0, {}]]] }], input_layers: [['x', 0, 0]], output_layers: [`m${k}`, 0, 0] } };
    expect((await failure(() => fromConfig(deep))).message).toMatch(/nested more than 32 deep/);
    expect((await failure(() => fromConfig(functional([input('x'), dense('b', [[['x', 0, 0, {}]]])], 'junk')))).message).toMatch(/output_layers must name/);
  });

  it('reports a file that is neither zip nor HDF5 by its first bytes, naming it', async () => {
    const path = join(dir(), 'notes.keras');
    await writeFile(path, 'hello, this is text');
    const error = await rejection(keras.models.loadModel(path));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/notes\.keras: is not a Keras file.*Received: a file starting with 68 65 6c 6c 6f/);
  });
});
