/**
 * Tests for the dataset loaders in src/data: the IDX parser, and Fashion-MNIST's
 * loadData with its lookup order, corruption checks and verified downloads.
 *
 * Every test makes its own tiny dataset (a few 28×28 images) in a temp
 * directory, and downloads come from a server on 127.0.0.1 that the test
 * starts. One test loads the real data, when the Debian package is installed.
 * The property-based tests (random files, randomly damaged) are in
 * data-files.test.ts.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseIdx } from '../../src/data/idx.js';
import {
  CLASS_NAMES,
  DEBIAN_DIR,
  FILE_NAMES,
  fashionMnist,
  loadData,
  type FashionMnistData,
  type LoadDataOptions,
} from '../../src/data/fashion-mnist.js';
import { fileIdentity, removeFileUnlessReplaced } from '../../src/io/node-files.js';
import { datasetFiles, hashesOf, idxBytes, imageValues, labelValues, sha256, startServer, writeDataset, type DatasetSpec } from '../support/idx-files.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { requireFashionMnist } from '../support/requirements.js';

// ---------------------------------------------------------------------------
// Temp directories and a clean environment for every test.

const root = mkdtempSync(join(tmpdir(), 'tinykeras-data-'));
let dirCounter = 0;
/** A fresh path under the temp root (not created). */
const freshDir = (name: string): string => join(root, `${name}-${++dirCounter}`);

const ENV_NAMES = ['FASHION_MNIST_DIR', 'FASHION_MNIST_ORIGIN', 'KERAS_HOME'] as const;
const savedEnv: Partial<Record<string, string>> = {};
/** An empty stand-in for /usr/share/datasets/fashion-mnist, so the real data never interferes. */
let emptySystemDir: string;

beforeEach(() => {
  for (const name of ENV_NAMES) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
  // Never touch the real ~/.keras.
  process.env.KERAS_HOME = freshDir('keras-home');
  emptySystemDir = freshDir('system');
  mkdirSync(emptySystemDir);
});

