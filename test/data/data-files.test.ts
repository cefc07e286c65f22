/**
 * Property-based tests for the dataset files: fast-check generates small valid
 * IDX files, then damages them the ways real files get damaged (cut short,
 * a flipped byte, a changed dimension, bytes appended, a broken gzip).
 *
 * The rule checked every time: the loader returns exactly the original data,
 * or throws a FileFormatError naming the damaged file. Never another kind of
 * exception, never a hang, never a silently wrong array. The example-based
 * tests are in fashion-mnist.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseIdx } from '../../src/data/idx.js';
import { FILE_NAMES, loadData, type FashionMnistData } from '../../src/data/fashion-mnist.js';
import { FileFormatError } from '../../src/errors.js';

// How many cases each property runs; their sum is the number reported for the issue.
const RUNS = {
  parseRoundTrip: 300,
  parseDamaged: 2000,
  parseArbitraryBytes: 2000,
  loadFromDir: 300,
  loadFromCache: 150,
};

// ---------------------------------------------------------------------------
// Generating IDX files.

/** The bytes of an IDX file of unsigned bytes with these dimensions and values. */
function idxBytes(dims: readonly number[], values: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  dims.forEach((size, i) => view.setUint32(4 + 4 * i, size)); // big-endian
  bytes.set(values, 4 + 4 * dims.length);
  return bytes;
}

interface IdxFile {
  dims: number[];
  values: Uint8Array;
}

/** Exactly `length` random bytes. */
const bytesOfLength = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

/**
 * A valid small IDX file: rank 0 to 3 with sizes 1-6, or one long dimension
 * (up to 700, so that its size needs more than one byte of the header). Half
 * the files hold only zeros, the values that, read as sizes by a damaged
 * header, come closest to fooling the parser.
 */
const idxFile: fc.Arbitrary<IdxFile> = fc
  .oneof(fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }), fc.tuple(fc.integer({ min: 1, max: 700 })))
  .chain((dims) => {
    const count = dims.reduce((product, size) => product * size, 1);
    const values = fc.oneof(bytesOfLength(count), fc.constant(new Uint8Array(count)));
    return values.map((v) => ({ dims, values: v }));
  });

// ---------------------------------------------------------------------------
// Damaging them. Each kind is applied to the uncompressed IDX bytes.

/** A way to damage an IDX file that the parser can always detect. */
type Damage =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip header byte'; at: number; mask: number }
  | { kind: 'change rank'; by: number }
  | { kind: 'change dimension'; index: number; to: number }
  | { kind: 'append'; extra: Uint8Array };

/**
 * A damage, with positions drawn as plain numbers and reduced modulo the
 * file's size when applied, so that one generator fits every file.
 */
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip header byte' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  // A header byte flip too, but aimed at the rank byte with small steps, the hardest case to catch.
  fc.record({ kind: fc.constant('change rank' as const), by: fc.integer({ min: -3, max: 3 }).filter((by) => by !== 0) }),
  fc.record({
    kind: fc.constant('change dimension' as const),
    index: fc.nat(),
    // Small sizes are the interesting ones (0, 1, off by one); the whole 32-bit range is covered too.
    to: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.maxSafeNat().map((n) => n % 2 ** 32)),
  }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);

/** The file's bytes with `damage` applied. Every result differs from the original. */
function damaged(file: IdxFile, damage: Damage): Uint8Array {
  const bytes = idxBytes(file.dims, file.values);
  const headerLength = 4 + 4 * file.dims.length;
  switch (damage.kind) {
    case 'truncate':
      return bytes.slice(0, damage.at % bytes.length);
    case 'flip header byte': {
      const copy = bytes.slice();
      copy[damage.at % headerLength]! ^= damage.mask;
      return copy;
    }
    case 'change rank': {
      const copy = bytes.slice();
      copy[3] = (file.dims.length + damage.by + 256) % 256;
      return copy;
    }
    case 'change dimension': {
      // A rank-0 file has no dimension to change; cutting its value off damages it instead.
      if (file.dims.length === 0) return bytes.slice(0, headerLength);
      const index = damage.index % file.dims.length;
      const dims = file.dims.slice();
      dims[index] = damage.to === dims[index] ? (damage.to + 1) % 2 ** 32 : damage.to;
      return idxBytes(dims, file.values);
    }
    case 'append':
      return new Uint8Array([...bytes, ...damage.extra]);
  }
}

/** The file as published: its IDX bytes, gzipped. */
const gzippedIdx = (file: IdxFile): Uint8Array => gzipSync(idxBytes(file.dims, file.values));

/** Asserts that `f` throws a FileFormatError about `path`, and nothing else. */
function expectRejected(f: () => unknown, path: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(FileFormatError);
  expect((thrown as FileFormatError).path).toBe(path);
  expect((thrown as FileFormatError).message).toContain(path);
}

