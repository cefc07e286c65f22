/**
 * For tests that load over HTTP (Node's fetch, or Chromium): a server on
 * 127.0.0.1 serving fixed routes, and a tiny Fashion-MNIST look-alike as
 * the four gzipped IDX files with their sha256s.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { FILE_NAMES } from '../../src/data/fashion-mnist.js';

/** Path → [content type, body]. */
export type Routes = Map<string, [string, Uint8Array | string]>;

/**
 * Serves `routes` (with Content-Length, as real servers send) until
 * `close()`, adding `headers` to every response (for example the two that
 * make a page cross-origin isolated).
 */
export async function serveRoutes(routes: Routes, headers: Record<string, string> = {}): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const route = routes.get(new URL(request.url!, 'http://x').pathname);
    if (!route) return void response.writeHead(404, headers).end('not found');
    const body = typeof route[1] === 'string' ? Buffer.from(route[1]) : route[1];
    response.writeHead(200, { ...headers, 'Content-Type': route[0], 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * 30 training and 10 test images (pixel i is i·37 mod 256) with labels
 * i·7 mod 10, added to `routes` under `prefix` as the four published file names.
 */
export function addFakeDataset(routes: Routes, prefix: string): { hashes: Record<string, string>; trainLabels: number[] } {
  const idx = (dims: number[], values: Uint8Array) => {
    const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
    header.setUint8(2, 0x08);
    header.setUint8(3, dims.length);
    dims.forEach((d, i) => header.setUint32(4 + 4 * i, d));
    return gzipSync(Buffer.concat([new Uint8Array(header.buffer), values]));
  };
  const images = (n: number) => Uint8Array.from({ length: n * 784 }, (_, i) => (i * 37) % 256);
  const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
  const files: Record<string, Uint8Array> = {
    [FILE_NAMES.trainImages]: idx([30, 28, 28], images(30)),
    [FILE_NAMES.trainLabels]: idx([30], labels(30)),
    [FILE_NAMES.testImages]: idx([10, 28, 28], images(10)),
    [FILE_NAMES.testLabels]: idx([10], labels(10)),
  };
  const hashes: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    routes.set(`${prefix}${name}`, ['application/gzip', bytes]);
    hashes[name] = createHash('sha256').update(bytes).digest('hex');
  }
  return { hashes, trainLabels: Array.from(labels(30)) };
}

/**
 * A server that misbehaves the ways a dataset download must survive, under
 * three folders: `/endless/<file>` streams zeros without end (stopping itself
 * at 1 GiB), `/declared/<file>` announces a Content-Length of 2^40 bytes,
 * `/drip/<file>` sends one byte every `dripMs`. `sent` counts the bytes
 * written per path.
 */
export async function serveHostileDownloads(dripMs: number): Promise<{ origin: string; sent: Map<string, number>; close: () => Promise<void> }> {
  const sent = new Map<string, number>();
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
      const timer = setInterval(() => res.write(new Uint8Array(1)), dripMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Wraps the global fetch so that every URL fetched is pushed to `fetched`; returns the undo. Call it in a beforeAll. */
export function recordFetches(fetched: string[]): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    fetched.push(String(input));
    return realFetch(input, init);
  }) as typeof fetch;
  return () => {
    globalThis.fetch = realFetch;
  };
}
