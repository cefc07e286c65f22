/**
 * `model.saveWeights('x.weights.h5')` and `model.loadWeights(path)` with
 * Keras's own files, as Keras 3's `save_weights` / `load_weights`:
 *
 *     saveWeights('ckpt.weights.h5')    Keras 3's weights file: layers/<class key>/vars/<i>
 *                                       and, for a compiled model, optimizer/vars/<i>
 *     loadWeights('ckpt.weights.h5')    that file, from tinykeras or Keras
 *     loadWeights('model.keras')        the weights inside a Keras 3 archive
 *     loadWeights('model.h5')           a legacy HDF5 file, whole model or weights only
 *     loadWeights(file or bytes)        any of these as a File, Blob, Uint8Array or ArrayBuffer (browsers too)
 *
 * Which of these a file is, is told by its bytes (keras-format/keras-weights.ts);
 * the name only decides that it is one of Keras's files rather than TF.js's
 * `.weights.json`. A save replaces the file atomically (a flushed temporary
 * file renamed into place), so it is all or nothing. Files on disk need
 * Node; the file system comes through io/file-system.ts, so this module
 * imports nothing of Node's.
 */
import { FileFormatError, TinykerasError, ValueError } from '../errors.js';
import { fileSystemService, type FileSystemService } from '../io/file-system.js';
import { messageOf } from '../io/messages.js';
import type { SaveResult } from './artifacts.js';
import { kerasWeightsFile, loadKerasWeights } from './keras-format/keras-weights.js';
import type { SavableModel } from './savable.js';

/** The largest Keras weights file read: 2 GiB, what one Node buffer may hold. */
const MAX_KERAS_WEIGHTS_BYTES = 2 ** 31 - 1;

/** Whether `path` names one of Keras's files (a path or file:// URL ending in .weights.h5, .keras, .h5 or .hdf5). */
export function isKerasFilePath(path: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(path)?.[0].toLowerCase();
  return (scheme === undefined || scheme === 'file://') && /\.(keras|h5|hdf5)$/i.test(path);
}

/** Writes `model`'s weights, and its optimizer's state when compiled, to `path` (ending in `.weights.h5`) in Keras 3's layout. */
export async function saveKerasWeightsFile(model: SavableModel, path: string, where: string): Promise<SaveResult> {
  if (!/\.weights\.h5$/.test(path)) {
    throw new ValueError(`${where}: Keras's weights files end in \`.weights.h5\` (as Keras 3's save_weights requires). Received: filepath='${path}'`);
  }
  const file = filePath(path);
  const fs = await fileSystem(where, path);
  const bytes = kerasWeightsFile(model);
  try {
    await fs.writeFileAtomic(file, bytes);
  } catch (error) {
    if (error instanceof TinykerasError) throw error;
    throw new FileFormatError(file, `${file}: could not save the weights; whatever was saved there before is unchanged. Received: ${messageOf(error)}`, { cause: error });
  }
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: 0, weightSpecsBytes: 0, weightDataBytes: bytes.length } };
}

/** Reads a `.weights.h5`, `.keras` or legacy `.h5` file at `path` into `model` (and a compiled model's optimizer). */
export async function loadKerasWeightsFile(model: SavableModel, path: string, where: string): Promise<void> {
  const file = filePath(path);
  const fs = await fileSystem(where, path);
  const bytes = await fs.readRegularFile(file, { maxBytes: MAX_KERAS_WEIGHTS_BYTES, role: 'Keras weights file' });
  await loadKerasWeights(model, bytes, file);
}

function filePath(path: string): string {
  const file = path.replace(/^file:\/\//i, '');
  if (file === '') throw new ValueError(`A file path must not be empty. Received: path='${path}'`);
  return file;
}

async function fileSystem(where: string, path: string): Promise<FileSystemService> {
  const service = fileSystemService();
  if (service === null) {
    throw new ValueError(
      `${where}: reading and writing Keras's files by path needs Node.js. In a browser, pass loadWeights the file itself ` +
        `(a File from an <input type="file">) or its bytes (a Uint8Array or ArrayBuffer, from fetch). Received: '${path}'`,
    );
  }
  return service;
}

/** Bytes of one of Keras's files, as given to loadWeights: a File or Blob (its name in messages), a Uint8Array or an ArrayBuffer. */
export type KerasFileBytes = Blob | Uint8Array | ArrayBuffer;

/** Whether loadWeights was given a file's bytes rather than a path or a handler. */
export function isKerasFileBytes(source: unknown): source is KerasFileBytes {
  return source instanceof Uint8Array || source instanceof ArrayBuffer || (typeof Blob === 'function' && source instanceof Blob);
}

/** Reads Keras's weights from a file's bytes into `model`. */
export async function loadKerasWeightsBytes(model: SavableModel, source: KerasFileBytes): Promise<void> {
  const name = typeof File === 'function' && source instanceof File ? source.name : source instanceof Blob ? 'the given Blob' : 'the given bytes';
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source instanceof ArrayBuffer ? source : await source.arrayBuffer());
  await loadKerasWeights(model, bytes, name);
}
