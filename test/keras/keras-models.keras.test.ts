/**
 * Whole models through Keras's files, against real Keras 3.15: models
 * trained and saved by Keras (.keras, legacy .h5) load in tinykeras with
 * Keras's predictions and resume training with Keras's next-step weights;
 * a model tinykeras saves loads in keras.saving.load_model with the same
 * predictions and resumes training there. A Keras-2-style config (a bare
 * list, batch_input_shape, Keras 2 inbound_nodes) builds the same models.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/models/load-model.js';
import { Model } from '../../src/models/functional.js';
import { Sequential } from '../../src/models/sequential.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { modelFromKerasConfig, type ModelFactories } from '../../src/saving/keras-format/keras-config.js';
import { readKerasArchive } from '../../src/saving/keras-format/keras-archive.js';
import { setKerasArchiveWeights } from '../../src/saving/keras-format/keras-weights.js';
import { everyLayerModels } from '../support/every-layer.js';
import { pack } from './oracle.js';
import { concat, describeKeras, DistanceLog, runKeras, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';

type Name = 'sequential' | 'functional' | 'cnn' | 'normalized';
interface Made {
  files: { keras: string; h5?: string };
  x: Packed[];
  xb: Packed[];
  yb: Packed;
}
interface Stepped {
  class_name: string;
  y: Packed;
  weights: Record<string, Packed>;
  iterations: number;
}

const dir = mkdtempSync(join(tmpdir(), 'tinykeras-keras-models-'));
const FACTORIES: ModelFactories<Sequential, Model> = { sequential: (layers, args) => new Sequential(layers, args), functional: (args) => new Model(args) };
const tensorOf = (p: Packed): Tensor => new Tensor(unpack(p), p.shape);
const inputsOf = (list: Packed[]): Tensor | Tensor[] => (list.length === 1 ? tensorOf(list[0]!) : list.map(tensorOf));
const predictOf = (model: Sequential | Model, x: Packed[]): Float32Array => {
  const y = model.predict(inputsOf(x) as never, { verbose: 0 }) as Tensor | Tensor[];
  // A model whose outputs are a list of one (Keras 2's configs) predicts a list of one, as in Keras.
  return (Array.isArray(y) ? y[0]! : y).data as Float32Array;
};
/** The largest absolute difference. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
/** One fit step on the batch, as Keras's train_on_batch. */
const step = (model: Sequential | Model, made: Made) =>
  model.fit(inputsOf(made.xb) as never, tensorOf(made.yb), { epochs: 1, batchSize: made.yb.shape[0]!, shuffle: false, verbose: 0 });
/** The model's weights in the order of Keras's `weights` dict, by path. */
const weightsAs = (model: Sequential | Model, keys: string[]): ArrayLike<number>[] =>
  keys.map((key) => {
    const weight = model.weights.find((w) => w.name === key);
    if (weight === undefined) throw new Error(`no weight ${key} in ${model.weights.map((w) => w.name).join(', ')}`);
    return weight.data;
  });

