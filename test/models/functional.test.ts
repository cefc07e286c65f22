/**
 * keras.Model, the Functional API: graphs recorded from keras.Input through
 * layer calls, run as a loop over nodes; several inputs and outputs in
 * fit/evaluate/predict; shared layers; models as layers; the summary; the
 * fused executor on chains; and the errors of a bad graph.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { checkGradients } from '../../src/tensor/gradcheck.js';
import { join } from 'node:path';
import { useTempDir } from '../support/helpers.js';

const { Dense, Concatenate, Add, Dropout } = keras.layers;

/** The Keras guide's multi-input, multi-output model, on vectors instead of text: title, body, tags → priority, department. */
function ticketModel() {
  const title = keras.Input({ shape: [6], name: 'title' });
  const body = keras.Input({ shape: [8], name: 'body' });
  const tags = keras.Input({ shape: [4], name: 'tags' });
  const titleFeatures = new Dense(5, { activation: 'relu' }).apply(title);
  const bodyFeatures = new Dense(5, { activation: 'relu' }).apply(body);
  const x = new Concatenate().apply([titleFeatures, bodyFeatures, tags]);
  const priority = new Dense(1, { name: 'priority' }).apply(x);
  const department = new Dense(3, { activation: 'softmax', name: 'department' }).apply(x);
  return new keras.Model({ inputs: { title, body, tags }, outputs: { priority, department } });
}

/** Samples whose targets depend on the inputs, so that training can lower the loss. */
function ticketData(n: number) {
  keras.setRandomSeed(11);
  const title = keras.randomUniform([n, 6]);
  const body = keras.randomUniform([n, 8]);
  const tags = keras.randomUniform([n, 4]);
  const priority = new Tensor(Float32Array.from({ length: n }, (_, i) => title.data[i * 6]! + body.data[i * 8 + 1]!), [n, 1]);
  // The department is the largest of three of the tags: a one-hot target for categorical crossentropy.
  const department = keras.tensor(Array.from({ length: n }, (_, i) => {
    const row = [0, 1, 2].map((k) => tags.data[i * 4 + k]!);
    return row.map((v) => (v === Math.max(...row) ? 1 : 0));
  }));
  return { x: { title, body, tags }, y: { priority, department } };
}

describe('keras.Input and symbolic calls', () => {
  it('returns a symbolic tensor with a null batch dimension, its dtype and name', () => {
    const x = keras.Input({ shape: [28, 28], name: 'image' });
    expect(x).toBeInstanceOf(keras.KerasTensor);
    expect(x.shape).toEqual([null, 28, 28]);
    expect(x.dtype).toBe('float32');
    expect(x.name).toBe('image');
    expect(x.node.layer).toBeInstanceOf(keras.layers.InputLayer);
    expect(keras.Input({ shape: [3], batchSize: 8 }).shape).toEqual([8, 3]);
    expect(String(x)).toBe('<KerasTensor shape=(None, 28, 28), dtype=float32, name=image>');
  });

  it('builds a layer from the symbolic shape and records the call', () => {
    const x = keras.Input({ shape: [4] });
    const dense = new Dense(3);
    const y = dense.apply(x);
    expect(dense.built).toBe(true);
    expect(dense.getWeights()[0]!.shape).toEqual([4, 3]);
    expect(y.shape).toEqual([null, 3]);
    expect(y.node.layer).toBe(dense);
    expect(y.node.inputs).toEqual([x]);
    expect(dense.input).toBe(x);
    expect(dense.output).toBe(y);
  });

  it('gives a shared layer one node per call; input and output are the first call\'s, as Keras 3', () => {
    const a = keras.Input({ shape: [4] });
    const b = keras.Input({ shape: [4] });
    const shared = new Dense(2);
    const ya = shared.apply(a);
    const yb = shared.apply(b);
    expect(shared.inboundNodes.map((n) => n.output)).toEqual([ya, yb]);
    expect(shared.output).toBe(ya);
    expect(shared.input).toBe(a);
  });

  it('says when a layer has never been called, and refuses a mixed list', () => {
    expect(() => new Dense(2).output).toThrow(keras.RuntimeError);
    expect(() => new Dense(2).output).toThrow(/has never been called on symbolic tensors and thus has no defined output/);
    const x = keras.Input({ shape: [2] });
    expect(() => new Add().apply([x, keras.zeros([1, 2])] as never)).toThrow(/must be all symbolic tensors .* or all Tensors/);
    expect(() => new Dense(2).apply(keras.Input({ shape: [3] })).shape).not.toThrow();
    const built = new Dense(2);
    built.apply(keras.Input({ shape: [3] }));
    expect(() => built.apply(keras.Input({ shape: [5] }))).toThrow(keras.ShapeError);
  });

  it('keeps keras.Input usable as the first entry of a Sequential', () => {
    const model = new keras.Sequential([keras.Input({ shape: [3] }), new Dense(2)]);
    expect(model.builtInputShape).toEqual([null, 3]);
    expect(model.layers.map((l) => l.className)).toEqual(['Dense']);
    const y = new Dense(2).apply(keras.Input({ shape: [3] }));
    expect(() => new keras.Sequential([y])).toThrow(/is the output of layer .*, not of keras.Input; .* use new keras.Model/);
  });
});

