/**
 * Verified downloads for Node: streamed into a temporary file, hashed on
 * the way, renamed into place only once whole and verified, and given up on
 * when the server falls silent, sends more than the file can be, or takes
 * longer than the deadline in all. Node modules are loaded inside the
 * functions, as in node-files.ts.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { FileFormatError } from '../errors.js';
import { messageOf } from './messages.js';
import { joinPath, tempPathBeside } from './node-files.js';
import { describeStop, type StopReason } from '../utils/deadline.js';

/** Settings for `downloadFile`. */
export interface DownloadOptions {
  /** The sha256 the file must have, as 64 hex digits. */
  sha256: string;
  /** Milliseconds the server may stay silent (before answering, or between two chunks) before we give up. */
  idleTimeoutMs: number;
  /** The most bytes the file may have: a larger Content-Length is refused, a body that runs past it is cut off. */
  maxBytes: number;
  /** Ends the download early (a deadline for all the files, or the caller's signal); `stopReason` says why. */
  stop?: { signal: AbortSignal; stopReason: () => StopReason | null };
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
    const signal = options.stop ? anySignal([watchdog.signal, options.stop.signal]) : watchdog.signal;
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' }, signal });
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
    if (totalBytes !== null && totalBytes > options.maxBytes) {
      await response.body.cancel();
      throw tooLarge(url, options.maxBytes, `Content-Length ${totalBytes}`);
    }
    const hash = crypto.createHash('sha256');
    const file = await fs.open(path, 'wx');
    try {
      await copyStream(response.body, file, hash, options.maxBytes, url, (received) => {
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
    const stopped = options.stop?.stopReason();
    if (stopped) throw new FileFormatError(url, `${url}: the download was stopped after ${receivedBytes} bytes: ${describeStop(stopped)}.`, { cause: error });
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

/** One signal that fires when any of `signals` does. */
function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', () => controller.abort(), { once: true });
  }
  return controller.signal;
}

function tooLarge(url: string, maxBytes: number, received: string): FileFormatError {
  return new FileFormatError(url, `${url}: the file is larger than it can be; expected at most ${maxBytes} bytes. Received: ${received}`);
}

/**
 * Writes a web stream into an open file, hashing as it goes, and never more
 * than `maxBytes` (the stream is cancelled there); `onChunk` gets the
 * running byte count.
 */
async function copyStream(
  body: ReadableStream<Uint8Array>,
  file: FileHandle,
  hash: Hash,
  maxBytes: number,
  url: string,
  onChunk: (receivedBytes: number) => void,
): Promise<void> {
  const reader = body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (received + value.length > maxBytes) {
      await reader.cancel();
      throw tooLarge(url, maxBytes, `more than ${maxBytes} bytes`);
    }
    hash.update(value);
    await file.write(value);
    received += value.length;
    onChunk(received);
  }
}
