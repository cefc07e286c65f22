/**
 * Fashion-MNIST and MNIST in browsers (pages and Web Workers), with the same
 * result as the Node loader: `[[xTrain, yTrain], [xTest, yTest]]`, images
 * uint8 0-255 of shape [n, 28, 28], labels float32 0-9. One loader for
 * every IDX dataset, driven by its spec (dataset-specs.ts), as in Node.
 *
 *   const [[xTrain, yTrain], [xTest, yTest]] = await keras.datasets.fashionMnist.loadData({
 *     origin: '/data/fashion-mnist/',
 *     onProgress: (p) => (bar.value = p.loadedBytes / (p.totalBytes ?? 1)),
 *   });
 *
 * Each of the four `.gz` files is fetched from `origin` (default: the
 * dataset's, where Keras downloads it; that server must allow the page's
 * origin, CORS, else serve the files yourself), checked against its sha256 (crypto.subtle), kept in the
 * Cache API so the next visit does not download again, gunzipped with
 * `DecompressionStream`, and parsed as IDX. Nothing here is Node-specific, so
 * it also runs in Node ≥ 20 (without the cache, which Node lacks).
 */
import { FileFormatError, RuntimeError, ValueError, describeValue } from '../errors.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { checkDeadlineOptions, deadline, describeStop } from '../utils/deadline.js';
import { concatenate } from '../io/bytes.js';
import { sha256Hex } from '../io/hash.js';
import { parseIdx, type IdxArray } from './idx.js';
import {
  FILE_KEYS,
  FILE_NAMES,
  checkDatasetArray,
  checkFileHashes,
  checksumError,
  downloadByteLimit,
  labelCountError,
  toTensors,
  type FileKey,
  type IdxDatasetData,
  type IdxDatasetSpec,
} from './idx-format.js';
import { CLASS_NAMES, FASHION_MNIST_SPEC, MNIST_SPEC } from './dataset-specs.js';

/** The Cache API cache the files are kept in, unless `cache` names another. */
export const DEFAULT_CACHE_NAME = 'tinykeras-datasets';

/** What `onProgress` receives, once per received chunk and once per file taken from the cache. */
export interface DownloadProgress {
  /** The file's URL. */
  url: string;
  /** Bytes of this file received so far. */
  loadedBytes: number;
  /** The file's size when the server says it (Content-Length), else null. */
  totalBytes: number | null;
  /** Which of the files this is, 0-based, and how many there are (4). */
  fileIndex: number;
  fileCount: number;
  /** True when the file came from the cache rather than the network. */
  fromCache: boolean;
}

/** Options for the browser's `loadData`. All are optional. */
export interface WebLoadDataOptions {
  /**
   * The URL the four files are under (each file's URL is this plus its
   * name), absolute or relative to the page or worker. Default: the
   * dataset's own (Keras's for Fashion-MNIST). Serve the files yourself when that server does not allow your page's origin (CORS).
   */
  origin?: string;
  /** Expected sha256 per file name, overriding the published ones (for serving other files). */
  fileHashes?: Readonly<Record<string, string>>;
  /** The Cache API cache to keep the files in, or false to always download. Default: `DEFAULT_CACHE_NAME`. */
  cache?: string | false;
  /** Called as bytes arrive, so a page can draw a progress bar. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborts the downloads (loadData then fails with a FileFormatError). */
  signal?: AbortSignal;
  /** The most milliseconds the four downloads may take in all, bodies included: 10 minutes by default, Infinity for none. */
  timeoutMs?: number;
}

/** 10 minutes: the 30 MB of Fashion-MNIST at 50 kB/s, a slow connection. */
const DEFAULT_DOWNLOAD_TIMEOUT_MS = 600_000;

/** The options and their types; `cache` (a name or false) and `fileHashes` are checked below. */
const OPTION_KINDS = {
  origin: 'string',
  fileHashes: 'any',
  cache: 'any',
  onProgress: 'function',
  signal: 'any',
  timeoutMs: 'number',
} satisfies Record<keyof WebLoadDataOptions, OptionKind>;

