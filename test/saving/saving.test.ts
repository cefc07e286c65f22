import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { seedModel, useTempDir, loadSequential } from '../support/helpers.js';
import { FileFormatError, RuntimeError, ShapeError, ValueError } from '../../src/errors.js';
import type { ModelArtifacts } from '../../src/saving/index.js';

const { Dense, Flatten } = keras.layers;

const root = useTempDir('saving');
let counter = 0;
/** A fresh directory path under this run's temporary root. */
const freshPath = (name = 'model') => join(root(), `${name}-${counter++}`);

beforeEach(() => keras.utils.clearSession());

/** A small model for training tests: Flatten [4, 4] → Dense 8 relu → Dense `classes` softmax. */
function smallModel(classes = 3): keras.Sequential {
  return new keras.Sequential([
    new Flatten({ inputShape: [4, 4] }),
    new Dense(8, { activation: 'relu' }),
    new Dense(classes, { activation: 'softmax' }),
  ]);
}

/** `n` samples of shape `sampleShape`, uniform in [0, 1), from a generator of their own (the global one is left alone). */
function randomImages(n: number, sampleShape: number[], seed: number): keras.Tensor {
  return keras.random.uniform([n, ...sampleShape], 0, 1, new keras.random.RandomGenerator(seed));
}

/** A learnable 3-class problem on 4×4 inputs: class k has its mass in row k. */
function blobs(n: number, seed: number): [keras.Tensor, keras.Tensor] {
  const noise = new keras.random.RandomGenerator(seed);
  const x = new Float32Array(n * 16);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    y[i] = label;
    for (let j = 0; j < 16; j++) x[i * 16 + j] = (Math.floor(j / 4) === label ? 1 : 0) + (noise.uniform() - 0.5);
  }
  return [new keras.Tensor(x, [n, 4, 4]), new keras.Tensor(y, [n])];
}

const predictions = (model: keras.Sequential, x: keras.Tensor) => Array.from(model.predict(x, { verbose: 0 }).data);
const weightValues = (model: keras.Sequential) => model.getWeights().map((w) => Array.from(w.data));

