/**
 * Keras's `.keras` files in a real browser (Debian's Chromium via
 * playwright-core, as browser.test.ts): a file saved in Node, with the
 * writer `model.save('x.keras')` uses, is served over HTTP and picked as a
 * file; the page's loadModel tells the format by the bytes and predicts
 * what Node predicts, for a Functional model of two inputs and a compiled
 * CNN. (Files written by real Keras load in Node in the oracle suite,
 * test/keras/keras-models.keras.test.ts; the bytes the browser reads are the same.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as keras from '../../src/index.js';
import type { Routes } from '../support/http-fixtures.js';
import { useTempDir } from '../support/helpers.js';
import { openLibraryPage, type LibraryPage } from './chromium.js';

const L = keras.layers;
const routes: Routes = new Map();
const dir = useTempDir('browser-keras');
let opened: LibraryPage;
let server: { origin: string };
let page: Page;
/** Node's predictions for the inputs the page makes (sin and cos ramps, so both sides build them alike). */
const expected: Record<string, number[]> = {};

const ramp = (n: number, f: (k: number) => number) => Array.from({ length: n }, (_, k) => f(k));

beforeAll(async () => {

  keras.utils.setRandomSeed(11);
  const a = keras.Input({ shape: [4], name: 'a' });
  const b = keras.Input({ shape: [3], name: 'b' });
  const joined = new L.Concatenate().apply([new L.Dense(5, { activation: 'relu' }).apply(a), new L.Dense(2, { activation: 'tanh' }).apply(b)]);
  const functional = new keras.Model({ inputs: [a, b], outputs: new L.Dense(2).apply(joined) });
  const cnn = new keras.Sequential([new L.Conv2D(3, 3, { inputShape: [6, 6, 1], activation: 'relu' }), new L.BatchNormalization(), new L.Flatten(), new L.Dense(3, { activation: 'softmax' })]);
  cnn.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  await cnn.fit(keras.tensor(ramp(4 * 36, Math.sin), [4, 6, 6, 1]), keras.tensor([0, 1, 2, 0]), { epochs: 1, verbose: 0 });
  for (const [name, model] of [['functional', functional], ['cnn', cnn]] as const) {
    const path = join(dir(), `${name}.keras`);
    await model.save(path);
    // Served without an extension: the page must tell the format by the bytes.
    routes.set(`/models/${name}`, ['application/octet-stream', new Uint8Array(await readFile(path))]);
  }
  expected.functional = Array.from((functional.predict([keras.tensor(ramp(8, Math.sin), [2, 4]), keras.tensor(ramp(6, Math.cos), [2, 3])], { verbose: 0 }) as keras.Tensor).data);
  expected.cnn = Array.from(cnn.predict(keras.tensor(ramp(2 * 36, Math.cos), [2, 6, 6, 1]), { verbose: 0 }).data);

  opened = await openLibraryPage(routes);
  server = opened;
  page = opened.page;
}, 120_000);

afterAll(() => opened?.close());

/** In the page: loads the model at `url` over HTTP, then the same bytes as a picked file, and predicts with both. */
function loadInPage(url: string): Promise<{ className: string; compiled: boolean; http: number[]; picked: number[] }> {
  return page.evaluate(async (where) => {
    const k = (globalThis as any).keras;
    const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
    const x = where.endsWith('functional') ? [k.tensor(ramp(8, Math.sin), [2, 4]), k.tensor(ramp(6, Math.cos), [2, 3])] : k.tensor(ramp(2 * 36, Math.cos), [2, 6, 6, 1]);
    const predict = (model: any) => Array.from(model.predict(x, { verbose: 0 }).data as Float32Array);
    const fromHttp = await k.models.loadModel(where);
    const file = new File([await (await fetch(where)).arrayBuffer()], 'model.keras');
    const picked = await k.models.loadModel(k.io.browserFiles([file]));
    return { className: fromHttp.className, compiled: fromHttp.compiled !== null, http: predict(fromHttp), picked: predict(picked) };
  }, url);
}

describe('.keras files in a browser', () => {
  it('a Functional model loads from http(s) and from picked files, predicting as in Node', async () => {
    const result = await loadInPage(`${server.origin}/models/functional`);
    expect(result.className).toBe('Functional');
    expect(result.http).toEqual(expected.functional);
    expect(result.picked).toEqual(expected.functional);
  });

  it('a compiled CNN with BatchNormalization loads compiled, predicting as in Node', async () => {
    const result = await loadInPage(`${server.origin}/models/cnn`);
    expect(result).toEqual({ className: 'Sequential', compiled: true, http: expected.cnn, picked: expected.cnn });
  });

  it('a picked .keras file with other files beside it is refused, saying to pick it alone', async () => {
    const error = await page.evaluate(async (url) => {
      const k = (globalThis as any).keras;
      const bytes = await (await fetch(url)).arrayBuffer();
      const files = [new File([bytes], 'model.keras'), new File([bytes], 'other.bin')];
      return k.models.loadModel(k.io.browserFiles(files)).then(() => null, (e: Error) => `${e.name}: ${e.message}`);
    }, `${server.origin}/models/cnn`);
    expect(error).toMatch(/^ValueError: io\.browserFiles: 'model\.keras' is a Keras file, which holds the whole model; pick it alone\. Received: 2 files/);
  });
});