/**
 * Loads the dataset `spec` describes over HTTP, verified and cached (see the module comment).
 *
 * @throws ValueError for an unknown option or an invalid option value.
 * @throws FileFormatError naming the URL when a download fails, a file does
 *   not match its sha256, is not gzip, or is not the IDX data expected.
 * @throws RuntimeError when this runtime lacks fetch, DecompressionStream or
 *   crypto.subtle (crypto.subtle needs a secure context: https or localhost).
 */
export async function loadIdxDatasetWeb(spec: IdxDatasetSpec, options: WebLoadDataOptions = {}): Promise<IdxDatasetData> {
  checkOptions(spec, options);
  requireWebApis(spec);
  const base = resolveOrigin(spec, options.origin ?? spec.defaultOrigin);
  const hashes = { ...spec.sha256, ...options.fileHashes };
  const cache = options.cache === false || typeof caches === 'undefined' ? null : await caches.open(options.cache ?? DEFAULT_CACHE_NAME);
  const stop = deadline(options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS, [options.signal]);

  const arrays = await Promise.all(
    FILE_KEYS.map(async (key, fileIndex) => {
      const name = FILE_NAMES[key];
      const url = new URL(name, base).href;
      const limit = { maxBytes: downloadByteLimit(spec, name, hashes[name]!), stop };
      const gz = await verifiedBytes(url, hashes[name]!, cache, limit, (loadedBytes, totalBytes, fromCache) =>
        options.onProgress?.({ url, loadedBytes, totalBytes, fileIndex, fileCount: FILE_KEYS.length, fromCache }),
      );
      const array = parseIdx(await gunzip(gz, url), url);
      checkDatasetArray(key, array, url, spec.classCount);
      return array;
    }),
  ).finally(() => stop.done());
  const byKey = Object.fromEntries(FILE_KEYS.map((key, i) => [key, arrays[i]!])) as Record<FileKey, IdxArray>;
  const urlOf = (key: FileKey) => new URL(FILE_NAMES[key], base).href;
  for (const [images, labels] of [['trainImages', 'trainLabels'], ['testImages', 'testLabels']] as const) {
    const mismatch = labelCountError(byKey[images], urlOf(images), byKey[labels], urlOf(labels));
    if (mismatch) throw mismatch;
  }
  return [toTensors(byKey.trainImages, byKey.trainLabels), toTensors(byKey.testImages, byKey.testLabels)];
}

/** Fashion-MNIST over HTTP (see `loadIdxDatasetWeb`). */
export function loadData(options: WebLoadDataOptions = {}): Promise<IdxDatasetData> {
  return loadIdxDatasetWeb(FASHION_MNIST_SPEC, options);
}

/** The browser's `fashionMnist`: `loadData()` and `classNames`, as in Node. */
export const fashionMnist = Object.freeze({ loadData, classNames: CLASS_NAMES });

/** The browser's `mnist`: `loadData()` over HTTP, as in Node (see `loadIdxDatasetWeb`). */
export const mnist = Object.freeze({
  loadData: (options: WebLoadDataOptions = {}): Promise<IdxDatasetData> => loadIdxDatasetWeb(MNIST_SPEC, options),
});

/**
 * The file's bytes, matching `sha256`: from the cache when it holds a good
 * copy (a bad one is deleted), else downloaded and then cached.
 */
async function verifiedBytes(
  url: string,
  sha256: string,
  cache: Cache | null,
  limit: DownloadLimit,
  progress: (loadedBytes: number, totalBytes: number | null, fromCache: boolean) => void,
): Promise<Uint8Array> {
  const cached = await cache?.match(url);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    if ((await sha256Hex(bytes)) === sha256.toLowerCase()) {
      progress(bytes.length, bytes.length, true);
      return bytes;
    }
    await cache!.delete(url);
  }
  const bytes = await download(url, limit, (loaded, total) => progress(loaded, total, false));
  const actual = await sha256Hex(bytes);
  if (actual !== sha256.toLowerCase()) throw checksumError(url, sha256, actual, bytes.length);
  await cache?.put(url, new Response(bytes.slice().buffer, { headers: { 'Content-Type': 'application/gzip' } }));
  return bytes;
}

