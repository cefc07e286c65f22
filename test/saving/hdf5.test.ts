/**
 * The HDF5 reader and writer without Python: known values of small h5py
 * files (test/saving/fixtures/, written by test/keras/python/hdf5_fixtures.py),
 * round trips of random trees through the writer and the reader, and
 * hostile files (cycles, huge declared shapes, corrupt checksums, random
 * bytes and random mutations of real files), which must end in a
 * FileFormatError, never in another error or a hang.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../../src/errors.js';
import { Hdf5Dataset, Hdf5File, Hdf5Group, writeHdf5, type AttributeValue, type WritableDataset, type WritableGroup } from '../../src/saving/keras-format/index.js';
import { lookup3 } from '../../src/saving/keras-format/hdf5/checksum.js';
import { dumpHdf5 } from './hdf5-dump.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(__dirname, 'fixtures', name)));
const FIXTURES = ['small_earliest.h5', 'small_latest.h5'];

/** Reads everything a file holds, following hard links but not into the fixtures' cycle. */
async function readEverything(bytes: Uint8Array): Promise<void> {
  const file = Hdf5File.open(bytes, 'fuzzed.h5', { maxVisits: 20_000 });
  const visit = async (object: Hdf5Group | Hdf5Dataset, depth: number): Promise<void> => {
    object.attributes();
    if (object instanceof Hdf5Dataset) {
      await object.read();
      return;
    }
    for (const name of object.keys()) if (depth < 4 && object.linkKind(name)?.kind === 'hard') await visit(object.get(name), depth + 1);
  };
  await visit(file.root, 0);
}

/** Runs `read`; anything thrown must be a FileFormatError. */
async function onlyFileFormatErrors(read: () => Promise<unknown>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!(error instanceof FileFormatError)) throw error;
    expect(error.message).toMatch(/^fuzzed\.h5: /);
  }
}