describeKeras('models saved by Keras 3 load in tinykeras, and back', () => {
  let made: Record<Name, Made>;
  const log = new DistanceLog('keras-models.keras.test.ts');
  beforeAll(() => {
    made = runKeras<Record<Name, Made>>('keras_models_make', { dir });
  });

  const cases: Array<[Name, 'keras' | 'h5', string]> = [
    ['sequential', 'keras', 'Sequential'],
    ['sequential', 'h5', 'Sequential'],
    ['functional', 'keras', 'Functional'],
    ['cnn', 'keras', 'Sequential'],
    // An adapted Normalization (count int64), Nadam (u_product after the slots), a loss given as a Keras function.
    ['normalized', 'keras', 'Sequential'],
  ];
  for (const [name, format, className] of cases) {
    it(`${name}.${format}: Keras's predictions, and one more step gives Keras's next weights`, async () => {
      const m = made[name];
      const path = m.files[format]!;
      // Keras 3.15 cannot train on from its own legacy .h5 (its restored optimizer refuses the model's variables):
      // the .keras file of the same model at the same point gives Keras's step.
      const keras: BothBackends<Stepped> = await runKerasOnBoth<Stepped>('keras_models_step', { path: m.files.keras, x: m.x, xb: m.xb, yb: m.yb });
      const model = await loadModel(path);
      expect(model.className).toBe(className);
      expect(model.compiled).not.toBeNull();
      expect(maxDiff(predictOf(model, m.x), unpack(keras.tensorflow.y))).toBeLessThanOrEqual(1e-5);
      await step(model, m);
      expect(model.compiled!.optimizer.iterations).toBe(keras.tensorflow.iterations);
      const keys = Object.keys(keras.tensorflow.weights);
      const at = (s: Stepped) => concat(keys.map((k) => unpack(s.weights[k]!)));
      log.withinSpread(`${name}.${format} next step`, concat(weightsAs(model, keys)), { tensorflow: at(keras.tensorflow), jax: at(keras.jax) });
    });
  }

  for (const name of ['sequential', 'functional', 'cnn', 'normalized'] as const) {
    it(`${name}: tinykeras's .keras loads in keras.saving.load_model with tinykeras's predictions and resumes there; its .h5 loads too`, async () => {
      const m = made[name];
      const model = await loadModel(m.files.keras);
      await step(model, m);
      const path = join(dir, `${name}-tinykeras.keras`);
      await model.save(path);
      const keras = await runKerasOnBoth<Stepped>('keras_models_step', { path, x: m.x, xb: m.xb, yb: m.yb });
      expect(keras.tensorflow.class_name).toBe(name === 'functional' ? 'Functional' : 'Sequential');
      expect(maxDiff(predictOf(model, m.x), unpack(keras.tensorflow.y))).toBeLessThanOrEqual(1e-5);
      // The step Keras takes from tinykeras's file is the step tinykeras takes from it.
      await step(model, m);
      expect(keras.tensorflow.iterations).toBe(model.compiled!.optimizer.iterations);
      const keys = Object.keys(keras.tensorflow.weights);
      const at = (s: Stepped) => concat(keys.map((k) => unpack(s.weights[k]!)));
      log.withinSpread(`${name} resumed in Keras`, concat(weightsAs(model, keys)), { tensorflow: at(keras.tensorflow), jax: at(keras.jax) });
      // Reading our own file back gives the same model.
      const again = await loadModel(path);
      expect(again.weights.map((w) => w.name)).toEqual(model.weights.map((w) => w.name));
      expect(new Uint8Array(readFileSync(path)).subarray(0, 4)).toEqual(Uint8Array.of(0x50, 0x4b, 3, 4));
      // The legacy .h5 tinykeras writes loads in Keras too, compiled at the same step (Keras does not train on from a legacy file).
      const h5 = join(dir, `${name}-tinykeras.h5`);
      await model.save(h5);
      const legacy = runKeras<Stepped>('keras_models_step', { path: h5, x: m.x });
      expect(legacy.class_name).toBe(keras.tensorflow.class_name);
      expect(legacy.iterations).toBe(model.compiled!.optimizer.iterations);
      expect(maxDiff(predictOf(model, m.x), unpack(legacy.y))).toBeLessThanOrEqual(1e-5);
    });
  }

  it("builds the same models from Keras 2's config forms: a bare layer list, batch_input_shape, nested-list inbound_nodes", async () => {
    const m = made.functional;
    const archive = await readKerasArchive(new Uint8Array(readFileSync(m.files.keras)), m.files.keras);
    const dense = (name: string, units: number, activation: string) => ({ class_name: 'Dense', config: { name, units, activation, use_bias: true, trainable: true, dtype: 'float32' } });
    const input = (name: string, n: number) => ({ class_name: 'InputLayer', name, config: { batch_input_shape: [null, n], dtype: 'float32', sparse: false, name }, inbound_nodes: [] });
    const keras2 = {
      class_name: 'Model',
      config: {
        name: 'two_branches',
        layers: [
          input('a', 5),
          { ...dense('left', 6, 'relu'), name: 'left', inbound_nodes: [[['a', 0, 0, {}]]] },
          input('b', 3),
          { ...dense('right', 4, 'tanh'), name: 'right', inbound_nodes: [[['b', 0, 0, {}]]] },
          { class_name: 'Concatenate', name: 'joined', config: { name: 'joined', axis: -1 }, inbound_nodes: [[['left', 0, 0, {}], ['right', 0, 0, {}]]] },
          { ...dense('out', 2, 'linear'), name: 'out', inbound_nodes: [[['joined', 0, 0, {}]]] },
        ],
        input_layers: [['a', 0, 0], ['b', 0, 0]],
        output_layers: [['out', 0, 0]],
      },
    };
    const model = modelFromKerasConfig(keras2, 'keras2.json', FACTORIES) as Model;
    setKerasArchiveWeights(model, archive.weights, m.files.keras, { optimizer: false });
    const keras = runKeras<Stepped>('keras_models_step', { path: m.files.keras, x: m.x, xb: m.xb, yb: m.yb });
    expect(maxDiff(predictOf(model, m.x), unpack(keras.y))).toBeLessThanOrEqual(1e-5);

    const s = made.sequential;
    const seqArchive = await readKerasArchive(new Uint8Array(readFileSync(s.files.keras)), s.files.keras);
    const bareList = {
      class_name: 'Sequential',
      config: [
        { class_name: 'Dense', config: { ...dense('dense', 8, 'relu').config, batch_input_shape: [null, 6] } },
        dense('dense_1', 3, 'softmax'),
      ],
    };
    const sequential = modelFromKerasConfig(bareList, 'keras21.json', FACTORIES) as Sequential;
    setKerasArchiveWeights(sequential, seqArchive.weights, s.files.keras, { optimizer: false });
    const seqKeras = runKeras<Stepped>('keras_models_step', { path: s.files.keras, x: s.x, xb: s.xb, yb: s.yb });
    expect(maxDiff(predictOf(sequential, s.x), unpack(seqKeras.y))).toBeLessThanOrEqual(1e-5);
  });

  it('every layer class tinykeras has, saved by tinykeras, loads in keras.saving.load_model and predicts the same', async () => {
    const [image, merges] = everyLayerModels();
    // Moving statistics away from their initial values, so that loading them counts.
    const bn = image.layers.find((l) => l.className === 'BatchNormalization')!;
    bn.setWeights(bn.getWeights().map((w, i) => new Tensor(w.data.map((_, k) => (i === 3 ? 0.5 + k / 4 : 0.1 * (k - 1))), w.shape)));
    const cases: Array<[Sequential | Model, Tensor[]]> = [
      [image, [new Tensor(Float32Array.from({ length: 3 * 10 * 10 * 2 }, (_, k) => Math.sin(k)), [3, 10, 10, 2])]],
      [merges, [0, 1].map((j) => new Tensor(Float32Array.from({ length: 3 * 4 }, (_, k) => Math.cos(k + 5 * j)), [3, 4]))],
    ];
    for (const [model, x] of cases) {
      const path = join(dir, `${model.name}-every-layer.keras`);
      await model.save(path);
      const keras = runKeras<Stepped>('keras_models_step', { path, x: x.map((t) => pack(t.data as Float32Array, t.shape)) });
      const ours = model.predict((x.length === 1 ? x[0]! : x) as never, { verbose: 0 }) as Tensor;
      expect(keras.class_name).toBe(model.className);
      expect(maxDiff(ours.data, unpack(keras.y))).toBeLessThanOrEqual(1e-5);
    }
  });

  it('prints the distances', () => {
    log.print();
    expect(log.rows.length).toBeGreaterThan(0);
  });
});