afterEach(() => {
  for (const name of ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  vi.restoreAllMocks();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** loadData with downloads off and the system directory emptied, unless overridden. */
function loadLocal(options: LoadDataOptions = {}) {
  return loadData({ download: false, systemDir: emptySystemDir, ...options });
}

// ---------------------------------------------------------------------------

/** What a promise rejects with; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(outcome)}`);
  return outcome;
}

/** What a function throws; fails the test if it returns. */
function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected an Error to be thrown');
}

/** Asserts `error` is a FileFormatError about `path` whose message matches `pattern`. */
function expectFileFormatError(error: Error, path: string, pattern?: RegExp | string): void {
  expect(error).toBeInstanceOf(FileFormatError);
  expect((error as FileFormatError).path).toBe(path);
  expect(error.message).toContain(path);
  if (pattern !== undefined) expect(error.message).toMatch(pattern);
}

describe('parseIdx', () => {
  it('reads the dimensions and the values', () => {
    const bytes = idxBytes([2, 28, 28], imageValues(2));
    const { shape, data } = parseIdx(bytes, 'images');
    expect(shape).toEqual([2, 28, 28]);
    expect(data.length).toBe(2 * 28 * 28);
    expect(Array.from(data.subarray(0, 3))).toEqual([0, 37, 74]);
    // A view into the input, not a copy.
    expect(data.buffer).toBe(bytes.buffer);
  });

  it('reads big-endian sizes above 255', () => {
    const { shape } = parseIdx(idxBytes([300], new Uint8Array(300)), 'labels');
    expect(shape).toEqual([300]);
  });

  it('rejects a wrong magic number, naming the file', () => {
    const bytes = idxBytes([3], [1, 2, 3]);
    bytes[0] = 0x1f;
    expectFileFormatError(thrownBy(() => parseIdx(bytes, 'my-labels')), 'my-labels', /my-labels: not an IDX file.*Received: 0x1F 0x00/);
  });

  it('rejects value types other than unsigned byte', () => {
    const bytes = idxBytes([1], [0, 0, 0, 0], 0x0d);
    expectFileFormatError(
      thrownBy(() => parseIdx(bytes, 'floats')),
      'floats',
      /floats: only IDX files of unsigned bytes.*Received: type 0x0D \(float32\)/,
    );
  });

  it('rejects a file shorter than its header', () => {
    expectFileFormatError(thrownBy(() => parseIdx(new Uint8Array([0, 0]), 'tiny')), 'tiny', /tiny: too short.*Received: 2 bytes/);
    const headerCut = idxBytes([5, 28, 28], []).subarray(0, 10);
    expectFileFormatError(thrownBy(() => parseIdx(headerCut, 'cut')), 'cut', /cut: the header declares 3 dimensions, so it needs 16 bytes/);
  });

  it('rejects a truncated file, saying what size was expected', () => {
    const header = idxBytes([60000, 28, 28], []);
    const bytes = new Uint8Array(1000);
    bytes.set(header);
    expectFileFormatError(
      thrownBy(() => parseIdx(bytes, 'train-images-idx3-ubyte.gz')),
      'train-images-idx3-ubyte.gz',
      'train-images-idx3-ubyte.gz: expected 47040016 bytes (16-byte header + 60000×28×28). ' +
        'Received: 1000 bytes (the file is truncated).',
    );
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array([...idxBytes([2], [1, 2]), 7]);
    expect(() => parseIdx(bytes, 'long')).toThrow('long: expected 10 bytes (8-byte header + 2). Received: 11 bytes.');
  });

  it('rejects a dimension of 0, which a damaged rank byte could otherwise pass off as an empty file', () => {
    // Shape (8) holding eight zeros; with the rank byte turned from 1 to 3 the
    // header reads (8, 0, 0), and 16 header bytes + 0 values is the file's exact length.
    const bytes = idxBytes([8], new Uint8Array(8));
    bytes[3] = 3;
    expectFileFormatError(
      thrownBy(() => parseIdx(bytes, 'rank')),
      'rank',
      'rank: expected every dimension in the header to be at least 1; the header is damaged or the file holds no values. ' +
        'Received: dimension 1 is 0, shape (8, 0, 0).',
    );
  });
});

describe('fashionMnist.loadData from a directory', () => {
  it('loads gzipped files as float32 tensors of raw pixels and labels', async () => {
    const dir = writeDataset(freshDir('gz'), { trainCount: 5, testCount: 3, firstLabel: 9 });
    const [[xTrain, yTrain], [xTest, yTest]] = await loadLocal({ dir });
    expect(xTrain.shape).toEqual([5, 28, 28]);
    expect(yTrain.shape).toEqual([5]);
    expect(xTest.shape).toEqual([3, 28, 28]);
    expect(yTest.shape).toEqual([3]);
    expect(xTrain.data).toBeInstanceOf(Float32Array);
    expect(Array.from(xTrain.data.subarray(0, 8))).toEqual([0, 37, 74, 111, 148, 185, 222, 3]);
    expect(Array.from(yTrain.data)).toEqual([9, 0, 1, 2, 3]);
    expect(Array.from(yTest.data)).toEqual([0, 1, 2]);
  });

  it('loads already-uncompressed files', async () => {
    const dir = writeDataset(freshDir('raw'), { gzip: false, firstLabel: 4 });
    const [[, yTrain]] = await loadLocal({ dir });
    expect(yTrain.data[0]).toBe(4);
  });

  it('exposes the class names, as Keras documents them', () => {
    expect(fashionMnist.classNames).toBe(CLASS_NAMES);
    expect(CLASS_NAMES).toHaveLength(10);
    expect(CLASS_NAMES[0]).toBe('T-shirt/top');
    expect(CLASS_NAMES[9]).toBe('Ankle boot');
    expect(fashionMnist.loadData).toBe(loadData);
  });

  // Each case breaks one file of an otherwise good dataset; the error must name that file.
  const corruptions: Array<[string, string, (files: Record<string, Uint8Array>) => Uint8Array, RegExp]> = [
    ['a truncated gzip', FILE_NAMES.trainImages, (f) => gzipSync(f[FILE_NAMES.trainImages]!).subarray(0, 200), /could not decompress.*truncated/],
    [
      'a gzip with a damaged byte',
      FILE_NAMES.testImages,
      (f) => {
        const gz = gzipSync(f[FILE_NAMES.testImages]!);
        gz[gz.length - 6] ^= 0xff; // inside the CRC-32 trailer
        return gz;
      },
      /could not decompress/,
    ],
    ['a file that is not gzip', FILE_NAMES.trainLabels, (f) => f[FILE_NAMES.trainLabels]!, /could not decompress/],
    ['a wrong magic number', FILE_NAMES.testLabels, () => gzipSync(Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0])), /not an IDX file/],
    ['a wrong size', FILE_NAMES.trainImages, () => gzipSync(idxBytes([5, 28, 28], imageValues(4))), /expected 3936 bytes.*Received: 3152 bytes/],
    ['images that are not 28×28', FILE_NAMES.testImages, () => gzipSync(idxBytes([3, 14, 14], new Uint8Array(3 * 196))), /expected images of shape \(count, 28, 28\)\. Received: shape \(3, 14, 14\)/],
    ['labels of the wrong rank', FILE_NAMES.trainLabels, () => gzipSync(idxBytes([5, 1], labelValues(5))), /expected labels of shape \(count,\)/],
    ['fewer labels than images', FILE_NAMES.trainLabels, () => gzipSync(idxBytes([4], labelValues(4))), /expected one label per image.*so 5 labels\. Received: 4 labels/],
    ['a label outside 0-9', FILE_NAMES.testLabels, () => gzipSync(idxBytes([3], [0, 12, 1])), /expected every label to be a class index 0-9\. Received: 12 at index 1/],
  ];

  it.each(corruptions)('rejects %s, naming %s, and keeps the file', async (_, fileName, corrupt, reason) => {
    const dir = writeDataset(freshDir('corrupt'));
    const path = join(dir, fileName);
    const corrupted = corrupt(datasetFiles());
    writeFileSync(path, corrupted);
    expectFileFormatError(await rejectionOf(loadLocal({ dir })), path, reason);
    // The directory is the user's: the file is reported, never deleted or changed.
    expect(readFileSync(path)).toEqual(Buffer.from(corrupted));
  });

  it('rejects a truncated uncompressed file, naming it', async () => {
    const dir = writeDataset(freshDir('raw-cut'), { gzip: false });
    const path = join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(path, readFileSync(path).subarray(0, 500));
    expectFileFormatError(
      await rejectionOf(loadLocal({ dir })),
      path,
      `${path}: expected 2368 bytes (16-byte header + 3×28×28). Received: 500 bytes`,
    );
  });

  it('rejects a bad file in the Debian directory without deleting it, and does not look further', async () => {
    const systemDir = writeDataset(freshDir('bad-system'));
    const path = join(systemDir, FILE_NAMES.testLabels);
    writeFileSync(path, gzipSync(idxBytes([3], [0, 1])));
    const { files, hashes } = publishedDataset();
    const server = await startServer(files);
    try {
      const error = await rejectionOf(
        loadData({ cacheDir: freshDir('unused-cache'), systemDir, origin: server.origin, fileHashes: hashes, verbose: false }),
      );
      expectFileFormatError(error, path, /expected 11 bytes.*Received: 10 bytes/);
    } finally {
      await server.close();
    }
    expect(existsSync(path)).toBe(true);
    expect(server.requests).toEqual([]);
  });

  it('does not check the sha256 of files outside the cache, so your own data can use these names', async () => {
    const dir = writeDataset(freshDir('own-data'), { firstLabel: 3 });
    const [[, yTrain]] = await loadLocal({ dir, fileHashes: { [FILE_NAMES.trainLabels]: '0'.repeat(64) } });
    expect(yTrain.data[0]).toBe(3);
  });
});

