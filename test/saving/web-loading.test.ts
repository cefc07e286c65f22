/**
 * The HTTP model handler is plain web APIs (fetch), which Node has too: the
 * checks that need no browser run here, against a local server. Chromium
 * runs the rest (test/browser/). (The browser's dataset loader, the same
 * way: test/data/web-loading.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { loadSequential } from '../support/helpers.js';
import { FileFormatError } from '../../src/errors.js';
import { serveRoutes, type Routes } from '../support/http-fixtures.js';

const routes: Routes = new Map();
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

describe('loadModel from an http(s) URL', () => {
  it('fetches model.json and the weights files relative to it', async () => {
    const model = await loadSequential(`${server.origin}/m/model.json`);
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
