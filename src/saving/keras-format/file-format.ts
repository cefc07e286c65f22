/**
 * Which of Keras's formats a file is in, told by its first bytes, not its
 * name (older tf.keras wrote HDF5 into files named `.keras`):
 *
 *     50 4B 03 04               'PK\x03\x04'         a zip: Keras 3's .keras
 *     89 48 44 46 0D 0A 1A 0A   '\x89HDF\r\n\x1a\n'  HDF5: a legacy .h5
 */

/** The largest Keras file read whole: 2 GiB, the most one JavaScript array buffer holds everywhere. */
export const MAX_KERAS_FILE_BYTES = 2 ** 31 - 1;

/** The format of a Keras file by its first bytes, or null for anything else (a model.json, say). */
export function kerasFileFormat(bytes: Uint8Array): 'keras' | 'h5' | null {
  const starts = (magic: readonly number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
  if (starts([0x50, 0x4b, 0x03, 0x04])) return 'keras';
  if (starts([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return 'h5';
  return null;
}

/** Whether a path's name asks for one of Keras's files: .keras, .h5 or .hdf5. */
export function isKerasFileName(path: string): boolean {
  return /\.(keras|h5|hdf5)$/i.test(path);
}

/** The first bytes of a file, for a message that says what it is not. */
export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  return `a file starting with ${[...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/** A whole Keras file as read, and the name to give it in messages. */
export interface KerasFile {
  bytes: Uint8Array;
  name: string;
}
