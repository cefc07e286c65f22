/**
 * The loader the IDX image datasets share (Fashion-MNIST, MNIST): four
 * gzipped IDX files (see idx.ts), looked for in several places before
 * anything is downloaded, each verified before use, downloads cached as
 * Keras caches them. Each dataset is a `IdxDatasetSpec` (names, origin,
 * checksums, where a system package puts it) handed to `loadIdxDataset`;
 * see fashion-mnist.ts and mnist.ts.
 *
 * What a dataset is and the checks on its arrays are in idx-format.ts,
 * shared with the browser's loader (idx-dataset-web.ts). Reading files needs Node.js; nothing here imports a Node module at load
 * time, so importing the library in a browser still works.
 */
import { readRegularFile } from '../io/node-bounded-files.js';
import { idxLengthFromHeader, parseIdx, type IdxArray } from './idx.js';
import * as files from '../io/node-files.js';
import { downloadFile } from '../io/node-download.js';
import { gunzipBytes } from '../io/node-gunzip.js';
import { sha256Hex } from '../io/hash.js';
import { messageOf } from '../io/messages.js';
import { Progbar } from '../utils/progbar.js';
import { checkDeadlineOptions, deadline } from '../utils/deadline.js';
import { FileFormatError, RuntimeError, ValueError, describeValue } from '../errors.js';
import {
  FILE_KEYS,
  FILE_NAMES,
  MAX_IMAGES_BYTES,
  downloadByteLimit,
  MAX_LABELS_BYTES,
  checkDatasetArray,
  checkFileHashes,
  checksumError,
  labelCountError,
  toTensors,
  type FileKey,
  type IdxDatasetData,
  type IdxDatasetSpec,
} from './idx-format.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';

export { FILE_NAMES, type IdxDatasetData, type IdxDatasetSpec } from './idx-format.js';

/**
 * The largest file read, compressed or not: an IDX file of up to 2^17
 * images (each dataset has 60,000) or labels. Work is bounded by this before
 * a byte is read, and a gzip stops inflating at it.
 */

/** How long a download may receive nothing before it is abandoned, unless `downloadTimeoutMs` says otherwise. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;

/** Options for `loadData`. All are optional. */
export interface LoadDataOptions {
  /** A directory holding the four files; looked at first. */
  dir?: string;
  /**
   * The directory downloads are cached in, holding the files directly.
   * Default: `$KERAS_HOME/datasets/<name>` if KERAS_HOME is set, else
   * `~/.keras/datasets/<name>` (fashion-mnist, mnist), the same place Keras uses.
   */
  cacheDir?: string;
  /** Whether to download the files when no directory has them. Default: true. */
  download?: boolean;
  /** Whether to print download messages and a progress bar. Default: true, as Keras does. */
  verbose?: boolean;
  /** Base URL to download from. Default: `$FASHION_MNIST_ORIGIN` (`$MNIST_ORIGIN`), else the dataset's own. */
  origin?: string;
  /** Expected sha256 per file name, overriding the published ones (for serving test files). */
  fileHashes?: Readonly<Record<string, string>>;
  /** Where the Debian package's files are looked for. Default: the package's directory (none for MNIST). */
  systemDir?: string;
  /**
   * How long, in milliseconds, a download may go without receiving a byte
   * before it is abandoned with an error naming the URL. It bounds silence,
   * not total time, so a slow connection is fine. Default: 60000 (a minute).
   */
  downloadTimeoutMs?: number;
  /** The most milliseconds the downloads may take in all (a server that drips a byte at a time is stopped too): 10 minutes by default, Infinity for none. */
  timeoutMs?: number;
  /** Aborts the downloads. */
  signal?: AbortSignal;
}

/** 10 minutes: the 30 MB of Fashion-MNIST at 50 kB/s, a slow connection. */
const DEFAULT_TOTAL_DOWNLOAD_MS = 600_000;

/**
 * Every option name, so that a misspelt one (easy in plain JavaScript) is an
 * error rather than silently ignored. Typed as a record over the interface's
 * keys, so the compiler complains when the two lists differ.
 */
