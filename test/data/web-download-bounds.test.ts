/**
 * The web dataset loader (run here in Node, which has fetch) against servers
 * that never stop: an endless body is cut off at the file's published size,
 * a Content-Length beyond it is refused before the body is read, and the
 * downloads have one deadline and stop on the caller's signal.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnist } from '../../src/data/idx-dataset-web.js';
import { FILE_SIZES } from '../../src/data/dataset-specs.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { failure } from '../support/helpers.js';

let origin = '';
let close: () => Promise<void>;
/** Bytes the server wrote, per path. */
const sent = new Map<string, number>();
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  const chunk = new Uint8Array(64 << 10);
  const endless = (res: ServerResponse, path: string) => {
    res.writeHead(200, { 'Content-Type': 'application/gzip' });
    const pump = () => {
      while (res.write(chunk)) {
        sent.set(path, (sent.get(path) ?? 0) + chunk.length);
        if ((sent.get(path) ?? 0) > 1 << 30) return void res.end(); // a bound for the test itself
      }
      res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  };
  const server = createServer((req, res) => {
    const [, folder] = req.url!.split('/');
    if (folder === 'endless') return endless(res, req.url!);
    if (folder === 'declared') return void res.writeHead(200, { 'Content-Length': String(2 ** 40) }).end();
    if (folder === 'drip') {
      res.writeHead(200, { 'Content-Type': 'application/gzip' });
      const timer = setInterval(() => res.write(new Uint8Array(1)), 200);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await close();
});

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
