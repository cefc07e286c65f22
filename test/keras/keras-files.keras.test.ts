/**
 * The Keras file formats against the real thing: files written by h5py and
 * Keras 3.15 read by tinykeras (every array and attribute compared with what
 * h5py reports), and files written by tinykeras read by h5py and loaded by
 * keras.saving.load_model.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Hdf5File, readKerasArchive, readLegacyH5, writeHdf5, writeKerasArchive, writeZip, ZipArchive, type WeightArray } from '../../src/saving/keras-format/index.js';
import { dumpHdf5, type DumpedArray, type DumpedObject } from '../saving/hdf5-dump.js';
import { relativeL2, runKeras } from './oracle.js';

type Dump = Record<string, DumpedObject>;
const dir = mkdtempSync(join(tmpdir(), 'tinykeras-keras-files-'));
/** h5py's libver settings: superblock 0 (the default), 2, and 3 with the newer chunk indexes. */
const LIBVERS = ['earliest', 'v108', 'v110', 'latest'];
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
const h5pyDump = (path: string): Dump => runKeras<Dump>('hdf5_dump', { path });
const plain = (array: WeightArray): DumpedArray => ({
  shape: array.shape,
  dtype: array.dtype,
  data: Array.from(array.data as ArrayLike<number | bigint | string>, (v) => (typeof v === 'bigint' ? Number(v) : v)),
});
const datasetOf = (object: DumpedObject | undefined): DumpedArray => {
  if (object?.kind !== 'dataset') throw new Error('expected a dataset in the h5py dump');
  return { shape: object.shape, dtype: object.dtype, data: object.data };
};

describe('the HDF5 reader against h5py', () => {
  let made: { paths: string[]; big: string; hdf5: string; h5py: string };
  beforeAll(() => {
    made = runKeras('hdf5_make', { dir });
    expect(made.paths.map((path) => basename(path))).toEqual(LIBVERS.map((libver) => `features_${libver}.h5`));
  });

  for (const libver of LIBVERS) {
    it(`reads every group, dataset and attribute of the h5py file written with libver='${libver}' as h5py does`, async () => {
      const path = join(dir, `features_${libver}.h5`);
      const expected = h5pyDump(path);
      expect(Object.keys(expected).length).toBeGreaterThan(300);
      expect(await dumpHdf5(read(path), path)).toEqual(expected);
    });
  }

  it('reads a group of 30,000 links and 3,000 attributes in dense storage (deeper B-tree v2 and fractal heap)', async () => {
    const expected = h5pyDump(made.big);
    const dumped = await dumpHdf5(read(made.big), made.big);
    expect(dumped['/g']).toEqual(expected['/g']);
    expect((expected['/g'] as { keys: string[] }).keys.length).toBe(30000);
  });

  it('opens each superblock version h5py writes (earliest: 0, v108: 2, v110 and latest: 3)', () => {
    expect(made.paths.map((path) => Hdf5File.open(read(path), path).superblockVersion)).toEqual([0, 2, 3, 3]);
  });
});