const OPTION_KINDS = {
  dir: 'string',
  cacheDir: 'string',
  download: 'boolean',
  verbose: 'boolean',
  origin: 'string',
  fileHashes: 'any',
  systemDir: 'string',
  downloadTimeoutMs: 'number',
  timeoutMs: 'number',
  signal: 'any',
} satisfies Record<keyof LoadDataOptions, OptionKind>;

/**
 * Loads the dataset `spec` describes.
 *
 * Images come as uint8 tensors of raw pixel values 0-255, shape
 * [60000, 28, 28] for training and [10000, 28, 28] for test (scale them to
 * 0-1 yourself, as Keras users do). Labels are float32 tensors of integers
 * 0-9, shapes [60000] and [10000].
 *
 * Looks for the four files, gzipped or not, in this order, and uses the first
 * directory that has all four:
 *   1. `options.dir`
 *   2. the directory in the environment variable `${envPrefix}_DIR` (FASHION_MNIST_DIR)
 *   3. the cache directory (`options.cacheDir`, or Keras's cache)
 *   4. the system package's directory, when there is one
 *      (/usr/share/datasets/fashion-mnist, `apt-get install dataset-fashion-mnist`)
 *   5. otherwise downloads them into the cache directory, verifying each one,
 *      unless `options.download` is false.
 *
 * Every file is checked before it is used: gzip's CRC, the IDX header against
 * the file's size, the shapes, the labels. What happens to a file that fails
 * depends on whose it is:
 *   - in `dir`, the environment variable's or the system directory, the file is yours
 *     or the system's: it is never deleted, and loading stops with an error
 *     naming it (looking elsewhere would hide the problem);
 *   - in the cache, the file is ours: a `.gz` must also match its sha256
 *     (`spec.sha256`, or `fileHashes`), as Keras checks its cache. A file that
 *     fails is deleted and the search goes on, so it is downloaded afresh
 *     (when downloading is allowed) instead of being reused forever. A file
 *     that fails right after its download is deleted too, and is an error.
 * Downloads go to a temporary file that is renamed into the cache only when
 * complete and verified, so loads running at once, in one process or several,
 * never see or leave a partial file.
 *
 * @throws ValueError for an unknown option or an invalid option value.
 * @throws FileFormatError naming the file when a file is unreadable, truncated
 *   or corrupt, or fails its checksum; and one listing every place tried when
 *   no place has the data (its `path` is then the URL of the download that
 *   failed, or else the cache directory).
 * @throws RuntimeError when not running under Node.js.
 */
