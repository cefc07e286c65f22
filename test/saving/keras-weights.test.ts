/**
 * Weights and optimizer state in Keras's layouts (src/saving/keras-format/keras-weights.ts)
 * and model.saveWeights / loadWeights with `.weights.h5`, `.keras` and legacy
 * `.h5` files: the group keys Keras 3.15 writes (dumped from real files with
 * h5py), round trips that resume training bit for bit, a real Keras archive
 * (fixtures/small.keras), and files of another architecture or none at all.
 * The real-Keras round trips are in test/keras/keras-weights.keras.test.ts.
 */
import fc from 'fast-check';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import {
  Hdf5File,
  kerasArchiveWeights,
  kerasVarsGroups,
  kerasWeightsFile,
  legacyH5Root,
  loadKerasWeights,
  readKerasArchive,
  readLegacyH5,
  setKerasArchiveWeights,
  setLegacyH5Weights,
  writeHdf5,
  writeKerasArchive,
  type LegacyH5,
} from '../../src/saving/keras-format/index.js';
import { readAllDatasets } from '../../src/saving/keras-format/weights-tree.js';
import { weightsTree } from '../../src/saving/keras-format/keras-archive.js';

/** A weights file holding exactly `weights` (paths to arrays), for files Keras would never write. */
const kerasTree = (weights: Map<string, { shape: number[]; data: Float32Array | Int32Array | Uint8Array }>) => writeHdf5(weightsTree(weights, {}));
import { failure, useTempDir } from '../support/helpers.js';

const { Dense, Dropout, BatchNormalization, Concatenate, Conv2D, Flatten, ReLU, MaxPooling2D } = keras.layers;

const dir = useTempDir('keras-weights');
let counter = 0;
const freshFile = (suffix = '.weights.h5') => join(dir(), `w${counter++}${suffix}`);

beforeEach(() => keras.utils.clearSession());

/** Dense 'hid' → Dropout → Dense → BatchNormalization → Dense 'out', on 4 inputs: the model whose file Keras 3.15 wrote as below. */
function mixedSequential(): keras.Sequential {
  return new keras.Sequential([
    keras.Input({ shape: [4] }),
    new Dense(3, { name: 'hid' }),
    new Dropout(0.1),
    new Dense(3),
    new BatchNormalization(),
    new Dense(2, { name: 'out' }),
  ]);
}

/** Two Dense branches → Concatenate → Dense → a nested Sequential of two Dense → Dense. */
function branchedFunctional(): keras.Model {
  const inner = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(3), new Dense(3)], { name: 'inner' });
  const input = keras.Input({ shape: [4] });
  const a = new Dense(5).apply(input);
  const b = new Dense(5).apply(input);
  const joined = new Concatenate().apply([a, b]);
  const output = new Dense(2).apply(inner.apply(new Dense(4).apply(joined)));
  return new keras.Model({ inputs: input, outputs: output });
}

/** mixedSequential without its Dropout, whose random masks would differ between two models: Dense → Dense → BatchNormalization → Dense. */
function resumable(): keras.Sequential {
  return new keras.Sequential([keras.Input({ shape: [4] }), new Dense(3, { name: 'hid' }), new Dense(3), new BatchNormalization(), new Dense(2, { name: 'out' })]);
}

function data(n: number, features: number, outputs: number, seed: number): [keras.Tensor, keras.Tensor] {
  const generator = new keras.random.RandomGenerator(seed);
  return [keras.random.uniform([n, features], -1, 1, generator), keras.random.uniform([n, outputs], -1, 1, generator)];
}

function values(model: { weights: keras.Tensor[] }): number[][] {
  return model.weights.map((w) => [...w.data]);
}

