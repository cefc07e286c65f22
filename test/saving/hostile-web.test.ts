/**
 * The browser's model handlers as an attacker would use them: a model.json
 * served over HTTP whose weights paths climb out of its directory (also
 * percent-encoded, which a URL reads as '..'), list one file many times, or
 * point at bodies far larger than the manifest declares; picked files of an
 * absurd count or size. Each is a FileFormatError or ValueError, found
 * before more than the model legitimately needs is fetched or read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { failure } from '../support/helpers.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { serveRoutes, type Routes, recordFetches } from '../support/http-fixtures.js';

const routes: Routes = new Map();
let server: Awaited<ReturnType<typeof serveRoutes>>;
let weightBytes: Uint8Array;
const fetched: string[] = [];

beforeAll(async () => {
  const model = new keras.Sequential([new keras.layers.Dense(3, { activation: 'softmax', inputShape: [4] })]);
  const memory = keras.io.memory();
  await model.save(memory);
  const { modelTopology, weightSpecs, weightData } = memory.artifacts!;
  weightBytes = new Uint8Array(weightData as ArrayBuffer);
  const json = (paths: string[]) => JSON.stringify({ modelTopology, weightsManifest: [{ paths, weights: weightSpecs }] });
  const add = (name: string, paths: string[]) => routes.set(`/models/m/${name}.json`, ['application/json', json(paths)]);
  add('good', ['weights.bin']);
  add('dotdot', ['../secret.bin']);
  add('encoded', ['%2e%2e/secret.bin']);
  add('encoded-mixed', ['.%2E/secret.bin']);
  add('backslash', ['..\\secret.bin']);
  add('absolute', ['/models/secret.bin']);
  add('other-origin', ['//evil.example/w.bin']);
  add('scheme', ['http://evil.example/w.bin']);
  add('twice', ['weights.bin', 'weights.bin']);
  add('large', ['large.bin']);
  routes.set('/models/m/weights.bin', ['application/octet-stream', weightBytes]);
  routes.set('/models/secret.bin', ['application/octet-stream', weightBytes]);
  routes.set('/models/m/large.bin', ['application/octet-stream', new Uint8Array(8 << 20)]);
  routes.set('/models/m/huge.json', ['application/json', ' '.repeat((64 << 20) + 1)]);
  server = await serveRoutes(routes);
  afterAll(recordFetches(fetched));
});
afterAll(() => server.close());


describe('loadModel over http(s): files stay beside model.json', () => {
  it('loads the good model', async () => {
    const model = await keras.models.loadModel(`${server.origin}/models/m/good.json`);
    expect(model.layers).toHaveLength(1);
  });

  it.each([
    ['dotdot', /paths\[0\]: the path climbs out with '\.\.'/],
    ['encoded', /paths\[0\]: the path climbs out with '\.\.'/],
    ['encoded-mixed', /paths\[0\]: the path climbs out with '\.\.'/],
    ['backslash', /paths\[0\]: the path climbs out with '\.\.'/],
    ['absolute', /paths\[0\]: the path is absolute or a URL/],
    ['other-origin', /paths\[0\]: the path is absolute or a URL/],
    ['scheme', /paths\[0\]: the path is absolute or a URL/],
    ['twice', /paths\[1\]: the file is listed twice/],
  ])('%s: a FileFormatError, and nothing but model.json is fetched', async (name, message) => {
    fetched.length = 0;
    const error = await failure(() => keras.models.loadModel(`${server.origin}/models/m/${name}.json`));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(message);
    expect(fetched).toEqual([`${server.origin}/models/m/${name}.json`]);
  });

  it('a weights body larger than the manifest declares is refused from its Content-Length', async () => {
    const error = await failure(() => keras.models.loadModel(`${server.origin}/models/m/large.json`));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(new RegExp(`large\\.bin: a weights file listed in .* is larger than it can be; expected at most ${weightBytes.length + 1} bytes. Received: Content-Length ${8 << 20}`));
  });

  it('a body sent without Content-Length is cut off once it passes the manifest\'s size', async () => {
    const { createServer } = await import('node:http');
    let sent = 0;
    const chunked = createServer((request, response) => {
      if (request.url === '/m/model.json') return void response.end(JSON.parse(JSON.stringify(routes.get('/models/m/large.json')![1])));
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      // 64 KiB chunks for as long as the client reads: without the cut-off, 256 MiB.
      const write = () => {
        while (sent < 256 << 20 && response.write(new Uint8Array(64 << 10))) sent += 64 << 10;
        if (sent < 256 << 20) response.once('drain', write);
        else response.end();
      };
      response.on('close', () => response.removeAllListeners('drain'));
      write();
    });
    await new Promise<void>((resolve) => chunked.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(chunked.address() as { port: number }).port}`;
    try {
      const error = await failure(() => keras.models.loadModel(`${origin}/m/model.json`));
      expect(error.message).toMatch(new RegExp(`large\\.bin: a weights file listed in .* is larger than it can be; expected at most ${weightBytes.length + 1} bytes. Received: more than`));
      expect(sent).toBeLessThan(64 << 20);
    } finally {
      chunked.closeAllConnections();
      await new Promise((resolve) => chunked.close(resolve));
    }
  });

  it('a model.json over 64 MiB is refused', async () => {
    const error = await failure(() => keras.models.loadModel(`${server.origin}/models/m/huge.json`));
    expect(error.message).toMatch(/huge\.json: model\.json is larger than it can be; expected at most 67108864 bytes/);
  });

  it('a URL that is not a string is a ValueError', async () => {
    for (const url of [Symbol('u'), 42, null, {}]) expect(await failure(() => keras.io.http(url as never))).toBeInstanceOf(ValueError);
  });
});

describe('io.browserFiles', () => {
  const file = (parts: BlobPart[], name: string) => new File(parts, name);
  const goodJson = async () => {
    const memory = keras.io.memory();
    await new keras.Sequential([new keras.layers.Dense(3, { inputShape: [4] })]).save(memory);
    const { modelTopology, weightSpecs } = memory.artifacts!;
    return { text: (paths: string[]) => JSON.stringify({ modelTopology, weightsManifest: [{ paths, weights: weightSpecs }] }), bytes: new Uint8Array(memory.artifacts!.weightData as ArrayBuffer) };
  };

  it('an absurd count of files is a ValueError, not a RangeError or a full memory', async () => {
    for (const files of [{ length: 2 ** 32 }, { length: 1e9 }, { length: -1 }, { length: 1.5 }]) {
      expect(await failure(() => keras.io.browserFiles(files as never))).toBeInstanceOf(ValueError);
    }
  });

  it('weights files whose sizes disagree with the manifest are not read', async () => {
    const { text, bytes } = await goodJson();
    const big = file([new Uint8Array(bytes.length + 4)], 'weights.bin');
    const error = await failure(() => keras.models.loadModel(keras.io.browserFiles([file([text(['weights.bin'])], 'model.json'), big])));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/weights\.bin: expected \d+ bytes for 2 weights in the manifest. Received: \d+ bytes. The file is longer than its manifest says/);
    const ok = await keras.models.loadModel(keras.io.browserFiles([file([text(['weights.bin'])], 'model.json'), file([bytes], 'weights.bin')]));
    expect(ok.layers).toHaveLength(1);
  });

  it('escaping paths are refused as over HTTP', async () => {
    const { text, bytes } = await goodJson();
    const error = await failure(() => keras.models.loadModel(keras.io.browserFiles([file([text(['%2e%2e/weights.bin'])], 'model.json'), file([bytes], 'weights.bin')])));
    expect(error.message).toMatch(/climbs out with '\.\.'/);
  });
});
