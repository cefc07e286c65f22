/**
 * The web dataset loader (run here in Node, which has fetch) against servers
 * that never stop: an endless body is cut off at the file's published size,
 * a Content-Length beyond it is refused before the body is read, and the
 * downloads have one deadline and stop on the caller's signal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnist } from '../../src/data/idx-dataset-web.js';
import { FILE_SIZES } from '../../src/data/dataset-specs.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { serveHostileDownloads } from '../support/http-fixtures.js';
import { failure } from '../support/helpers.js';

let origin = '';
let sent: Map<string, number>;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ origin, sent, close } = await serveHostileDownloads(200));
});
afterAll(() => close());

describe('web dataset downloads are bounded', () => {
  it('cuts an endless body off at the published size of the file, with a FileFormatError', async () => {
    const error = await failure(() => fashionMnist.loadData({ origin: `${origin}/endless/`, cache: false }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/is larger than the dataset's file; expected at most \d+ bytes/);
    const [, limit] = /expected at most (\d+) bytes/.exec(error.message)!;
    expect(Object.values(FILE_SIZES)).toContain(Number(limit));
    // Every stream was abandoned near its limit: no file was read much past its size.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const [path, bytes] of sent) {
      const name = path.split('/').pop()!;
      expect(bytes, path).toBeLessThan(FILE_SIZES[name]! + (16 << 20));
    }
  });

  it('refuses a Content-Length beyond the file size before reading the body', async () => {
    const error = await failure(() => fashionMnist.loadData({ origin: `${origin}/declared/`, cache: false }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/Received: Content-Length 1099511627776/);
  });

  it('stops a server that drips at the deadline', async () => {
    const started = Date.now();
    const error = await failure(() => fashionMnist.loadData({ origin: `${origin}/drip/`, cache: false, timeoutMs: 700 }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/the download was stopped: the load took longer than its deadline of 700 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("stops on the caller's signal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await failure(() => fashionMnist.loadData({ origin: `${origin}/drip/`, cache: false, signal: controller.signal }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/the download was stopped: the load was aborted by its signal/);
  });

  it('rejects a bad deadline or signal before fetching', async () => {
    for (const options of [{ timeoutMs: -5 }, { signal: 'stop' }]) {
      const error = await failure(() => fashionMnist.loadData(options as never));
      expect(error).toBeInstanceOf(ValueError);
    }
  });
});
