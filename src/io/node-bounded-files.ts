/**
 * Reading a file whose size is known in advance, without trusting it: the
 * file is looked at (stat) before it is opened, must be a regular file (a
 * named pipe would block the read forever, a device could stream without
 * end, a directory is no file at all), must not be larger than the caller
 * allows, and is read with a cap at the size it had, so a file that grows
 * while it is read cannot make us read more. Node only (dynamic imports, as
 * in node-files.ts).
 *
 * Every failure is a FileFormatError naming the file; no message quotes the
 * file's contents.
 */
import { FileFormatError } from '../errors.js';
import { describeBytes, errorCode } from './messages.js';

/** What a file must be for `statRegularFile`: its role, named in errors ("weights file listed in model.json"). */
export interface FileLimits {
  /** The largest size accepted, in bytes. */
  maxBytes: number;
  /** Says what the file is, for error messages. */
  role: string;
}

/** The kind of a non-regular file, for messages. */
function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The size of the regular file at `path`, checked against `limits`, without
 * opening it. Throws a FileFormatError for a missing file, anything but a
 * regular file (pipe, device, socket, directory), or a file over the limit.
 */
export async function statRegularFile(path: string, limits: FileLimits): Promise<number> {
  const fs = await import('node:fs/promises');
  let stats: import('node:fs').Stats;
  try {
    stats = await fs.stat(path);
  } catch (error) {
    const code = errorCode(error);
    throw new FileFormatError(path, `${path}: cannot read the ${limits.role}; expected a readable regular file. Received: ${code}.`);
  }
  if (!stats.isFile()) {
    throw new FileFormatError(path, `${path}: the ${limits.role} must be a regular file. Received: ${kindOf(stats)}.`);
  }
  if (stats.size > limits.maxBytes) {
    throw new FileFormatError(
      path,
      `${path}: the ${limits.role} is larger than expected; expected at most ${describeBytes(limits.maxBytes)}. ` +
        `Received: ${describeBytes(stats.size)}.`,
    );
  }
  return stats.size;
}

/**
 * Reads the regular file at `path`, at most `limits.maxBytes` bytes. The file
 * is checked with `statRegularFile` first, then opened without blocking
 * (O_NONBLOCK: a pipe swapped in after the stat cannot hang the open), checked
 * again through the open descriptor, and read up to the size it had: bytes
 * appended meanwhile are not read, and a file that shrank is reported.
 */
export async function readRegularFile(path: string, limits: FileLimits): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  await statRegularFile(path, limits);
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = errorCode(error);
    throw new FileFormatError(path, `${path}: cannot open the ${limits.role}; expected a readable regular file. Received: ${code}.`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FileFormatError(path, `${path}: the ${limits.role} must be a regular file. Received: ${kindOf(stats)}.`);
    if (stats.size > limits.maxBytes) {
      throw new FileFormatError(path, `${path}: the ${limits.role} grew past ${describeBytes(limits.maxBytes)} while being opened. Received: ${describeBytes(stats.size)}.`);
    }
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled !== bytes.length) {
      throw new FileFormatError(path, `${path}: the ${limits.role} shrank while being read; expected ${stats.size} bytes. Received: ${filled} bytes.`);
    }
    return bytes;
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    const code = errorCode(error);
    throw new FileFormatError(path, `${path}: could not read the ${limits.role}. Received: ${code}.`);
  } finally {
    await handle.close();
  }
}