describe("Keras 3's layout", () => {
  it('keys layers by class with a counter per class, a vars group for each, as Keras 3.15 writes a Sequential', () => {
    const model = mixedSequential();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const groups = kerasVarsGroups(model);
    expect(groups.map((g) => [g.path, g.owner.name, g.variables.map((v) => v.shape)])).toEqual([
      ['', model.name, []],
      ['layers/dense', 'hid', [[4, 3], [3]]],
      ['layers/dropout', expect.any(String), []],
      ['layers/dense_1', expect.any(String), [[3, 3], [3]]],
      ['layers/batch_normalization', expect.any(String), [[3], [3], [3], [3]]],
      ['layers/dense_2', 'out', [[3, 2], [2]]],
    ]);
    const { weights, varsAttributes } = kerasArchiveWeights(model);
    // Keras's optimizer/vars: iteration, learning_rate, then m and v of each trainable weight (BatchNormalization's gamma and beta only).
    expect([...weights.keys()].filter((k) => k.startsWith('optimizer/'))).toHaveLength(2 + 2 * 8);
    expect(weights.get('optimizer/vars/0')).toEqual({ shape: [], data: BigInt64Array.of(0n) });
    expect(weights.get('optimizer/vars/1')!.data[0]).toBe(Math.fround(0.001));
    expect(weights.get('optimizer/vars/14')!.shape).toEqual([3, 2]);
    expect(varsAttributes).toMatchObject({ vars: { name: model.name }, 'layers/dense/vars': { name: 'hid' }, 'optimizer/vars': { name: 'adam' } });
    expect(Object.keys(varsAttributes)).toContain('layers/dropout/vars');
  });

  it("keys a Functional model's InputLayer, branches and nested model as Keras 3.15 does", () => {
    const paths = kerasVarsGroups(branchedFunctional()).map((g) => `${g.path}:${g.variables.length}`);
    expect(paths).toEqual([
      ':0',
      'layers/input_layer:0',
      'layers/dense:2',
      'layers/dense_1:2',
      'layers/concatenate:0',
      'layers/dense_2:2',
      'layers/sequential:0',
      'layers/sequential/layers/dense:2',
      'layers/sequential/layers/dense_1:2',
      'layers/dense_3:2',
    ]);
  });

  it('names a CNN\'s layer groups after their classes as Keras does (conv2d, re_lu, max_pooling2d)', () => {
    const model = new keras.Sequential([
      keras.Input({ shape: [6, 6, 2] }),
      new Conv2D(3, 3),
      new BatchNormalization(),
      new ReLU(),
      new MaxPooling2D(),
      new Flatten(),
      new Dense(3),
    ]);
    expect(kerasVarsGroups(model).map((g) => g.path)).toEqual(['', 'layers/conv2d', 'layers/batch_normalization', 'layers/re_lu', 'layers/max_pooling2d', 'layers/flatten', 'layers/dense']);
  });

  it('writes an HDF5 file with every group, empty vars groups and their name attributes included', async () => {
    const model = mixedSequential();
    const root = Hdf5File.open(kerasWeightsFile(model), 'x.weights.h5').root;
    expect(root.find('layers/dropout/vars')).not.toBeNull();
    const attribute = (path: string) => (root.get(path) as ReturnType<typeof root.find> & { attributes(): Map<string, { data: unknown[] }> }).attributes().get('name')?.data[0];
    expect(attribute('vars')).toBe(model.name);
    expect(attribute('layers/dense_2/vars')).toBe('out');
    expect(root.find('optimizer')).toBeNull(); // not compiled: no optimizer group
    const arrays = await readAllDatasets(root);
    expect([...arrays.keys()]).toEqual(['layers/batch_normalization/vars/0', 'layers/batch_normalization/vars/1', 'layers/batch_normalization/vars/2', 'layers/batch_normalization/vars/3', 'layers/dense/vars/0', 'layers/dense/vars/1', 'layers/dense_1/vars/0', 'layers/dense_1/vars/1', 'layers/dense_2/vars/0', 'layers/dense_2/vars/1']);
    expect(arrays.get('layers/dense_2/vars/0')!.data).toEqual(model.layers[4]!.weights[0]!.data);
  });
});

