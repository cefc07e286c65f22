/**
 * The browser's dataset loader and the HTTP model handler are plain web
 * APIs (fetch, DecompressionStream, crypto.subtle), which Node has too: the
 * checks that need no browser run here, against a local server. Chromium
 * runs the rest (test/browser/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as keras from '../src/index.js';
import { loadData, mnist } from '../src/data/idx-dataset-web.js';
import { MNIST_SHA256 } from '../src/data/mnist.js';
import { FILE_NAMES } from '../src/data/fashion-mnist.js';
import { FileFormatError, ValueError } from '../src/errors.js';
import { addFakeDataset, serveRoutes, type Routes } from './http-fixtures.js';

const routes: Routes = new Map();
const dataset = addFakeDataset(routes, '/data/');
let server: Awaited<ReturnType<typeof serveRoutes>>;
let reference: { predictions: Float32Array; x: keras.Tensor };

beforeAll(async () => {
  keras.utils.setRandomSeed(3);
  const model = new keras.Sequential([new keras.layers.Dense(3, { activation: 'softmax', inputShape: [4] })]);
  const memory = keras.io.memory();
  await model.save(memory);
  const { modelTopology, weightSpecs, weightData } = memory.artifacts!;
  const json = (paths: string[]) => JSON.stringify({ modelTopology, weightsManifest: [{ paths, weights: weightSpecs }] });
  routes.set('/m/model.json', ['application/json', json(['w/weights.bin'])]);
  routes.set('/m/w/weights.bin', ['application/octet-stream', new Uint8Array(weightData as ArrayBuffer)]);
  routes.set('/m/missing.json', ['application/json', json(['nowhere.bin'])]);
  const x = keras.random.normal([5, 4]);
  reference = { predictions: model.predict(x, { verbose: 0 }).data, x };
  server = await serveRoutes(routes);
});
afterAll(() => server.close());

describe('fashionMnist.loadData over HTTP (the browser loader, in Node)', () => {
  it('loads, verifies and reports progress up to each file\'s size', async () => {
    const progress: Array<{ url: string; loadedBytes: number; totalBytes: number | null }> = [];
    const [[xTrain, yTrain], [xTest, yTest]] = await loadData({ origin: `${server.origin}/data`, fileHashes: dataset.hashes, onProgress: (p) => progress.push(p) });
    expect([xTrain.shape, yTrain.shape, xTest.shape, yTest.shape]).toEqual([[30, 28, 28], [30], [10, 28, 28], [10]]);
    expect(Array.from(yTrain.data)).toEqual(dataset.trainLabels);
    expect(xTest.data[100]).toBe((100 * 37) % 256);
    const done = progress.filter((p) => p.loadedBytes === p.totalBytes).map((p) => p.url.split('/').pop());
    expect(done.sort()).toEqual(Object.values(FILE_NAMES).sort());
  });

  it('names the file that fails: a wrong checksum, a missing file', async () => {
    const wrong = { ...dataset.hashes, [FILE_NAMES.trainLabels]: 'f'.repeat(64) };
    const checksum = await loadData({ origin: `${server.origin}/data/`, fileHashes: wrong }).catch((e: unknown) => e);
    expect(checksum).toBeInstanceOf(FileFormatError);
    expect((checksum as FileFormatError).path).toBe(`${server.origin}/data/${FILE_NAMES.trainLabels}`);
    const missing = await loadData({ origin: `${server.origin}/nothing/`, fileHashes: dataset.hashes }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(FileFormatError);
    expect((missing as Error).message).toMatch(/HTTP 404/);
  });

  it('rejects bad options before fetching anything', async () => {
    await expect(loadData({ orgin: 'x' } as never)).rejects.toThrow(/unknown option 'orgin'. Did you mean 'origin'\?/);
    await expect(loadData({ origin: 'ftp://example.com/' })).rejects.toThrow(ValueError);
    await expect(loadData({ cache: '' })).rejects.toThrow(ValueError);
    await expect(loadData({ fileHashes: { 'train.gz': 'a'.repeat(64) } })).rejects.toThrow(ValueError);
  });
});

describe('mnist.loadData over HTTP (the same loader, MNIST\'s spec)', () => {
  it('loads the same IDX files, checked against MNIST\'s published checksums unless told otherwise', async () => {
    const [[xTrain, yTrain]] = await mnist.loadData({ origin: `${server.origin}/data`, fileHashes: dataset.hashes });
    expect(xTrain.shape).toEqual([30, 28, 28]);
    expect(Array.from(yTrain.data)).toEqual(dataset.trainLabels);
    const error = await mnist.loadData({ origin: `${server.origin}/data`, cache: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect(Object.values(MNIST_SHA256).some((hash) => (error as Error).message.includes(`expected sha256 ${hash}`))).toBe(true);
    await expect(mnist.loadData({ orgin: 'x' } as never)).rejects.toThrow(/^mnist\.loadData: unknown option/);
  });
});

describe('loadModel from an http(s) URL', () => {
  it('fetches model.json and the weights files relative to it', async () => {
    const model = await keras.models.loadModel(`${server.origin}/m/model.json`);
    expect(model.predict(reference.x, { verbose: 0 }).data).toEqual(reference.predictions);
  });

  it('a missing weights file is a FileFormatError naming its URL', async () => {
    const error = await keras.models.loadModel(`${server.origin}/m/missing.json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).path).toBe(`${server.origin}/m/nowhere.bin`);
  });

  it('does not upload: saving to http(s) is a ValueError', async () => {
    const model = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [2] })]);
    await expect(model.save(`${server.origin}/m/`)).rejects.toThrow(/does not upload/);
  });
});