describe('keras.Model', () => {
  it('orders layers as Keras does (deepest first), and has inputs, outputs, getLayer', () => {
    const a = keras.Input({ shape: [4], name: 'a' });
    const b = keras.Input({ shape: [3], name: 'b' });
    let h = new Dense(5, { name: 'h1' }).apply(a);
    h = new Dense(3, { name: 'h2' }).apply(h);
    const out = new Dense(1, { name: 'o' }).apply(new Add({ name: 'add' }).apply([h, b]));
    const model = new keras.Model({ inputs: [a, b], outputs: out });
    // Real Keras 3.15 lists ['a', 'h1', 'h2', 'b', 'add', 'o'] for this graph, whichever order the inputs are given in.
    expect(model.layers.map((l) => l.name)).toEqual(['a', 'h1', 'h2', 'b', 'add', 'o']);
    expect(new keras.Model({ inputs: [b, a], outputs: out }).layers.map((l) => l.name)).toEqual(['a', 'h1', 'h2', 'b', 'add', 'o']);
    expect(model.inputs).toEqual([a, b]);
    expect(model.outputs).toEqual([out]);
    expect(model.className).toBe('Functional');
    expect(model.getLayer('add').className).toBe('Add');
    expect(model.getLayer(1).name).toBe('h1');
    expect(() => model.getLayer('ad')).toThrow(/no layer named "ad".*Did you mean/);
    expect(model.countParams()).toBe(4 * 5 + 5 + 5 * 3 + 3 + 3 + 1);
  });

  it('runs the graph: a predict equals the layers applied by hand', () => {
    keras.setRandomSeed(2);
    const a = keras.Input({ shape: [4] });
    const b = keras.Input({ shape: [3] });
    const d1 = new Dense(5, { activation: 'tanh' });
    const join = new Concatenate();
    const d2 = new Dense(2);
    const model = new keras.Model({ inputs: [a, b], outputs: d2.apply(join.apply([d1.apply(a), b])) });
    const xa = keras.randomNormal([6, 4]);
    const xb = keras.randomNormal([6, 3]);
    const byHand = d2.apply(join.apply([d1.apply(xa), xb]));
    const predicted = model.predict([xa, xb], { verbose: 0 }) as Tensor;
    expect(Array.from(predicted.data)).toEqual(Array.from(byHand.data));
    expect(Array.from((model.apply([xa, xb]) as Tensor).data)).toEqual(Array.from(byHand.data));
  });

  it('extracts features: a model of every layer\'s output', () => {
    keras.setRandomSeed(4);
    function chain() {
      const x = keras.Input({ shape: [3] });
      return { inputs: x, outputs: new Dense(2).apply(new Dense(4, { activation: 'relu' }).apply(x)) };
    }
    const { inputs, outputs } = chain();
    const model = new keras.Model({ inputs, outputs });
    const extractor = new keras.Model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output) });
    const x = keras.randomNormal([5, 3]);
    const features = extractor.predict(x, { verbose: 0 }) as Tensor[];
    expect(features.map((t) => t.shape)).toEqual([[5, 3], [5, 4], [5, 2]]);
    expect(Array.from(features[0]!.data)).toEqual(Array.from(x.data));
    expect(Array.from(features[1]!.data)).toEqual(Array.from(model.layers[1]!.apply(x).data));
    expect(Array.from(features[2]!.data)).toEqual(Array.from((model.predict(x, { verbose: 0 }) as Tensor).data));
  });

  it('trains a shared layer from both of its calls; the gradient matches finite differences', () => {
    keras.setRandomSeed(5);
    const a = keras.Input({ shape: [3] });
    const b = keras.Input({ shape: [3] });
    const shared = new Dense(2, { activation: 'tanh' });
    const model = new keras.Model({ inputs: [a, b], outputs: new keras.layers.Subtract().apply([shared.apply(a), shared.apply(b)]) });
    expect(model.layers.filter((l) => l === shared)).toHaveLength(1);
    expect(model.weights).toHaveLength(2);
    const xa = keras.randomNormal([4, 3]);
    const xb = keras.randomNormal([4, 3]);
    const [kernel, bias] = shared.weights;
    const weights = new Tensor(Float32Array.from({ length: 8 }, (_, i) => (i % 3) - 1), [4, 2]);
    const result = checkGradients(() => model.run([xa, xb])[0]!.mul(weights).sum(), [kernel!, bias!]);
    expect(result.ok).toBe(true);
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    expect(lines.find((l) => l.startsWith(shared.name))).toContain(`${a.node.layer.name}[0][0]`);
    expect(lines.some((l) => l.trim() === `${b.node.layer.name}[0][0]`)).toBe(true);
    expect(lines.find((l) => l.startsWith('subtract'))).toContain(`${shared.name}[0][0]`);
    expect(lines.some((l) => l.trim() === `${shared.name}[1][0]`)).toBe(true);
  });

  it('uses a model as a layer of another model', () => {
    keras.setRandomSeed(6);
    const x = keras.Input({ shape: [3] });
    const inner = new keras.Model({ inputs: x, outputs: new Dense(4, { activation: 'relu' }).apply(x) });
    const outer = keras.Input({ shape: [3] });
    const y = new Dense(2).apply(inner.apply(outer));
    const model = new keras.Model({ inputs: outer, outputs: y });
    expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'Functional', 'Dense']);
    expect(y.shape).toEqual([null, 2]);
    const data = keras.randomNormal([5, 3]);
    const expected = model.layers[2]!.apply(inner.predict(data, { verbose: 0 }) as Tensor);
    expect(Array.from((model.predict(data, { verbose: 0 }) as Tensor).data)).toEqual(Array.from(expected.data));
    expect(model.countParams()).toBe(3 * 4 + 4 + 4 * 2 + 2);
  });

  it('prints Keras\'s summary with the Connected to column', () => {
    keras.clearSession();
    const a = keras.Input({ shape: [4], name: 'a' });
    const b = keras.Input({ shape: [3], name: 'b' });
    const h = new Dense(5, { activation: 'relu', name: 'h' }).apply(new Concatenate().apply([a, b]));
    const model = new keras.Model({ inputs: [a, b], outputs: [new Dense(3, { name: 'cls' }).apply(h), new Dense(1, { name: 'reg' }).apply(h)] });
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    const row = (...fields: string[]) => [32, 53, 65, 98].reduce((line, end, i) => (line.slice(0, i === 0 ? 0 : -1) + (i === 0 ? '' : ' ') + (fields[i] ?? '')).padEnd(end), '');
    expect(lines).toEqual([
      'Model: "functional"',
      '_'.repeat(98),
      row('Layer (type)', 'Output Shape', 'Param #', 'Connected to'),
      '='.repeat(98),
      row('a (InputLayer)', '[(None, 4)]', '0', ''),
      '_'.repeat(98),
      row('b (InputLayer)', '[(None, 3)]', '0', ''),
      '_'.repeat(98),
      row('concatenate (Concatenate)', '(None, 7)', '0', 'a[0][0]'),
      row('', '', '', 'b[0][0]'),
      '_'.repeat(98),
      row('h (Dense)', '(None, 5)', '40', 'concatenate[0][0]'),
      '_'.repeat(98),
      row('cls (Dense)', '(None, 3)', '18', 'h[0][0]'),
      '_'.repeat(98),
      row('reg (Dense)', '(None, 1)', '6', 'h[0][0]'),
      '='.repeat(98),
      'Total params: 64',
      'Trainable params: 64',
      'Non-trainable params: 0',
      '_'.repeat(98),
    ]);
    expect(lines[8]).toBe('concatenate (Concatenate)       (None, 7)            0           a[0][0]'.padEnd(98));
  });
});