export async function loadIdxDataset(spec: IdxDatasetSpec, options: LoadDataOptions = {}): Promise<IdxDatasetData> {
  if (!files.isNode()) {
    throw new RuntimeError(
      `${spec.apiName}.loadData() reads files, so it needs Node.js. In a browser, fetch the four ` +
        'IDX files yourself and decode them with parseIdx().',
    );
  }
  checkOptions(spec, options);
  const hashes = { ...spec.sha256, ...options.fileHashes };
  const cacheDir = options.cacheDir ?? (await files.kerasCacheDir('datasets', spec.cacheSubdir));
  const places: Array<{ label: string; dir: string | undefined; unsetReason: string; isCache: boolean }> = [
    { label: 'the `dir` option', dir: options.dir, unsetReason: 'not given', isCache: false },
    { label: `${spec.envPrefix}_DIR`, dir: files.environmentVariable(`${spec.envPrefix}_DIR`), unsetReason: 'not set', isCache: false },
    { label: 'the cache directory', dir: cacheDir, unsetReason: '', isCache: true },
  ];
  const systemDir = options.systemDir ?? spec.system?.dir;
  if (systemDir !== undefined) places.push({ label: 'the Debian package directory', dir: systemDir, unsetReason: '', isCache: false });

  // One line per place tried, saying why it did not work, for the final error.
  const tried: string[] = [];
  for (const { label, dir, unsetReason, isCache } of places) {
    if (dir === undefined) {
      tried.push(`${label}: ${unsetReason}`);
      continue;
    }
    const found = await findDatasetFiles(dir);
    if (typeof found === 'string') {
      tried.push(`${label} (${dir}): ${found}`);
      continue;
    }
    // All four files are here. Outside the cache a broken file is an error, not a reason to look elsewhere.
    if (!isCache) return readDataset(spec, found);
    const cached = await readCache(spec, found, hashes);
    if (!(cached instanceof FileFormatError)) return cached;
    tried.push(`${label} (${dir}): ${cached.message}`);
  }

  if (options.download === false) {
    tried.push('downloading: turned off by `download: false`');
    throw notFoundError(spec, tried, cacheDir);
  }
  const origin = downloadOrigin(spec, options);
  const stop = deadline(options.timeoutMs ?? DEFAULT_TOTAL_DOWNLOAD_MS, [options.signal]);
  try {
    await downloadMissingFiles(spec, cacheDir, origin, hashes, {
      verbose: options.verbose ?? true,
      idleTimeoutMs: options.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
      stop,
    });
  } catch (error) {
    tried.push(`downloading from ${origin} into ${cacheDir}: ${messageOf(error)}`);
    throw notFoundError(spec, tried, error instanceof FileFormatError ? error.path : cacheDir, error);
  } finally {
    stop.done();
  }
  const downloaded = await findDatasetFiles(cacheDir);
  if (typeof downloaded === 'string') {
    tried.push(`downloading into ${cacheDir}: the files were downloaded but then not found: ${downloaded}`);
    throw notFoundError(spec, tried, cacheDir);
  }
  // Fresh from a verified download, a file that still fails is deleted and reported; no second attempt.
  const fresh = await readCache(spec, downloaded, hashes);
  if (fresh instanceof FileFormatError) throw fresh;
  return fresh;
}

/** Rejects unknown option names and values that cannot work, before anything is read or fetched. */
function checkOptions(spec: IdxDatasetSpec, options: LoadDataOptions): void {
  const where = `${spec.apiName}.loadData`;
  if (typeof options === 'string') {
    throw new ValueError(`${where}: the options are an object; for a directory write loadData({ dir: '${options}' }). Received: '${options}'`);
  }
  checkTypedOptions(where, options, OPTION_KINDS);
  checkFileHashes(spec, options.fileHashes);
  checkDeadlineOptions(options, where);
  const timeout = options.downloadTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new ValueError(
      `${spec.apiName}.loadData: downloadTimeoutMs must be a positive number of milliseconds. Received: downloadTimeoutMs=${describeValue(timeout)}`,
    );
  }
}

/** The base URL to download from, ending in '/', checked to be an http(s) URL. */
function downloadOrigin(spec: IdxDatasetSpec, options: LoadDataOptions): string {
  const fromOption = options.origin !== undefined;
  const origin = options.origin ?? files.environmentVariable(`${spec.envPrefix}_ORIGIN`) ?? spec.defaultOrigin;
  if (!/^https?:\/\/[^/]/i.test(origin)) {
    const source = fromOption ? 'origin' : `${spec.envPrefix}_ORIGIN`;
    throw new ValueError(
      `${spec.apiName}.loadData: ${source} must be an http:// or https:// URL. Received: ${source}=${describeValue(origin)}`,
    );
  }
  return origin.endsWith('/') ? origin : `${origin}/`;
}

/**
 * The path of each file in `dir`, preferring the `.gz` as published; or, when
 * the directory does not have all four, a sentence saying what is missing.
 */
async function findDatasetFiles(dir: string): Promise<Record<FileKey, string> | string> {
  const kind = await files.pathKind(dir);
  if (kind === 'missing') return `the directory ${await files.whyMissing(dir)}`;
  if (kind !== 'directory') return 'not a directory';

  const found: Partial<Record<FileKey, string>> = {};
  const missing: string[] = [];
  for (const key of FILE_KEYS) {
    const gzName = FILE_NAMES[key];
    const path = await files.findFile(dir, [gzName, withoutGz(gzName)]);
    if (path === null) missing.push(gzName);
    else found[key] = path;
  }
  if (missing.length === FILE_KEYS.length) return 'none of the four files is there';
  if (missing.length > 0) return `missing ${missing.join(', ')} (or the same without .gz)`;
  return found as Record<FileKey, string>;
}