/** How much a download may bring, and the signal that ends it (the caller's, or the deadline of all four). */
interface DownloadLimit {
  readonly maxBytes: number;
  readonly stop: ReturnType<typeof deadline>;
}

/**
 * Fetches `url` whole, reporting each chunk, and never more than
 * `limit.maxBytes`: a larger Content-Length is refused before the body is
 * read, and a body that runs past it is cut off there. Network and HTTP
 * errors, a stop and an overlong body become FileFormatErrors naming the URL.
 */
async function download(url: string, limit: DownloadLimit, progress: (loadedBytes: number, totalBytes: number | null) => void): Promise<Uint8Array> {
  const stopped = () => {
    const reason = limit.stop.stopReason();
    return reason === null ? null : new FileFormatError(url, `${url}: the download was stopped: ${describeStop(reason)}.`);
  };
  const tooLarge = (received: string) =>
    new FileFormatError(url, `${url}: the file is larger than the dataset's file; expected at most ${limit.maxBytes} bytes. Received: ${received}`);
  let response: Response;
  try {
    response = await fetch(url, { signal: limit.stop.signal });
  } catch (error) {
    throw (
      stopped() ??
      new FileFormatError(
        url,
        `${url}: the download failed (${(error as Error).message}). A server on another origin must allow this page's ` +
          `origin (CORS); otherwise serve the files yourself and pass their URL as \`origin\`.`,
        { cause: error },
      )
    );
  }
  if (!response.ok) throw new FileFormatError(url, `${url}: the server answered HTTP ${response.status} ${response.statusText.slice(0, 120)}.`);
  // Content-Length counts encoded bytes when the server compressed the transfer, so it is a size only without one.
  const length = Number(response.headers.get('Content-Length'));
  const totalBytes = length > 0 && !response.headers.get('Content-Encoding') ? length : null;
  if (totalBytes !== null && totalBytes > limit.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(`Content-Length ${totalBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body!.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      loaded += chunk.value.length;
      if (loaded > limit.maxBytes) {
        await reader.cancel();
        throw tooLarge(`more than ${limit.maxBytes} bytes`);
      }
      chunks.push(chunk.value);
      progress(loaded, totalBytes);
    }
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw stopped() ?? new FileFormatError(url, `${url}: the download broke off after ${loaded} bytes (${(error as Error).message}).`, { cause: error });
  }
  return concatenate(chunks, loaded);
}

/** Gunzips with the platform's DecompressionStream; a corrupt stream is a FileFormatError. */
async function gunzip(bytes: Uint8Array, url: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes.slice().buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new FileFormatError(url, `${url}: not a valid gzip file (${(error as Error).message}).`, { cause: error });
  }
}

function requireWebApis(spec: IdxDatasetSpec): void {
  const missing = [
    typeof fetch === 'function' ? null : 'fetch',
    typeof DecompressionStream === 'function' ? null : 'DecompressionStream',
    typeof crypto !== 'undefined' && crypto.subtle ? null : 'crypto.subtle (it needs a secure context: https, or http on localhost)',
  ].filter((name) => name !== null);
  if (missing.length > 0) {
    throw new RuntimeError(`${spec.apiName}.loadData needs ${missing.join(', ')}, which this runtime lacks.`);
  }
}

/** `origin` as an absolute http(s) URL ending in '/', resolved against the page or worker. */
function resolveOrigin(spec: IdxDatasetSpec, origin: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(origin.endsWith('/') ? origin : `${origin}/`, globalThis.location?.href);
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ValueError(`${spec.apiName}.loadData: origin must be an http:// or https:// URL, or one relative to this page. Received: origin=${describeValue(origin)}`);
  }
  return url;
}

function checkOptions(spec: IdxDatasetSpec, options: WebLoadDataOptions): void {
  const where = `${spec.apiName}.loadData`;
  checkTypedOptions(where, options, OPTION_KINDS);
  if (options.cache !== undefined && options.cache !== false && (typeof options.cache !== 'string' || options.cache === '')) {
    throw new ValueError(`${where}: cache must be a cache name or false. Received: cache=${describeValue(options.cache)}`);
  }
  checkFileHashes(spec, options.fileHashes);
  checkDeadlineOptions(options, where);
}