describe('saveWeights / loadWeights with .weights.h5', () => {
  for (const [label, optimizer] of [
    ['Adam', () => new keras.optimizers.Adam({ learningRate: 0.01 })],
    ['SGD with momentum', () => new keras.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 })],
    ['SGD', () => new keras.optimizers.SGD({ learningRate: 0.05 })],
    ['Nadam', () => new keras.optimizers.Nadam({ learningRate: 0.01 })],
  ] as const) {
    it(`resumes ${label} training bit for bit in a model loaded from the file`, async () => {
      const [x, y] = data(16, 4, 2, 3);
      const first = resumable();
      first.compile({ optimizer: optimizer(), loss: 'mse' });
      await first.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
      const file = freshFile();
      await first.saveWeights(file);

      const second = resumable();
      second.compile({ optimizer: optimizer(), loss: 'mse' });
      await second.loadWeights(file);
      expect(values(second)).toEqual(values(first));
      expect(second.compiled!.optimizer.iterations).toBe(4);
      await first.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
      await second.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
      expect(values(second)).toEqual(values(first));
    });
  }

  it("writes Nadam's u_product after the slots as Keras 3.15 does, and reads Keras's files that hold it", async () => {
    // Keras 3.15 keeps Nadam's Π_t = u₁·…·u_t as a 15th variable for 6 trainable weights; after 2 steps (β₁ 0.9) its file held 0.22711101.
    const [x, y] = data(16, 4, 2, 3);
    const first = resumable();
    first.compile({ optimizer: new keras.optimizers.Nadam({ learningRate: 0.01 }), loss: 'mse' });
    await first.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const { weights } = kerasArchiveWeights(first);
    const optimizerVars = [...weights.keys()].filter((key) => key.startsWith('optimizer/vars/'));
    expect(optimizerVars.length).toBe(2 + 2 * first.trainableWeights.length + 1);
    const last = weights.get(`optimizer/vars/${optimizerVars.length - 1}`)!;
    expect(last.shape).toEqual([]);
    expect(last.data).toEqual(Float32Array.of(0.22711101));
    // The legacy layout names it as Keras does.
    const legacy = await readLegacyH5(writeHdf5(legacyH5Root(first, {})), 'nadam.h5');
    expect(legacy.optimizerWeights.map((w) => w.name).at(-1)).toBe('nadam/variable');
    const second = resumable();
    second.compile({ optimizer: new keras.optimizers.Nadam({ learningRate: 0.01 }), loss: 'mse' });
    setLegacyH5Weights(second, legacy, 'nadam.h5');
    expect(second.compiled!.optimizer.iterations).toBe(2);
    // A trailing entry that is not a float scalar is refused by name.
    const bad = new Map(weights);
    bad.set(`optimizer/vars/${optimizerVars.length - 1}`, { shape: [2], data: new Float32Array(2) });
    const third = resumable();
    third.compile({ optimizer: 'nadam', loss: 'mse' });
    const error = await failure(() => loadKerasWeights(third, writeHdf5(weightsTree(bad, {})), 'bad.weights.h5'));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/should be a float scalar that Nadam keeps after the slots/);
  });

  it("reads Normalization's count stored as int64, as Keras 3.15 writes it", async () => {
    const normalization = new keras.layers.Normalization();
    normalization.adapt(keras.tensor([[1, 2], [3, 6], [5, 10]]));
    const model = new keras.Sequential([keras.Input({ shape: [2] }), normalization, new Dense(1)]);
    const { weights } = kerasArchiveWeights(model);
    const count = weights.get('layers/normalization/vars/2')!;
    expect(count.shape).toEqual([]);
    const asInt64 = new Map(weights);
    // Keras 3.15 leaves the count at 0; any integer converts.
    asInt64.set('layers/normalization/vars/2', { shape: [], data: BigInt64Array.of(7n) });
    const fresh = new keras.layers.Normalization();
    const other = new keras.Sequential([keras.Input({ shape: [2] }), fresh, new Dense(1)]);
    await loadKerasWeights(other, writeHdf5(weightsTree(asInt64, {})), 'norm.weights.h5');
    expect(values(other).filter((_, i) => i !== 2)).toEqual(values(model).filter((_, i) => i !== 2));
    expect([...fresh.adaptMean!.data]).toEqual([3, 6]);
    expect(fresh.count!.data[0]).toBe(7);
    // An integer kernel is still refused: only a scalar may be stored as integers.
    const intKernel = new Map(weights);
    intKernel.set('layers/dense/vars/0', { shape: [2, 1], data: new Int32Array(2) });
    expect((await failure(() => loadKerasWeights(other, writeHdf5(weightsTree(intKernel, {})), 'int.weights.h5'))).message).toMatch(/Received: int32 \[2, 1\]/);
  });

  it('round-trips a Functional model with a nested model, and predicts the same', async () => {
    const [x, y] = data(8, 4, 2, 5);
    const first = branchedFunctional();
    first.compile({ optimizer: 'adam', loss: 'mse' });
    await first.fit(x, y, { epochs: 1, verbose: 0 });
    const file = freshFile();
    await first.saveWeights(`file://${file}`);
    const second = branchedFunctional();
    second.compile({ optimizer: 'adam', loss: 'mse' });
    await second.loadWeights(file);
    expect((second.predict(x) as keras.Tensor).data).toEqual((first.predict(x) as keras.Tensor).data);
    expect(second.compiled!.optimizer.iterations).toBe(1);
  });

  it('loads a file given as bytes or a Blob, and leaves an uncompiled model without optimizer', async () => {
    const first = mixedSequential();
    first.compile({ optimizer: 'adam', loss: 'mse' });
    const bytes = kerasWeightsFile(first);
    const second = mixedSequential();
    await second.loadWeights(bytes);
    expect(values(second)).toEqual(values(first));
    const third = mixedSequential();
    await third.loadWeights(new Blob([bytes.slice().buffer as ArrayBuffer]));
    expect(values(third)).toEqual(values(first));
  });

  it('reads the weights and Adam state of a .keras file written by Keras 3.15', async () => {
    const path = join(__dirname, 'fixtures', 'small.keras');
    const model = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(3, { activation: 'relu' }), new Dense(2)]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.loadWeights(path);
    const archive = await readKerasArchive(new Uint8Array(await readFile(path)), 'small.keras');
    expect(model.weights[0]!.data).toEqual(archive.weights.get('layers/dense/vars/0')!.data);
    expect(model.weights[3]!.data).toEqual(archive.weights.get('layers/dense_1/vars/1')!.data);
    const optimizer = model.compiled!.optimizer;
    expect(optimizer.iterations).toBe(Number(archive.weights.get('optimizer/vars/0')!.data[0]));
    // Keras's variables side by side: optimizer/vars/2 is the kernel's momentum (m), 3 its velocity (v).
    expect(optimizer.peekSlots(model.weights[0]!)![0]).toEqual(archive.weights.get('optimizer/vars/2')!.data);
    expect(optimizer.peekSlots(model.weights[0]!)![1]).toEqual(archive.weights.get('optimizer/vars/3')!.data);
    expect(optimizer.learningRate).toBe(0.001); // the file's float32 0.001 is the rate compile gave
  });

  it('writes archives with writeKerasArchive that read back the same', async () => {
    const model = mixedSequential();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const bytes = await writeKerasArchive({ config: { class_name: 'Sequential' }, ...kerasArchiveWeights(model) });
    const again = mixedSequential();
    again.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(await loadKerasWeights(again, bytes, 'm.keras')).toBe('keras-archive');
    expect(values(again)).toEqual(values(model));
  });

  it('refuses other file names for saveWeights, naming both Keras and TF.js suffixes', async () => {
    const error = await failure(() => mixedSequential().saveWeights(freshFile('.h5')));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/must end in `\.weights\.h5`.*`\.weights\.json`/);
  });

  it('is what ModelCheckpoint writes with saveWeightsOnly and a .weights.h5 path', async () => {
    const [x, y] = data(16, 4, 2, 9);
    const model = resumable();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const file = freshFile();
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [new keras.callbacks.ModelCheckpoint(file, { saveWeightsOnly: true })] });
    const again = resumable();
    again.compile({ optimizer: 'adam', loss: 'mse' });
    await again.loadWeights(file);
    expect(values(again)).toEqual(values(model));
    expect(again.compiled!.optimizer.iterations).toBe(4);
  });

  it('replaces an existing file whole', async () => {
    const file = freshFile();
    const model = mixedSequential();
    await model.saveWeights(file);
    model.weights[0]!.data.fill(7);
    await model.saveWeights(file);
    const again = mixedSequential();
    await again.loadWeights(file);
    expect(again.weights[0]!.data.every((v) => v === 7)).toBe(true);
  });
});

