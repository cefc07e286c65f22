/**
 * tinykeras in a real browser: Debian's Chromium, driven by playwright-core
 * (never a browser download). The library is bundled from src/browser.ts by
 * esbuild, served with test data and saved models from a local HTTP server
 * on 127.0.0.1, and checked against Node:
 *
 *   - the seed model trains in a page and in a Web Worker with exactly
 *     Node's losses, metrics, weights and predictions under a seed;
 *   - on this page, which is not cross-origin isolated, fit({ threads: 2 })
 *     trains on one thread and says why, once per model (threads.test.ts
 *     covers isolated pages);
 *   - fashionMnist.loadData fetches, verifies, caches and reports progress,
 *     in a page and in a worker;
 *   - models round-trip through indexeddb://, localstorage://, http(s)://
 *     and io.browserFiles, downloads:// saves two files that load back,
 *     and a model.json pointing outside is refused.
 *
 * CI installs Chromium (.ci/run); without it these tests fail, saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import * as keras from '../../src/index.js';
import { FILE_NAMES } from '../../src/data/fashion-mnist.js';
import { addFakeDataset, serveRoutes, type Routes } from '../support/http-fixtures.js';
import { bandImages, comparable, seedModel, trainSeedModel, type RunResult } from './fixture.js';
import { bundle, launchChromium, roundTripWithWorker } from './chromium.js';

const routes: Routes = new Map();
let server: { origin: string; close: () => Promise<void> };
let origin = '';
let browser: Browser;
let page: Page;
const consoleWarnings: string[] = [];

let dataset: ReturnType<typeof addFakeDataset>;
/** What the Node-trained reference model predicts, and its files as the page will fetch them. */
let served: { predictions: number[] };

