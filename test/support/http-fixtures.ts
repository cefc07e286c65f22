/**
 * For tests that load over HTTP (Node's fetch, or Chromium): a server on
 * 127.0.0.1 serving fixed routes, and a tiny Fashion-MNIST look-alike as
 * the four gzipped IDX files with their sha256s.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
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