describe('files of another architecture, or not weights at all', () => {
  async function savedFrom(model: keras.Sequential): Promise<string> {
    const file = freshFile();
    await model.saveWeights(file);
    return file;
  }

  it('names the file, the layer, and the shapes when a weight does not fit, and changes nothing', async () => {
    const file = await savedFrom(new keras.Sequential([keras.Input({ shape: [4] }), new Dense(5, { name: 'wide' }), new Dense(2)]));
    const model = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(3, { name: 'narrow' }), new Dense(2)]);
    const before = values(model);
    const error = await failure(() => model.loadWeights(file));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/'layers\/dense\/vars\/0' should be 'narrow\/kernel' of layer "narrow" \(Dense\), float32 \[4, 3\]\. Received: float32 \[4, 5\]/);
    expect(values(model)).toEqual(before);
  });

  it('names a layer the file lacks, and an array it has no place for', async () => {
    const file = await savedFrom(new keras.Sequential([keras.Input({ shape: [4] }), new Dense(2)]));
    const longer = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(2), new Dense(2, { name: 'extra' })]);
    expect((await failure(() => longer.loadWeights(file))).message).toMatch(/has no 'layers\/dense_1\/vars\/0': weight 0 \('extra\/kernel'\) of layer "extra" \(Dense\).*The file's layers with weights: layers\/dense \(2\)/);
    const file2 = await savedFrom(new keras.Sequential([keras.Input({ shape: [4] }), new Dense(2), new Dense(2)]));
    const shorter = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(2)]);
    expect((await failure(() => shorter.loadWeights(file2))).message).toMatch(/holds 'layers\/dense_1\/vars\/0', which this model has no place for/);
  });

  it("refuses optimizer state of another optimizer, leaving weights and optimizer as they were", async () => {
    const adam = mixedSequential();
    adam.compile({ optimizer: 'adam', loss: 'mse' });
    const file = freshFile();
    await adam.saveWeights(file);
    const sgd = mixedSequential();
    sgd.compile({ optimizer: new keras.optimizers.SGD({ momentum: 0.5 }), loss: 'mse' });
    const before = values(sgd);
    const error = await failure(() => sgd.loadWeights(file));
    expect(error.message).toMatch(/optimizer's variables do not fit this model's optimizer: expected SGD's state for the 8 trainable weights.*Received: 18 arrays/);
    expect(values(sgd)).toEqual(before);
  });

  it('refuses an HDF5 file that is not a Keras weights file, random bytes, and a missing path', async () => {
    const model = mixedSequential();
    const other = writeHdf5({ kind: 'group', members: { data: { kind: 'dataset', shape: [2], data: new Float32Array(2) } } });
    expect((await failure(() => model.loadWeights(other))).message).toMatch(/the given bytes: has no 'layers\/dense\/vars\/0'.*The file's layers with weights: none/);
    const empty = writeHdf5({ kind: 'group', members: {} });
    expect((await failure(() => model.loadWeights(empty))).message).toMatch(/not one of Keras's weight files/);
    const junk = freshFile();
    await writeFile(junk, new Uint8Array(100).fill(42));
    expect(await failure(() => model.loadWeights(junk))).toBeInstanceOf(FileFormatError);
    expect(await failure(() => model.loadWeights(freshFile()))).toBeInstanceOf(FileFormatError);
  });

  it('refuses an iteration count that is not a count, and gaps in optimizer/vars', () => {
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new Dense(1)]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { weights } = kerasArchiveWeights(model);
    const arrays = new Map([...weights].map(([k, v]) => [k, { shape: v.shape, dtype: v.data instanceof BigInt64Array ? 'int64' : 'float32', data: v.data }]));
    const bad = new Map(arrays).set('optimizer/vars/0', { shape: [], dtype: 'float32', data: Float32Array.of(-1) });
    expect(() => setKerasArchiveWeights(model, bad, 'bad.weights.h5')).toThrow(/first variable \('optimizer\/vars\/0'\) should be the iteration count/);
    const gap = new Map(arrays);
    gap.delete('optimizer/vars/0');
    expect(() => setKerasArchiveWeights(model, gap, 'gap.weights.h5')).toThrow(/'optimizer\/vars\/0' is missing/);
  });
});