describe('training a Functional model', () => {
  it('fits the multi-input, multi-output guide model with dicts, per-output losses, lossWeights and metrics', async () => {
    const model = ticketModel();
    const { x, y } = ticketData(64);
    model.compile({
      optimizer: new keras.optimizers.Adam({ learningRate: 0.01 }),
      loss: { priority: 'mse', department: 'categorical_crossentropy' },
      lossWeights: { priority: 1.0, department: 0.2 },
      metrics: { department: ['accuracy'] },
    });
    const history = await model.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'priority_loss', 'department_loss', 'department_accuracy']);
    expect(history.params.executor).toBe('autograd');
    expect(history.params.reason).toMatch(/the model has 3 inputs/);
    const losses = history.history.loss!;
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.7);
    // The total is Σ weight · output loss (on one batch, evaluate's values are exact means).
    const logs = model.evaluate(x, y, { batchSize: 64, verbose: 0, returnDict: true });
    expect(logs.loss).toBeCloseTo(logs.priority_loss! + 0.2 * logs.department_loss!, 5);
    expect(model.evaluate(x, y, { batchSize: 64, verbose: 0 })).toEqual(Object.values(logs));
    const predicted = model.predict(x, { verbose: 0 }) as Record<string, Tensor>;
    expect(Object.keys(predicted)).toEqual(['priority', 'department']);
    expect(predicted.department!.shape).toEqual([64, 3]);
  });

  it('takes lists in the order of the sorted dict keys (as Keras flattens dicts) as well as dicts, with the same results', async () => {
    const { x, y } = ticketData(32);
    const run = async (asDict: boolean) => {
      keras.setRandomSeed(21);
      const model = ticketModel();
      expect(model.inputNames).toEqual(['body', 'tags', 'title']);
      expect(model.outputNames).toEqual(['department', 'priority']);
      model.compile({ optimizer: 'sgd', loss: ['categorical_crossentropy', 'mse'], lossWeights: [0.5, 1], metrics: [['accuracy'], []] });
      const xs = asDict ? x : [x.body, x.tags, x.title];
      const ys = asDict ? y : [y.department, y.priority];
      return (await model.fit(xs, ys, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 })).history;
    };
    expect(await run(false)).toEqual(await run(true));
  });

  it('validates with validationSplit, naming the logs val_<output>_loss', async () => {
    const model = ticketModel();
    const { x, y } = ticketData(40);
    model.compile({ optimizer: 'adam', loss: ['categorical_crossentropy', 'mse'] });
    const history = await model.fit(x, y, { epochs: 1, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'priority_loss', 'department_loss', 'val_loss', 'val_priority_loss', 'val_department_loss']);
    expect(history.params.samples).toBe(30);
  });

  it('trains a chain graph on the fused executor to the same weights, bit for bit, as autograd (runEagerly)', async () => {
    const train = async (runEagerly: boolean) => {
      keras.setRandomSeed(8);
      const x = keras.randomNormal([48, 6]);
      const labels = keras.tensor(Array.from({ length: 48 }, (_, i) => i % 3));
      const input = keras.Input({ shape: [6] });
      let h = new Dense(8, { activation: 'relu' }).apply(input);
      h = new Dropout(0.25).apply(h);
      const model = new keras.Model({ inputs: input, outputs: new Dense(3, { activation: 'softmax' }).apply(h) });
      model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], runEagerly });
      const history = await model.fit(x, labels, { epochs: 2, batchSize: 16, verbose: 0, threads: 1 });
      return { history, weights: model.getWeights().map((w) => Array.from(w.data)) };
    };
    const fused = await train(false);
    const eager = await train(true);
    expect(fused.history.params.executor).toBe('fused');
    expect(eager.history.params.executor).toBe('autograd');
    expect(fused.weights).toEqual(eager.weights);
    expect(fused.history.history.accuracy).toEqual(eager.history.history.accuracy);
    // The fused kernel sums the batch's loss in its own order: the logged means agree to float rounding.
    fused.history.history.loss!.forEach((v, i) => expect(v).toBeCloseTo(eager.history.history.loss![i]!, 6));
  });

  it('predicts on the fused path what the layers give applied one by one (property, chains of random widths)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (widths, inputWidth, seed) => {
        keras.setRandomSeed(seed);
        const input = keras.Input({ shape: [inputWidth] });
        const dense = widths.map((units, i) => new Dense(units, { activation: i === widths.length - 1 ? 'softmax' : 'relu' }));
        const model = new keras.Model({ inputs: input, outputs: dense.reduce<keras.KerasTensor>((t, layer) => layer.apply(t), input) });
        model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
        const x = keras.randomNormal([7, inputWidth]);
        const byHand = dense.reduce((t, layer) => layer.apply(t), x);
        const predicted = model.predict(x, { batchSize: 3, verbose: 0 }) as Tensor;
        expect(predicted.shape).toEqual(byHand.shape);
        Array.from(predicted.data).forEach((v, i) => expect(v).toBeCloseTo(byHand.data[i]!, 5));
      }),
      { numRuns: 25 },
    );
  });

  it('nests: a Sequential inside a Functional model and a Functional model inside a Sequential, on the fused executor', async () => {
    keras.setRandomSeed(9);
    const x = keras.randomNormal([16, 4]);
    const labels = keras.tensor(Array.from({ length: 16 }, (_, i) => i % 2));
    const input = keras.Input({ shape: [4] });
    const body = new keras.Sequential([new Dense(5, { activation: 'relu', inputShape: [4] })]);
    const functional = new keras.Model({ inputs: input, outputs: new Dense(2, { activation: 'softmax' }).apply(body.apply(input)) });
    const outer = new keras.Sequential([functional]);
    outer.build([null, 4]);
    for (const model of [functional, outer]) {
      model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
      const history = await model.fit(x, labels, { epochs: 1, verbose: 0, threads: 1 });
      expect(history.params.executor).toBe('fused');
    }
  });

  it('says why a branching graph cannot take jitCompile: true', async () => {
    const a = keras.Input({ shape: [2] });
    const h = new Dense(2).apply(a);
    const model = new keras.Model({ inputs: a, outputs: new Dense(2, { activation: 'softmax' }).apply(new Add().apply([h, a])) });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', jitCompile: true });
    await expect(model.fit([[1, 2]], [1], { verbose: 0 })).rejects.toThrow(/cannot run model .*does not simply read the layer before it/);
  });
});