/** Rewrites a saved model.json through `edit`. */
async function editModelJSON(dir: string, edit: (json: any) => void): Promise<void> {
  const path = join(dir, 'model.json');
  const json = JSON.parse(await readFile(path, 'utf8'));
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

/** The error `promise` rejects with (failing the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

describe('save and loadModel: files on disk', () => {
  it('writes model.json and weights.bin in TF.js layers-model layout', async () => {
    keras.utils.setRandomSeed(1);
    const model = seedModel();
    const dir = freshPath();
    await model.save(dir);

    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest']);
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toBe('tinykeras v0.1.0');
    expect(json.convertedBy).toBeNull();
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.modelTopology.keras_version).toBe('tinykeras 0.1.0');
    expect(json.modelTopology.backend).toBe('tinykeras');
    const [flatten, dense, dense1] = json.modelTopology.config.layers;
    expect(json.modelTopology.config.name).toBe('sequential');
    expect(flatten).toEqual({
      class_name: 'Flatten',
      config: { name: 'flatten', trainable: true, batch_input_shape: [null, 28, 28], dtype: 'float32', data_format: 'channels_last' },
    });
    expect(dense).toEqual({
      class_name: 'Dense',
      config: {
        name: 'dense',
        trainable: true,
        dtype: 'float32',
        units: 128,
        activation: 'relu',
        use_bias: true,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
        bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
    });
    expect(dense1.config.activation).toBe('softmax');
    expect(json.weightsManifest).toEqual([
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'dense/kernel', shape: [784, 128], dtype: 'float32' },
          { name: 'dense/bias', shape: [128], dtype: 'float32' },
          { name: 'dense_1/kernel', shape: [128, 10], dtype: 'float32' },
          { name: 'dense_1/bias', shape: [10], dtype: 'float32' },
        ],
      },
    ]);

    // 101,770 float32 values, little-endian, in manifest order.
    const bin = await readFile(join(dir, 'weights.bin'));
    expect(bin.byteLength).toBe(407_080);
    const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    const kernel = model.weights[0]!.data;
    expect(view.getFloat32(0, true)).toBe(kernel[0]);
    expect(view.getFloat32(4 * 1000, true)).toBe(kernel[1000]);
    const lastBias = model.weights[3]!.data;
    expect(view.getFloat32(bin.byteLength - 4, true)).toBe(lastBias[9]);
  });

  it('round-trips: the loaded model predicts bit for bit what the saved one did', async () => {
    keras.utils.setRandomSeed(2);
    const model = seedModel();
    // Non-zero biases, so that they are checked too.
    for (const w of model.weights) for (let i = 0; i < w.size; i++) w.data[i] = w.data[i]! + 0.01 * Math.sin(i);
    const x = randomImages(6, [28, 28], 3);
    const dir = freshPath();
    await model.save(dir);

    for (const path of [dir, join(dir, 'model.json'), `file://${dir}`]) {
      const loaded = await loadSequential(path);
      expect(loaded).toBeInstanceOf(keras.Sequential);
      expect(loaded.name).toBe('sequential');
      expect(loaded.layers.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1']);
      expect(loaded.builtInputShape).toEqual([null, 28, 28]);
      expect(loaded.compiled).toBeNull();
      expect(weightValues(loaded)).toEqual(weightValues(model));
      expect(predictions(loaded, x)).toEqual(predictions(model, x));
    }
  });

  it('accepts file:// when saving, and a path ending in .json', async () => {
    keras.utils.setRandomSeed(3);
    const model = smallModel();
    const dir = freshPath();
    await model.save(`file://${dir}`);
    expect((await stat(join(dir, 'weights.bin'))).size).toBe((16 * 8 + 8 + 8 * 3 + 3) * 4);

    const jsonPath = `${freshPath()}/net.json`;
    await model.save(jsonPath);
    const json = JSON.parse(await readFile(jsonPath, 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['net.weights.bin']);
    expect(weightValues(await loadSequential(jsonPath))).toEqual(weightValues(model));
  });

  it('leaves no temporary files behind', async () => {
    const dir = freshPath();
    await smallModel().save(dir);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('draws no random numbers while loading, so the random stream continues as if nothing happened', async () => {
    const dir = freshPath();
    await seedModel().save(dir);
    keras.utils.setRandomSeed(9);
    const expected = Array.from(keras.random.uniform([5]).data);
    keras.utils.setRandomSeed(9);
    await keras.models.loadModel(dir);
    expect(Array.from(keras.random.uniform([5]).data)).toEqual(expected);
  });

  it('keeps a loaded layer\'s initializer configs when the model is saved again', async () => {
    const dir = freshPath();
    await smallModel().save(dir);
    const varianceScaling = { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } };
    await editModelJSON(dir, (json) => {
      json.modelTopology.config.layers[1].config.kernel_initializer = varianceScaling;
    });
    const again = freshPath();
    await (await loadSequential(dir)).save(again);
    const json = JSON.parse(await readFile(join(again, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers[1].config.kernel_initializer).toEqual(varianceScaling);
    expect(json.modelTopology.config.layers[2].config.kernel_initializer).toEqual({ class_name: 'GlorotUniform', config: { seed: null } });
  });

  it('saves a model built by calling it on data, with the input shape it was built for', async () => {
    const model = new keras.Sequential([new Dense(4, { activation: 'tanh' }), new Dense(2)]);
    const x = randomImages(3, [5], 1);
    model.apply(x); // builds it for [null, 5]
    const handler = keras.io.memory();
    await model.save(handler);
    const topology = handler.artifacts!.modelTopology as any;
    expect(topology.config.layers[0].config.batch_input_shape).toEqual([null, 5]);
    expect(topology.config.layers[1].config.activation).toBe('linear');
    expect(predictions(await loadSequential(handler), x)).toEqual(predictions(model, x));
  });

  it('refuses to save what it cannot describe', async () => {
    const unbuilt = new keras.Sequential([new Dense(3)]);
    expect(await rejection(unbuilt.save(freshPath()))).toBeInstanceOf(RuntimeError);
    expect(await rejection(smallModel().save(freshPath(), { includeOptimizer: true }))).toBeInstanceOf(RuntimeError);

    const http = await rejection(smallModel().save('http://example.com/model'));
    expect(http).toBeInstanceOf(ValueError);
    expect(http.message).toMatch(/loads from http\(s\) URLs but does not upload/);

    const ftp = await rejection(smallModel().save('ftp://example.com/model'));
    expect(ftp).toBeInstanceOf(ValueError);
    expect(ftp.message).toMatch(/unsupported URL scheme.*downloads:\/\/, http:\/\/.*file:\/\/ and plain paths/);

    const downloads = await rejection(smallModel().save('downloads://net'));
    expect(downloads).toBeInstanceOf(RuntimeError);
    expect(downloads.message).toMatch(/no document/);

    class Scale extends keras.layers.Layer {
      static override readonly className = 'Scale';
      call(x: keras.Tensor) {
        return x.mul(2);
      }
      computeOutputShape(shape: keras.BatchShape) {
        return shape;
      }
    }
    const custom = new keras.Sequential([new Dense(2, { inputShape: [3] }), new Scale()]);
    const error = await rejection(custom.save(freshPath()));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/layer "scale" is a Scale/);
    // Its weights alone can still be saved.
    await custom.saveWeights(`${freshPath()}.weights.json`);
  });
});

describe('loadModel rejects corrupt, truncated and mismatched files whole', () => {
  let dir: string;
  beforeEach(async () => {
    keras.utils.setRandomSeed(4);
    dir = freshPath();
    await seedModel().save(dir);
  });

  it('a truncated weights.bin: FileFormatError naming the file and both byte counts', async () => {
    const path = join(dir, 'weights.bin');
    await writeFile(path, (await readFile(path)).subarray(0, 407_076));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).path).toBe(path);
    expect(error.message).toContain(`${path}: expected 407080 bytes for 4 weights in the manifest. Received: 407076 bytes`);
    expect(error.message).toContain('truncated');
  });

  it('a weights.bin longer than its manifest', async () => {
    const path = join(dir, 'weights.bin');
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.alloc(8)]));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/expected 407080 bytes .* Received: 407088 bytes/);
  });

  it('a missing weights.bin', async () => {
    await rm(join(dir, 'weights.bin'));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).path).toBe(join(dir, 'weights.bin'));
    expect(error.message).toMatch(/weights\.bin: cannot read this weights file, listed in .*model\.json/);
  });

  it('malformed JSON', async () => {
    const path = join(dir, 'model.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length / 2));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).path).toBe(path);
    expect(error.message).toMatch(/model\.json: not valid JSON/);
  });

  it('a missing modelTopology', async () => {
    await editModelJSON(dir, (json) => delete json.modelTopology);
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/model\.json: missing modelTopology/);
  });

  it('a malformed weightsManifest', async () => {
    await editModelJSON(dir, (json) => (json.weightsManifest = { paths: ['weights.bin'] }));
    let error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/weightsManifest must be a list/);

    await editModelJSON(dir, (json) => (json.weightsManifest = [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: 'big', dtype: 'float32' }] }]));
    error = await rejection(keras.models.loadModel(dir));
    expect(error.message).toMatch(/weightsManifest entry 0 \('dense\/kernel'\): shape must be a list of non-negative integers. Received: shape='big'/);
  });

  it('an unknown dtype', async () => {
    await editModelJSON(dir, (json) => (json.weightsManifest[0].weights[1].dtype = 'float16'));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/weightsManifest entry 1 \('dense\/bias'\): unsupported dtype.*Received: dtype='float16'/);
  });

  it('a manifest shape that differs from the weight the layer builds', async () => {
    // The topology now asks for 64 units while the manifest and bytes still hold 128.
    await editModelJSON(dir, (json) => (json.modelTopology.config.layers[1].config.units = 64));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(
      /weightsManifest entry 'dense\/kernel' does not fit .* builds 'dense\/kernel' as float32 \[784, 64\]. Received: dtype=float32, shape=\[784, 128\]/,
    );
  });

  it('a manifest that lists fewer weights than the topology builds', async () => {
    await editModelJSON(dir, (json) => json.weightsManifest[0].weights.pop());
    const path = join(dir, 'weights.bin');
    await writeFile(path, (await readFile(path)).subarray(0, 407_080 - 40));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/modelTopology builds 4 weights, but weightsManifest holds 3/);
  });

  it('unknown layer classes and activations: ValueError naming the layer and what is supported', async () => {
    await editModelJSON(dir, (json) => (json.modelTopology.config.layers[1].class_name = 'LSTM'));
    let error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/layer 1 \("dense", LSTM\): unknown layer class; tinykeras can load Dense, Flatten.* Received: class_name='LSTM'/);

    await editModelJSON(dir, (json) => {
      json.modelTopology.config.layers[1].class_name = 'Dense';
      json.modelTopology.config.layers[2].config.activation = 'mish';
    });
    error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/layer 2 \("dense_1", Dense\): unknown activation; tinykeras supports relu, softmax.* Received: activation='mish'/);
  });

  it('a graph model, a missing path', async () => {
    await editModelJSON(dir, (json) => (json.format = 'graph-model'));
    expect((await rejection(keras.models.loadModel(dir))).message).toMatch(/format must be 'layers-model'/);
    const missing = await rejection(keras.models.loadModel(join(dir, 'nope')));
    expect(missing).toBeInstanceOf(FileFormatError);
    expect(missing.message).toMatch(/no such file or directory/);
  });
});

describe('saveWeights and loadWeights', () => {
  it('round-trips through name.weights.json + name.weights.bin into a model built again (other names)', async () => {
    keras.utils.setRandomSeed(5);
    const model = smallModel();
    const x = randomImages(4, [4, 4], 6);
    const path = `${freshPath('ckpt')}.weights.json`;
    await model.saveWeights(path);
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json.modelTopology).toBeUndefined();
    expect(json.weightsManifest[0].paths).toEqual([path.split('/').pop()!.replace('.weights.json', '.weights.bin')]);

    const other = smallModel(); // dense_2, dense_3: matched by position
    expect(predictions(other, x)).not.toEqual(predictions(model, x));
    await other.loadWeights(path);
    expect(predictions(other, x)).toEqual(predictions(model, x));

    // A saved model works as a weights file too.
    const dir = freshPath();
    await model.save(dir);
    const third = smallModel();
    await third.loadWeights(dir);
    expect(weightValues(third)).toEqual(weightValues(model));
  });

  it('insists on the .weights.h5 or .weights.json suffix', async () => {
    const error = await rejection(smallModel().saveWeights(join(root(), 'w.bin')));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/must end in `.weights.h5`.*or `.weights.json`.*Received: filepath=/);
  });

  it('into another architecture: ShapeError or ValueError, and no weight changes', async () => {
    keras.utils.setRandomSeed(6);
    const path = `${freshPath('ckpt')}.weights.json`;
    await smallModel(3).saveWeights(path);

    // Same first layer, different output size: the first two weights would fit, the third does not.
    const wider = smallModel(5);
    const before = weightValues(wider);
    const shapeError = await rejection(wider.loadWeights(path));
    expect(shapeError).toBeInstanceOf(ShapeError);
    expect(shapeError.message).toMatch(/weight 'dense_3\/kernel' .* has shape \[8, 5\].*Received: shape=\[8, 3\]/);
    expect(weightValues(wider)).toEqual(before);

    const shallow = new keras.Sequential([new Flatten({ inputShape: [4, 4] }), new Dense(3)]);
    const countError = await rejection(shallow.loadWeights(path));
    expect(countError).toBeInstanceOf(ValueError);
    expect(countError.message).toMatch(/holds 4 weights but model "sequential_\d" has 2/);
  });

  it('rejects a truncated weights file without touching the model', async () => {
    const path = `${freshPath('ckpt')}.weights.json`;
    await smallModel().saveWeights(path);
    const bin = path.replace('.weights.json', '.weights.bin');
    await writeFile(bin, (await readFile(bin)).subarray(0, 100));
    const model = smallModel();
    const before = weightValues(model);
    const error = await rejection(model.loadWeights(path));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toContain(`${bin}: expected 652 bytes for 4 weights in the manifest. Received: 100 bytes`);
    expect(weightValues(model)).toEqual(before);
  });

  it('needs a built model', async () => {
    const path = `${freshPath('ckpt')}.weights.json`;
    await smallModel().saveWeights(path);
    expect(await rejection(new keras.Sequential([new Dense(3)]).loadWeights(path))).toBeInstanceOf(RuntimeError);
  });
});

describe('handlers', () => {
  it('the in-memory handler round-trips, holding a copy', async () => {
    keras.utils.setRandomSeed(7);
    const model = seedModel();
    const x = randomImages(3, [28, 28], 8);
    const expected = predictions(model, x);
    const handler = keras.io.memory();
    const result = await model.save(handler);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(407_080);
    // Changing the model after saving does not change what was saved.
    model.weights[0]!.data.fill(0);
    const loaded = await loadSequential(handler);
    expect(predictions(loaded, x)).toEqual(expected);

    const artifacts = handler.artifacts!;
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    const copy = await loadSequential(keras.io.fromMemory(artifacts));
    expect(predictions(copy, x)).toEqual(expected);
  });

  it('an empty memory handler has nothing to load', async () => {
    const error = await rejection(keras.models.loadModel(keras.io.memory()));
    expect(error).toBeInstanceOf(FileFormatError);
  });

  it('withSaveHandler hands the artifacts to a function', async () => {
    let seen: ModelArtifacts | undefined;
    await smallModel().save(keras.io.withSaveHandler((a) => void (seen = a)));
    expect(seen!.format).toBe('layers-model');
    expect((seen!.weightData as ArrayBuffer).byteLength).toBe(652);
  });

  describe('downloads://', () => {
    const clicks: { download: string; href: string }[] = [];
    const blobs = new Map<string, Blob>();
    beforeEach(() => {
      clicks.length = 0;
      let n = 0;
      vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
        const url = `blob:test/${n++}`;
        blobs.set(url, blob as Blob);
        return url;
      });
      vi.stubGlobal('document', {
        createElement: () => {
          const link = { download: '', href: '', click: () => clicks.push({ download: link.download, href: link.href }) };
          return link;
        },
      });
    });
    afterEach(() => {
      vi.unstubAllGlobals();
      vi.restoreAllMocks();
    });

    it('downloads name.json and name.weights.bin, the manifest pointing at ./name.weights.bin', async () => {
      keras.utils.setRandomSeed(8);
      const model = smallModel();
      await model.save('downloads://my-net');
      expect(clicks.map((c) => c.download)).toEqual(['my-net.json', 'my-net.weights.bin']);
      const json = JSON.parse(await blobs.get(clicks[0]!.href)!.text());
      expect(json.weightsManifest[0].paths).toEqual(['./my-net.weights.bin']);
      const bytes = await blobs.get(clicks[1]!.href)!.arrayBuffer();
      const loaded = await loadSequential(
        keras.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bytes }),
      );
      expect(weightValues(loaded)).toEqual(weightValues(model));
    });
  });
});

describe('optimizer state', () => {
  /** Trains `epochs` epochs on the blobs, under seed 11, with `resumeAt` set to save, load and continue there. */
  async function train(optimizer: () => keras.optimizers.Optimizer, epochs: number, resumeAt?: number, includeOptimizer = true) {
    keras.utils.clearSession();
    keras.utils.setRandomSeed(11);
    const [x, y] = blobs(90, 12);
    let model = smallModel();
    model.compile({ optimizer: optimizer(), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const fitArgs = { batchSize: 16, verbose: 0 as const, threads: 1 };
    if (resumeAt === undefined) {
      await model.fit(x, y, { ...fitArgs, epochs });
      return { model, loaded: model };
    }
    await model.fit(x, y, { ...fitArgs, epochs: resumeAt });
    const dir = freshPath();
    await model.save(dir, { includeOptimizer });
    const loaded = await loadSequential(dir);
    if (!includeOptimizer) loaded.compile({ optimizer: optimizer(), loss: 'sparse_categorical_crossentropy' });
    model = loaded;
    await model.fit(x, y, { ...fitArgs, initialEpoch: resumeAt, epochs });
    return { model, loaded, dir };
  }

  const adam = () => new keras.optimizers.Adam({ learningRate: 0.01 });
  const momentum = () => new keras.optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true });

  // The random stream drives the shuffling: loading draws nothing from it, so
  // in one process a resumed run shuffles epochs 3-5 exactly as an
  // uninterrupted run does. Both runs reseed identically at the start.
  it('Adam: 2 epochs, save, load, 3 more epochs = 5 epochs in one go, bit for bit', async () => {
    const straight = await train(adam, 5);
    const resumed = await train(adam, 5, 2);
    expect(weightValues(resumed.model)).toEqual(weightValues(straight.model));
    expect(resumed.model.compiled!.optimizer.iterations).toBe(5 * 6);
  });

  it('SGD with Nesterov momentum resumes exactly too', async () => {
    const straight = await train(momentum, 5);
    const resumed = await train(momentum, 5, 2);
    expect(weightValues(resumed.model)).toEqual(weightValues(straight.model));
  });

  it('without the optimizer state the resumed run differs (the test can tell)', async () => {
    const straight = await train(adam, 5);
    const fresh = await train(adam, 5, 2, false);
    expect(weightValues(fresh.model)).not.toEqual(weightValues(straight.model));
  });

  it('writes trainingConfig and the state in TF.js\'s layout, and loadModel compiles from it', async () => {
    const { dir } = await train(adam, 2, 2);
    const json = JSON.parse(await readFile(join(dir!, 'model.json'), 'utf8'));
    expect(json.trainingConfig).toEqual({
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
      optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } },
    });
    const specs = json.weightsManifest[0].weights;
    expect(specs.map((s: { name: string }) => s.name)).toEqual([
      'dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias',
      'iter',
      'dense/kernel/m', 'dense/bias/m', 'dense_1/kernel/m', 'dense_1/bias/m',
      'dense/kernel/v', 'dense/bias/v', 'dense_1/kernel/v', 'dense_1/bias/v',
    ]);
    expect(specs[4]).toEqual({ name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' });
    expect(specs.slice(4).every((s: { group?: string }) => s.group === 'optimizer')).toBe(true);
    // iter is the int32 right after the model weights: 2 epochs of 6 batches.
    const bin = await readFile(join(dir!, 'weights.bin'));
    expect(bin.readInt32LE((16 * 8 + 8 + 8 * 3 + 3) * 4)).toBe(12);

    const loaded = await keras.models.loadModel(dir!);
    const optimizer = loaded.compiled!.optimizer as keras.optimizers.Adam;
    expect(optimizer).toBeInstanceOf(keras.optimizers.Adam);
    expect([optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon]).toEqual([0.01, 0.9, 0.999, 1e-7]);
    expect(optimizer.iterations).toBe(12);
    expect(loaded.compiled!.metricNames).toEqual(['accuracy']);
    expect(loaded.compiled!.loss.name).toBe('sparse_categorical_crossentropy');

    const uncompiled = await keras.models.loadModel(dir!, { compile: false });
    expect(uncompiled.compiled).toBeNull();
  });

  it('rejects optimizer state that does not fit the model', async () => {
    const { dir } = await train(adam, 1, 1);
    // Drop the last v entry (and its bytes): 12 optimizer entries instead of 9 … or 1.
    await editModelJSON(dir!, (json) => json.weightsManifest[0].weights.pop());
    const path = join(dir!, 'weights.bin');
    await writeFile(path, (await readFile(path)).subarray(0, -12));
    const error = await rejection(keras.models.loadModel(dir!));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/the optimizer state .* 9 entries for Adam. Received: 8 entries/);
  });

  it('rejects an optimizer it does not have, unless asked not to compile', async () => {
    const { dir } = await train(adam, 1, 1);
    await editModelJSON(dir!, (json) => (json.trainingConfig.optimizer_config.class_name = 'Adadelta'));
    const error = await rejection(keras.models.loadModel(dir!));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/restore the Adam, SGD, RMSprop, Adagrad, AdamW and Nadam optimizers.*Received: class_name='Adadelta'/);
    expect((await keras.models.loadModel(dir!, { compile: false })).compiled).toBeNull();
  });
});

