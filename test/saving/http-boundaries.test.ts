/**
 * Loading a model over http(s) when the server is hostile or slow: a
 * redirect may not carry a load where the first URL could not go (another
 * origin, outside model.json's directory), and a load has one deadline for
 * everything it fetches, bodies included, and stops on the caller's signal.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { failure } from '../support/helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let modelJson = '';
let weights = new Uint8Array();
let main: Awaited<ReturnType<typeof listen>>;
let other: Awaited<ReturnType<typeof listen>>;
/** Paths the other origin was asked for. */
const otherHits: string[] = [];
const drips = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  const model = new keras.Sequential([new keras.layers.Dense(3, { activation: 'softmax', inputShape: [4] })]);
  const memory = keras.io.memory();
  await model.save(memory);
  const { modelTopology, weightSpecs, weightData } = memory.artifacts!;
  weights = new Uint8Array(weightData as ArrayBuffer);
  modelJson = JSON.stringify({ modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] });

  other = await listen((req, res) => {
    otherHits.push(req.url!);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': weights.length }).end(new Uint8Array(weights.length).fill(1));
  });
  main = await listen((req, res) => {
    const send = (type: string, body: Uint8Array | string) => res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) }).end(body);
    const redirect = (status: number, location: string) => res.writeHead(status, { Location: location }).end();
    const [, folder, file] = /^\/([^/]+)\/(.*)$/.exec(req.url!) ?? [];
    if (file === 'model.json' && folder === 'to-other-origin-json') return redirect(302, `${other.origin}/m/model.json`);
    if (file === 'model.json' && folder === 'within-origin-json') return redirect(301, '/plain/model.json');
    if (file === 'model.json' && folder === 'drip') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(modelJson) });
      let i = 0;
      const timer = setInterval(() => (i < modelJson.length ? res.write(modelJson[i++]!) : (clearInterval(timer), res.end())), 1000);
      drips.add(timer);
      return;
    }
    if (file === 'model.json') return send('application/json', modelJson);
    if (file === 'weights.bin' && folder === 'plain') return send('application/octet-stream', weights);
    if (file === 'weights.bin' && folder === 'to-other-origin') return redirect(302, `${other.origin}/m/weights.bin`);
    if (file === 'weights.bin' && folder === 'to-outside') return redirect(301, '/secret/weights.bin');
    if (file === 'weights.bin' && folder === 'to-beside') return redirect(307, `/to-beside/moved/weights.bin`);
    if (req.url === '/to-beside/moved/weights.bin' || req.url === '/secret/weights.bin') return send('application/octet-stream', weights);
    res.writeHead(404).end();
  });
});

afterAll(async () => {
  for (const timer of drips) clearInterval(timer);
  await main.close();
  await other.close();
});

describe('loadModel over http(s): redirects', () => {
  it('follows a redirect that stays beside model.json', async () => {
    const model = await keras.models.loadModel(`${main.origin}/to-beside/model.json`);
    expect(Array.from(model.layers[0]!.getWeights()[1]!.data)).toHaveLength(3);
  });

  it('follows a redirect of model.json within its origin', async () => {
    await expect(keras.models.loadModel(`${main.origin}/within-origin-json/model.json`)).resolves.toBeDefined();
  });

  it.each([
    ['to-other-origin', /weights file .* was not loaded: it was redirected outside the model's directory/],
    ['to-outside', /was not loaded: it was redirected outside the model's directory .*\/to-outside\/, to .*\/secret\/weights\.bin/],
  ])('refuses weights redirected %s, and loads none of their bytes', async (folder, message) => {
    const error = await failure(() => keras.models.loadModel(`${main.origin}/${folder}/model.json`));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(message);
  });

  it('refuses a model.json redirected to another origin', async () => {
    const error = await failure(() => keras.models.loadModel(`${main.origin}/to-other-origin-json/model.json`));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/model\.json was not loaded: it was redirected to another origin/);
  });
});

describe('loadModel over http(s): deadline and signal', () => {
  it('stops a server that drips a byte a second at the deadline, with a FileFormatError saying so', async () => {
    const started = Date.now();
    const error = await failure(() => keras.models.loadModel(`${main.origin}/drip/model.json`, { timeoutMs: 600 }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/took longer than its deadline of 600 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("stops when the caller's signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await failure(() => keras.models.loadModel(`${main.origin}/drip/model.json`, { signal: controller.signal }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/aborted by its signal/);
  });

  it('an already-aborted signal fetches nothing', async () => {
    const error = await failure(() => keras.models.loadModel(`${main.origin}/plain/model.json`, { signal: AbortSignal.abort() }));
    expect(error.message).toMatch(/aborted by its signal/);
  });

  it.each([
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number/],
    [{ timeoutMs: '5s' }, /timeoutMs must be a number/],
    [{ signal: { aborted: false } }, /signal must be an AbortSignal/],
    [{ time_out_ms: 5 }, /time_out_ms/],
  ])('bad options %j are a ValueError', async (options, message) => {
    const error = await failure(() => keras.models.loadModel(`${main.origin}/plain/model.json`, options as keras.LoadOptions));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(message);
  });
});