describe('fashionMnist.loadData lookup order', () => {
  it('prefers the dir option over FASHION_MNIST_DIR', async () => {
    process.env.FASHION_MNIST_DIR = writeDataset(freshDir('env'), { firstLabel: 2 });
    const dir = writeDataset(freshDir('option'), { firstLabel: 1 });
    const [[, yTrain]] = await loadLocal({ dir });
    expect(yTrain.data[0]).toBe(1);
  });

  it('prefers FASHION_MNIST_DIR over the cache', async () => {
    process.env.FASHION_MNIST_DIR = writeDataset(freshDir('env'), { firstLabel: 2 });
    const cacheDir = writeDataset(freshDir('cache'), { firstLabel: 3 });
    const [[, yTrain]] = await loadLocal({ cacheDir });
    expect(yTrain.data[0]).toBe(2);
  });

  it('prefers the cache over the Debian package directory', async () => {
    const cacheDir = writeDataset(freshDir('cache'), { firstLabel: 3 });
    const systemDir = writeDataset(freshDir('system'), { firstLabel: 4 });
    const [[, yTrain]] = await loadLocal({ cacheDir, systemDir, fileHashes: hashesOf({ firstLabel: 3 }) });
    expect(yTrain.data[0]).toBe(3);
  });

  it('falls back to the Debian package directory', async () => {
    const systemDir = writeDataset(freshDir('system'), { firstLabel: 4 });
    const [[, yTrain]] = await loadLocal({ dir: freshDir('nowhere'), cacheDir: freshDir('empty-cache'), systemDir });
    expect(yTrain.data[0]).toBe(4);
  });

  it('finds the cache under KERAS_HOME like Keras, when no cacheDir is given', async () => {
    const kerasHome = freshDir('keras-home');
    process.env.KERAS_HOME = kerasHome;
    writeDataset(join(kerasHome, 'datasets', 'fashion-mnist'), { firstLabel: 5 });
    const [[, yTrain]] = await loadLocal({ fileHashes: hashesOf({ firstLabel: 5 }) });
    expect(yTrain.data[0]).toBe(5);
  });

  it('skips a directory that lacks one of the four files', async () => {
    const incomplete = writeDataset(freshDir('incomplete'), { firstLabel: 1 });
    rmSync(join(incomplete, FILE_NAMES.testLabels));
    const cacheDir = writeDataset(freshDir('cache'), { firstLabel: 3 });
    const [[, yTrain]] = await loadLocal({ dir: incomplete, cacheDir, fileHashes: hashesOf({ firstLabel: 3 }) });
    expect(yTrain.data[0]).toBe(3);
  });

  it('accepts a mix of gzipped and uncompressed files in one directory', async () => {
    const dir = writeDataset(freshDir('mixed'), { firstLabel: 6 });
    const raw = gunzipSync(readFileSync(join(dir, FILE_NAMES.trainLabels)));
    rmSync(join(dir, FILE_NAMES.trainLabels));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), raw);
    const [[, yTrain]] = await loadLocal({ dir });
    expect(yTrain.data[0]).toBe(6);
  });

  it('lists every place it tried, and how to fix it, when nothing has the data', async () => {
    const dir = freshDir('missing');
    const cacheDir = writeDataset(freshDir('partial-cache'));
    rmSync(join(cacheDir, FILE_NAMES.trainImages));
    const error = await rejectionOf(loadLocal({ dir, cacheDir }));
    // Nothing was found, so the error's path is where the files were expected: the cache.
    expectFileFormatError(error, cacheDir);
    expect(error.message).toBe(
      [
        'Could not load the Fashion-MNIST dataset. Tried, in order:',
        `  1. the \`dir\` option (${dir}): the directory does not exist`,
        '  2. FASHION_MNIST_DIR: not set',
        `  3. the cache directory (${cacheDir}): missing train-images-idx3-ubyte.gz (or the same without .gz)`,
        `  4. the Debian package directory (${emptySystemDir}): none of the four files is there`,
        '  5. downloading: turned off by `download: false`',
        'To fix this, do one of:',
        '  - install the Debian package: apt-get install dataset-fashion-mnist',
        '  - put the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, ' +
          't10k-labels-idx1-ubyte.gz) in a directory and set FASHION_MNIST_DIR to it, or pass it as `dir`',
        '  - allow the download (the default, `download: true`) on a machine with internet access',
      ].join('\n'),
    );
  });
});