describe('Keras 3 files', () => {
  let made: Record<'sequential' | 'functional', { x: number[][]; y: number[][] }>;
  beforeAll(() => {
    made = runKeras('keras_files_make', { dir });
  });

  for (const name of ['sequential', 'functional'] as const) {
    it(`reads ${name}.keras: config, metadata and every weight as Python reads them`, async () => {
      const path = join(dir, `${name}.keras`);
      const python = runKeras<{ names: string[]; config: unknown; metadata: unknown; weights: Dump }>('keras_archive_dump', { path });
      const archive = await readKerasArchive(read(path), path);
      expect(archive.config).toEqual(python.config);
      expect(archive.metadata).toEqual(python.metadata);
      const datasets = Object.entries(python.weights).filter(([, object]) => object.kind === 'dataset');
      expect([...archive.weights.keys()].sort()).toEqual(datasets.map(([key]) => key.slice(1)).sort());
      for (const [key, object] of datasets) expect(plain(archive.weights.get(key.slice(1))!), key).toEqual(datasetOf(object));
      if (name === 'sequential') expect(archive.weights.get('optimizer/vars/0')).toMatchObject({ dtype: 'int64', shape: [] });
    });

    it(`reads the legacy ${name}.h5: configs, each layer's weights in order, the optimizer's`, async () => {
      const path = join(dir, `${name}.h5`);
      const python = h5pyDump(path);
      const legacy = await readLegacyH5(read(path), path);
      const rootAttrs = python['/']!.attrs;
      expect(legacy.modelConfig).toEqual(JSON.parse(rootAttrs.model_config!.data[0] as string));
      expect(legacy.trainingConfig).toEqual(rootAttrs.training_config ? JSON.parse(rootAttrs.training_config.data[0] as string) : null);
      expect(legacy.kerasVersion).toBe('3.15.1');
      expect([...legacy.weights.keys()]).toEqual(python['/model_weights']!.attrs.layer_names!.data);
      for (const [layer, weights] of legacy.weights) {
        expect(weights.map((w) => w.name)).toEqual(python[`/model_weights/${layer}`]!.attrs.weight_names!.data);
        for (const weight of weights) {
          const { name: _name, ...array } = weight;
          expect(plain(array)).toEqual(datasetOf(python[`/model_weights/${layer}/${weight.name}`]));
        }
      }
      const optimizerNames = python['/optimizer_weights']?.attrs.weight_names?.data ?? [];
      expect(legacy.optimizerWeights.map((w) => w.name)).toEqual(optimizerNames);
      if (name === 'sequential') expect(legacy.optimizerWeights.length).toBe(2 + 4 * 2);
    });

    it(`writes ${name}'s config and weights as a .keras that keras.saving.load_model loads, predicting the same`, async () => {
      const source = await readKerasArchive(read(join(dir, `${name}.keras`)), name);
      const weights = new Map([...source.weights].map(([key, array]) => [key, { shape: array.shape, data: array.data as Float32Array }]));
      const bytes = await writeKerasArchive({ config: source.config, metadata: source.metadata, weights });
      const path = join(dir, `${name}-tinykeras.keras`);
      writeFileSync(path, bytes);
      const loaded = runKeras<{ y: number[][] }>('keras_load_predict', { path, x: made[name].x });
      expect(relativeL2(loaded.y.flat(), made[name].y.flat())).toBe(0);
      const python = runKeras<{ weights: Dump }>('keras_archive_dump', { path });
      for (const [key, array] of source.weights) expect(datasetOf(python.weights[`/${key}`])).toEqual(plain(array));
    });
  }

  it('reads a Keras 2-style .h5: byte-string name lists, a list split in two, names with ":0"', async () => {
    const path = join(dir, 'keras2_style.h5');
    const python = h5pyDump(path);
    const legacy = await readLegacyH5(read(path), path);
    expect(legacy.kerasVersion).toBe('2.15.0');
    expect([...legacy.weights.keys()]).toEqual(['dense', 'dense_1', 'flatten']);
    expect(legacy.weights.get('dense')!.map((w) => w.name)).toEqual(['dense/kernel:0', 'dense/bias:0']);
    expect(legacy.weights.get('flatten')).toEqual([]);
    const kernel = legacy.weights.get('dense_1')![0]!;
    expect(plain({ shape: kernel.shape, dtype: kernel.dtype, data: kernel.data })).toEqual(datasetOf(python['/model_weights/dense_1/dense_1/kernel:0']));
    expect(legacy.optimizerWeights.map((w) => [w.name, w.dtype, w.shape])).toEqual([['Adam/iter:0', 'int64', []], ['Adam/dense/kernel/m:0', 'float32', [4, 3]]]);
  });
});

