/**
 * Keras 3's `.keras` file: a zip archive of
 *
 *     config.json        the model's architecture (keras.saving.serialize_keras_object)
 *     metadata.json      {"keras_version": "3.x", "date_saved": "…"}
 *     model.weights.h5   an HDF5 file: layers/<name>/vars/<i>, optimizer/vars/<i>, vars/<i>
 *
 * readKerasArchive returns the two JSON documents and every array of the
 * weights file keyed by its HDF5 path ('layers/dense/vars/0'); building a
 * model from them is the caller's business. writeKerasArchive writes the
 * same three entries, stored (uncompressed) as Keras itself does.
 */
import { describeValue, ValueError } from '../../errors.js';
import { parseJSONFile } from '../../utils/json.js';
import { checkFileArguments, formatError } from './bytes.js';
import { Hdf5File } from './hdf5/file.js';
import { writeHdf5, type WritableArray, type WritableGroup } from './hdf5/writer.js';
import { readAllDatasets, type WeightArray } from './weights-tree.js';
import { writeZip, ZipArchive } from './zip.js';

export interface KerasArchive {
  /** config.json, parsed. */
  config: unknown;
  /** metadata.json, parsed. */
  metadata: unknown;
  /** Every array of model.weights.h5, keyed by its path, like 'layers/dense/vars/0' or 'optimizer/vars/3'. */
  weights: Map<string, WeightArray>;
}

/** Reads a `.keras` archive; `fileName` names it in errors. */
export async function readKerasArchive(bytes: Uint8Array, fileName: string): Promise<KerasArchive> {
  checkFileArguments(bytes, fileName, 'readKerasArchive');
  const archive = new ZipArchive(bytes, fileName);
  for (const name of ['config.json', 'model.weights.h5']) {
    if (!archive.has(name)) {
      if (archive.has('model.weights.json')) formatError(fileName, 'holds sharded weights (model.weights.json), which are not supported; save with Keras without max_shard_size.');
      formatError(fileName, `is not a Keras 3 archive: it has no '${name}'. Entries: ${archive.names().slice(0, 20).join(', ') || 'none'}.`);
    }
  }
  const text = async (name: string): Promise<unknown> => parseJSONFile(new TextDecoder().decode(await archive.read(name)), `${fileName}/${name}`, name);
  const config = await text('config.json');
  const metadata = archive.has('metadata.json') ? await text('metadata.json') : {};
  const h5 = Hdf5File.open(await archive.read('model.weights.h5'), `${fileName}/model.weights.h5`);
  return { config, metadata, weights: await readAllDatasets(h5.root) };
}

/** An array to write: a typed array (its type is the dtype) with its shape. */
export interface WeightToWrite {
  shape: number[];
  data: WritableArray;
}

/** The Keras release whose `.keras` layout the writer follows (and tests load with); metadata.json names it by default. */
export const KERAS_FORMAT_VERSION = '3.15.1';

export interface KerasArchiveContents {
  config: unknown;
  /** Default: { keras_version: KERAS_FORMAT_VERSION, date_saved: now }. Keras does not read it when loading. */
  metadata?: unknown;
  /** Arrays keyed by HDF5 path, as readKerasArchive returns them ('layers/dense/vars/0'). */
  weights: Map<string, WeightToWrite> | Record<string, WeightToWrite>;
  /** Attributes of the '…/vars' groups, keyed by the group's path (Keras writes { name: layer.name }). */
  varsAttributes?: Record<string, Record<string, string>>;
}

/** A `.keras` archive holding `contents`, which Keras 3's `keras.saving.load_model` loads. */
export async function writeKerasArchive(contents: KerasArchiveContents): Promise<Uint8Array> {
  if (typeof contents !== 'object' || contents === null || typeof contents.weights !== 'object' || contents.weights === null) {
    throw new ValueError(`writeKerasArchive takes { config, metadata?, weights, varsAttributes? } with weights a Map or object of path → { shape, data }. Received: ${describeValue(contents)}`);
  }
  const root = weightsTree(contents.weights, contents.varsAttributes ?? {});
  const metadata = contents.metadata ?? { keras_version: KERAS_FORMAT_VERSION, date_saved: kerasDate(new Date()) };
  return writeZip([
    { name: 'metadata.json', data: jsonBytes(metadata, 'metadata') },
    { name: 'config.json', data: jsonBytes(contents.config, 'config') },
    { name: 'model.weights.h5', data: writeHdf5(root) },
  ]);
}

/**
 * The HDF5 group tree of a weights file: each path's arrays in nested groups,
 * and `varsAttributes` set on the groups they name, which are created when
 * they hold no arrays (Keras writes a `vars` group for every layer, even one
 * without weights).
 */
export function weightsTree(weights: KerasArchiveContents['weights'], varsAttributes: NonNullable<KerasArchiveContents['varsAttributes']>): WritableGroup {
  // Members are null-prototype objects, so that a path part like '__proto__' is only a name.
  const group = (): WritableGroup => ({ kind: 'group', members: Object.create(null) as WritableGroup['members'] });
  const root = group();
  const entries: Array<[unknown, unknown]> = weights instanceof Map ? [...weights] : Object.entries(weights);
  for (const [path, weight] of entries) {
    if (typeof path !== 'string' || typeof weight !== 'object' || weight === null) {
      throw new ValueError(`writeKerasArchive's weights map paths (strings) to { shape, data }. Received: ${describeValue(path)} → ${describeValue(weight)}`);
    }
    const parts = path.split('/');
    if (parts.some((part) => part === '')) throw new ValueError(`Weight paths are names separated by '/'. Received: path='${path}'.`);
    let parent = root;
    for (const part of parts.slice(0, -1)) {
      const next = parent.members[part] ?? (parent.members[part] = group());
      if (next.kind !== 'group') throw new ValueError(`The weight path '${path}' goes through '${part}', which is itself a weight.`);
      parent = next;
    }
    const name = parts[parts.length - 1]!;
    if (parent.members[name] !== undefined) throw new ValueError(`The weight path '${path}' is given twice, or is also a group.`);
    const { shape, data } = weight as WeightToWrite;
    parent.members[name] = { kind: 'dataset', shape, data };
  }
  for (const [path, attributes] of Object.entries(varsAttributes)) {
    let target = root;
    for (const part of path.split('/').filter((p) => p !== '')) {
      const next = target.members[part] ?? (target.members[part] = group());
      if (next.kind !== 'group') throw new ValueError(`varsAttributes names the group '${path}', but '${part}' in it is a weight.`);
      target = next;
    }
    target.attributes = { ...target.attributes, ...attributes };
  }
  return root;
}

function jsonBytes(value: unknown, name: string): Uint8Array {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValueError(`writeKerasArchive's ${name} must be JSON data (${(error as Error).message}). Received: ${name}=${describeValue(value)}`);
  }
  if (text === undefined) throw new ValueError(`writeKerasArchive's ${name} must be JSON data. Received: ${name}=${describeValue(value)}`);
  return new TextEncoder().encode(text);
}

/** Keras's date_saved format: 2026-12-02@19:33:31. */
function kerasDate(when: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${when.getFullYear()}-${two(when.getMonth() + 1)}-${two(when.getDate())}@${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
}
