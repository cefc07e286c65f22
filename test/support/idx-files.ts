/**
 * Tiny IDX datasets for the loader tests (test/data/fashion-mnist.test.ts, mnist.test.ts):
 * the four files of a few 28×28 images written to a directory, their
 * checksums, and a server on 127.0.0.1 that serves them.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FILE_NAMES } from '../../src/data/idx-dataset.js';

// ---------------------------------------------------------------------------
// Helpers that write small IDX files.

/** The bytes of an IDX file with the given type code, dimensions and values. */
export function idxBytes(dims: number[], values: ArrayLike<number>, typeCode = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = dims.length;
  dims.forEach((size, i) => view.setUint32(4 + 4 * i, size)); // big-endian
  const bytes = new Uint8Array(header.length + values.length);
  bytes.set(header);
  bytes.set(Array.from(values), header.length);
  return bytes;
}

/** `count` 28×28 images whose pixels are a simple pattern covering 0..255. */
export function imageValues(count: number, seed = 0): Uint8Array {
  const values = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < values.length; i++) values[i] = (i * 37 + seed) % 256;
  return values;
}

/** Labels 0..9 repeating, starting at `first`. */
export function labelValues(count: number, first = 0): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (first + i) % 10);
}

export interface DatasetSpec {
  trainCount?: number;
  testCount?: number;
  /** The first training label, so a test can tell which directory was loaded. */
  firstLabel?: number;
  gzip?: boolean;
}

/** The four files' contents (uncompressed IDX bytes), by published name. */
export function datasetFiles(spec: DatasetSpec = {}): Record<string, Uint8Array> {
  const { trainCount = 5, testCount = 3, firstLabel = 0 } = spec;
  return {
    [FILE_NAMES.trainImages]: idxBytes([trainCount, 28, 28], imageValues(trainCount)),
    [FILE_NAMES.trainLabels]: idxBytes([trainCount], labelValues(trainCount, firstLabel)),
    [FILE_NAMES.testImages]: idxBytes([testCount, 28, 28], imageValues(testCount, 1)),
    [FILE_NAMES.testLabels]: idxBytes([testCount], labelValues(testCount)),
  };
}

/** Writes a dataset into `dir`, gzipped under the .gz names or raw without .gz. */
export function writeDataset(dir: string, spec: DatasetSpec = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(datasetFiles(spec))) {
    if (spec.gzip === false) writeFileSync(join(dir, name.replace(/\.gz$/, '')), bytes);
    else writeFileSync(join(dir, name), gzipSync(bytes));
  }
  return dir;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The sha256 of each file `writeDataset(dir, spec)` writes, for loading it from a cache directory. */
export function hashesOf(spec: DatasetSpec = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(datasetFiles(spec)).map(([name, bytes]) => [name, sha256(gzipSync(bytes))]));
}

// ---------------------------------------------------------------------------
// Downloads, from a server on 127.0.0.1 that serves the gzipped tiny dataset.

export interface TestServer {
  origin: string;
  /** Paths requested so far. */
  requests: string[];
  /** Stops the server, dropping connections still open (a stalled download's, say). */
  close: () => Promise<void>;
}

export interface ServeOptions {
  /** Files sent only halfway before the connection is dropped. */
  cutShort?: string[];
  /** Files the server never answers: it takes the request and stays silent. */
  silent?: string[];
  /** Awaited between a file's two halves; a promise that never settles stalls the download there. */
  betweenHalves?: (name: string) => Promise<void>;
}

/**
 * Serves `files` (name → bytes) at http://127.0.0.1:<port>/<name>, each in two
 * chunks so progress is reported more than once; `options` make it misbehave.
 */
export async function startServer(files: Record<string, Uint8Array>, options: ServeOptions = {}): Promise<TestServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const name = (request.url ?? '').replace(/^\//, '');
    requests.push(name);
    const body = files[name];
    if (options.silent?.includes(name)) return;
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    const half = Math.floor(body.length / 2);
    response.write(body.subarray(0, half), async () => {
      await options.betweenHalves?.(name);
      if (options.cutShort?.includes(name)) response.destroy();
      else response.end(body.subarray(half));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