describe('Functional model errors', () => {
  it('refuses inputs that are not from keras.Input, and values that are not symbolic tensors', () => {
    const a = keras.Input({ shape: [2] });
    const h = new Dense(3).apply(a);
    expect(() => new keras.Model({ inputs: h, outputs: new Dense(1).apply(h) })).toThrow(/input 0 .* is the output of layer "dense.*" \(Dense\), not of keras.Input/);
    expect(() => new keras.Model({ inputs: keras.zeros([1, 2]) as never, outputs: h })).toThrow(/inputs must be a symbolic tensor .*Received: inputs=Tensor\(shape=\[1, 2\]\)/);
    expect(() => new keras.Model({ inputs: [a], outputs: [h, 3 as never] })).toThrow(/outputs\[1\] is not a symbolic tensor/);
    expect(() => new keras.Model({ inputs: [], outputs: h })).toThrow(keras.ValueError);
    expect(() => new keras.Model({ inputs: a, outputs: h, input_names: ['x'] } as never)).toThrow(keras.ValueError);
  });

  it('refuses a graph whose outputs need an input it was not given', () => {
    const a = keras.Input({ shape: [2], name: 'left' });
    const b = keras.Input({ shape: [2], name: 'right' });
    const out = new Add().apply([a, b]);
    expect(() => new keras.Model({ inputs: a, outputs: out })).toThrow(keras.ValueError);
    expect(() => new keras.Model({ inputs: a, outputs: out })).toThrow(/not connected: it reads keras.Input "right".*not among the model's inputs \["left"\]/);
  });

  it('names the expected inputs when fit, predict or a call gets the wrong number', async () => {
    const a = keras.Input({ shape: [2], name: 'left' });
    const b = keras.Input({ shape: [2], name: 'right' });
    const model = new keras.Model({ inputs: [a, b], outputs: new Dense(1).apply(new Add().apply([a, b])) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = keras.zeros([4, 2]);
    expect(() => model.predict([x], { verbose: 0 })).toThrow(/the model has 2 inputs \(left, right\), so x must be a list of 2 tensors .* Received: a list of 1/);
    expect(() => model.predict({ left: x, rigth: x }, { verbose: 0 })).toThrow(/x names input "rigth", which the model does not have/);
    await expect(model.fit([x, keras.zeros([3, 2])], keras.zeros([4, 1]), { verbose: 0 })).rejects.toThrow(/x\[0\] has 4 samples but x\[1\] has 3/);
    expect(() => model.run([x])).toThrow(/expects 2 inputs \(left, right\)/);
    expect(() => model.predict([x, keras.zeros([4, 5])], { verbose: 0 })).toThrow(keras.ShapeError);
  });

  it('checks per-output compile options against the output names', () => {
    const a = keras.Input({ shape: [2] });
    const model = new keras.Model({ inputs: a, outputs: [new Dense(1, { name: 'p' }).apply(a), new Dense(2, { name: 'q' }).apply(a)] });
    expect(() => model.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(/has 2 outputs \(p, q\); loss given as a list must have one entry per output/);
    expect(() => model.compile({ optimizer: 'sgd', loss: { p: 'mse' } })).toThrow(/gives no loss for output "q"/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: { r: 1 } })).toThrow(/lossWeights names output "r"/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['accuracy'] })).toThrow(/metrics given as a list must have one entry per output/);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['accuracy', ['accuracy']] });
    expect(model.compiled!.logNames).toEqual(['loss', 'p_loss', 'q_loss', 'p_accuracy', 'q_accuracy']);
  });
});