beforeAll(async () => {
  routes.set('/', ['text/html', '<!doctype html><title>tinykeras</title><script type="module" src="/page.js"></script>']);
  routes.set('/page.js', ['text/javascript', await bundle('page-entry.ts')]);
  routes.set('/worker.js', ['text/javascript', await bundle('worker-entry.ts')]);
  dataset = addFakeDataset(routes, '/data/');

  // A model saved by Node, served over HTTP in a subdirectory, plus one whose manifest escapes it.
  keras.utils.setRandomSeed(5);
  const model = seedModel(keras);
  model.build([null, 28, 28]);
  const memory = keras.io.memory();
  await model.save(memory);
  const artifacts = memory.artifacts!;
  const modelJSON = (paths: string[]) => JSON.stringify({ modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: [{ paths, weights: artifacts.weightSpecs }] });
  routes.set('/models/seed/model.json', ['application/json', modelJSON(['shards/weights.bin'])]);
  routes.set('/models/seed/shards/weights.bin', ['application/octet-stream', new Uint8Array(artifacts.weightData as ArrayBuffer)]);
  routes.set('/models/escape/model.json', ['application/json', modelJSON(['../seed/shards/weights.bin'])]);
  const [x] = bandImages(keras, 4, 9);
  served = { predictions: Array.from(model.predict(x, { verbose: 0 }).data) };

  server = await serveRoutes(routes);
  origin = server.origin;

  browser = await launchChromium();
  page = await browser.newPage({ acceptDownloads: true });
  page.on('console', (message) => {
    if (message.type() === 'warning') consoleWarnings.push(message.text());
  });
  page.on('pageerror', (error) => consoleWarnings.push(`page error: ${error.message}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'keras' in globalThis);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs a message round trip with a module worker serving /worker.js. */
function inWorker<T>(message: unknown): Promise<T> {
  return roundTripWithWorker<T>(page, message);
}

// The page's globals, as page-entry.ts sets them.
declare const fixture: { trainSeedModel: typeof trainSeedModel; bandImages: typeof bandImages; seedModel: typeof seedModel };

describe('training in Chromium equals training in Node', () => {
  let node: RunResult;
  beforeAll(async () => {
    node = await trainSeedModel(keras, 1);
  });

  it('in a page', async () => {
    const inPage = await page.evaluate(() => fixture.trainSeedModel((globalThis as any).keras));
    expect(comparable(inPage)).toEqual(comparable(node));
    expect(node.accuracy.at(-1)).toBeGreaterThan(0.5);
    console.log(`seconds per epoch (600 images): Node ${node.secondsPerEpoch.toFixed(3)}, page ${inPage.secondsPerEpoch.toFixed(3)}`);
  });

  it('in a Web Worker', async () => {
    const inWorkerResult = await inWorker<RunResult>({ task: 'train' });
    expect(comparable(inWorkerResult)).toEqual(comparable(node));
  });

  it('asked for two threads, trains on one with the same result and says why, once per model', async () => {
    consoleWarnings.length = 0;
    const [first, second] = await page.evaluate(async () => {
      const k = (globalThis as any).keras;
      return [await fixture.trainSeedModel(k, 2), await fixture.trainSeedModel(k, 2)];
    });
    expect(comparable(first)).toEqual(comparable(node));
    expect(comparable(second)).toEqual(comparable(node));
    // Two models asked for threads (no earlier test did): each says why once.
    const threadWarnings = consoleWarnings.filter((w) => /one thread/.test(w));
    expect(threadWarnings).toHaveLength(2);
    expect(threadWarnings[0]).toMatch(/^fit\(\): threads=2 was asked for, but training runs on one thread: .*worker threads/);
  });
});

describe('the SIMD tier on a page without SharedArrayBuffer', () => {
  it("setKernels('simd') says why it stays on 'js', and training goes on there as in Node", async () => {
    consoleWarnings.length = 0;
    const result = await page.evaluate(async () => {
      const k = (globalThis as any).keras;
      const tier = await k.config.setKernels('simd');
      const run = await fixture.trainSeedModel(k, 1);
      await k.config.setKernels('js');
      return { tier, shared: typeof SharedArrayBuffer === 'function', run };
    });
    expect(result.shared).toBe(false);
    expect(result.tier).toBe('js');
    expect(comparable(result.run)).toEqual(comparable(await trainSeedModel(keras, 1)));
    const simdWarnings = consoleWarnings.filter((w) => w.startsWith("setKernels('simd')"));
    expect(simdWarnings).toHaveLength(1);
    expect(simdWarnings[0]).toMatch(/SharedArrayBuffer.*Cross-Origin-Opener-Policy: same-origin.*the kernels stay on 'js'/);
  });
});

describe('fashionMnist.loadData in Chromium', () => {
  const options = () => ({ origin: `${origin}/data/`, fileHashes: dataset.hashes, cache: 'test-datasets' });

  it('in a page: fetches, verifies, reports progress, then reads from the cache', async () => {
    const run = () =>
      page.evaluate(async (options) => {
        const progress: Array<{ url: string; fromCache: boolean; loadedBytes: number; totalBytes: number | null }> = [];
        const k = (globalThis as any).keras;
        const [[xTrain, yTrain], [xTest, yTest]] = await k.datasets.fashionMnist.loadData({ ...options, onProgress: (p: any) => progress.push(p) });
        return { shapes: [xTrain.shape, yTrain.shape, xTest.shape, yTest.shape], labels: Array.from(yTrain.data as Float32Array), pixel: xTrain.data[785], progress };
      }, options());
    await page.evaluate(() => caches.delete('test-datasets'));
    const first = await run();
    expect(first.shapes).toEqual([[30, 28, 28], [30], [10, 28, 28], [10]]);
    expect(first.labels).toEqual(dataset.trainLabels);
    expect(first.pixel).toBe((785 * 37) % 256);
    expect(first.progress.length).toBeGreaterThanOrEqual(4);
    expect(first.progress.every((p) => !p.fromCache && p.url.startsWith(origin))).toBe(true);
    const finals = first.progress.filter((p) => p.loadedBytes === p.totalBytes);
    expect(new Set(finals.map((p) => p.url)).size).toBe(4);

    const second = await run();
    expect(second.labels).toEqual(dataset.trainLabels);
    expect(second.progress.map((p) => p.fromCache)).toEqual([true, true, true, true]);
  });

  it('in a Web Worker', async () => {
    const result = await inWorker<{ trainShape: number[]; testShape: number[]; labels: number[] }>({ task: 'loadData', options: options() });
    expect(result.trainShape).toEqual([30, 28, 28]);
    expect(result.testShape).toEqual([10, 28, 28]);
    expect(result.labels).toEqual(dataset.trainLabels);
  });

  it('refuses a file that does not match its sha256, naming it', async () => {
    const wrong = { ...dataset.hashes, [FILE_NAMES.testLabels]: '0'.repeat(64) };
    const error = await page.evaluate(async (options) => {
      try {
        await (globalThis as any).keras.datasets.fashionMnist.loadData(options);
        return null;
      } catch (e) {
        return { name: (e as Error).name, path: (e as any).path, message: (e as Error).message };
      }
    }, { ...options(), fileHashes: wrong, cache: false });
    expect(error?.name).toBe('FileFormatError');
    expect(error?.path).toBe(`${origin}/data/${FILE_NAMES.testLabels}`);
    expect(error?.message).toMatch(/does not match its published checksum/);
  });
});

describe('model storage in Chromium', () => {
  /** Saves a small trained model through `url`, loads it back, and compares predictions in the page. */
  async function roundTrip(url: string) {
    return page.evaluate(async (url) => {
      const k = (globalThis as any).keras;
      k.utils.setRandomSeed(11);
      const model = fixture.seedModel(k);
      model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
      const [x, y] = fixture.bandImages(k, 64, 2);
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
      await model.save(url, { includeOptimizer: true });
      const loaded = await k.models.loadModel(url);
      const before = Array.from(model.predict(x, { verbose: 0 }).data);
      const after = Array.from(loaded.predict(x, { verbose: 0 }).data);
      return { same: before.every((v, i) => v === after[i]), compiled: loaded.compiled?.optimizer.iterations ?? null };
    }, url);
  }

  it('indexeddb:// saves and loads, optimizer included', async () => {
    expect(await roundTrip('indexeddb://browser-test')).toEqual({ same: true, compiled: 4 });
  });

  it('localstorage:// saves and loads, in TF.js\'s key layout', async () => {
    expect(await roundTrip('localstorage://browser-test')).toEqual({ same: true, compiled: 4 });
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tensorflowjs_models/browser-test/')).sort());
    expect(keys).toEqual(['info', 'model_metadata', 'topology', 'weight_data', 'weight_specs'].map((p) => `tensorflowjs_models/browser-test/${p}`));
  });

  it('downloads:// makes the browser download name.json and name.weights.bin, which load back as picked files', async () => {
    // Listen before saving: the two downloads can start before a waitForEvent set up after the first.
    const started: Download[] = [];
    const onDownload = (download: Download) => void started.push(download);
    page.on('download', onDownload);
    await page.evaluate(async () => {
      const k = (globalThis as any).keras;
      k.utils.setRandomSeed(8);
      await fixture.seedModel(k).save('downloads://picked');
    });
    await expect.poll(() => started.length, { timeout: 15_000 }).toBe(2);
    page.off('download', onDownload);
    const downloads: Array<{ name: string; bytes: number[] }> = [];
    for (const download of started) {
      const chunks: Buffer[] = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
      downloads.push({ name: download.suggestedFilename(), bytes: Array.from(Buffer.concat(chunks)) });
    }
    expect(downloads.map((d) => d.name).sort()).toEqual(['picked.json', 'picked.weights.bin']);
    const same = await page.evaluate(async (files) => {
      const k = (globalThis as any).keras;
      const [json, weights] = ['picked.json', 'picked.weights.bin'].map((name) => new File([new Uint8Array(files.find((f) => f.name === name)!.bytes)], name));
      const loaded = await k.models.loadModel(k.io.browserFiles([json, weights]));
      k.utils.setRandomSeed(8);
      const original = fixture.seedModel(k);
      const x = fixture.bandImages(k, 3, 1)[0];
      const [a, b] = [original.predict(x, { verbose: 0 }).data, loaded.predict(x, { verbose: 0 }).data];
      return a.every((v: number, i: number) => v === b[i]);
    }, downloads);
    expect(same).toBe(true);
  });

  it('an unknown name is a FileFormatError for both stores', async () => {
    const names = await page.evaluate(async () => {
      const k = (globalThis as any).keras;
      const outcomes = [];
      for (const url of ['indexeddb://never-saved', 'localstorage://never-saved']) {
        outcomes.push(await k.models.loadModel(url).then(() => 'loaded', (e: Error) => e.name));
      }
      return outcomes;
    });
    expect(names).toEqual(['FileFormatError', 'FileFormatError']);
  });

  it('http(s):// loads model.json and its weights from beside it, predicting as in Node', async () => {
    const predictions = await page.evaluate(async (url) => {
      const k = (globalThis as any).keras;
      const model = await k.models.loadModel(url);
      return Array.from(model.predict(fixture.bandImages(k, 4, 9)[0], { verbose: 0 }).data);
    }, `${origin}/models/seed/model.json`);
    expect(predictions).toEqual(served.predictions);
  });

  it('refuses a model.json whose weights path leaves its directory', async () => {
    const error = await page.evaluate(async (url) => {
      return (globalThis as any).keras.models.loadModel(url).then(() => null, (e: Error) => `${e.name}: ${e.message}`);
    }, `${origin}/models/escape/model.json`);
    expect(error).toMatch(/^FileFormatError: .*relative to the model\.json.*'\.\.\/seed\/shards\/weights\.bin'/);
  });

  it('io.browserFiles loads picked files: model.json first, weights matched by name', async () => {
    const result = await page.evaluate(async (base) => {
      const k = (globalThis as any).keras;
      const fetched = async (path: string, name: string) => new File([await (await fetch(base + path)).arrayBuffer()], name);
      const json = await fetched('/models/seed/model.json', 'model.json');
      const weights = await fetched('/models/seed/shards/weights.bin', 'weights.bin');
      const model = await k.models.loadModel(k.io.browserFiles([json, weights]));
      const missing = await k.models.loadModel(k.io.browserFiles([json])).then(() => null, (e: Error) => `${e.name}: ${e.message}`);
      return { predictions: Array.from(model.predict(fixture.bandImages(k, 4, 9)[0], { verbose: 0 }).data), missing };
    }, origin);
    expect(result.predictions).toEqual(served.predictions);
    expect(result.missing).toMatch(/^FileFormatError: model\.json: .*weights\.bin, which was not among the picked files/);
  });
});
