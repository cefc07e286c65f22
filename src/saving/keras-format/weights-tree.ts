/**
 * Walking an HDF5 file's datasets into a flat map from path to array, and
 * the one conversion Keras needs on top of the HDF5 types: bfloat16 weights,
 * which Keras stores as 2-byte opaque values with an attribute
 * dtype='bfloat16', widened to float32 (a bfloat16 is the top half of one).
 */
import { Hdf5Dataset, Hdf5Group, type Hdf5Array } from './hdf5/file.js';

/** A weight as read: its shape, dtype name ('float32', 'int64', 'bfloat16', …) and row-major values. */
export type WeightArray = Hdf5Array;

/** Compares names the way people count: 'vars/2' before 'vars/10'. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Every dataset under `group`, keyed by its path relative to `group`, members in natural order. */
export async function readAllDatasets(group: Hdf5Group): Promise<Map<string, WeightArray>> {
  const out = new Map<string, WeightArray>();
  const visit = async (current: Hdf5Group, prefix: string): Promise<void> => {
    for (const name of [...current.keys()].sort(naturalCompare)) {
      if (current.linkKind(name)?.kind !== 'hard') continue;
      const member = current.get(name);
      const path = prefix === '' ? name : `${prefix}/${name}`;
      if (member instanceof Hdf5Dataset) out.set(path, await readWeight(member));
      else await visit(member, path);
    }
  };
  await visit(group, '');
  return out;
}

/** A dataset's values, with Keras's bfloat16 convention undone. */
export async function readWeight(dataset: Hdf5Dataset): Promise<WeightArray> {
  const array = await dataset.read();
  if (array.dtype !== 'opaque') return array;
  const marker = dataset.attributes().get('dtype');
  if (marker?.data[0] === 'bfloat16' && array.data instanceof Uint8Array && array.data.length === 2 * array.shape.reduce((a, b) => a * b, 1)) {
    const bits = array.data;
    const out = new Float32Array(bits.length / 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < out.length; i++) view.setUint32(4 * i, (bits[2 * i]! | (bits[2 * i + 1]! << 8)) << 16, true);
    return { shape: array.shape, dtype: 'bfloat16', data: out };
  }
  return array;
}
