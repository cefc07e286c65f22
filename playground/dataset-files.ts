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
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Connect, Plugin } from 'vite';

export const DATA_PATH = '/data/fashion-mnist/';
const NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** The directories searched, in order. */
export function datasetDirs(): string[] {
  const kerasHome = process.env.KERAS_HOME ?? join(homedir(), '.keras');
  return [process.env.FASHION_MNIST_DIR, join(kerasHome, 'datasets', 'fashion-mnist'), '/usr/share/datasets/fashion-mnist'].filter(
    (dir): dir is string => dir !== undefined && dir !== '',
  );
}

/** The path of a dataset file on this machine, or null. */
export function findDatasetFile(name: string): string | null {
  if (!NAMES.includes(name)) return null;
  for (const dir of datasetDirs()) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return null;
}

const serveDataset: Connect.NextHandleFunction = (req, res, next) => {
  const url = req.url ?? '';
  if (!url.startsWith(DATA_PATH)) return next();
  const name = decodeURIComponent(url.slice(DATA_PATH.length).split('?')[0]!);
  const path = findDatasetFile(name);
  if (path === null) {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(
      `${name}: not found in ${datasetDirs().join(', ')}. Install Debian's dataset-fashion-mnist, ` +
        `or run npm run fashion-mnist once to download the files into the Keras cache.`,
    );
    return;
  }
  res.setHeader('Content-Type', 'application/gzip');
  res.setHeader('Content-Length', String(statSync(path).size));
  res.setHeader('Cache-Control', 'max-age=86400');
  createReadStream(path).pipe(res);
};

export function fashionMnistFiles(): Plugin {
  return {
    name: 'tinykeras-fashion-mnist-files',
    configureServer: (server) => void server.middlewares.use(serveDataset),
    configurePreviewServer: (server) => void server.middlewares.use(serveDataset),
  };
}
