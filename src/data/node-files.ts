/**
 * The Node-only half of dataset loading: finding and reading files, gunzip,
 * sha256, the Keras cache directory, deleting a bad cached file without
 * racing another process, and verified downloads that give up on a silent
 * server. Every failure about a file is a FileFormatError naming it.
 *
 * Every Node module is loaded with a dynamic `import()` inside the functions
 * that need it, never at the top of the file. That keeps the library's entry
 * point loadable in a browser: a browser only fails if it actually calls one
 * of these functions.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { FileFormatError } from '../errors.js';
import { concatenate } from './bytes.js';

/** Whether this code runs under Node.js, where these functions work. */
export function isNode(): boolean {
  // `typeof` avoids a ReferenceError in browsers, where `process` is undeclared.
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The value of an environment variable, or undefined when it is unset or empty. */
export function environmentVariable(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** What is at a path: a file, a directory, nothing, or something else (a socket, say). */
export type PathKind = 'file' | 'directory' | 'missing' | 'other';

/** Looks at what is at `path` without throwing when nothing is there. */
export async function pathKind(path: string): Promise<PathKind> {
  const fs = await import('node:fs/promises');
  try {
    const stats = await fs.stat(path);
    if (stats.isFile()) return 'file';
    if (stats.isDirectory()) return 'directory';
    return 'other';
  } catch {
    return 'missing';
  }
}

/** Joins path segments with the platform's separator. */
export async function joinPath(...segments: string[]): Promise<string> {
  const path = await import('node:path');
  return path.join(...segments);
}

/**
 * The full path of the first of `names` that exists in `dir`, or null when
 * none does. Used to accept either `x.gz` or the already-uncompressed `x`.
 * Something that is not a regular file (a pipe, a directory) is returned
 * too, so that reading it fails with an error saying what it is, instead
 * of the file being reported missing.
 */
export async function findFile(dir: string, names: readonly string[]): Promise<string | null> {
  for (const name of names) {
    const path = await joinPath(dir, name);
    if ((await pathKind(path)) !== 'missing') return path;
  }
  return null;
}

/**
 * Reads a whole file into memory. A file that cannot be read (deleted in the
 * meantime, no permission) is reported like a broken one, naming it.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  try {
    return await fs.readFile(path);
  } catch (error) {
    throw new FileFormatError(path, `${path}: could not read the file; expected a readable file. Received: ${messageOf(error)}.`, { cause: error });
  }
}

/** The sha256 of `bytes` as 64 lowercase hex digits, the way checksums are published. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const crypto = await import('node:crypto');
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * A string that changes whenever the file at `path` is replaced or rewritten
 * (device, inode, size, modification time), or null when there is no file.
 * See `removeFileUnlessReplaced` for why.
 */
export async function fileIdentity(path: string): Promise<string | null> {
  const fs = await import('node:fs/promises');
  try {
    const stats = await fs.stat(path);
    return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return null;
  }
}

/**
 * Deletes the file at `path` unless it has been replaced since its identity
 * was taken (see `fileIdentity`), when it was read and found to be bad.
 * Returns whether the bad file is gone: false means a different file now has
 * the name, and it was kept.
 *
 * Another process may have replaced the bad file with a freshly downloaded
 * one since we read it; deleting by name alone would throw the good copy
 * away, perhaps just before that process reads it. A narrow window remains
 * between the check and the deletion, which costs at worst one extra
 * download: every reader checks what it reads.
 */
export async function removeFileUnlessReplaced(path: string, identity: string | null): Promise<boolean> {
  const fs = await import('node:fs/promises');
  const current = await fileIdentity(path);
  if (current === null) return true; // already gone, deleted by another process perhaps
  if (current !== identity) return false;
  await fs.rm(path, { force: true });
  return true;
}

/**
 * The first bytes of what `bytes` inflate to (where a file's header is),
 * from its first KiB alone: at most about a MiB of output, and an empty
 * array for bytes that are not gzip (the full inflate reports those).
 */
function inflatedStart(zlib: typeof import('node:zlib'), bytes: Uint8Array): Uint8Array {
  try {
    // Z_SYNC_FLUSH: a truncated stream gives what it holds instead of an error.
    return zlib.gunzipSync(bytes.subarray(0, 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Decompresses gzip bytes and stops as soon as the output passes `maxBytes`,
 * or the length `lengthFromHead` reads from the first bytes of the output
 * (the size a file header declares): a small gzip that inflates to
 * gigabytes (a "gzip bomb") costs no more than the file legitimately could.
 * `fileName` names the file in the errors, since zlib's own messages do not.
 *
 * The output comes as one chunk of the whole size, which gzip's trailer
 * states (ISIZE, the size mod 2³², little-endian): zlib then hands back that
 * chunk itself, where 16 KiB chunks (the default) would be joined into a
 * second 47 MB copy for the images file. The chunk is capped at the bound
 * (`maxBytes`, and the header's length, read first from the inflated start
 * of the file; 256 MiB at most), so a lying trailer cannot ask for more
 * memory than the file legitimately needs; a larger output takes a second
 * chunk, and is stopped there.
 */
export async function gunzipBytes(
  bytes: Uint8Array,
  fileName: string,
  maxBytes = Infinity,
  lengthFromHead: (head: Uint8Array) => number | null = () => null,
): Promise<Uint8Array> {
  const zlib = await import('node:zlib');
  let declared = lengthFromHead(inflatedStart(zlib, bytes));
  let limit = Math.min(maxBytes, declared ?? Infinity);
  const stated = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
  const chunkSize = Math.min(Math.max(stated + 1, 1 << 16), limit + 1, 1 << 28);
  const gunzip = zlib.createGunzip({ chunkSize: Math.max(chunkSize, zlib.constants.Z_MIN_CHUNK) });
  const chunks: Buffer[] = [];
  let total = 0;
  const output = new Promise<void>((resolve, reject) => {
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (declared === null) {
        declared = lengthFromHead(chunks.length === 1 ? chunk : Buffer.concat(chunks));
        if (declared !== null) limit = Math.min(limit, declared);
      }
      if (total > limit) {
        gunzip.destroy();
        const why = declared !== null && declared <= maxBytes ? `its header declares ${declared} bytes` : `expected at most ${maxBytes} bytes for this file`;
        reject(
          new FileFormatError(fileName, `${fileName}: the gzip file inflates to more than it should (${why}); it is corrupt or not this file. Received: more than ${limit} bytes.`),
        );
      }
    });
    gunzip.on('end', resolve);
    gunzip.on('error', (error) =>
      reject(
        new FileFormatError(
          fileName,
          `${fileName}: could not decompress this gzip file; it is truncated, corrupt, or not gzip at all. ` +
            `Delete it and get a fresh copy. Received: zlib error "${messageOf(error)}".`,
          { cause: error },
        ),
      ),
    );
  });
  gunzip.end(bytes);
  await output;
  // The usual case is one chunk, the whole output: concatenate returns it without a second copy.
  return concatenate(chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.length)), total);
}

/**
 * The Keras cache directory joined with `subdirectories`: `$KERAS_HOME` when
 * set, otherwise `~/.keras`, exactly where Keras itself caches datasets, so
 * files one downloaded are found by the other.
 */
export async function kerasCacheDir(...subdirectories: string[]): Promise<string> {
  const os = await import('node:os');
  const root = environmentVariable('KERAS_HOME') ?? (await joinPath(os.homedir(), '.keras'));
  return joinPath(root, ...subdirectories);
}

/** Settings for `downloadFile`. */
export interface DownloadOptions {
  /** The sha256 the file must have, as 64 hex digits. */
  sha256: string;
  /** Milliseconds the server may stay silent (before answering, or between two chunks) before we give up. */
  idleTimeoutMs: number;
  /** Called after each chunk; `totalBytes` is null when the server does not say. */
  onProgress?: (receivedBytes: number, totalBytes: number | null) => void;
}

/**
 * Downloads `url` to `dir/fileName`, verifying its sha256 on the way.
 *
 * The bytes go to a temporary file in the same directory, which is renamed to
 * `fileName` only once the download is complete and verified. A rename within
 * one directory is atomic, so a crash or a failed check never leaves a
 * half-written or unverified file under the real name; the temporary file is
 * deleted on every failure. Each download has its own temporary file, so two
 * processes fetching the same file at once each rename a whole, verified
 * copy, and the last rename wins.
 *
 * @returns the full path of the downloaded file.
 * @throws FileFormatError whose `path` is `url` when the server answers with
 *   an error, the connection fails, the server stays silent for
 *   `idleTimeoutMs`, fewer bytes arrive than announced, or the sha256 differs.
 */
export async function downloadFile(
  url: string,
  dir: string,
  fileName: string,
  options: DownloadOptions,
): Promise<string> {
  const fs = await import('node:fs/promises');
  await fs.mkdir(dir, { recursive: true });
  const destination = await joinPath(dir, fileName);
  const tempPath = await tempPathBeside(destination, 'part');
  try {
    const { receivedBytes, sha256 } = await fetchToFile(url, tempPath, options);
    if (sha256 !== options.sha256.toLowerCase()) {
      throw new FileFormatError(
        url,
        `${url}: the downloaded file failed verification and was deleted; ` +
          `expected sha256 ${options.sha256}. Received: sha256 ${sha256} (${receivedBytes} bytes).`,
      );
    }
    await fs.rename(tempPath, destination);
    return destination;
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    throw error;
  }
}

/**
 * Streams `url` into a new file at `path`, hashing the bytes as they pass.
 * Every failure of the transfer becomes a FileFormatError naming the URL.
 */
async function fetchToFile(
  url: string,
  path: string,
  options: DownloadOptions,
): Promise<{ receivedBytes: number; sha256: string }> {
  const fs = await import('node:fs/promises');
  const crypto = await import('node:crypto');
  const watchdog = idleWatchdog(options.idleTimeoutMs);
  let receivedBytes = 0;
  try {
    // identity: the hash is of the file as stored, so the transport must not re-encode it.
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' }, signal: watchdog.signal });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new FileFormatError(
        url,
        `${url}: the download failed; expected HTTP 200 OK. Received: HTTP ${response.status} ${response.statusText}.`,
      );
    }
    watchdog.reset();
    const lengthHeader = response.headers.get('content-length');
    const totalBytes = lengthHeader === null ? null : Number(lengthHeader);
    const hash = crypto.createHash('sha256');
    const file = await fs.open(path, 'wx');
    try {
      await copyStream(response.body, file, hash, (received) => {
        receivedBytes = received;
        watchdog.reset();
        options.onProgress?.(received, totalBytes);
      });
    } finally {
      await file.close();
    }
    if (totalBytes !== null && receivedBytes !== totalBytes) {
      throw new FileFormatError(
        url,
        `${url}: the download stopped early; expected ${totalBytes} bytes. Received: ${receivedBytes} bytes.`,
      );
    }
    return { receivedBytes, sha256: hash.digest('hex') };
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw transferError(url, receivedBytes, watchdog.signal.aborted ? options.idleTimeoutMs : null, error);
  } finally {
    watchdog.stop();
  }
}

