/**
 * Tests for the dataset loaders in src/data: the IDX parser, and Fashion-MNIST's
 * loadData with its lookup order, corruption checks and verified downloads.
 *
 * Every test makes its own tiny dataset (a few 28×28 images) in a temp
 * directory, and downloads come from a server on 127.0.0.1 that the test
 * starts. One test loads the real data, when the Debian package is installed.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseIdx } from '../src/data/idx.js';
import {
  CLASS_NAMES,
  DEBIAN_DIR,
  FILE_NAMES,
  fashionMnist,
  loadData,
  type LoadDataOptions,
} from '../src/data/fashion-mnist.js';

// ---------------------------------------------------------------------------
// Helpers that write small IDX files.

/** The bytes of an IDX file with the given type code, dimensions and values. */
function idxBytes(dims: number[], values: ArrayLike<number>, typeCode = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = dims.length;
  dims.forEach((size, i) => view.setUint32(4 + 4 * i, size)); // big-endian
  const bytes = new Uint8Array(header.length + values.length);
  bytes.set(header);
  bytes.set(Array.from(values), header.length);
  return bytes;
}

/** `count` 28×28 images whose pixels are a simple pattern covering 0..255. */
function imageValues(count: number, seed = 0): Uint8Array {
  const values = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < values.length; i++) values[i] = (i * 37 + seed) % 256;
  return values;
}

/** Labels 0..9 repeating, starting at `first`. */
function labelValues(count: number, first = 0): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (first + i) % 10);
}

interface DatasetSpec {
  trainCount?: number;
  testCount?: number;
  /** The first training label, so a test can tell which directory was loaded. */
  firstLabel?: number;
  gzip?: boolean;
}

/** The four files' contents (uncompressed IDX bytes), by published name. */
function datasetFiles(spec: DatasetSpec = {}): Record<string, Uint8Array> {
  const { trainCount = 5, testCount = 3, firstLabel = 0 } = spec;
  return {
    [FILE_NAMES.trainImages]: idxBytes([trainCount, 28, 28], imageValues(trainCount)),
    [FILE_NAMES.trainLabels]: idxBytes([trainCount], labelValues(trainCount, firstLabel)),
    [FILE_NAMES.testImages]: idxBytes([testCount, 28, 28], imageValues(testCount, 1)),
    [FILE_NAMES.testLabels]: idxBytes([testCount], labelValues(testCount)),
  };
}