/**
 * A `betweenHalves` that holds each file until `count` requests for it have
 * arrived. Loaders held this way are all midway through the same file at the
 * same moment, so the test really exercises overlapping downloads.
 */
function holdUntilRequestedBy(count: number): (name: string) => Promise<void> {
  const waiting = new Map<string, Array<() => void>>();
  return (name) =>
    new Promise<void>((release) => {
      const held = [...(waiting.get(name) ?? []), release];
      waiting.set(name, held);
      if (held.length >= count) held.forEach((releaseOne) => releaseOne());
    });
}

/** The gzipped tiny dataset and the sha256 of each file, as a server would publish them. */
function publishedDataset(spec: DatasetSpec = {}): { files: Record<string, Uint8Array>; hashes: Record<string, string> } {
  const files: Record<string, Uint8Array> = {};
  const hashes: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(datasetFiles(spec))) {
    files[name] = gzipSync(bytes);
    hashes[name] = sha256(files[name]!);
  }
  return { files, hashes };
}

/** Resolves once `check` returns true, polling; fails after two seconds. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Asserts that `cacheDir` holds exactly the published files, byte for byte, and no temporary leftovers. */
function expectCacheHolds(cacheDir: string, files: Record<string, Uint8Array>): void {
  expect(readdirSync(cacheDir).sort()).toEqual(Object.keys(files).sort());
  for (const [name, bytes] of Object.entries(files)) expect(sha256(readFileSync(join(cacheDir, name)))).toBe(sha256(bytes));
}

/** The labels of both splits, enough to tell which generated dataset was loaded. */
function labelsOf([[, yTrain], [, yTest]]: FashionMnistData): number[][] {
  return [Array.from(yTrain.data), Array.from(yTest.data)];
}

