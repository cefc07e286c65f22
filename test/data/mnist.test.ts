/**
 * datasets.mnist.loadData: the shared IDX loader with MNIST's names, origin
 * and checksums. Debian has no MNIST package, so every test writes its own
 * tiny IDX files (a few 28×28 images) and, for downloads, serves them from
 * 127.0.0.1.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as keras from '../../src/index.js';
import { MNIST_ORIGIN, MNIST_SHA256 } from '../../src/data/mnist.js';
import { FILE_NAMES } from '../../src/data/idx-dataset.js';
import { datasetFiles, hashesOf, startServer, writeDataset } from '../support/idx-files.js';

const root = mkdtempSync(join(tmpdir(), 'tinykeras-mnist-'));
let counter = 0;
const freshDir = (name: string) => join(root, `${name}-${++counter}`);
const ENV = ['MNIST_DIR', 'MNIST_ORIGIN', 'KERAS_HOME'] as const;
const saved: Partial<Record<string, string>> = {};

beforeEach(() => {
  for (const name of ENV) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  process.env.KERAS_HOME = freshDir('keras-home');
});
afterEach(() => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const firstTrainLabel = ([[, yTrain]]: Awaited<ReturnType<typeof keras.datasets.mnist.loadData>>) => yTrain.data[0];

describe('datasets.mnist.loadData', () => {
  it('reads the four IDX files from `dir`, as Keras shapes them', async () => {
    const dir = writeDataset(freshDir('dir'), { trainCount: 6, testCount: 4, firstLabel: 3 });
    const [[xTrain, yTrain], [xTest, yTest]] = await keras.datasets.mnist.loadData({ dir, download: false });
    expect(xTrain.shape).toEqual([6, 28, 28]);
    expect(yTrain.shape).toEqual([6]);
    expect(xTest.shape).toEqual([4, 28, 28]);
    expect(yTest.shape).toEqual([4]);
    expect(yTrain.data[0]).toBe(3);
    expect(Math.max(...xTrain.data)).toBe(255);
  });

  it('looks in dir, then MNIST_DIR, then the cache (~/.keras/datasets/mnist)', async () => {
    process.env.MNIST_DIR = writeDataset(freshDir('env'), { firstLabel: 2 });
    const cache = writeDataset(freshDir('cache'), { firstLabel: 5 });
    const fileHashes = hashesOf({ firstLabel: 5 });
    expect(firstTrainLabel(await keras.datasets.mnist.loadData({ dir: writeDataset(freshDir('dir'), { firstLabel: 1 }), download: false }))).toBe(1);
    expect(firstTrainLabel(await keras.datasets.mnist.loadData({ cacheDir: cache, fileHashes, download: false }))).toBe(2);
    delete process.env.MNIST_DIR;
    expect(firstTrainLabel(await keras.datasets.mnist.loadData({ cacheDir: cache, fileHashes, download: false }))).toBe(5);
  });

  it('downloads into the cache, verified against the checksums, then loads from the cache alone', async () => {
    const files = Object.fromEntries(Object.entries(datasetFiles({ firstLabel: 7 })).map(([name, bytes]) => [name, gzipSync(bytes)]));
    const server = await startServer(files);
    const cacheDir = freshDir('cache');
    try {
      const options = { cacheDir, origin: server.origin, fileHashes: hashesOf({ firstLabel: 7 }), verbose: false };
      expect(firstTrainLabel(await keras.datasets.mnist.loadData(options))).toBe(7);
      expect(server.requests.sort()).toEqual(Object.values(FILE_NAMES).sort());
      expect(Object.values(FILE_NAMES).every((name) => existsSync(join(cacheDir, name)))).toBe(true);
      expect(firstTrainLabel(await keras.datasets.mnist.loadData({ ...options, download: false }))).toBe(7);
      expect(server.requests.length).toBe(4);
    } finally {
      await server.close();
    }
  });

  it("checks cached files against MNIST's published sha256 and deletes one that does not match", async () => {
    const cacheDir = writeDataset(freshDir('cache'));
    const error = await keras.datasets.mnist.loadData({ cacheDir, download: false }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(keras.FileFormatError);
    expect((error as Error).message).toContain(`expected sha256 ${MNIST_SHA256['train-images-idx3-ubyte.gz']}`);
    expect(existsSync(join(cacheDir, FILE_NAMES.trainImages))).toBe(false);
  });

  it('says where it looked and where to put the files, with no Debian package to suggest', async () => {
    const error = await keras.datasets.mnist.loadData({ download: false }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(keras.FileFormatError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Could not load the MNIST dataset\. Tried, in order:\n {2}1\. the `dir` option: not given\n {2}2\. MNIST_DIR: not set\n {2}3\. the cache directory \(.*mnist\): the directory does not exist\n {2}4\. downloading: turned off/);
    expect(message).toContain('set MNIST_DIR to it, or pass it as `dir`');
    expect(message).not.toContain('apt-get');
    await expect(keras.datasets.mnist.loadData({ dirr: 'x' } as never)).rejects.toThrow(/mnist.loadData: unknown option 'dirr'. Did you mean 'dir'\?/);
  });

  it('downloads from the mirror TensorFlow Datasets checksums', () => {
    expect(MNIST_ORIGIN).toBe('https://storage.googleapis.com/cvdf-datasets/mnist/');
    expect(Object.keys(MNIST_SHA256).sort()).toEqual(Object.values(FILE_NAMES).sort());
  });
});