// ---------------------------------------------------------------------------

describe('parseIdx (property-based)', () => {
  it('reads back any valid file exactly', () => {
    fc.assert(
      fc.property(idxFile, (file) => {
        const { shape, data } = parseIdx(idxBytes(file.dims, file.values), 'file');
        expect(shape).toEqual(file.dims);
        expect(data).toEqual(file.values);
      }),
      { numRuns: RUNS.parseRoundTrip },
    );
  });

  // The IDX format has no checksum, but every one of these damages breaks a
  // promise the header makes, so none may ever pass.
  it('rejects every truncation, header byte flip, rank or dimension change and appended byte, naming the file', () => {
    fc.assert(
      fc.property(idxFile, damage, (file, how) => {
        expectRejected(() => parseIdx(damaged(file, how), 'damaged.idx'), 'damaged.idx');
      }),
      { numRuns: RUNS.parseDamaged },
    );
  });

  it('on arbitrary bytes, either returns a self-consistent file or throws FileFormatError', () => {
    // Valid-looking starts are made likely: random bytes almost never begin 00 00 08.
    const start = fc.oneof(fc.constant(new Uint8Array([0, 0, 8])), fc.constant(new Uint8Array(0)));
    const bytes = fc.tuple(start, fc.uint8Array({ maxLength: 40 })).map(([head, tail]) => new Uint8Array([...head, ...tail]));
    fc.assert(
      fc.property(bytes, (input) => {
        let parsed;
        try {
          parsed = parseIdx(input, 'random.idx');
        } catch (error) {
          expect(error).toBeInstanceOf(FileFormatError);
          expect((error as FileFormatError).path).toBe('random.idx');
          return;
        }
        const valueCount = parsed.shape.reduce((product, size) => product * size, 1);
        expect(4 + 4 * parsed.shape.length + valueCount).toBe(input.length);
        expect(parsed.data).toEqual(input.subarray(input.length - valueCount));
      }),
      { numRuns: RUNS.parseArbitraryBytes },
    );
  });
});

// ---------------------------------------------------------------------------
// Loading whole datasets from a directory.

const FILE_ORDER = [FILE_NAMES.trainImages, FILE_NAMES.trainLabels, FILE_NAMES.testImages, FILE_NAMES.testLabels];

/** A tiny valid dataset: the four files' dimensions and values, by published name. */
const dataset: fc.Arbitrary<Record<string, IdxFile>> = fc
  .record({ trainCount: fc.integer({ min: 1, max: 3 }), testCount: fc.integer({ min: 1, max: 2 }) })
  .chain(({ trainCount, testCount }) =>
    fc
      .tuple(
        bytesOfLength(trainCount * 28 * 28),
        fc.uint8Array({ minLength: trainCount, maxLength: trainCount, max: 9 }),
        bytesOfLength(testCount * 28 * 28),
        fc.uint8Array({ minLength: testCount, maxLength: testCount, max: 9 }),
      )
      .map(([trainImages, trainLabels, testImages, testLabels]) => ({
        [FILE_NAMES.trainImages]: { dims: [trainCount, 28, 28], values: trainImages },
        [FILE_NAMES.trainLabels]: { dims: [trainCount], values: trainLabels },
        [FILE_NAMES.testImages]: { dims: [testCount, 28, 28], values: testImages },
        [FILE_NAMES.testLabels]: { dims: [testCount], values: testLabels },
      })),
  );

/**
 * How one file of the dataset is damaged: in its IDX bytes (then stored
 * gzipped or raw), or in its gzip bytes. A gzip flip may land where gzip
 * does not look (the timestamp, say) and leave the data intact; the others
 * always break the file.
 */
type FileDamage =
  | { on: 'idx'; gzip: boolean; damage: Damage }
  | { on: 'gzip'; kind: 'truncate' | 'flip' | 'append'; at: number; mask: number; extra: Uint8Array };

