/**
 * A Vite plugin that serves the four Fashion-MNIST files at
 * /data/fashion-mnist/<name>.gz from this machine, so the page needs no
 * network: from $FASHION_MNIST_DIR, the Keras cache
 * (~/.keras/datasets/fashion-mnist, or under $KERAS_HOME), or Debian's
 * /usr/share/datasets/fashion-mnist, the first that has the file.
 *
 * The files are sent as they are, gzipped, without a Content-Encoding header:
 * the page decompresses them itself (DecompressionStream), as it would a file
 * from any origin.
 *
 * The server is reachable by any page the user opens, so it answers odd
 * requests plainly: a URL that does not decode is a 400 (before Vite's own
 * handlers, which would answer a 500 with a stack trace and the server's
 * paths), only the four names are ever looked up, only regular files are
 * sent (a directory or device under such a name is skipped), and a download
 * the browser abandons closes its file (`stream.pipeline`, not `.pipe`).
 */
import { createReadStream, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

export const DATA_PATH = '/data/fashion-mnist/';
const NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The directories searched, in order. */
export function datasetDirs(): string[] {
  const kerasHome = process.env.KERAS_HOME ?? join(homedir(), '.keras');
  return [process.env.FASHION_MNIST_DIR, join(kerasHome, 'datasets', 'fashion-mnist'), '/usr/share/datasets/fashion-mnist'].filter(
    (dir): dir is string => dir !== undefined && dir !== '',
  );
}

/** The path and size of a dataset file on this machine (a regular file, symlinks followed), or null. */
export function findDatasetFile(name: string): { path: string; size: number } | null {
  if (!NAMES.includes(name)) return null;
  for (const dir of datasetDirs()) {
    const path = join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats?.isFile()) return { path, size: stats.size };
  }
  return null;
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

/** A request whose path does not percent-decode gets a 400, not Vite's 500 page with a stack trace. */
export const rejectMalformedUrls: Middleware = (req, res, next) => {
  try {
    decodeURIComponent((req.url ?? '/').split('?')[0]!);
  } catch {
    answer(res, 400, 'Bad request: the URL is not valid percent-encoding.');
    return;
  }
  next();
};

export const serveDataset: Middleware = (req, res, next) => {
  const url = (req.url ?? '').split('?')[0]!;
  if (!url.startsWith(DATA_PATH)) return next();
  const name = decodeURIComponent(url.slice(DATA_PATH.length));
  let file: { path: string; size: number } | null;
  try {
    file = findDatasetFile(name);
  } catch {
    // An unreadable folder on the way (permissions, a symlink loop): as good as missing, and the reason stays here.
    file = null;
  }
  if (file === null) {
    const shown = NAMES.includes(name) ? name : 'that file';
    answer(
      res,
      404,
      `${shown}: not found. The playground serves the four Fashion-MNIST files from $FASHION_MNIST_DIR, the Keras cache ` +
        `or Debian's dataset-fashion-mnist; install that package, or run npm run fashion-mnist once to download them.`,
    );
    return;
  }
  res.setHeader('Content-Type', 'application/gzip');
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('Cache-Control', 'max-age=86400');
  // pipeline closes the file when the response ends early (an aborted download) and ends the response on a read error.
  pipeline(createReadStream(file.path), res, (error) => {
    if (error && !res.headersSent) answer(res, 500, 'The file could not be read.');
    else if (error) res.destroy();
  });
};

export function fashionMnistFiles(): Plugin {
  const install = (server: { middlewares: { use(fn: Middleware): unknown } }) => {
    server.middlewares.use(rejectMalformedUrls);
    server.middlewares.use(serveDataset);
  };
  return {
    name: 'tinykeras-fashion-mnist-files',
    configureServer: (server) => void install(server),
    configurePreviewServer: (server) => void install(server),
  };
}
