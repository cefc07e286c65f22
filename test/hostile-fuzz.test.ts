/**
 * Any value of any type, at every public entry point, and any bytes in every
 * file a reader opens: the outcome is a result or a TinykerasError subclass
 * that says what was expected. Never a TypeError, a RangeError from the
 * stack, or a DOMException from structuredClone.
 *
 * fast-check generates the values: JSON-like data (fc.jsonValue) and
 * JavaScript's wider range (fc.anything with null-prototype objects, typed
 * arrays, boxed values, maps, dates), plus the handful of values that break
 * naive code (NaN, -0, a class, a symbol, deep nesting). The number of
 * generated cases run is printed at the end.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../src/index.js';
import { TinykerasError } from '../src/errors.js';
import { loadData } from '../src/data/fashion-mnist.js';
import { parseIdx } from '../src/data/idx.js';
import { gunzipBytes } from '../src/io/node-gunzip.js';
import { getLoss } from '../src/losses/index.js';
import { getOptimizer } from '../src/optim/index.js';
import { useTempDir } from './support/helpers.js';

const root = useTempDir('hostile-fuzz');
// FUZZ_RUNS=2000 for a deeper search; 150 keeps the suite quick.
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
let generatedCases = 0;

afterAll(() => {
  console.log(`hostile-fuzz: ${generatedCases} generated cases ran, every outcome a result or a TinykerasError`);
});

const deep = (n: number): unknown => {
  let v: unknown = 0;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};
class SomeClass {}
const special = fc.constantFrom<unknown>(
  undefined, null, NaN, -0, Infinity, -Infinity, '', 'constructor', '__proto__', 'toString', 0, -1, 1e300, 2 ** 53,
  SomeClass, keras.optimizers.Adam, Symbol('s'), () => 1, Object.create(null), [], [[]], {}, { length: 3 }, new Float32Array(3),
  new ArrayBuffer(8), new Date(0), deep(10_000), keras.ops.zeros([2, 2]), 10n,
  // Tensors as a dataset loader returns them: uint8 bytes, of a shape the model takes or not.
  new keras.Tensor(new Uint8Array(16), [4, 2, 2]), new keras.Tensor(new Uint8Array(4), [4]), new keras.Tensor(new Uint8Array(6), [2, 3]),
  // Objects whose conversion to a string throws: any `${value}` or property-key use of them fails.
  { toString: null, valueOf: null }, Object.assign(Object.create(null), { a: 1 }), [Object.create(null)],
  { [Symbol.toPrimitive]: () => { throw new Error('converted'); } },
);
/** Any value: JSON-like, wider JavaScript, or a special case. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 3, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withTypedArray: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withSparseArray: true, withObjectString: true }) },
  { weight: 2, arbitrary: special },
);

/** Runs `call`; a throw or rejection must be a TinykerasError. */
async function outcome(call: () => unknown): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof TinykerasError)) {
      throw new Error(`raw ${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}\n${(error as Error)?.stack?.split('\n').slice(1, 4).join('\n')}`);
    }
  }
}

/** fc.stringify, short, and safe for the 10,000-deep value (which it cannot print). */
function printable(value: unknown): string {
  try {
    return fc.stringify(value).slice(0, 300);
  } catch {
    return '(a value too deep to print)';
  }
}

/** Failed properties of the current test, reported together at its end (one bad entry point does not hide the next). */
let failures: string[] = [];

/** A property over `arbitrary` whose every case must end in `outcome`. */
async function everyOutcome<T>(arbitrary: fc.Arbitrary<T>, call: (value: T) => unknown, runs = RUNS): Promise<void> {
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      generatedCases++;
      await outcome(() => call(value));
    }),
    { numRuns: runs },
  );
  if (result.failed) failures.push(`${call.toString().slice(0, 120)}\n  counterexample: ${printable(result.counterexample)}\n  ${(result.errorInstance as Error)?.message}`);
}

const built = () => new keras.Sequential([new keras.layers.Flatten({ inputShape: [2, 2] }), new keras.layers.Dense(3, { activation: 'softmax' })]);
const compiled = () => {
  const m = built();
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
};
const x = () => keras.ops.zeros([4, 2, 2]);
const y = () => keras.ops.zeros([4]);
/** Fit options that cannot make a case run long: only epochs ≤ 2 and no threads beyond the checks. */
const short = (options: unknown) =>
  options !== null && typeof options === 'object' && !Array.isArray(options)
    ? { ...(options as object), ...(Number.isInteger((options as { epochs?: unknown }).epochs) ? { epochs: 1 } : {}) }
    : options;