describe('the HDF5 reader on h5py files', () => {
  for (const name of FIXTURES) {
    it(`reads ${name}: chunked gzip+shuffle, fletcher32, strings, many members`, async () => {
      const file = Hdf5File.open(fixture(name), name);
      expect(file.superblockVersion).toBe(name.includes('earliest') ? 0 : 3);
      const gzip = await (file.root.get('gzip') as Hdf5Dataset).read();
      expect(gzip.shape).toEqual([6, 10]);
      expect(gzip.dtype).toBe('float32');
      expect(Array.from(gzip.data as Float32Array)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      const fletcher = await (file.root.get('fletcher') as Hdf5Dataset).read();
      expect(Array.from(fletcher.data as BigInt64Array)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
      expect(file.root.attributes().get('text')).toEqual({ shape: [], dtype: 'string', data: ['vlen ✓'] });
      expect(file.root.attributes().get('names')).toEqual({ shape: [2], dtype: 'string', data: ['dense', 'dense_1'] });
      const group = file.root.get('group') as Hdf5Group;
      expect(group.keys()).toHaveLength(21);
      expect(group.attributes().size).toBe(20);
      expect((await (group.get('d17') as Hdf5Dataset).read()).data).toEqual(new Int16Array([17]));
    });

    it(`refuses ${name}'s dataset of 2^40 elements before allocating`, async () => {
      const huge = Hdf5File.open(fixture(name), name).root.get('huge_sparse') as Hdf5Dataset;
      expect(huge.shape).toEqual([2 ** 40]);
      await expect(huge.read()).rejects.toThrow(/huge_sparse' declares shape \[1099511627776\], more than the 268435456 elements allowed/);
    });

    it(`stops following ${name}'s hard-link cycle at the depth cap`, () => {
      const file = Hdf5File.open(fixture(name), name);
      expect(() => file.root.get(Array(100).fill('loop').join('/').replace(/^/, 'group/'))).toThrow(FileFormatError);
      expect(() => file.root.get(Array(100).fill('loop').join('/').replace(/^/, 'group/'))).toThrow(/nested more than 64 groups deep/);
    });
  }

  it('checks the checksums of version-2 structures', () => {
    const bytes = fixture('small_latest.h5').slice();
    bytes[20] ^= 0x01; // inside the superblock's end-of-file address
    expect(() => Hdf5File.open(bytes, 'flipped.h5')).toThrow(/flipped\.h5: the superblock at byte 0 fails its checksum/);
  });

  it('computes lookup3 as libhdf5 does (a superblock h5py wrote)', () => {
    const superblock = fixture('small_latest.h5').subarray(0, 44);
    expect(lookup3(superblock)).toBe(new DataView(fixture('small_latest.h5').buffer).getUint32(44, true));
  });

  it('lists a soft link with its target, and refuses to follow it by name', () => {
    const file = Hdf5File.open(fixture('small_earliest.h5'), 'small_earliest.h5');
    expect(file.root.linkKind('soft')).toEqual({ kind: 'soft', target: '/group' });
    expect(() => file.root.get('soft')).toThrow(/small_earliest\.h5: '\/soft' is a soft link to '\/group', which is not supported/);
    expect(() => file.root.get('missing')).toThrow(/'\/' has no member 'missing' \(looking up 'missing'\). Members: fletcher, group, gzip, huge_sparse, plain, soft/);
  });
});

const memberName = fc.stringMatching(/^[a-zA-Z0-9_. é✓-]{1,10}$/).filter((name) => name !== '.');
const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const typedArray = (shape: number[]) =>
  fc.oneof(
    fc.array(fc.float(), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((v) => new Float32Array(v)),
    fc.array(fc.double(), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((v) => new Float64Array(v)),
    fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((v) => new Int32Array(v)),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((v) => new Uint8Array(v)),
    fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((v) => new BigInt64Array(v)),
  );
const datasetArb: fc.Arbitrary<WritableDataset> = shapeArb.chain((shape) => typedArray(shape).map((data) => ({ kind: 'dataset' as const, shape, data })));
const attributeArb: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  shapeArb.chain((shape) => typedArray(shape).map((data) => ({ shape, data }))),
);
const attributesArb = fc.dictionary(memberName, attributeArb, { maxKeys: 4 });
const groupArb: fc.Arbitrary<WritableGroup> = fc.letrec<{ group: WritableGroup; member: WritableGroup | WritableDataset }>((tie) => ({
  group: fc.record({ kind: fc.constant('group' as const), members: fc.dictionary(memberName, tie('member'), { maxKeys: 6 }), attributes: attributesArb }),
  member: fc.oneof({ depthSize: 'small', withCrossShrink: true }, datasetArb.chain((d) => attributesArb.map((attributes) => ({ ...d, attributes }))), tie('group')),
})).group;

/** What a written tree should read back as, in the shape dumpHdf5 gives. */
function expectedDump(group: WritableGroup): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const dtype = (data: ArrayBufferView): string =>
    data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : data instanceof Uint8Array ? 'uint8' : 'int64';
  const values = (data: ArrayLike<number | bigint>): Array<number | string> => Array.from(data, (v) => (typeof v === 'bigint' ? Number(v) : v));
  const attrs = (attributes: Record<string, AttributeValue> | undefined) =>
    Object.fromEntries(
      Object.entries(attributes ?? {}).map(([name, value]) => [
        name,
        typeof value === 'string'
          ? { shape: [], dtype: 'string', data: [value.split('\0')[0]] }
          : Array.isArray(value)
            ? { shape: [value.length], dtype: 'string', data: value.map((s) => s.split('\0')[0]) }
            : { shape: value.shape, dtype: dtype(value.data), data: values(value.data) },
      ]),
    );
  const visit = (node: WritableGroup | WritableDataset, path: string): void => {
    if (node.kind === 'dataset') {
      out[path] = { kind: 'dataset', shape: node.shape, dtype: dtype(node.data), data: values(node.data), attrs: attrs(node.attributes) };
      return;
    }
    out[path] = { kind: 'group', keys: Object.keys(node.members).sort(), attrs: attrs(node.attributes) };
    for (const [name, member] of Object.entries(node.members)) visit(member, path === '/' ? `/${name}` : `${path}/${name}`);
  };
  visit(group, '/');
  return out;
}

describe('the HDF5 writer', () => {
  it('writes random trees of groups, datasets and attributes that read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(groupArb, async (tree) => {
        const bytes = writeHdf5(tree);
        expect(await dumpHdf5(bytes, 'round-trip.h5')).toEqual(expectedDump(tree));
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses names HDF5 cannot hold, and data that does not fit its shape', () => {
    const dataset = (shape: number[], n: number): WritableDataset => ({ kind: 'dataset', shape, data: new Float32Array(n) });
    expect(() => writeHdf5({ kind: 'group', members: { 'a/b': dataset([1], 1) } })).toThrow(/Received: name="a\/b"/);
    expect(() => writeHdf5({ kind: 'group', members: { '': dataset([1], 1) } })).toThrow(/cannot be empty/);
    expect(() => writeHdf5({ kind: 'group', members: { x: dataset([2, 2], 3) } })).toThrow(/the dataset '\/x' needs a typed array of 4 values for shape \[2, 2\]. Received: data=Float32Array\(length 3\)/);
  });
});

describe('hostile HDF5 files', () => {
  it('random bytes: a FileFormatError', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), (bytes) => onlyFileFormatErrors(() => readEverything(bytes))), { numRuns: RUNS });
  });

  it('random bytes after a valid signature and superblock start: a FileFormatError', async () => {
    const head = fixture('small_earliest.h5').subarray(0, 56);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 2000 }), (tail) => {
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        return onlyFileFormatErrors(() => readEverything(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  const sources = [...FIXTURES.map((name) => [name, fixture(name)] as const), ['written.h5', writeHdf5({ kind: 'group', attributes: { name: 'x' }, members: { a: { kind: 'dataset', shape: [3], data: new Float32Array([1, 2, 3]) }, g: { kind: 'group', members: {}, attributes: { s: ['p', 'q'] } } } })] as const];
  for (const [name, original] of sources) {
    it(`random mutations of ${name} (bytes changed, cut short): a result or a FileFormatError`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat({ max: original.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          fc.option(fc.nat({ max: original.length }), { nil: undefined }),
          (changes, cut) => {
            const bytes = original.slice(0, cut ?? original.length);
            for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
            return onlyFileFormatErrors(() => readEverything(bytes));
          },
        ),
        { numRuns: RUNS },
      );
    });
  }
});