describe('hostile weights files', () => {
  it('refuses a weight of integers or strings, and a huge optimizer index, at once', async () => {
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new Dense(1)]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const tree = (members: Record<string, Uint8Array | Int32Array | Float32Array>) => {
      const weights = new Map(Object.entries(members).map(([path, data]) => [path, { shape: path.endsWith('vars/0') ? [2, 1] : [1], data }]));
      return kerasTree(weights);
    };
    const ints = tree({ 'layers/dense/vars/0': new Int32Array(2), 'layers/dense/vars/1': new Float32Array(1) });
    expect((await failure(() => model.loadWeights(ints))).message).toMatch(/'layers\/dense\/vars\/0' should be '.*kernel' of layer "dense(_\d+)?" \(Dense\), float32 \[2, 1\]\. Received: int32 \[2, 1\]/);
    const huge = tree({ 'layers/dense/vars/0': new Float32Array(2), 'layers/dense/vars/1': new Float32Array(1), 'optimizer/vars/999999999': new Float32Array(1) });
    expect((await failure(() => model.loadWeights(huge))).message).toMatch(/numbered 0 to 0, but 'optimizer\/vars\/0' is missing/);
    const tooHuge = tree({ 'layers/dense/vars/0': new Float32Array(2), 'layers/dense/vars/1': new Float32Array(1), 'optimizer/vars/99999999999999': new Float32Array(1) });
    expect((await failure(() => model.loadWeights(tooHuge))).message).toMatch(/holds 'optimizer\/vars\/99999999999999', which this model has no place for/);
  });

  it('random mutations of a saved file (bytes changed, cut short): loaded, or a FileFormatError with the model unchanged', async () => {
    const trained = resumable();
    trained.compile({ optimizer: 'adam', loss: 'mse' });
    const [x, y] = data(8, 4, 2, 1);
    await trained.fit(x, y, { epochs: 1, verbose: 0 });
    const original = kerasWeightsFile(trained);
    const model = resumable();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const before = values(model);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: original.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat({ max: original.length }), { nil: undefined }),
        async (changes, cut) => {
          const bytes = original.slice(0, cut ?? original.length);
          for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
          try {
            await model.loadWeights(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(FileFormatError);
            expect(values(model)).toEqual(before);
            return;
          }
          model.weights.forEach((w, i) => w.data.set(before[i]!)); // a mutation that kept the file readable: start again from the same weights
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });
});

