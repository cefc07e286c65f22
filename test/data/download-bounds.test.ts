/**
 * Node's dataset downloads against servers that never stop: a body is cut
 * off at the file's published size (nothing more is written to disk), a
 * Content-Length beyond it is refused before the body is read, and the
 * downloads have one deadline and stop on the caller's signal. The web
 * loader's twin is web-download-bounds.test.ts.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadData } from '../../src/data/fashion-mnist.js';
import { FILE_SIZES } from '../../src/data/dataset-specs.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { serveHostileDownloads } from '../support/http-fixtures.js';
import { failure, useTempDir } from '../support/helpers.js';

let origin = '';
let sent: Map<string, number>;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ origin, sent, close } = await serveHostileDownloads(100));
});
afterAll(() => close());

describe("Node's dataset downloads are bounded", () => {
  const dir = useTempDir('download-bounds');
  const options = (name: string, folder: string) => ({
    cacheDir: join(dir(), name),
    systemDir: join(dir(), 'no-system-dir'),
    origin: `${origin}/${folder}/`,
    verbose: false,
  });

  it('cuts an endless body off at the published size of the file, and keeps nothing of it', async () => {
    const error = await failure(() => loadData(options('endless', 'endless')));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/the file is larger than it can be; expected at most (\d+) bytes/);
    const limit = Number(/expected at most (\d+) bytes/.exec(error.message)![1]);
    expect(Object.values(FILE_SIZES)).toContain(limit);
    expect(await readdir(join(dir(), 'endless')).catch(() => [])).toEqual([]);
    for (const [path, bytes] of sent) expect(bytes, path).toBeLessThan(FILE_SIZES[path.split('/').pop()!]! + (16 << 20));
  });

  it('refuses a Content-Length beyond the file size before reading the body', async () => {
    const error = await failure(() => loadData(options('declared', 'declared')));
    expect(error.message).toMatch(/Received: Content-Length 1099511627776/);
  });

  it('stops a server that drips at the deadline, though it is never silent long enough for the idle timeout', async () => {
    const started = Date.now();
    const error = await failure(() => loadData({ ...options('drip', 'drip'), timeoutMs: 800 }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/the download was stopped after \d+ bytes: the load took longer than its deadline of 800 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("stops on the caller's signal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await failure(() => loadData({ ...options('signal', 'drip'), signal: controller.signal }));
    expect(error.message).toMatch(/the load was aborted by its signal/);
  });

  it('rejects a bad deadline or signal before fetching', async () => {
    for (const bad of [{ timeoutMs: 0 }, { signal: {} }]) {
      expect(await failure(() => loadData({ ...options('bad', 'drip'), ...bad } as never))).toBeInstanceOf(ValueError);
    }
  });
});