/** Reads a directory that is not ours (`dir`, the environment variable's, Debian's): the first bad file is an error. */
async function readDataset(spec: IdxDatasetSpec, paths: Record<FileKey, string>): Promise<IdxDatasetData> {
  const result = await checkDataset(spec, paths, null);
  if ('failures' in result) throw result.failures[0]!;
  return result.data;
}

/**
 * Reads the cache, checking each `.gz` against `hashes` as well. Every file
 * that fails is deleted, and the returned error says which and why, so that
 * the caller can download them again.
 */
async function readCache(
  spec: IdxDatasetSpec,
  paths: Record<FileKey, string>,
  hashes: Readonly<Record<string, string>>,
): Promise<IdxDatasetData | FileFormatError> {
  // Taken before reading, so that a file another process has replaced since is not deleted.
  const identities = new Map<string, string | null>();
  for (const path of Object.values(paths)) identities.set(path, await files.fileIdentity(path));

  const result = await checkDataset(spec, paths, hashes);
  if ('data' in result) return result.data;
  const reasons = result.failures.map((failure) => failure.message).join(' ');
  const removal = await removeFromCache(result.failures.map((failure) => failure.path), identities);
  return new FileFormatError(result.failures[0]!.path, `${reasons} ${removal}`);
}

/**
 * Deletes bad cached files (each only if it is still the file that was read),
 * and returns the sentences that say what was done, for the error message.
 * A file that cannot be deleted is reported, not thrown about: the error that
 * matters is the one about the file's contents.
 */
async function removeFromCache(paths: readonly string[], identities: ReadonlyMap<string, string | null>): Promise<string> {
  const deleted: string[] = [];
  const notes: string[] = [];
  for (const path of paths) {
    try {
      if (await files.removeFileUnlessReplaced(path, identities.get(path) ?? null)) deleted.push(path);
      else notes.push(`${path} was replaced after it was read (by another download?), so it was kept.`);
    } catch (error) {
      notes.push(`Could not delete ${path} from the cache: ${messageOf(error)}.`);
    }
  }
  if (deleted.length > 0) notes.unshift(`Deleted from the cache: ${deleted.join(', ')}.`);
  return notes.join(' ');
}

/**
 * Reads and checks the four files: each on its own (checksum when `hashes`
 * is given, gzip, IDX header, shape, labels), then each images file against
 * its labels file. Returns the tensors, or one error per file that failed.
 */
async function checkDataset(
  spec: IdxDatasetSpec,
  paths: Record<FileKey, string>,
  hashes: Readonly<Record<string, string>> | null,
): Promise<{ data: IdxDatasetData } | { failures: FileFormatError[] }> {
  const settled = await Promise.allSettled(FILE_KEYS.map((key) => readDatasetFile(spec, key, paths[key], hashes)));
  const arrays: Partial<Record<FileKey, IdxArray>> = {};
  const failures: FileFormatError[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') arrays[FILE_KEYS[i]!] = result.value;
    // Anything but a FileFormatError is a bug here, not a bad file: let it surface as it is.
    else if (result.reason instanceof FileFormatError) failures.push(result.reason);
    else throw result.reason;
  });
  if (failures.length > 0) return { failures };

  const { trainImages, trainLabels, testImages, testLabels } = arrays as Record<FileKey, IdxArray>;
  const train = labelCountError(trainImages, paths.trainImages, trainLabels, paths.trainLabels);
  const test = labelCountError(testImages, paths.testImages, testLabels, paths.testLabels);
  const mismatches = [train, test].filter((error) => error !== null);
  if (mismatches.length > 0) return { failures: mismatches };
  return { data: [toTensors(trainImages, trainLabels), toTensors(testImages, testLabels)] };
}

/**
 * Reads one file and checks it on its own: its sha256 when `hashes` has one
 * for it (only `.gz` files, the form checksums are published for), then
 * gzip, the IDX header, and the shape its role needs.
 */