describe('weights paths stay beside model.json', () => {
  it.each(['../weights.bin', 'a/../../w.bin', '/etc/passwd', 'C:\\w.bin', 'https://evil.example/w.bin', '..\\w.bin'])(
    'rejects %s before reading anything',
    async (path) => {
      const saved = keras.io.memory();
      await smallModel().save(saved);
      const json = { modelTopology: saved.artifacts!.modelTopology, weightsManifest: [{ paths: [path], weights: saved.artifacts!.weightSpecs }] };
      const dir = freshPath();
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      const error = await rejection(keras.models.loadModel(dir));
      expect(error).toBeInstanceOf(FileFormatError);
      expect(error.message).toMatch(/a weights file must lie in the model's own directory\. Received: /);
    },
  );
});

describe('nested models whose layers share names', () => {
  const dir = useTempDir('nested-names');

  it('save under nested weight paths where names collide, and load back with the same predictions and optimizer state', async () => {
    keras.utils.setRandomSeed(4);
    const inner = (name: string, inputs: number) => new keras.Sequential([new keras.layers.Dense(3, { name: 'd', activation: 'relu', inputShape: [inputs] })], { name });
    const model = new keras.Sequential([inner('inner_a', 4), inner('inner_b', 3), new keras.layers.Dense(2, { activation: 'softmax' })]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const x = keras.random.normal([8, 4]);
    await model.fit(x, keras.tensor([0, 1, 0, 1, 1, 0, 1, 0]), { epochs: 1, verbose: 0 });
    await model.save(join(dir(), 'm'));
    const json = JSON.parse(await readFile(join(dir(), 'm', 'model.json'), 'utf8'));
    const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(names.slice(0, 4)).toEqual(['inner_a/d/kernel', 'inner_a/d/bias', 'inner_b/d/kernel', 'inner_b/d/bias']);
    expect(new Set(names).size).toBe(names.length);
    const loaded = await loadSequential(join(dir(), 'm'));
    expect(Array.from(loaded.predict(x, { verbose: 0 }).data)).toEqual(Array.from(model.predict(x, { verbose: 0 }).data));
    expect(loaded.compiled?.optimizer.iterations).toBe(model.compiled?.optimizer.iterations);
  });
});
