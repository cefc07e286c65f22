/**
 * A two-input, two-output Functional model with Concatenate against real
 * Keras 3, from the same weights: the forward outputs, the layer order, and
 * the `history` of one epoch (no shuffling) with two losses and lossWeights:
 * the same keys (loss, cls_loss, reg_loss, cls_accuracy) and values.
 * Then a model with dict inputs and outputs written out of key order
 * (python/functional_dicts.py): Keras's sorted-key order of inputs, layers,
 * weights and list losses, its order of the per-output losses in
 * metricsNames, history and evaluate's list, and predict's dict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKeras, DistanceLog, relativeL2, runKeras, runKerasOnBoth, type BothBackends } from './oracle.js';

const { Dense, Concatenate } = keras.layers;

interface KerasResult {
  cls: number[][];
  reg: number[][];
  history: Record<string, number[]>;
  layers: string[];
  backend: string;
}

describe('a Functional model against real Keras', () => {
  keras.clearSession();
  keras.setRandomSeed(17);
  const a = keras.Input({ shape: [4], name: 'a' });
  const b = keras.Input({ shape: [3], name: 'b' });
  const h = new Dense(5, { activation: 'relu', name: 'h' }).apply(new Concatenate({ name: 'concatenate' }).apply([a, b]));
  const model = new keras.Model({
    inputs: [a, b],
    outputs: [new Dense(3, { activation: 'softmax', name: 'cls' }).apply(h), new Dense(1, { name: 'reg' }).apply(h)],
  });
  const xa = keras.randomNormal([12, 4]);
  const xb = keras.randomNormal([12, 3]);
  const yCls = keras.tensor(Array.from({ length: 12 }, (_, i) => (i * 7) % 3));
  const yReg = keras.randomNormal([12, 1]);
  const weights = Object.fromEntries(['h', 'cls', 'reg'].map((name) => [name, model.getLayer(name).getWeights().map((w) => w.toArray())]));
  const input = {
    a: xa.toArray(), b: xb.toArray(), y_cls: yCls.toArray(), y_reg: yReg.toArray(),
    weights, loss_weights: [1.0, 0.5], learning_rate: 0.1, batch_size: 4,
  };
  const kerasResult = runKeras<KerasResult>('functional_two_heads', input);

  it('lists the layers in the same order', () => {
    expect(model.layers.map((l) => l.name)).toEqual(kerasResult.layers);
  });

  it('gives the same forward outputs from the same weights', () => {
    const [cls, reg] = model.predict([xa, xb], { verbose: 0 }) as keras.Tensor[];
    expect(relativeL2(Array.from(cls!.data), kerasResult.cls.flat())).toBeLessThan(1e-6);
    expect(relativeL2(Array.from(reg!.data), kerasResult.reg.flat())).toBeLessThan(1e-6);
  });

  it('logs the same history keys and values after one epoch with two losses and lossWeights', async () => {
    model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 0.1 }), loss: ['sparse_categorical_crossentropy', 'mse'], lossWeights: [1.0, 0.5], metrics: [['accuracy'], []] });
    const history = await model.fit([xa, xb], [yCls, yReg], { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(Object.keys(kerasResult.history).sort());
    for (const [key, values] of Object.entries(kerasResult.history)) {
      expect(history.history[key]![0]!, key).toBeCloseTo(values[0]!, 5);
    }
  });
});

interface DictRun {
  metrics_names: string[];
  history: Record<string, number[]>;
  evaluate: number[];
  evaluate_dict: Record<string, number>;
}
interface DictResult {
  backend: string;
  inputs: string[];
  layers: string[];
  weight_paths: string[];
  runs: { dict_loss: DictRun; list_loss: DictRun };
  predict_keys: string[];
  predict: Record<string, number[][]>;
}

describeKeras('a Functional model with dict inputs and outputs against real Keras', () => {
  const log = new DistanceLog('functional.keras.test.ts (dicts)');
  const build = () => {
    keras.clearSession();
    keras.setRandomSeed(29);
    const p = keras.Input({ shape: [3], name: 'p' });
    const q = keras.Input({ shape: [2], name: 'q' });
    const h = new Dense(4, { activation: 'tanh', name: 'h' }).apply(new Concatenate({ name: 'cat' }).apply([p, q]));
    const outputs = { yes: new Dense(1, { activation: 'sigmoid', name: 'yes' }).apply(h), val: new Dense(2, { name: 'val' }).apply(h) };
    return new keras.Model({ inputs: { q, p }, outputs });
  };
  const model = build();
  const N = 12;
  const x = { p: keras.randomNormal([N, 3]), q: keras.randomNormal([N, 2]) };
  const y = { yes: keras.tensor(Array.from({ length: N }, (_, i) => ((i * 7) % 5 < 2 ? 1 : 0)), [N, 1]), val: keras.randomNormal([N, 2]) };
  const weights = Object.fromEntries(['h', 'yes', 'val'].map((name) => [name, model.getLayer(name).getWeights().map((w) => w.toArray())]));
  const initialWeights = model.getWeights();
  const toArrays = (d: Record<string, keras.Tensor>) => Object.fromEntries(Object.entries(d).map(([k, t]) => [k, t.toArray()]));
  let both: BothBackends<DictResult>;
  // Equal batches: over unequal ones Keras's backends log each output's loss differently (training-options.keras.test.ts).
  beforeAll(async () => {
    both = await runKerasOnBoth<DictResult>('functional_dicts', { x: toArrays(x), y: toArrays(y), weights, batch_size: 4 });
  }, 600_000);
  afterAll(() => log.print());

  it('orders inputs, layers and weights by the sorted dict keys', () => {
    expect(model.inputNames).toEqual(both.tensorflow.inputs);
    expect(model.layers.map((l) => l.name)).toEqual(both.tensorflow.layers);
    expect(model.weights.map((w) => w.name)).toEqual(both.tensorflow.weight_paths);
  });

  it("predicts a dict in the outputs' written order, with the same values", () => {
    const predicted = model.predict(x, { verbose: 0 }) as Record<string, keras.Tensor>;
    expect(Object.keys(predicted)).toEqual(both.tensorflow.predict_keys);
    for (const key of both.tensorflow.predict_keys) {
      log.withinSpread(`predict ${key}`, predicted[key]!.data, { tensorflow: both.tensorflow.predict[key]!.flat(), jax: both.jax.predict[key]!.flat() });
    }
  });

  it('saves to .keras with its dicts, and Keras loads it taking and predicting the same dict', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tinykeras-dicts-')), 'dicts.keras');
    await model.save(path);
    const inKeras = runKeras<{ y: Record<string, number[][]>; keys: string[] }>('keras_load_predict', { path, x: toArrays(x) });
    // Keras's own prediction from these weights (the beforeAll run), and its JAX-vs-TF spread, are the yardstick.
    expect(inKeras.keys).toEqual(both.tensorflow.predict_keys);
    for (const key of inKeras.keys) {
      log.withinSpread(`tinykeras's .keras in Keras: predict ${key}`, inKeras.y[key]!.flat(), { tensorflow: both.tensorflow.predict[key]!.flat(), jax: both.jax.predict[key]!.flat() });
    }
  });

  const compiles: [keyof DictResult['runs'], () => keras.Model, keras.CompileArgs][] = [
    ['dict_loss', () => model, {
      optimizer: new keras.optimizers.SGD({ learningRate: 0.1 }), loss: { val: 'huber', yes: 'binary_crossentropy' },
      lossWeights: { yes: 2, val: 0.5 }, metrics: { yes: ['accuracy'], val: ['mse', 'mae'] },
    }],
    ['list_loss', build, { optimizer: new keras.optimizers.SGD({ learningRate: 0.1 }), loss: ['mse', 'binary_crossentropy'], metrics: [['mae'], ['accuracy']] }],
  ];
  for (const [name, make, args] of compiles) {
    it(`names and orders the per-output losses as Keras, and trains to the same logs: loss as ${name === 'dict_loss' ? 'a dict' : 'a list'}`, async () => {
      const reference = both.tensorflow.runs[name];
      const pick = <T>(f: (r: DictRun) => T): BothBackends<T> => ({ tensorflow: f(both.tensorflow.runs[name]), jax: f(both.jax.runs[name]) });
      const m = make();
      if (m !== model) m.setWeights(initialWeights);
      m.compile(args);
      const history = await m.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
      expect(m.metricsNames).toEqual(reference.metrics_names);
      expect(Object.keys(history.history).sort()).toEqual(Object.keys(reference.history).sort());
      for (const key of Object.keys(reference.history)) log.withinSpread(`${name}: history.${key}`, history.history[key]!, pick((r) => r.history[key]!));
      const evaluated = m.evaluate(x, y, { batchSize: 4, verbose: 0 });
      const dict = m.evaluate(x, y, { batchSize: 4, verbose: 0, returnDict: true });
      expect(Object.keys(dict).sort()).toEqual(Object.keys(reference.evaluate_dict).sort());
      for (const key of Object.keys(reference.evaluate_dict)) log.withinSpread(`${name}: evaluate ${key}`, [dict[key]!], pick((r) => [r.evaluate_dict[key]!]));
      // The list's order, by the key each value comes from. Keras's backends disagree on it for a loss given as a
      // list (TensorFlow: the outputs' written order; JAX: sorted): tinykeras follows TensorFlow.
      const keyOf = (values: Record<string, number>, v: number) => Object.keys(values).reduce((a, b) => (Math.abs(values[a]! - v) <= Math.abs(values[b]! - v) ? a : b));
      expect(evaluated.map((v) => keyOf(dict, v))).toEqual(reference.evaluate.map((v) => keyOf(reference.evaluate_dict, v)));
    });
  }
});