/** Writes a dataset into `dir`, gzipped under the .gz names or raw without .gz. */
function writeDataset(dir: string, spec: DatasetSpec = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(datasetFiles(spec))) {
    if (spec.gzip === false) writeFileSync(join(dir, name.replace(/\.gz$/, '')), bytes);
    else writeFileSync(join(dir, name), gzipSync(bytes));
  }
  return dir;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

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
    expect(() => parseIdx(bytes, 'my-labels')).toThrow(/my-labels: not an IDX file.*Received: 0x1F 0x00/);
  });

  it('rejects value types other than unsigned byte', () => {
    const bytes = idxBytes([1], [0, 0, 0, 0], 0x0d);
    expect(() => parseIdx(bytes, 'floats')).toThrow(/floats: only IDX files of unsigned bytes.*Received: type 0x0D \(float32\)/);
  });

  it('rejects a file shorter than its header', () => {
    expect(() => parseIdx(new Uint8Array([0, 0]), 'tiny')).toThrow(/tiny: too short.*Received: 2 bytes/);
    const headerCut = idxBytes([5, 28, 28], []).subarray(0, 10);
    expect(() => parseIdx(headerCut, 'cut')).toThrow(/cut: the header declares 3 dimensions, so it needs 16 bytes/);
  });

  it('rejects a truncated file, saying what size was expected', () => {
    const header = idxBytes([60000, 28, 28], []);
    const bytes = new Uint8Array(1000);
    bytes.set(header);
    expect(() => parseIdx(bytes, 'train-images-idx3-ubyte.gz')).toThrow(
      'train-images-idx3-ubyte.gz: expected 47040016 bytes (16-byte header + 60000×28×28). ' +
        'Received: 1000 bytes (the file is truncated).',
    );
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array([...idxBytes([2], [1, 2]), 7]);
    expect(() => parseIdx(bytes, 'long')).toThrow('long: expected 10 bytes (8-byte header + 2). Received: 11 bytes.');
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

  it.each(corruptions)('rejects %s, naming %s', async (_, fileName, corrupt, reason) => {
    const dir = writeDataset(freshDir('corrupt'));
    writeFileSync(join(dir, fileName), corrupt(datasetFiles()));
    const error = await loadLocal({ dir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(join(dir, fileName));
    expect(message).toMatch(reason);
  });

  it('rejects a truncated uncompressed file, naming it', async () => {
    const dir = writeDataset(freshDir('raw-cut'), { gzip: false });
    const path = join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(path, readFileSync(path).subarray(0, 500));
    await expect(loadLocal({ dir })).rejects.toThrow(`${path}: expected 2368 bytes (16-byte header + 3×28×28). Received: 500 bytes`);
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
    const [[, yTrain]] = await loadLocal({ cacheDir, systemDir });
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
    const [[, yTrain]] = await loadLocal();
    expect(yTrain.data[0]).toBe(5);
  });

  it('skips a directory that lacks one of the four files', async () => {
    const incomplete = writeDataset(freshDir('incomplete'), { firstLabel: 1 });
    rmSync(join(incomplete, FILE_NAMES.testLabels));
    const cacheDir = writeDataset(freshDir('cache'), { firstLabel: 3 });
    const [[, yTrain]] = await loadLocal({ dir: incomplete, cacheDir });
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
    const error = await loadLocal({ dir, cacheDir }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(
      [
        'Could not load the Fashion-MNIST dataset. Tried, in order:',
        `  1. the \`dir\` option (${dir}): the directory does not exist`,
        '  2. FASHION_MNIST_DIR: not set',
        `  3. the cache directory (${cacheDir}): missing train-images-idx3-ubyte.gz (or the same without .gz)`,
        `  4. the Debian package directory (${emptySystemDir}): none of the four files is there`,
        '  5. downloading from https://storage.googleapis.com/tensorflow/tf-keras-datasets/: turned off by `download: false`',
        'To fix this, do one of:',
        '  - install the Debian package: apt-get install dataset-fashion-mnist',
        '  - put the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, ' +
          't10k-labels-idx1-ubyte.gz) in a directory and set FASHION_MNIST_DIR to it, or pass it as `dir`',
        '  - allow the download (the default, `download: true`) on a machine with internet access',
      ].join('\n'),
    );
  });
});

// ---------------------------------------------------------------------------
// Downloads, from a server on 127.0.0.1 that serves the gzipped tiny dataset.

interface TestServer {
  origin: string;
  /** Paths requested so far. */
  requests: string[];
  close: () => Promise<void>;
}

/**
 * Serves `files` (name → bytes) at http://127.0.0.1:<port>/<name>, each in two
 * chunks so progress is reported more than once. A name in `cutShort` is sent
 * only halfway before the connection is dropped.
 */
async function startServer(files: Record<string, Uint8Array>, cutShort: string[] = []): Promise<TestServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const name = (request.url ?? '').replace(/^\//, '');
    requests.push(name);
    const body = files[name];
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    const half = Math.floor(body.length / 2);
    response.write(body.subarray(0, half), () => {
      if (cutShort.includes(name)) response.destroy();
      else response.end(body.subarray(half));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
      const error = await loadData({ cacheDir, origin: server.origin, fileHashes: wrongHashes, systemDir: emptySystemDir, verbose: false }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain(
        `train-images-idx3-ubyte.gz: the downloaded file failed verification and was deleted; expected sha256 ${'0'.repeat(64)}. ` +
          `Received: sha256 ${hashes[FILE_NAMES.trainImages]}`,
      );
      expect(error?.message).toContain('Could not load the Fashion-MNIST dataset. Tried, in order:');
    } finally {
      await server.close();
    }
    // train-images is the first file fetched, so the cache stays empty.
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('keeps nothing from a download cut off midway', async () => {
    const { files, hashes } = publishedDataset();
    const server = await startServer(files, [FILE_NAMES.trainImages]);
    const cacheDir = freshDir('cut-cache');
    try {
      await expect(
        loadData({ cacheDir, origin: server.origin, fileHashes: hashes, systemDir: emptySystemDir, verbose: false }),
      ).rejects.toThrow(/downloading from http:\/\/127\.0\.0\.1:\d+\/ into .*cut-cache/);
    } finally {
      await server.close();
    }
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('reports an HTTP error and a refused connection among the places tried', async () => {
    const server = await startServer({});
    const cacheDir = freshDir('404-cache');
    try {
      await expect(loadData({ cacheDir, origin: server.origin, systemDir: emptySystemDir, verbose: false })).rejects.toThrow(
        `downloading from ${server.origin} into ${cacheDir}: ${server.origin}train-images-idx3-ubyte.gz: ` +
          'the server answered HTTP 404 Not Found; expected 200 OK.',
      );
    } finally {
      await server.close();
    }
    // The server is closed now, so the port refuses connections.
    await expect(loadData({ cacheDir, origin: server.origin, systemDir: emptySystemDir, verbose: false })).rejects.toThrow(
      /5\. downloading from .*fetch failed.*ECONNREFUSED[\s\S]*apt-get install dataset-fashion-mnist/,
    );
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });
});

// ---------------------------------------------------------------------------

describe.skipIf(!existsSync(DEBIAN_DIR))('the real Fashion-MNIST (Debian package dataset-fashion-mnist)', () => {
  it('loads 60000 + 10000 images of 28×28 with labels 0-9', async () => {
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