describe('fashionMnist.loadData downloads', () => {
  it('downloads with progress, verifies, caches, then loads from the cache alone', async () => {
    const { files, hashes } = publishedDataset({ firstLabel: 7 });
    const server = await startServer(files);
    const cacheDir = freshDir('download-cache');
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const [[xTrain, yTrain]] = await loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir });
      expect(xTrain.shape).toEqual([5, 28, 28]);
      expect(yTrain.data[0]).toBe(7);
    } finally {
      await server.close();
    }
    expect(server.requests.sort()).toEqual(Object.keys(files).sort());
    const output = printed.join('');
    expect(output).toContain(`Downloading data from ${server.origin}train-images-idx3-ubyte.gz`);
    // Keras's download bar, counted in bytes; only the final line, as stdout is not a terminal here.
    const trainImagesBytes = files[FILE_NAMES.trainImages]!.length;
    expect(output).toMatch(new RegExp(`${trainImagesBytes}/${trainImagesBytes} \\[=+\\] - \\d+s \\d+[mu]?s/step\n`));
    // Exactly the four verified files, no temporary leftovers.
    expect(readdirSync(cacheDir).sort()).toEqual(Object.keys(files).sort());
    for (const [name, bytes] of Object.entries(files)) expect(sha256(readFileSync(join(cacheDir, name)))).toBe(sha256(bytes));

    // The server is gone: a second load must come from the cache.
    const [[, again]] = await loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false });
    expect(again.data[0]).toBe(7);
  });

  it('downloads only the files the cache lacks, to the origin from FASHION_MNIST_ORIGIN', async () => {
    const { files, hashes } = publishedDataset({ firstLabel: 8 });
    const cacheDir = writeDataset(freshDir('half-cache'), { firstLabel: 8 });
    rmSync(join(cacheDir, FILE_NAMES.testImages));
    rmSync(join(cacheDir, FILE_NAMES.trainLabels));
    const server = await startServer(files);
    process.env.FASHION_MNIST_ORIGIN = server.origin.replace(/\/$/, ''); // a missing slash is added
    try {
      const [[, yTrain]] = await loadData({ cacheDir, fileHashes: hashes, systemDir: emptySystemDir, verbose: false });
      expect(yTrain.data[0]).toBe(8);
    } finally {
      await server.close();
    }
    expect(server.requests.sort()).toEqual([FILE_NAMES.testImages, FILE_NAMES.trainLabels].sort());
  });

  it('deletes a download whose sha256 does not match, keeping nothing in the cache', async () => {
    const { files, hashes } = publishedDataset();
    const wrongHashes = { ...hashes, [FILE_NAMES.trainImages]: '0'.repeat(64) };
    const server = await startServer(files);
    const cacheDir = freshDir('bad-hash-cache');
    try {
      const error = await rejectionOf(
        loadData({ cacheDir, origin: server.origin, fileHashes: wrongHashes, systemDir: emptySystemDir, verbose: false }),
      );
      const url = `${server.origin}${FILE_NAMES.trainImages}`;
      expectFileFormatError(error, url, 'Could not load the Fashion-MNIST dataset. Tried, in order:');
      expect(error.message).toContain(
        `${url}: the downloaded file failed verification and was deleted; expected sha256 ${'0'.repeat(64)}. ` +
          `Received: sha256 ${hashes[FILE_NAMES.trainImages]} (${files[FILE_NAMES.trainImages]!.length} bytes).`,
      );
      expect(error.cause).toBeInstanceOf(FileFormatError);
    } finally {
      await server.close();
    }
    // train-images is the first file fetched, so the cache stays empty.
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('keeps nothing from a download cut off midway', async () => {
    const { files, hashes } = publishedDataset();
    const server = await startServer(files, { cutShort: [FILE_NAMES.trainImages] });
    const cacheDir = freshDir('cut-cache');
    try {
      const error = await rejectionOf(
        loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false }),
      );
      const half = Math.floor(files[FILE_NAMES.trainImages]!.length / 2);
      expectFileFormatError(
        error,
        `${server.origin}${FILE_NAMES.trainImages}`,
        // Whether the first half reaches us before the connection drops depends on timing.
        new RegExp(
          `downloading from http://127\\.0\\.0\\.1:\\d+/ into .*cut-cache-\\d+: .*the download failed ` +
            `(before any data arrived|after ${half} bytes); expected the whole file\\. Received: terminated`,
        ),
      );
    } finally {
      await server.close();
    }
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('reports an HTTP error and a refused connection among the places tried', async () => {
    const server = await startServer({});
    const cacheDir = freshDir('404-cache');
    const url = `${server.origin}${FILE_NAMES.trainImages}`;
    try {
      const error = await rejectionOf(loadData({ cacheDir, origin: server.origin, systemDir: emptySystemDir, verbose: false }));
      expectFileFormatError(
        error,
        url,
        `downloading from ${server.origin} into ${cacheDir}: ${url}: the download failed; expected HTTP 200 OK. Received: HTTP 404 Not Found.`,
      );
    } finally {
      await server.close();
    }
    // The server is closed now, so the port refuses connections.
    const refused = await rejectionOf(loadData({ cacheDir, origin: server.origin, systemDir: emptySystemDir, verbose: false }));
    expectFileFormatError(
      refused,
      url,
      /5\. downloading from .*the download failed before any data arrived; expected the whole file\. Received: fetch failed.*ECONNREFUSED[\s\S]*apt-get install dataset-fashion-mnist/,
    );
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });

  it('writes to a temporary file, and renames it into the cache only once it is complete and verified', async () => {
    const { files, hashes } = publishedDataset({ firstLabel: 2 });
    let releaseSecondHalf = (): void => {};
    const secondHalfSent = new Promise<void>((resolve) => (releaseSecondHalf = resolve));
    const server = await startServer(files, {
      betweenHalves: (name) => (name === FILE_NAMES.trainImages ? secondHalfSent : Promise.resolve()),
    });
    const cacheDir = freshDir('temp-cache');
    try {
      const loading = loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false });
      // Halfway through: only a temporary file exists, holding the first half.
      const partFile = (): string | undefined => (existsSync(cacheDir) ? readdirSync(cacheDir) : []).find((name) => name.endsWith('.part'));
      const half = Math.floor(files[FILE_NAMES.trainImages]!.length / 2);
      await waitFor(() => partFile() !== undefined && readFileSync(join(cacheDir, partFile()!)).length === half, 'the first half');
      expect(partFile()).toMatch(new RegExp(`^${FILE_NAMES.trainImages.replace(/\./g, '\\.')}\\.\\d+-[0-9a-f]{8}\\.part$`));
      expect(readdirSync(cacheDir)).toEqual([partFile()]);
      releaseSecondHalf();
      expect(labelsOf(await loading)[0]![0]).toBe(2);
    } finally {
      await server.close();
    }
    expectCacheHolds(cacheDir, files);
  });

  it('gives up on a server that never answers, after downloadTimeoutMs', async () => {
    const { files, hashes } = publishedDataset();
    const server = await startServer(files, { silent: [FILE_NAMES.trainImages] });
    const cacheDir = freshDir('silent-cache');
    const started = Date.now();
    try {
      const error = await rejectionOf(
        loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false, downloadTimeoutMs: 100 }),
      );
      const url = `${server.origin}${FILE_NAMES.trainImages}`;
      expectFileFormatError(
        error,
        url,
        `${url}: the download stalled before any data arrived; expected data at least every 0.1 s (the download timeout). ` +
          'Received: nothing for 0.1 s.',
      );
    } finally {
      await server.close();
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('gives up on a download that stalls midway, keeping nothing', async () => {
    const { files, hashes } = publishedDataset();
    const never = new Promise<void>(() => {});
    const server = await startServer(files, { betweenHalves: (name) => (name === FILE_NAMES.testImages ? never : Promise.resolve()) });
    const cacheDir = freshDir('stalled-cache');
    try {
      const error = await rejectionOf(
        loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false, downloadTimeoutMs: 100 }),
      );
      const half = Math.floor(files[FILE_NAMES.testImages]!.length / 2);
      expectFileFormatError(error, `${server.origin}${FILE_NAMES.testImages}`, `the download stalled after ${half} bytes`);
    } finally {
      await server.close();
    }
    // The two files fetched before it are complete and verified, so they stay; nothing of the stalled one does.
    expect(readdirSync(cacheDir).sort()).toEqual([FILE_NAMES.trainImages, FILE_NAMES.trainLabels].sort());
  });

  it('survives two loads at once in one process: both get the data, the cache ends up whole', async () => {
    const { files, hashes } = publishedDataset({ firstLabel: 4 });
    const server = await startServer(files, { betweenHalves: holdUntilRequestedBy(2) });
    const cacheDir = freshDir('shared-cache');
    const options = { cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false };
    try {
      const [first, second] = await Promise.all([loadData(options), loadData(options)]);
      expect(labelsOf(first)).toEqual(labelsOf(second));
      expect(labelsOf(first)[0]![0]).toBe(4);
    } finally {
      await server.close();
    }
    // Every file was downloaded twice, side by side; each download renamed a whole copy into place.
    expect(server.requests.length).toBe(8);
    expectCacheHolds(cacheDir, files);
  });

  it('survives two processes loading at once into one cache', async () => {
    const { files, hashes } = publishedDataset({ firstLabel: 6 });
    const server = await startServer(files, { betweenHalves: holdUntilRequestedBy(2) });
    const cacheDir = freshDir('process-cache');
    const options = { cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false };
    try {
      const outputs = await Promise.all([loadInChildProcess(options), loadInChildProcess(options)]);
      for (const output of outputs) expect(JSON.parse(output)).toEqual(labelsOf(await loadLocal({ dir: cacheDir })));
    } finally {
      await server.close();
    }
    expect(server.requests.length).toBe(8);
    expectCacheHolds(cacheDir, files);
  }, 30_000);
});