describe('Functional model weights and async inference', () => {
  const root = useTempDir('functional');

  it('saves and loads its weights (saveWeights / loadWeights), shared layers once', async () => {
    const build = () => {
      const a = keras.Input({ shape: [3] });
      const b = keras.Input({ shape: [3] });
      const shared = new Dense(2, { activation: 'tanh' });
      return new keras.Model({ inputs: [a, b], outputs: new Concatenate().apply([shared.apply(a), shared.apply(b)]) });
    };
    keras.setRandomSeed(30);
    const saved = build();
    const path = join(root(), 'pair.weights.json');
    await saved.saveWeights(path);
    keras.setRandomSeed(31);
    const loaded = build();
    const x = [keras.randomNormal([4, 3]), keras.randomNormal([4, 3])];
    expect(Array.from((loaded.predict(x, { verbose: 0 }) as Tensor).data)).not.toEqual(Array.from((saved.predict(x, { verbose: 0 }) as Tensor).data));
    await loaded.loadWeights(path);
    expect(Array.from((loaded.predict(x, { verbose: 0 }) as Tensor).data)).toEqual(Array.from((saved.predict(x, { verbose: 0 }) as Tensor).data));
  });

  it('predictAsync and evaluateAsync give what predict and evaluate give', async () => {
    const model = ticketModel();
    const { x, y } = ticketData(20);
    model.compile({ optimizer: 'sgd', loss: ['categorical_crossentropy', 'mse'] });
    const sync = model.predict(x, { verbose: 0 }) as Record<string, Tensor>;
    const async_ = (await model.predictAsync(x, { verbose: 0 })) as Record<string, Tensor>;
    expect(Array.from(async_.department!.data)).toEqual(Array.from(sync.department!.data));
    expect(await model.evaluateAsync(x, y, { verbose: 0 })).toEqual(model.evaluate(x, y, { verbose: 0 }));
  });

  it("orders dict outputs as Keras: sorted for layers, weights and list losses; the loss dict's or the written order for the losses' names", async () => {
    // Expectations from Keras 3 (TensorFlow) on the same model: outputs written yes, val, abc.
    keras.setRandomSeed(40);
    const i = keras.Input({ shape: [3], name: 'i' });
    const model = new keras.Model({ inputs: i, outputs: { yes: new Dense(1, { name: 'Lyes' }).apply(i), val: new Dense(2, { name: 'Lval' }).apply(i), abc: new Dense(1, { name: 'Labc' }).apply(i) } });
    expect(model.outputNames).toEqual(['abc', 'val', 'yes']);
    expect(model.layers.map((l) => l.name)).toEqual(['i', 'Labc', 'Lval', 'Lyes']);
    const x = keras.randomNormal([6, 3]);
    const y = { yes: keras.randomNormal([6, 1]), val: keras.randomNormal([6, 2]), abc: keras.randomNormal([6, 1]) };
    expect(Object.keys(model.predict(x, { verbose: 0 }) as Record<string, Tensor>)).toEqual(['yes', 'val', 'abc']);
    model.compile({ optimizer: 'sgd', loss: { val: 'mae', abc: 'mse', yes: 'mse' }, metrics: { yes: ['mae'], val: ['mse'] } });
    const logs = model.evaluate(x, y, { verbose: 0, returnDict: true });
    expect(model.metricsNames).toEqual(['loss', 'compile_metrics', 'val_loss', 'abc_loss', 'yes_loss']);
    expect(model.evaluate(x, y, { verbose: 0 })).toEqual(['loss', 'val_loss', 'abc_loss', 'yes_loss', 'val_mse', 'yes_mae'].map((k) => logs[k]));
    // A list of losses maps to the sorted outputs (abc, val, yes); the losses are named in the written order.
    model.compile({ optimizer: 'sgd', loss: ['mse', 'mae', 'binary_crossentropy'] });
    const listed = model.evaluate(x, y, { verbose: 0, returnDict: true });
    expect(model.metricsNames).toEqual(['loss', 'yes_loss', 'val_loss', 'abc_loss']);
    expect(listed.val_loss).toBeCloseTo(logs.val_loss!, 6);
    expect(listed.abc_loss).toBeCloseTo(logs.abc_loss!, 6);
    expect(listed.yes_loss).not.toBeCloseTo(logs.yes_loss!, 3);
  });

  it('takes outputs given as a list of one as Keras: predict gives the tensor, metrics may be nested once', async () => {
    const i = keras.Input({ shape: [3] });
    const model = new keras.Model({ inputs: [i], outputs: [new Dense(2).apply(i)] });
    const x = keras.randomNormal([4, 3]);
    expect(model.predict(x, { verbose: 0 })).toBeInstanceOf(Tensor);
    model.compile({ optimizer: 'sgd', loss: ['mse'], metrics: [['mae', 'mse']] });
    const history = await model.fit(x, [keras.randomNormal([4, 2])], { epochs: 1, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'mae', 'mse']);
    expect(history.history.mse![0]).toBeCloseTo(history.history.loss![0]!, 6);
  });
});
