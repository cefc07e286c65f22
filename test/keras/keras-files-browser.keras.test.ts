/**
 * Files written by real Keras 3.15 in a real browser: the trained
 * Functional model (two inputs, a Concatenate) and the CNN with
 * BatchNormalization that keras_models_make.py saves as `.keras` are served
 * over HTTP (without an extension: the page tells the format by the bytes)
 * and picked as files in Debian's Chromium; the page's `loadModel` predicts
 * what Keras predicts (≤ 1e-5), and loads them compiled, as Keras saved them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Routes } from '../support/http-fixtures.js';
import { openLibraryPage, type LibraryPage } from '../browser/chromium.js';
import { describeKeras, runKeras, unpack, type Packed } from './oracle.js';

interface Made {
  files: { keras: string };
  x: Packed[];
  xb: Packed[];
  yb: Packed;
}
interface Predicted {
  class_name: string;
  y: Packed;
}

const dir = mkdtempSync(join(tmpdir(), 'tinykeras-keras-browser-'));

describeKeras('.keras files written by real Keras, in Chromium', () => {
  let made: Record<'functional' | 'cnn', Made>;
  let opened: LibraryPage;
  let server: { origin: string };
  let page: Page;

  beforeAll(async () => {
    made = runKeras<Record<'functional' | 'cnn', Made>>('keras_models_make', { dir });
    const routes: Routes = new Map();
    for (const name of ['functional', 'cnn'] as const) routes.set(`/models/${name}`, ['application/octet-stream', new Uint8Array(readFileSync(made[name].files.keras))]);
    opened = await openLibraryPage(routes);
    server = opened;
    page = opened.page;
  }, 300_000);

  afterAll(() => opened?.close());

  for (const name of ['functional', 'cnn'] as const) {
    it(`${name}: loads from http(s) and from a picked file, compiled, predicting Keras's numbers`, async () => {
      const m = made[name];
      const keras = runKeras<Predicted>('keras_models_step', { path: m.files.keras, x: m.x });
      const inputs = m.x.map((p) => ({ values: Array.from(unpack(p)), shape: p.shape }));
      const result = await page.evaluate(
        async ({ url, inputs }) => {
          const k = (globalThis as any).keras;
          const tensors = inputs.map((t: { values: number[]; shape: number[] }) => k.tensor(t.values, t.shape));
          const x = tensors.length === 1 ? tensors[0] : tensors;
          const predict = (model: any) => {
            const y = model.predict(x, { verbose: 0 });
            return Array.from((Array.isArray(y) ? y[0] : y).data as Float32Array);
          };
          const fromHttp = await k.models.loadModel(url);
          const file = new File([await (await fetch(url)).arrayBuffer()], 'from-colab.keras');
          const picked = await k.models.loadModel(k.io.browserFiles([file]));
          return { className: fromHttp.className, compiled: fromHttp.compiled !== null, http: predict(fromHttp), picked: predict(picked) };
        },
        { url: `${server.origin}/models/${name}`, inputs },
      );
      expect(result.className).toBe(keras.class_name);
      expect(result.compiled).toBe(true);
      const expected = unpack(keras.y);
      for (const got of [result.http, result.picked]) {
        expect(got.length).toBe(expected.length);
        expect(Math.max(...got.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThanOrEqual(1e-5);
      }
    }, 120_000);
  }
});