/**
 * Runs `loadData(options)` in a separate Node process (through tsx, which
 * compiles the TypeScript source on the fly) and returns what it prints: the
 * labels it loaded, as JSON.
 */
async function loadInChildProcess(options: LoadDataOptions): Promise<string> {
  const loaderUrl = pathToFileURL(resolve('src/data/fashion-mnist.ts')).href;
  const script = [
    `const { loadData } = await import(${JSON.stringify(loaderUrl)});`,
    `const [[, yTrain], [, yTest]] = await loadData(${JSON.stringify(options)});`,
    'console.log(JSON.stringify([Array.from(yTrain.data), Array.from(yTest.data)]));',
  ].join('\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    timeout: 20_000,
  });
  return stdout;
}

// ---------------------------------------------------------------------------

describe('fashionMnist.loadData and a bad cache', () => {
  it('deletes a cached file that fails its sha256 and downloads it again', async () => {
    const { files, hashes } = publishedDataset({ firstLabel: 1 });
    const cacheDir = writeDataset(freshDir('stale-cache'), { firstLabel: 1 });
    // A valid file, but not the published one: say, an older version.
    writeFileSync(join(cacheDir, FILE_NAMES.testLabels), gzipSync(idxBytes([3], [9, 9, 9])));
    const server = await startServer(files);
    try {
      const data = await loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false });
      expect(labelsOf(data)[1]).toEqual([0, 1, 2]);
    } finally {
      await server.close();
    }
    expect(server.requests).toEqual([FILE_NAMES.testLabels]);
    expectCacheHolds(cacheDir, files);
  });

  it('deletes a corrupt cached file even when downloads are off, and goes on to the Debian directory', async () => {
    const cacheDir = writeDataset(freshDir('corrupt-cache'), { firstLabel: 1 });
    const path = join(cacheDir, FILE_NAMES.trainImages);
    writeFileSync(path, readFileSync(path).subarray(0, 100));
    const systemDir = writeDataset(freshDir('good-system'), { firstLabel: 4 });
    const [[, yTrain]] = await loadLocal({ cacheDir, systemDir, fileHashes: hashesOf({ firstLabel: 1 }) });
    expect(yTrain.data[0]).toBe(4);
    expect(readdirSync(cacheDir).sort()).toEqual([FILE_NAMES.trainLabels, FILE_NAMES.testImages, FILE_NAMES.testLabels].sort());
  });

  it('says which cached files it deleted and why, when nothing else has the data', async () => {
    const cacheDir = writeDataset(freshDir('two-bad-cache'));
    const badImages = join(cacheDir, FILE_NAMES.testImages);
    const badLabels = join(cacheDir, FILE_NAMES.trainLabels);
    writeFileSync(badImages, 'not gzip');
    writeFileSync(badLabels, gzipSync(idxBytes([5], labelValues(5))).subarray(0, 20));
    const error = await rejectionOf(loadLocal({ cacheDir, fileHashes: hashesOf() }));
    expectFileFormatError(error, cacheDir);
    expect(error.message).toContain(`${badLabels}: the file does not match its published checksum; expected sha256 `);
    expect(error.message).toContain(`${badImages}: the file does not match its published checksum`);
    expect(error.message).toContain(`Deleted from the cache: ${badLabels}, ${badImages}.`);
    expect(readdirSync(cacheDir).sort()).toEqual([FILE_NAMES.trainImages, FILE_NAMES.testLabels].sort());
  });

  it('deletes an uncompressed cached file that fails its checks (it has no published sha256)', async () => {
    const cacheDir = writeDataset(freshDir('raw-cache'), { gzip: false });
    const path = join(cacheDir, 'train-labels-idx1-ubyte');
    writeFileSync(path, idxBytes([5], [1, 2, 3, 4, 10]));
    const error = await rejectionOf(loadLocal({ cacheDir }));
    expect(error.message).toContain(`${path}: expected every label to be a class index 0-9. Received: 10 at index 4. Deleted from the cache: ${path}.`);
    expect(existsSync(path)).toBe(false);
  });

  it('deletes a freshly downloaded file that passes its sha256 but not the other checks, and reports it', async () => {
    // The server publishes (and vouches for) a broken labels file: a label of 12.
    const { files, hashes } = publishedDataset();
    files[FILE_NAMES.testLabels] = gzipSync(idxBytes([3], [0, 12, 1]));
    hashes[FILE_NAMES.testLabels] = sha256(files[FILE_NAMES.testLabels]!);
    const server = await startServer(files);
    const cacheDir = freshDir('vouched-cache');
    try {
      const error = await rejectionOf(
        loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false }),
      );
      const path = join(cacheDir, FILE_NAMES.testLabels);
      expectFileFormatError(error, path, `Received: 12 at index 1. Deleted from the cache: ${path}.`);
    } finally {
      await server.close();
    }
    expect(readdirSync(cacheDir)).not.toContain(FILE_NAMES.testLabels);
    expect(server.requests.length).toBe(4); // no second attempt
  });

  it('survives two loads at once that both find the same bad cached file', async () => {
    const { files, hashes } = publishedDataset({ firstLabel: 5 });
    const cacheDir = writeDataset(freshDir('shared-bad-cache'), { firstLabel: 5 });
    writeFileSync(join(cacheDir, FILE_NAMES.trainLabels), gzipSync(idxBytes([5], [1, 1, 1, 1, 1])));
    const server = await startServer(files, { betweenHalves: holdUntilRequestedBy(2) });
    const options = { cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false };
    try {
      const [first, second] = await Promise.all([loadData(options), loadData(options)]);
      expect(labelsOf(first)[0]).toEqual([5, 6, 7, 8, 9]);
      expect(labelsOf(second)).toEqual(labelsOf(first));
    } finally {
      await server.close();
    }
    expect(server.requests).toEqual([FILE_NAMES.trainLabels, FILE_NAMES.trainLabels]);
    expectCacheHolds(cacheDir, files);
  });

  it('deletes a bad file only if it is still the one that was checked, not a copy another process put there since', async () => {
    const dir = mkdtempSync(join(root, 'identity-'));
    const path = join(dir, 'file');
    writeFileSync(path, 'bad');
    const checked = await fileIdentity(path);
    // Another process replaces it by rename, as downloadFile does.
    writeFileSync(join(dir, 'fresh'), 'good');
    renameSync(join(dir, 'fresh'), path);
    expect(await removeFileUnlessReplaced(path, checked)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('good');
    expect(await removeFileUnlessReplaced(path, await fileIdentity(path))).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(await fileIdentity(path)).toBeNull();
    // Already gone (another process deleted it first): nothing to do, and the bad file is gone as wanted.
    expect(await removeFileUnlessReplaced(path, checked)).toBe(true);
  });
});