describe('legacy .h5 weights', () => {
  const arr = (name: string, shape: readonly number[], fill: number) => ({ name, shape: [...shape], dtype: 'float32', data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });

  function legacyFile(weights: LegacyH5['weights'], optimizerWeights: LegacyH5['optimizerWeights'] = []): LegacyH5 {
    return { modelConfig: null, trainingConfig: null, weights, optimizerWeights, kerasVersion: '2.15.0', backend: 'tensorflow' };
  }

  it("reads Keras 2's per-layer lists and slot-by-slot Adam state (every m, then every v)", () => {
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new Dense(3, { name: 'a' }), new Dense(1, { name: 'b' })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const file = legacyFile(
      new Map([
        ['a', [arr('a/kernel:0', [2, 3], 1), arr('a/bias:0', [3], 2)]],
        ['b', [arr('b/kernel:0', [3, 1], 3), arr('b/bias:0', [1], 4)]],
      ]),
      [
        { name: 'Adam/iter:0', shape: [], dtype: 'int64', data: BigInt64Array.of(7n) },
        ...['a/kernel', 'a/bias', 'b/kernel', 'b/bias'].map((w, i) => arr(`Adam/${w}/m:0`, model.weights[i]!.shape, 10 + i)),
        ...['a/kernel', 'a/bias', 'b/kernel', 'b/bias'].map((w, i) => arr(`Adam/${w}/v:0`, model.weights[i]!.shape, 20 + i)),
      ],
    );
    setLegacyH5Weights(model, file, 'old.h5');
    expect(model.weights.map((w) => w.data[0])).toEqual([1, 2, 3, 4]);
    const optimizer = model.compiled!.optimizer;
    expect(optimizer.iterations).toBe(7);
    expect(model.weights.map((w) => optimizer.peekSlots(w)!.map((s) => s[0]))).toEqual([[10, 20], [11, 21], [12, 22], [13, 23]]);
  });

  it("reads Keras 3's legacy lists: a nested model's trainable weights first, and Adam's m and v side by side", () => {
    const inner = new keras.Sequential([keras.Input({ shape: [2] }), new Dense(2), new BatchNormalization()], { name: 'inner' });
    const input = keras.Input({ shape: [2] });
    const model = new keras.Model({ inputs: input, outputs: new Dense(1, { name: 'head' }).apply(inner.apply(input)) });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const [kernel, bias, gamma, beta, mean, variance] = inner.weights;
    const file = legacyFile(
      new Map([
        ['input_layer', []],
        ['inner', [arr('k', [2, 2], 1), arr('b', [2], 2), arr('g', [2], 3), arr('be', [2], 4), arr('mm', [2], 5), arr('mv', [2], 6)]],
        ['head', [arr('hk', [2, 1], 7), arr('hb', [1], 8)]],
      ]),
      [
        { name: 'adam/iteration', shape: [], dtype: 'int64', data: BigInt64Array.of(3n) },
        { name: 'adam/learning_rate', shape: [], dtype: 'float32', data: Float32Array.of(0.5) },
        ...model.trainableWeights.flatMap((w, i) => [arr(`adam/w${i}_momentum`, w.shape, 10 + i), arr(`adam/w${i}_velocity`, w.shape, 20 + i)]),
      ],
    );
    setLegacyH5Weights(model, file, 'k3.h5');
    expect([kernel, bias, gamma, beta, mean, variance].map((w) => w!.data[0])).toEqual([1, 2, 3, 4, 5, 6]);
    const optimizer = model.compiled!.optimizer;
    expect(optimizer.learningRate).toBe(0.5);
    expect(optimizer.peekSlots(gamma!)!.map((s) => s[0])).toEqual([12, 22]);
  });

  it("round-trips through legacyH5Root's file: a nested model with BatchNormalization, Adam resuming bit for bit", async () => {
    const build = () => {
      const inner = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(3), new BatchNormalization()], { name: 'inner' });
      const input = keras.Input({ shape: [4] });
      const model = new keras.Model({ inputs: input, outputs: new Dense(2, { name: 'head' }).apply(inner.apply(input)) });
      model.compile({ optimizer: 'adam', loss: 'mse' });
      return model;
    };
    const [x, y] = data(8, 4, 2, 4);
    const first = build();
    await first.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const bytes = writeHdf5(legacyH5Root(first, { modelConfig: { class_name: 'Functional', config: {} } }));
    const legacy = await readLegacyH5(bytes, 'm.h5');
    expect([...legacy.weights.keys()]).toEqual([first.layers[0]!.name, 'inner', 'head']);
    expect(legacy.weights.get('inner')!.map((w) => w.name)).toEqual(['inner/dense/kernel', 'inner/dense/bias', 'inner/batch_normalization/gamma', 'inner/batch_normalization/beta', 'inner/batch_normalization/moving_mean', 'inner/batch_normalization/moving_variance'].map((n) => expect.stringMatching(new RegExp(`^${n.replace(/dense|batch_normalization/, '$&(_\\d+)?')}$`))));
    expect(legacy.optimizerWeights.slice(0, 4).map((w) => w.name)).toEqual(['adam/iteration', 'adam/learning_rate', expect.stringMatching(/^adam\/inner_dense(_\d+)?_kernel_momentum$/), expect.stringMatching(/velocity$/)]);
    const second = build();
    expect(await loadKerasWeights(second, bytes, 'm.h5')).toBe('legacy-h5');
    expect(values(second)).toEqual(values(first));
    await first.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    await second.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(values(second)).toEqual(values(first));
  });

  it('pairs layers by position when the names differ, and names both when the counts differ', () => {
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new Dense(1)]);
    setLegacyH5Weights(model, legacyFile(new Map([['other', [arr('k', [2, 1], 5), arr('b', [1], 6)]]])), 'w.h5');
    expect(model.weights.map((w) => w.data[0])).toEqual([5, 6]);
    expect(() => setLegacyH5Weights(model, legacyFile(new Map([['other', [arr('k', [2, 1], 5)]]])), 'w.h5')).toThrow(/w\.h5: layer 'other' holds 1 weights \('k' \[2, 1\]\), but layer "dense(_\d+)?" \(Dense\) has 2/);
    expect(() => setLegacyH5Weights(model, legacyFile(new Map()), 'w.h5')).toThrow(/holds weights for 0 layers \(none\), but model "sequential(_\d+)?" has 1 layers with weights/);
  });
});