const fileDamage: fc.Arbitrary<FileDamage> = fc.oneof(
  fc.record({ on: fc.constant('idx' as const), gzip: fc.boolean(), damage }),
  fc.record({
    on: fc.constant('gzip' as const),
    kind: fc.constantFrom('truncate' as const, 'flip' as const, 'append' as const),
    at: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
    extra: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);

/** The damaged file's bytes and the name it is stored under (without .gz when stored raw). */
function damagedFile(name: string, file: IdxFile, how: FileDamage): { bytes: Uint8Array; storedName: string } {
  if (how.on === 'idx') {
    const bytes = damaged(file, how.damage);
    return how.gzip ? { bytes: gzipSync(bytes), storedName: name } : { bytes, storedName: name.replace(/\.gz$/, '') };
  }
  const gz = gzipSync(idxBytes(file.dims, file.values));
  if (how.kind === 'truncate') return { bytes: gz.slice(0, how.at % gz.length), storedName: name };
  if (how.kind === 'append') return { bytes: new Uint8Array([...gz, ...how.extra]), storedName: name };
  const flipped = gz.slice();
  flipped[how.at % gz.length]! ^= how.mask;
  return { bytes: flipped, storedName: name };
}

/** Whether a damage must always be detected (only a flipped gzip byte or gzip's trailing bytes may go unnoticed). */
function alwaysDetected(how: FileDamage): boolean {
  return how.on === 'idx' || how.kind === 'truncate';
}

/** Writes the dataset into a new directory, every file gzipped except the damaged one when it is stored raw. */
function writeDamagedDataset(
  parent: string,
  files: Record<string, IdxFile>,
  target: string,
  how: FileDamage,
): { dir: string; damagedPath: string } {
  const dir = mkdtempSync(join(parent, 'case-'));
  let damagedPath = '';
  for (const name of FILE_ORDER) {
    const { bytes, storedName } = name === target ? damagedFile(name, files[name]!, how) : { bytes: gzippedIdx(files[name]!), storedName: name };
    writeFileSync(join(dir, storedName), bytes);
    if (name === target) damagedPath = join(dir, storedName);
  }
  return { dir, damagedPath };
}

/** Asserts that the loaded tensors hold exactly the generated files' values and shapes. */
function expectOriginalData(data: FashionMnistData, files: Record<string, IdxFile>): void {
  const [[xTrain, yTrain], [xTest, yTest]] = data;
  const tensors = [xTrain, yTrain, xTest, yTest];
  FILE_ORDER.forEach((name, i) => {
    const original = files[name]!;
    expect(tensors[i]!.shape).toEqual(original.dims);
    expect(Array.from(tensors[i]!.data)).toEqual(Array.from(original.values));
  });
}

/** The outcome of a load: its data, or what it threw. */
async function settle(load: Promise<FashionMnistData>): Promise<{ data: FashionMnistData } | { error: unknown }> {
  return load.then(
    (data) => ({ data }),
    (error: unknown) => ({ error }),
  );
}

let root: string;
let emptySystemDir: string;
let savedDatasetDir: string | undefined;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tinykeras-data-files-'));
  emptySystemDir = join(root, 'system');
  mkdirSync(emptySystemDir);
  // The cache cases must not find a dataset through the environment first.
  savedDatasetDir = process.env.FASHION_MNIST_DIR;
  delete process.env.FASHION_MNIST_DIR;
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (savedDatasetDir !== undefined) process.env.FASHION_MNIST_DIR = savedDatasetDir;
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('fashionMnist.loadData on damaged files (property-based)', () => {
  it('from your directory: loads the exact original data, or throws FileFormatError naming the damaged file and keeps it', async () => {
    await fc.assert(
      fc.asyncProperty(dataset, fc.constantFrom(...FILE_ORDER), fileDamage, async (files, target, how) => {
        const { dir, damagedPath } = writeDamagedDataset(root, files, target, how);
        const outcome = await settle(loadData({ dir, download: false, systemDir: emptySystemDir }));
        if ('data' in outcome) {
          expect(alwaysDetected(how)).toBe(false);
          expectOriginalData(outcome.data, files);
        } else {
          expect(outcome.error).toBeInstanceOf(FileFormatError);
          expect((outcome.error as FileFormatError).path).toBe(damagedPath);
          expect((outcome.error as FileFormatError).message).toContain(damagedPath);
        }
        // Your directory is never changed.
        expect(readdirSync(dir)).toHaveLength(4);
        rmSync(dir, { recursive: true });
      }),
      { numRuns: RUNS.loadFromDir },
    );
  });

  it('from the cache: rejects every damaged file, deletes it (and only it) and says so', async () => {
    await fc.assert(
      fc.asyncProperty(dataset, fc.constantFrom(...FILE_ORDER), fileDamage, async (files, target, how) => {
        const { dir: cacheDir, damagedPath } = writeDamagedDataset(root, files, target, how);
        const fileHashes = Object.fromEntries(FILE_ORDER.map((name) => [name, sha256(gzippedIdx(files[name]!))]));
        // In the cache even a harmless-looking gzip change is caught: the bytes no longer match their sha256.
        const outcome = await settle(loadData({ cacheDir, fileHashes, download: false, systemDir: emptySystemDir }));
        expect(outcome).toHaveProperty('error');
        const error = (outcome as { error: unknown }).error;
        expect(error).toBeInstanceOf(FileFormatError);
        expect((error as FileFormatError).message).toContain(`Deleted from the cache: ${damagedPath}.`);
        expect(readdirSync(cacheDir).sort()).toEqual(FILE_ORDER.filter((name) => name !== target).sort());
        rmSync(cacheDir, { recursive: true });
      }),
      { numRuns: RUNS.loadFromCache },
    );
  });
});