/**
 * An AbortSignal that fires once `ms` pass without a call to `reset`. It
 * limits silence, not total time: a slow but steady download never trips it,
 * a server that stops sending does.
 */
function idleWatchdog(ms: number): { signal: AbortSignal; reset: () => void; stop: () => void } {
  const controller = new AbortController();
  const start = () => setTimeout(() => controller.abort(), ms);
  let timer = start();
  return {
    signal: controller.signal,
    reset() {
      clearTimeout(timer);
      timer = start();
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

/** The error for a transfer that broke off: a refused or dropped connection, or a stall (`stalledMs` set). */
function transferError(url: string, receivedBytes: number, stalledMs: number | null, cause: unknown): FileFormatError {
  const progress = receivedBytes === 0 ? 'before any data arrived' : `after ${receivedBytes} bytes`;
  const message =
    stalledMs !== null
      ? `${url}: the download stalled ${progress}; expected data at least every ${stalledMs / 1000} s ` +
        `(the download timeout). Received: nothing for ${stalledMs / 1000} s.`
      : `${url}: the download failed ${progress}; expected the whole file. Received: ${messageOf(cause)}.`;
  return new FileFormatError(url, message, { cause });
}

/** Writes a web stream into an open file, hashing as it goes; `onChunk` gets the running byte count. */
async function copyStream(
  body: ReadableStream<Uint8Array>,
  file: FileHandle,
  hash: Hash,
  onChunk: (receivedBytes: number) => void,
): Promise<void> {
  const reader = body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    hash.update(value);
    await file.write(value);
    received += value.length;
    onChunk(received);
  }
}

/**
 * The message of an error, including its cause's: `fetch` reports a refused
 * connection as "fetch failed" with the useful part ("ECONNREFUSED") in
 * `cause`. A cause the message already quotes is not repeated.
 */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return cause === '' || error.message.includes(cause) ? error.message : `${error.message} (${cause})`;
}

/**
 * A path beside `path` for a temporary file: unique per process (the pid) and
 * per call (random digits), so two writers never share one.
 */
async function tempPathBeside(path: string, extension: string): Promise<string> {
  const crypto = await import('node:crypto');
  return `${path}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.${extension}`;
}

/**
 * Writes `contents` to `path` atomically: the bytes go to a temporary file
 * beside it (unique per process and call), are flushed to disk, and the file
 * is renamed over `path` only then. A reader, or a crash at any moment, sees
 * either the old file whole or the new one whole, never a half-written one.
 * Creates the parent directory if needed.
 */
export async function writeFileAtomic(path: string, contents: Uint8Array | string): Promise<void> {
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  await fs.mkdir(nodePath.dirname(path), { recursive: true });
  const tempPath = await tempPathBeside(path, 'tmp');
  try {
    const file = await fs.open(tempPath, 'wx');
    try {
      await file.writeFile(contents);
      // Without the flush a crash after the rename could leave an empty file under the real name.
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(tempPath, path);
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    throw error;
  }
}
