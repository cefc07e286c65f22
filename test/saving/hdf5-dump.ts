/** Every group, dataset and attribute of an HDF5 file as tinykeras's reader sees it, in the shape hdf5_dump.py prints. */
import { Hdf5Dataset, Hdf5File, Hdf5Group, type Hdf5Array } from '../../src/saving/keras-format/hdf5/file.js';

export interface DumpedArray {
  shape: number[];
  dtype: string;
  data: Array<number | string>;
}
export type DumpedObject = ({ kind: 'group'; keys: string[] } | ({ kind: 'dataset' } & DumpedArray)) & { attrs: Record<string, DumpedArray> };

function plain(array: Hdf5Array): DumpedArray {
  const data = Array.from(array.data as ArrayLike<number | bigint | string>, (value) => (typeof value === 'bigint' ? Number(value) : value));
  return { shape: array.shape, dtype: array.dtype, data };
}

export async function dumpHdf5(bytes: Uint8Array, fileName: string): Promise<Record<string, DumpedObject>> {
  const file = Hdf5File.open(bytes, fileName);
  const out: Record<string, DumpedObject> = {};
  const visit = async (object: Hdf5Group | Hdf5Dataset): Promise<void> => {
    const attrs = Object.fromEntries([...object.attributes()].map(([name, value]) => [name, plain(value)]));
    if (object instanceof Hdf5Dataset) {
      out[object.path] = { kind: 'dataset', ...plain(await object.read()), attrs };
      return;
    }
    out[object.path] = { kind: 'group', keys: object.keys(), attrs };
    for (const name of object.keys()) if (object.linkKind(name)?.kind === 'hard') await visit(object.get(name));
  };
  await visit(file.root);
  return out;
}