describe('fashionMnist.loadData options', () => {
  it('rejects an unknown option, suggesting the closest', async () => {
    const error = await rejectionOf(loadData({ cachedir: '/tmp/x' } as LoadDataOptions));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe(
      "fashionMnist.loadData: unknown option 'cachedir'. Did you mean 'cacheDir'? Expected one of: dir, cacheDir, download, " +
        "verbose, origin, fileHashes, systemDir, downloadTimeoutMs, timeoutMs, signal. Received: cachedir='/tmp/x'",
    );
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('rejects downloadTimeoutMs=%s', async (downloadTimeoutMs) => {
    const error = await rejectionOf(loadLocal({ downloadTimeoutMs }));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe(
      `fashionMnist.loadData: downloadTimeoutMs must be a positive number of milliseconds. Received: downloadTimeoutMs=${downloadTimeoutMs}`,
    );
  });

  it('rejects fileHashes for an unknown file, or that are not sha256 hex digits', async () => {
    const unknown = await rejectionOf(loadLocal({ fileHashes: { 'train-images.gz': 'a'.repeat(64) } }));
    expect(unknown).toBeInstanceOf(ValueError);
    expect(unknown.message).toMatch(/fileHashes has an entry for an unknown file\. .*Received: 'train-images\.gz'/);
    const short = await rejectionOf(loadLocal({ fileHashes: { [FILE_NAMES.testLabels]: 'abc' } }));
    expect(short).toBeInstanceOf(ValueError);
    expect(short.message).toBe(
      "fashionMnist.loadData: fileHashes['t10k-labels-idx1-ubyte.gz'] must be a sha256, 64 hex digits. Received: 'abc'",
    );
  });

  it('rejects an origin that is not an http(s) URL, naming where it came from', async () => {
    const cacheDir = freshDir('never-created');
    const fromOption = await rejectionOf(loadData({ cacheDir, systemDir: emptySystemDir, origin: 'ftp://example.org/' }));
    expect(fromOption).toBeInstanceOf(ValueError);
    expect(fromOption.message).toBe(
      "fashionMnist.loadData: origin must be an http:// or https:// URL. Received: origin='ftp://example.org/'",
    );
    process.env.FASHION_MNIST_ORIGIN = 'storage.example.org';
    const fromEnvironment = await rejectionOf(loadData({ cacheDir, systemDir: emptySystemDir }));
    expect(fromEnvironment.message).toContain("Received: FASHION_MNIST_ORIGIN='storage.example.org'");
    expect(existsSync(cacheDir)).toBe(false);
  });
});

// ---------------------------------------------------------------------------

describe('the real Fashion-MNIST (Debian package dataset-fashion-mnist)', () => {
  it('loads 60000 + 10000 images of 28×28 with labels 0-9', async () => {
    requireFashionMnist();
    const [[xTrain, yTrain], [xTest, yTest]] = await loadData({ dir: DEBIAN_DIR, download: false });
    expect(xTrain.shape).toEqual([60000, 28, 28]);
    expect(yTrain.shape).toEqual([60000]);
    expect(xTest.shape).toEqual([10000, 28, 28]);
    expect(yTest.shape).toEqual([10000]);

    const range = (values: Float32Array): [number, number] => {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      return [min, max];
    };
    expect(range(xTrain.data)).toEqual([0, 255]);
    expect(range(xTest.data)).toEqual([0, 255]);
    expect(range(yTrain.data)).toEqual([0, 9]);
    expect(range(yTest.data)).toEqual([0, 9]);
    expect(yTrain.data.every(Number.isInteger)).toBe(true);

    // The first label, read straight from the file: byte 8, after the 8-byte header.
    const firstLabel = gunzipSync(readFileSync(join(DEBIAN_DIR, FILE_NAMES.trainLabels)))[8];
    expect(firstLabel).toBe(9);
    expect(yTrain.data[0]).toBe(firstLabel);
    expect(CLASS_NAMES[yTrain.data[0]!]).toBe('Ankle boot');
  });
});