beforeEach(() => {
  failures = [];
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  if (failures.length > 0) process.stderr.write(`\n${failures.join('\n\n')}\n`);
  expect(failures).toEqual([]);
});

describe('every public entry point, any value', () => {
  it('models and layers', async () => {
    await everyOutcome(anyValue, (v) => new keras.Sequential(v as never));
    await everyOutcome(anyValue, (v) => new keras.Sequential([], v as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Dense(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.layers.Dense(a as never, b as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Dense(2, v as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Flatten(v as never));
    await everyOutcome(anyValue, (v) => built().add(v as never));
    await everyOutcome(anyValue, (v) => built().setWeights(v as never));
    await everyOutcome(anyValue, (v) => built().summary(v as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Dropout(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.layers.Dropout(a as never, b as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Dropout(0.5, v as never).apply(keras.ops.ones([2, 3]), { training: true }));
    await everyOutcome(anyValue, (v) => new keras.layers.Softmax(v as never).apply(keras.ops.ones([2, 3])));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.layers.Activation(a as never, b as never).apply(keras.ops.ones([2, 3])));
    await everyOutcome(anyValue, (v) => new keras.layers.ReLU(v as never).apply(keras.ops.ones([2, 3])));
    await everyOutcome(anyValue, (v) => new keras.layers.InputLayer(v as never));
    await everyOutcome(anyValue, (v) => keras.Input(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.Sequential([keras.Input({ shape: [2, 2] }), a, b] as never));
    await everyOutcome(anyValue, (v) => new keras.Sequential([built(), v] as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => keras.utils.toCategorical(a as never, b as never));
    // The Functional API: a model from any inputs/outputs, merge layers on any list, a two-input model fed anything.
    const twoInputs = () => {
      const [p, q] = [keras.Input({ shape: [2] }), keras.Input({ shape: [2] })];
      const model = new keras.Model({ inputs: [p, q], outputs: [new keras.layers.Dense(2, { activation: 'softmax' }).apply(new keras.layers.Concatenate().apply([p, q])), new keras.layers.Add().apply([p, q])] });
      model.compile({ optimizer: 'sgd', loss: ['sparse_categorical_crossentropy', 'mse'] });
      return model;
    };
    await everyOutcome(anyValue, (v) => new keras.Model(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.Model({ inputs: a, outputs: b } as never));
    await everyOutcome(anyValue, (v) => new keras.Model({ inputs: keras.Input({ shape: [2] }), outputs: v } as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.layers.Concatenate(a as never).apply(b as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Add().apply(v as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Maximum().apply([keras.ones([2, 3]), v] as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Dense(2).apply([keras.Input({ shape: [2] }), v] as never));
    await everyOutcome(anyValue, (v) => keras.ops.concatenate(v as never));
    await everyOutcome(anyValue, (v) => twoInputs().predict(v as never, { verbose: 0 }));
    await everyOutcome(anyValue, (v) => twoInputs().compile(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => twoInputs().compile({ optimizer: 'sgd', loss: a, lossWeights: b, metrics: a } as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), async ([a, b]) => twoInputs().fit([keras.ones([2, 2]), keras.ones([2, 2])], a as never, { verbose: 0, ...(typeof b === 'object' && b !== null && !Array.isArray(b) ? b : {}) } as never), 60);
    await everyOutcome(anyValue, (v) => twoInputs().evaluate(v as never, [keras.zeros([2]), keras.ones([2, 2])], { verbose: 0 }));
  });

  it('models with every layer kind, on both executors', async () => {
    const full = () =>
      new keras.Sequential([
        keras.Input({ shape: [2, 2] }),
        new keras.layers.Flatten(),
        new keras.layers.Dense(4),
        new keras.layers.ReLU(),
        new keras.layers.Dropout(0.25),
        new keras.Sequential([new keras.layers.Dense(3), new keras.layers.Activation('tanh')]),
        new keras.layers.Dense(3),
        new keras.layers.Softmax(),
      ]);
    const settings = fc.record({ runEagerly: fc.boolean(), jitCompile: fc.constantFrom<unknown>(true, false, 'auto') });
    await everyOutcome(fc.tuple(settings, anyValue), async ([s, v]) => {
      const m = full();
      m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], ...s } as never);
      await m.fit(x(), y(), short({ verbose: 0, ...(typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { epochs: 1 }) }) as never);
    }, 60);
    await everyOutcome(fc.tuple(anyValue, anyValue), async ([a, b]) => {
      const m = full();
      m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
      m.evaluate(a as never, b as never, { verbose: 0 });
      m.predict(a as never, { verbose: 0 });
    }, 60);
  });

  it('compile, fit, evaluate, predict', async () => {
    await everyOutcome(anyValue, (v) => built().compile(v as never));
    await everyOutcome(fc.record({ optimizer: anyValue, loss: anyValue, metrics: anyValue }, { requiredKeys: [] }), (v) => built().compile(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => compiled().fit(a as never, b as never, { verbose: 0 }));
    await everyOutcome(anyValue, (v) => compiled().fit(x(), y(), short(v) as never));
    const fitKeys = { epochs: anyValue, batchSize: anyValue, verbose: anyValue, shuffle: anyValue, validationSplit: anyValue, validationData: anyValue, callbacks: anyValue, initialEpoch: anyValue, threads: anyValue, terminateOnNaN: anyValue };
    await everyOutcome(fc.record(fitKeys, { requiredKeys: [] }), (v) => compiled().fit(x(), y(), short({ verbose: 0, ...v }) as never));
    await everyOutcome(anyValue, (v) => compiled().fit(x(), y(), { epochs: 1, verbose: 0, callbacks: v as never }));
    await everyOutcome(anyValue, (v) => compiled().fit(x(), y(), { epochs: 1, verbose: 0, callbacks: [{ onEpochEnd: v }] as never }));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => compiled().fit(x(), y(), { epochs: 1, verbose: 0, validationData: [a, b] as never }));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => compiled().evaluate(a as never, b as never, { verbose: 0 }));
    await everyOutcome(anyValue, (v) => compiled().evaluate(x(), y(), v as never));
    await everyOutcome(anyValue, (v) => compiled().predict(v as never, { verbose: 0 }));
    await everyOutcome(anyValue, (v) => compiled().predict(x(), v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue, anyValue), ([a, b, c]) => compiled().evaluateAsync(a as never, b as never, c as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => compiled().predictAsync(a as never, b as never));
  });

  it('the executors (runEagerly, jitCompile, a layer\'s fused description) and the kernel tier', async () => {
    const executorKeys = { optimizer: fc.constantFrom<unknown>('adam', 'sgd'), loss: fc.constantFrom<unknown>('sparse_categorical_crossentropy', 'mse'), runEagerly: anyValue, jitCompile: anyValue };
    const settings = fc.oneof(fc.record(executorKeys, { requiredKeys: ['optimizer', 'loss'] }), fc.record({ ...executorKeys, runEagerly: fc.boolean(), jitCompile: fc.constantFrom<unknown>(true, false, 'auto') }));
    const compiledWith = (v: unknown) => {
      const m = built();
      m.compile(v as never);
      return m;
    };
    await everyOutcome(settings, async (v) => {
      const m = compiledWith(v);
      await m.fit(x(), y(), { epochs: 1, verbose: 0 });
      m.evaluate(x(), y(), { verbose: 0 });
      m.predict(x(), { verbose: 0 });
    });
    // A custom layer may describe itself to the fused executor: any description, any jitCompile.
    const describedBy = fc.oneof(
      anyValue,
      fc.record({ kind: fc.constantFrom<unknown>('dense', 'flatten', 'conv'), name: anyValue, trainable: anyValue, units: anyValue, activation: anyValue, useBias: anyValue, kernel: anyValue, bias: anyValue }, { requiredKeys: ['kind'] }),
    );
    await everyOutcome(fc.tuple(describedBy, fc.constantFrom<unknown>(true, 'auto')), async ([spec, jitCompile]) => {
      const m = built();
      (m.layers[1] as unknown as { fusedSpec: () => unknown }).fusedSpec = () => spec;
      m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', jitCompile } as never);
      await m.fit(x(), y(), { epochs: 1, verbose: 0 });
      m.predict(x(), { verbose: 0 });
    });
    // The tier switch, and training on each tier with any options.
    try {
      await everyOutcome(anyValue, (v) => keras.config.setKernels(v as never));
      for (const tier of ['js', 'simd'] as const) {
        await keras.config.setKernels(tier);
        await everyOutcome(anyValue, (v) => compiled().fit(x(), y(), short({ verbose: 0, ...(typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { epochs: 1 }) }) as never), 60);
        await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => compiled().evaluate(a as never, b as never, { verbose: 0 }), 60);
        await everyOutcome(anyValue, (v) => compiled().predict(v as never, { verbose: 0 }), 60);
      }
    } finally {
      await keras.config.setKernels('js');
    }
  });

  it('optimizers, losses, callbacks', async () => {
    await everyOutcome(anyValue, (v) => new keras.optimizers.Adam(v as never));
    await everyOutcome(anyValue, (v) => new keras.optimizers.SGD(v as never));
    await everyOutcome(anyValue, (v) => new keras.losses.SparseCategoricalCrossentropy(v as never));
    await everyOutcome(anyValue, (v) => new keras.losses.CategoricalCrossentropy(v as never));
    await everyOutcome(anyValue, (v) => new keras.losses.MeanSquaredError(v as never));
    await everyOutcome(anyValue, (v) => getLoss(v as never));
    await everyOutcome(anyValue, (v) => getOptimizer(v as never));
    await everyOutcome(anyValue, (v) => new keras.callbacks.EarlyStopping(v as never));
    await everyOutcome(anyValue, (v) => new keras.callbacks.TerminateOnNaN(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.callbacks.ModelCheckpoint(a as never, b as never));
    await everyOutcome(fc.string(), (template) => new keras.callbacks.ModelCheckpoint(join(root(), 'never', template.replace(/\//g, '_'))));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.callbacks.CSVLogger(a as never, b as never));
  });

  it('more optimizers, learning-rate schedules and callbacks, Normalization', async () => {
    const { RMSprop, Adagrad, AdamW, Nadam } = keras.optimizers;
    const { ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, CosineDecay } = keras.optimizers.schedules;
    for (const Optimizer of [RMSprop, Adagrad, AdamW, Nadam]) {
      await everyOutcome(anyValue, (v) => new Optimizer(v as never));
      await everyOutcome(anyValue, (v) => Optimizer.fromConfig(v as never));
      await everyOutcome(anyValue, (v) => Optimizer.fromConfig({ learning_rate: v } as never));
    }
    for (const Schedule of [ExponentialDecay, InverseTimeDecay, CosineDecay]) {
      await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new Schedule(a as never, b as never).valueAt(3));
    }
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new PiecewiseConstantDecay(a as never, b as never).valueAt(3));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => new keras.callbacks.LearningRateScheduler(a as never, b as never));
    await everyOutcome(anyValue, (v) => new keras.callbacks.ReduceLROnPlateau(v as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Normalization(v as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Normalization().adapt(v as never));
    await everyOutcome(anyValue, (v) => new keras.layers.Normalization({ mean: [1, 2], variance: [1, 1] }).apply(v as never));
  });

  it('saving and loading', async () => {
    await everyOutcome(anyValue, (v) => keras.io.fromMemory(v as never));
    await everyOutcome(anyValue, (v) => keras.models.loadModel({ load: async () => v } as never));
    await everyOutcome(anyValue, (v) => built().loadWeights({ load: async () => v } as never));
    await everyOutcome(anyValue, (v) => keras.models.loadModel(v as never));
    await everyOutcome(anyValue, (v) => keras.models.loadModel(keras.io.memory(), v as never));
    await everyOutcome(anyValue, (v) => (typeof v === 'string' ? undefined : built().save(v as never)));
    await everyOutcome(anyValue, (v) => built().save(keras.io.memory(), v as never));
    await everyOutcome(anyValue, (v) => (typeof v === 'string' ? undefined : built().saveWeights(v as never)));
  });

  it('tensors and utilities', async () => {
    await everyOutcome(anyValue, (v) => keras.tensor(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => keras.tensor(a as never, b as never));
    await everyOutcome(anyValue, (v) => keras.ops.zeros(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => keras.ops.full(a as never, b as never));
    await everyOutcome(anyValue, (v) => keras.random.uniform(v as never));
    await everyOutcome(anyValue, (v) => keras.ops.zeros([2, 3]).reshape(v as never));
    await everyOutcome(anyValue, (v) => keras.ops.zeros([2, 3]).add(v as never));
    await everyOutcome(anyValue, (v) => keras.ops.zeros([2, 3]).matmul(v as never));
    await everyOutcome(anyValue, (v) => keras.ops.zeros([2, 3]).sum(v as never));
    await everyOutcome(anyValue, (v) => keras.ops.zeros([2, 3]).sliceRows(v as never, 1));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => keras.ops.oneHot(a as never, b as never));
    const methods = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'clip', 'matmul', 'softmax', 'logSoftmax', 'sum', 'mean', 'max', 'argmax', 'reshape', 'sliceRows', 'row', 'gather', 'item', 'toArray', 'flatten'] as const;
    for (const method of methods) {
      await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => (keras.ops.zeros([2, 3]) as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!(a, b), 40);
    }
    for (const [name, op] of Object.entries(keras.ops)) {
      await everyOutcome(fc.tuple(anyValue, anyValue, anyValue), ([a, b, c]) => (op as (...args: unknown[]) => unknown)(a, b, c), 40);
      await everyOutcome(fc.tuple(anyValue, anyValue), ([b, c]) => (op as (...args: unknown[]) => unknown)(keras.ops.ones([2, 3]), b, c), 40);
      void name;
    }
    await everyOutcome(anyValue, (v) => new keras.layers.Dense(2).apply(v as never));
    await everyOutcome(anyValue, (v) => keras.io.fileSystem(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => keras.io.http(a as never, b as never));
    await everyOutcome(anyValue, (v) => keras.io.browserFiles(v as never));
    await everyOutcome(fc.jsonValue({ maxDepth: 4 }), (v) => keras.models.loadModel(keras.io.browserFiles([new File([JSON.stringify(v)], 'model.json')])));
    await everyOutcome(fc.string(), (name) => keras.models.loadModel(`localstorage://${name}`));
    await everyOutcome(fc.string(), (name) => keras.models.loadModel(`indexeddb://${name}`));
    await everyOutcome(anyValue, (v) => new keras.callbacks.ProgressCallback(v as never));
    await everyOutcome(anyValue, (v) => keras.io.browserDownloads(v as never));
    await everyOutcome(anyValue, (v) => keras.io.withSaveHandler(v as never).save!({}));
    await everyOutcome(anyValue, (v) => keras.utils.setRandomSeed(v as never));
    await everyOutcome(fc.tuple(anyValue, anyValue), ([a, b]) => keras.utils.checkGradients(a as never, b as never));
  });

  it('loadData', async () => {
    const empty = join(root(), 'empty');
    await mkdir(empty, { recursive: true });
    // Plain objects get an unknown key or stay away from the network and the real dataset.
    const safe = (v: unknown) =>
      v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
        ? { ...(v as object), download: false, systemDir: empty, cacheDir: empty, dir: empty }
        : v;
    await everyOutcome(anyValue, (v) => loadData(safe(v) as never));
    await everyOutcome(anyValue, (v) => keras.datasets.mnist.loadData(safe(v) as never));
  });
});

/** A compiled Functional model with every kind of graph entry: two inputs, a shared layer, merges, a nested model, two outputs. */
function functionalModel(): keras.Model {
  const a = keras.Input({ shape: [2], name: 'a' });
  const b = keras.Input({ shape: [2], name: 'b' });
  const shared = new keras.layers.Dense(2, { name: 'shared' });
  const innerIn = keras.Input({ shape: [2], name: 'inner_in' });
  const inner = new keras.Model({ inputs: innerIn, outputs: new keras.layers.Dense(2, { name: 'inner_d' }).apply(innerIn), name: 'inner' });
  const sum = new keras.layers.Add({ name: 'sum' }).apply([inner.apply(shared.apply(a)), shared.apply(b)]);
  const joined = new keras.layers.Concatenate({ name: 'joined' }).apply([sum, a]);
  const m = new keras.Model({
    inputs: [a, b],
    outputs: [new keras.layers.Dense(1, { name: 'score' }).apply(joined), new keras.layers.Dense(3, { activation: 'softmax', name: 'kind' }).apply(joined)],
  });
  m.compile({ optimizer: 'adam', loss: ['mse', 'categorical_crossentropy'], lossWeights: [1, 0.5], metrics: [['mae'], ['accuracy']] });
  return m;
}

describe('a Functional model.json with its graph rewired', () => {
  it('any inbound reference, input or output: a model or a TinykerasError, never a hang or a raw error', async () => {
    const memory = keras.io.memory();
    await functionalModel().save(memory);
    const good = memory.artifacts!;
    const json = JSON.parse(JSON.stringify({ ...good, weightData: undefined }));
    const names = json.modelTopology.config.layers.map((l: { name: string }) => l.name);
    /** [layer name, node index, tensor index, kwargs] from names that exist and do not, indices in range and absurd. */
    const ref = fc.tuple(
      fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 4 })),
      fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constantFrom(-1, 0.5, 1e9, NaN, '0', null)),
      fc.oneof(fc.constant(0), fc.constantFrom(1, -1, null)),
      fc.constant({}),
    );
    const calls = fc.array(fc.array(ref, { minLength: 1, maxLength: 3 }), { minLength: 0, maxLength: 2 });
    const rewiring = fc.record({
      layer: fc.integer({ min: 0, max: names.length - 1 }),
      calls,
      inputs: fc.option(fc.array(ref.map((r) => r.slice(0, 3)), { maxLength: 3 }), { nil: undefined }),
      outputs: fc.option(fc.array(ref.map((r) => r.slice(0, 3)), { maxLength: 3 }), { nil: undefined }),
    });
    await everyOutcome(
      rewiring,
      async ({ layer, calls: inbound, inputs, outputs }) => {
        const copy = JSON.parse(JSON.stringify(json));
        const config = copy.modelTopology.config;
        config.layers[layer].inbound_nodes = inbound;
        if (inputs !== undefined) config.input_layers = inputs;
        if (outputs !== undefined) config.output_layers = outputs;
        await keras.models.loadModel(keras.io.fromMemory({ ...copy, weightData: good.weightData }));
      },
      600,
    );
  });
});

describe('every file reader, any bytes', () => {
  it('model.json, weights files, IDX and gzip dataset files', async () => {
    const dir = join(root(), 'files');
    await mkdir(dir, { recursive: true });
    await built().save(join(dir, 'good'));
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 300 }).map((s) => new TextEncoder().encode(s)));
    let n = 0;
    await everyOutcome(bytes, async (b) => {
      const path = join(dir, `m-${n++}.json`);
      await writeFile(path, b);
      await keras.models.loadModel(path);
    });
    await everyOutcome(bytes, async (b) => {
      await writeFile(join(dir, 'good', 'weights.bin'), b);
      await keras.models.loadModel(join(dir, 'good'));
    });
    await everyOutcome(bytes, async (b) => {
      const csv = join(dir, `log-${n++}.csv`);
      await writeFile(csv, b);
      await compiled().fit(x(), y(), { epochs: 1, verbose: 0, callbacks: [new keras.callbacks.CSVLogger(csv, { append: true })] });
    }, 40);
    await everyOutcome(bytes, (b) => parseIdx(b, 'x.idx'));
    await everyOutcome(bytes, (b) => gunzipBytes(b, 'x.gz', 1 << 20));
  });

  it.each([
    ['Flatten and Dense', () => compiled()],
    [
      'every layer kind, a nested model',
      () => {
        const m = new keras.Sequential([
          keras.Input({ shape: [2, 2] }),
          new keras.layers.Flatten(),
          new keras.layers.Dense(4),
          new keras.layers.ReLU({ maxValue: 6 }),
          new keras.layers.Dropout(0.25, { seed: 3 }),
          new keras.Sequential([new keras.layers.Dense(3), new keras.layers.Activation('tanh')]),
          new keras.layers.Softmax(),
        ]);
        m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
        return m;
      },
    ],
    ['a Functional graph: two inputs, a shared layer, merges, a nested model, two outputs', () => functionalModel()],
  ] as const)('a valid model.json (%s) with any subtree replaced by any JSON value', async (_, make) => {
    const memory = keras.io.memory();
    const m = make();
    await m.save(memory, { includeOptimizer: true });
    const good = memory.artifacts!;
    const json = JSON.parse(JSON.stringify({ ...good, weightData: undefined }));
    /** Every path to a value in `value`, as keys. */
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
    };
    walk(json, []);
    const replaced = fc.tuple(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue({ maxDepth: 3 }));
    await everyOutcome(
      replaced,
      async ([path, value]) => {
        const copy = JSON.parse(JSON.stringify(json));
        let at = copy;
        for (const key of path.slice(0, -1)) at = at[key];
        at[path[path.length - 1]!] = value;
        await keras.models.loadModel(keras.io.fromMemory({ ...copy, weightData: good.weightData }));
        await make().loadWeights(keras.io.fromMemory({ ...copy, weightData: good.weightData }));
      },
      1000,
    );
    expect(paths.length).toBeGreaterThan(40);
  });
});
