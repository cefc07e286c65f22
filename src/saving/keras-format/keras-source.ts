/**
 * Where loadModel and save find and put Keras's files: a path under Node
 * (through the registered file system, so that this module imports nothing
 * from Node), an http(s) URL, or a handler that can hand over a whole file
 * (io.http, io.browserFiles: their loadKerasFile). A source that is not a
 * Keras file (a model.json, a directory of one) gives null: TF.js's format.
 */
import { FileFormatError, ValueError } from '../../errors.js';
import { fileSystemService } from '../../io/file-system.js';
import type { HandlerLoadOptions } from '../artifacts.js';
import { HTTPHandler } from '../browser-handlers.js';
import { describeStart, isKerasFileName, kerasFileFormat, MAX_KERAS_FILE_BYTES, type KerasFile } from './file-format.js';

/** A handler that can give a whole Keras file (HTTPHandler, BrowserFilesHandler). */
interface KerasFileSource {
  loadKerasFile(options: HandlerLoadOptions, maxBytes: number): Promise<KerasFile | null>;
}

function isKerasFileSource(value: unknown): value is KerasFileSource {
  return typeof value === 'object' && value !== null && typeof (value as Partial<KerasFileSource>).loadKerasFile === 'function';
}

/** The Keras file `source` names, read whole, or null when it is not one (TF.js's layers-model format). */
export async function readKerasSource(source: unknown, options: HandlerLoadOptions): Promise<KerasFile | null> {
  if (isKerasFileSource(source)) return source.loadKerasFile(options, MAX_KERAS_FILE_BYTES);
  if (typeof source !== 'string') return null;
  if (/^https?:\/\/[^/]/i.test(source)) return new HTTPHandler(source).loadKerasFile(options, MAX_KERAS_FILE_BYTES);
  const path = localPath(source);
  const service = fileSystemService();
  if (path === null || service === null) return null;
  const files = await service;
  const named = isKerasFileName(path);
  // A directory or a model.json is TF.js's format; a file named .keras or .h5 is read whatever its state, for a clear error.
  if (!named && (/\.json$/i.test(path) || (await files.pathKind(path)) !== 'file')) return null;
  const bytes = await files.readRegularFile(path, { maxBytes: MAX_KERAS_FILE_BYTES, role: 'Keras model file' });
  if (kerasFileFormat(bytes) !== null) return { bytes, name: path };
  if (named) throw new FileFormatError(path, `${path}: is not a Keras file; a .keras file starts with 'PK' (a zip) and a legacy .h5 file with '\\x89HDF'. Received: ${describeStart(bytes)}`);
  return null;
}

/** The path of a plain path or file:// URL, or null for another scheme. */
function localPath(source: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source);
  if (scheme === null) return source;
  return scheme[0].toLowerCase() === 'file://' ? source.slice('file://'.length) : null;
}

/** Whether `target` asks for a Keras file: a path or file:// URL ending in .keras, .h5 or .hdf5. */
export function isKerasTarget(target: unknown): target is string {
  return typeof target === 'string' && localPath(target) !== null && isKerasFileName(target);
}

/** Writes `bytes` to the path `target` all at once (a temporary file renamed), under Node. */
export async function writeKerasFile(target: string, bytes: Uint8Array, where: string): Promise<void> {
  const service = fileSystemService();
  if (service === null) {
    throw new ValueError(`${where}: saving a Keras file to a path needs Node.js. Received: '${target}'`);
  }
  await (await service).writeFileAtomic(localPath(target)!, bytes);
}