describe('the HDF5 writer against h5py', () => {
  it('writes a file whose every dataset and attribute h5py reads back as written', async () => {
    const many: Record<string, { kind: 'dataset'; shape: number[]; data: Float32Array }> = {};
    for (let i = 0; i < 120; i++) many[String(i)] = { kind: 'dataset', shape: [2], data: new Float32Array([i, -i / 3]) };
    const bytes = writeHdf5({
      kind: 'group',
      attributes: { title: 'a ✓ string', names: ['dense', 'dense_1', ''], scale: { shape: [], data: new Float64Array([0.1]) } },
      members: {
        f32: { kind: 'dataset', shape: [2, 3], data: new Float32Array([1.5, -2, 3, 1e-30, 3.4e38, -0]) },
        f64: { kind: 'dataset', shape: [3], data: new Float64Array([Math.PI, -1e300, 5e-324]) },
        i64: { kind: 'dataset', shape: [], data: new BigInt64Array([-(2n ** 40n)]) },
        i32: { kind: 'dataset', shape: [2, 2], data: new Int32Array([1, -2, 3, -4]), attributes: { note: 'x' } },
        u8: { kind: 'dataset', shape: [3], data: new Uint8Array([0, 128, 255]) },
        i8: { kind: 'dataset', shape: [2], data: new Int8Array([-128, 127]) },
        empty: { kind: 'dataset', shape: [0, 4], data: new Float32Array(0) },
        'naïve name': { kind: 'dataset', shape: [1], data: new Float32Array([7]) },
        layers: { kind: 'group', members: { dense: { kind: 'group', members: { vars: { kind: 'group', attributes: { name: 'dense' }, members: many } } } } },
      },
    });
    const path = join(dir, 'written.h5');
    writeFileSync(path, bytes);
    const python = h5pyDump(path);
    expect(python['/']!.attrs).toEqual({
      title: { shape: [], dtype: 'string', data: ['a ✓ string'] },
      names: { shape: [3], dtype: 'string', data: ['dense', 'dense_1', ''] },
      scale: { shape: [], dtype: 'float64', data: [0.1] },
    });
    expect(datasetOf(python['/f32'])).toEqual({ shape: [2, 3], dtype: 'float32', data: Array.from(new Float32Array([1.5, -2, 3, 1e-30, 3.4e38, -0])) });
    expect(datasetOf(python['/f64'])).toEqual({ shape: [3], dtype: 'float64', data: [Math.PI, -1e300, 5e-324] });
    expect(datasetOf(python['/i64'])).toEqual({ shape: [], dtype: 'int64', data: [-(2 ** 40)] });
    expect(datasetOf(python['/u8']).data).toEqual([0, 128, 255]);
    expect(datasetOf(python['/i8']).data).toEqual([-128, 127]);
    expect(datasetOf(python['/empty'])).toEqual({ shape: [0, 4], dtype: 'float32', data: [] });
    expect(python['/i32']!.attrs).toEqual({ note: { shape: [], dtype: 'string', data: ['x'] } });
    expect(datasetOf(python['/naïve name']).data).toEqual([7]);
    expect(python['/layers/dense/vars']!.attrs.name!.data).toEqual(['dense']);
    expect(datasetOf(python['/layers/dense/vars/119']).data).toEqual([119, Math.fround(-119 / 3)]);
    expect(await dumpHdf5(bytes, path)).toEqual(python);
  });
});

describe('zip archives against Python\'s zipfile', () => {
  it('reads archives with data descriptors and with zip64 records', async () => {
    const made = runKeras<{ paths: Record<'descriptors' | 'zip64' | 'many', string>; entries: Record<string, number[]> }>('zip_files', { mode: 'make', dir });
    const many = new ZipArchive(read(made.paths.many), made.paths.many);
    expect(many.names().length).toBe(70000);
    expect(Array.from(await many.read('69999'))).toEqual([69999 % 256]);
    for (const path of [made.paths.descriptors, made.paths.zip64]) {
      const archive = new ZipArchive(read(path), path);
      expect(archive.names()).toEqual(Object.keys(made.entries));
      for (const [name, content] of Object.entries(made.entries)) expect(Array.from(await archive.read(name)), `${path}: ${name}`).toEqual(content);
    }
  });

  for (const method of ['store', 'deflate'] as const) {
    it(`writes ${method}d archives that zipfile reads and verifies`, async () => {
      const entries = [{ name: 'a.json', data: new TextEncoder().encode('{"x": [1, 2, 3]}'.repeat(20)) }, { name: 'ünï/cödé', data: new Uint8Array(1000).map((_, i) => i * 7) }, { name: 'empty', data: new Uint8Array(0) }];
      const path = join(dir, `written-${method}.zip`);
      writeFileSync(path, await writeZip(entries, { method }));
      const python = runKeras<{ bad: string | null; entries: Record<string, number[]>; methods: number[] }>('zip_files', { mode: 'check', path });
      expect(python.bad).toBeNull();
      expect(python.methods).toEqual(entries.map(() => (method === 'store' ? 0 : 8)));
      expect(python.entries).toEqual(Object.fromEntries(entries.map((e) => [e.name, Array.from(e.data)])));
    });
  }
});