async function readDatasetFile(
  spec: IdxDatasetSpec,
  key: FileKey,
  path: string,
  hashes: Readonly<Record<string, string>> | null,
): Promise<IdxArray> {
  const maxBytes = key === 'trainImages' || key === 'testImages' ? MAX_IMAGES_BYTES : MAX_LABELS_BYTES;
  const stored = await readRegularFile(path, { maxBytes, role: `${spec.title} file` });
  const isGzip = path.endsWith('.gz');
  const expectedSha256 = isGzip ? hashes?.[FILE_NAMES[key]] : undefined;
  if (expectedSha256 !== undefined) await checkSha256(stored, expectedSha256, path);
  const array = parseIdx(isGzip ? await gunzipBytes(stored, path, maxBytes, idxLengthFromHeader) : stored, path);
  checkDatasetArray(key, array, path, spec.classCount);
  return array;
}

async function checkSha256(bytes: Uint8Array, expected: string, path: string): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw checksumError(path, expected, actual, bytes.length);
  }
}

/** Downloads each file the cache lacks, printing Keras-style progress when verbose. */
async function downloadMissingFiles(
  spec: IdxDatasetSpec,
  cacheDir: string,
  origin: string,
  hashes: Readonly<Record<string, string>>,
  settings: { verbose: boolean; idleTimeoutMs: number; stop: ReturnType<typeof deadline> },
): Promise<void> {
  for (const key of FILE_KEYS) {
    const fileName = FILE_NAMES[key];
    if ((await files.findFile(cacheDir, [fileName, withoutGz(fileName)])) !== null) continue;
    const url = origin + fileName;
    if (settings.verbose) console.log(`Downloading data from ${url}`);
    const progress = settings.verbose ? downloadProgress() : undefined;
    try {
      await downloadFile(url, cacheDir, fileName, {
        sha256: hashes[fileName]!,
        idleTimeoutMs: settings.idleTimeoutMs,
        maxBytes: downloadByteLimit(spec, fileName, hashes[fileName]!),
        stop: settings.stop,
        onProgress: progress?.update,
      });
    } finally {
      progress?.finish();
    }
  }
}

/**
 * A download progress bar counted in bytes, as Keras's `get_file` draws it:
 *
 *   29515/29515 [==============================] - 0s 0us/step
 *
 * The bar is made on the first chunk, once the total size (or its absence)
 * is known. `finish` draws the final line when the bar did not reach its
 * target by itself: the size was unknown, or the download failed.
 */
function downloadProgress(): {
  update: (receivedBytes: number, totalBytes: number | null) => void;
  finish: () => void;
} {
  let bar: Progbar | null = null;
  let received = 0;
  let finished = false;
  return {
    update(receivedBytes, totalBytes) {
      bar ??= new Progbar(totalBytes);
      received = receivedBytes;
      finished = totalBytes !== null && receivedBytes >= totalBytes;
      bar.update(receivedBytes);
    },
    finish() {
      if (bar !== null && !finished) bar.update(received, [], true);
    },
  };
}

/**
 * The error for "no place had the data": every place tried, then how to fix
 * it. `path` is what failed last: a download's URL, or the cache directory.
 */
function notFoundError(spec: IdxDatasetSpec, tried: readonly string[], path: string, cause?: unknown): FileFormatError {
  const message = [
    `Could not load the ${spec.title} dataset. Tried, in order:`,
    ...tried.map((line, i) => `  ${i + 1}. ${line}`),
    'To fix this, do one of:',
    ...(spec.system ? [`  - install the Debian package: apt-get install ${spec.system.debianPackage}`] : []),
    `  - put the four files (${Object.values(FILE_NAMES).join(', ')}) in a directory ` +
      `and set ${spec.envPrefix}_DIR to it, or pass it as \`dir\``,
    '  - allow the download (the default, `download: true`) on a machine with internet access',
  ].join('\n');
  return new FileFormatError(path, message, cause === undefined ? {} : { cause });
}

function withoutGz(fileName: string): string {
  return fileName.replace(/\.gz$/, '');
}
