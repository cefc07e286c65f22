/**
 * The Node-only half of dataset loading: finding and reading files, gunzip,
 * the Keras cache directory, and verified downloads.
 *
 * Every Node module is loaded with a dynamic `import()` inside the functions
 * that need it, never at the top of the file. That keeps the library's entry
 * point loadable in a browser: a browser only fails if it actually calls one
 * of these functions.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

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
 * The full path of the first of `names` that is a file in `dir`, or null when
 * none is. Used to accept either `x.gz` or the already-uncompressed `x`.
 */
export async function findFile(dir: string, names: readonly string[]): Promise<string | null> {
  for (const name of names) {
    const path = await joinPath(dir, name);
    if ((await pathKind(path)) === 'file') return path;
  }
  return null;
}

/** Reads a whole file into memory. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  return fs.readFile(path);
}

/**
 * Decompresses gzip bytes. `fileName` names the file in the error thrown for
 * a truncated or corrupt archive, since zlib's own message does not.
 */
export async function gunzipBytes(bytes: Uint8Array, fileName: string): Promise<Uint8Array> {
  const zlib = await import('node:zlib');
  const { promisify } = await import('node:util');
  try {
    // 1 MiB output chunks instead of the default 16 KiB: the images file
    // inflates to 47 MB, and fewer, larger chunks make that about 20% faster.
    return await promisify(zlib.gunzip)(bytes, { chunkSize: 1 << 20 });
  } catch (error) {
    throw new Error(
      `${fileName}: could not decompress this gzip file; it is truncated, corrupt, or not gzip at all. ` +
        `Delete it and get a fresh copy. Received: zlib error "${messageOf(error)}".`,
      { cause: error },
    );
  }
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
 * deleted on every failure.
 *
 * @returns the full path of the downloaded file.
 */
export async function downloadFile(
  url: string,
  dir: string,
  fileName: string,
  options: DownloadOptions,
): Promise<string> {
  const fs = await import('node:fs/promises');
  const crypto = await import('node:crypto');
  await fs.mkdir(dir, { recursive: true });
  const destination = await joinPath(dir, fileName);
  // pid + random suffix: two processes downloading at once never share a temp file.
  const tempPath = `${destination}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.part`;
  try {
    // identity: the hash is of the file as stored, so the transport must not re-encode it.
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    if (!response.ok || response.body === null) {
      throw new Error(`${url}: the server answered HTTP ${response.status} ${response.statusText}; expected 200 OK.`);
    }
    const lengthHeader = response.headers.get('content-length');
    const totalBytes = lengthHeader === null ? null : Number(lengthHeader);
    const hash = crypto.createHash('sha256');
    const file = await fs.open(tempPath, 'wx');
    let receivedBytes: number;
    try {
      receivedBytes = await copyStream(response.body, file, hash, (received) =>
        options.onProgress?.(received, totalBytes),
      );
    } finally {
      await file.close();
    }
    if (totalBytes !== null && receivedBytes !== totalBytes) {
      throw new Error(
        `${url}: the download stopped early; expected ${totalBytes} bytes. Received: ${receivedBytes} bytes.`,
      );
    }
    const actual = hash.digest('hex');
    if (actual !== options.sha256.toLowerCase()) {
      throw new Error(
        `${fileName}: the downloaded file failed verification and was deleted; ` +
          `expected sha256 ${options.sha256}. Received: sha256 ${actual} (${receivedBytes} bytes from ${url}).`,
      );
    }
    await fs.rename(tempPath, destination);
    return destination;
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    throw error;
  }
}

/** Writes a web stream into an open file, hashing as it goes; returns the byte count. */
async function copyStream(
  body: ReadableStream<Uint8Array>,
  file: FileHandle,
  hash: Hash,
  onChunk: (receivedBytes: number) => void,
): Promise<number> {
  const reader = body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return received;
    hash.update(value);
    await file.write(value);
    received += value.length;
    onChunk(received);
  }
}

/**
 * The message of an error, including its cause's: `fetch` reports a refused
 * connection as "fetch failed" with the useful part ("ECONNREFUSED") in `cause`.
 */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return error.message + cause;
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
  const crypto = await import('node:crypto');
  await fs.mkdir(nodePath.dirname(path), { recursive: true });
  const tempPath = `${path}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
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
