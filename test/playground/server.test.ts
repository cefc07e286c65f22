/**
 * The playground's server answers odd and hostile requests plainly: a URL
 * that does not decode is a 400 with no stack trace or server path, a
 * directory under a dataset file's name is never read as the file, an
 * abandoned download closes its file, and the server keeps to 127.0.0.1.
 */
import { mkdirSync, readlinkSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectMalformedUrls, serveDataset } from '../../playground/dataset-files.js';
import { startPlayground, type Playground } from '../../playground/serve.js';
import { useTempDir } from '../support/helpers.js';

interface Reply {
  status: number;
  body: string;
}

/** A GET of `path` exactly as written (no client-side normalisation). */
function get(base: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk.length > 4096 ? '' : chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a GET of `path` and abandons it once the first bytes arrive. */
function abandon(base: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = request({ host: hostname, port, path }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(error)));
    req.end();
  });
}

/** Open file descriptors of this process that point at `path`. */
function openDescriptorsOf(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}

/** Neither a stack trace nor an absolute path of this machine. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat .*\(|node_modules|\/work\/|\/home\/|\/root\/|\/usr\//);
}

describe("the playground's dataset files", () => {
  const dir = useTempDir('playground-server');
  let server: Server;
  let base = '';
  const saved = { FASHION_MNIST_DIR: process.env.FASHION_MNIST_DIR, KERAS_HOME: process.env.KERAS_HOME };

  beforeAll(async () => {
    process.env.FASHION_MNIST_DIR = join(dir(), 'data');
    process.env.KERAS_HOME = join(dir(), 'keras');
    mkdirSync(join(dir(), 'data'));
    // A folder named like a dataset file, and a large regular file to abandon downloads of.
    mkdirSync(join(dir(), 'data', 't10k-labels-idx1-ubyte.gz'));
    writeFileSync(join(dir(), 'data', 'train-images-idx3-ubyte.gz'), new Uint8Array(8 << 20).fill(7));
    server = createServer((req, res) =>
      rejectMalformedUrls(req, res, () => serveDataset(req, res, () => ((res.statusCode = 404), res.end('next')))),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('answers a URL that does not percent-decode with a 400, without a stack trace or a path', async () => {
    for (const path of ['/data/fashion-mnist/%E0%A4%A', '/%', '/data/fashion-mnist/%']) {
      const reply = await get(base, path);
      expect(reply.status, path).toBe(400);
      expectNoInternals(reply.body);
    }
  });

  it('never reads a directory as a dataset file, and keeps serving after one', async () => {
    const reply = await get(base, '/data/fashion-mnist/t10k-labels-idx1-ubyte.gz');
    // Skipped: the next folder (Debian's package, when installed) serves the real file, or none does.
    expect([200, 404]).toContain(reply.status);
    if (reply.status === 404) expectNoInternals(reply.body);
    expect((await get(base, '/data/fashion-mnist/train-images-idx3-ubyte.gz')).status).toBe(200);
  });

  it('looks up only the four file names', async () => {
    for (const path of ['/data/fashion-mnist/..%2F..%2Fetc%2Fpasswd', '/data/fashion-mnist/passwd', '/data/fashion-mnist/']) {
      const reply = await get(base, path);
      expect(reply.status, path).toBe(404);
      expectNoInternals(reply.body);
    }
  });

  it('closes the file of every abandoned download', async () => {
    const file = join(dir(), 'data', 'train-images-idx3-ubyte.gz');
    await Promise.all(Array.from({ length: 50 }, () => abandon(base, '/data/fashion-mnist/train-images-idx3-ubyte.gz')));
    const deadline = Date.now() + 10_000;
    while (openDescriptorsOf(file) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openDescriptorsOf(file)).toBe(0);
  });
});

describe("the playground's server as npm run playground starts it", () => {
  let playground: Playground;

  beforeAll(async () => {
    playground = await startPlayground(0);
  }, 120_000);

  afterAll(async () => {
    await playground?.close();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(new URL(playground.url).hostname).toBe('127.0.0.1');
  });

  it("answers malformed URLs with a 400 before Vite's handlers (no 500 page, no stack trace, no paths)", async () => {
    for (const path of ['/%', '/data/fashion-mnist/%E0%A4%A', '/assets/%ZZ.js']) {
      const reply = await get(playground.url, path);
      expect(reply.status, path).toBe(400);
      expectNoInternals(reply.body);
    }
    expect((await get(playground.url, '/')).status).toBe(200);
  });
});
