/**
 * The legacy Keras HDF5 file (`model.save('x.h5')` in Keras 2 and 3):
 *
 *     /  @model_config     the architecture, JSON (a string attribute)
 *        @training_config  compile()'s settings, JSON (when compiled)
 *        @keras_version, @backend
 *     /model_weights       @layer_names: the layers with weights, in order
 *        /<layer>          @weight_names: its weights, in order, e.g. 'dense/kernel:0' (Keras 2)
 *           /…/<weight>    or 'sequential/dense/kernel' (Keras 3): paths under the layer's group
 *     /optimizer_weights   @weight_names: the optimizer's variables, paths under this group
 *
 * Files from `model.save_weights('x.h5')` have the layers at the root.
 * Keras 2 wrote the name lists as fixed-length byte strings, Keras 3 as
 * variable-length strings; a list too big for one attribute (64 KiB) is split
 * into layer_names0, layer_names1, …. All of these read the same.
 */
import { checkFileArguments, formatError } from './bytes.js';
import { Hdf5Dataset, Hdf5File, type Hdf5Group } from './hdf5/file.js';
import { parseJSONFile } from '../../utils/json.js';
import { readWeight, type WeightArray } from './weights-tree.js';

export interface NamedWeightArray extends WeightArray {
  /** The name as the file stores it: 'dense/kernel:0' (Keras 2) or 'sequential/dense/kernel' (Keras 3). */
  name: string;
}

export interface LegacyH5 {
  /** @model_config, parsed; null in a weights-only file. */
  modelConfig: unknown;
  /** @training_config, parsed; null when the model was not compiled. */
  trainingConfig: unknown;
  /** Layer name → its weights, both in file order. */
  weights: Map<string, NamedWeightArray[]>;
  /** The optimizer's variables in file order; empty when none were saved. */
  optimizerWeights: NamedWeightArray[];
  kerasVersion: string | null;
  backend: string | null;
}

/** Reads a legacy Keras `.h5` file; `fileName` names it in errors. */
export async function readLegacyH5(bytes: Uint8Array, fileName: string): Promise<LegacyH5> {
  checkFileArguments(bytes, fileName, 'readLegacyH5');
  const file = Hdf5File.open(bytes, fileName);
  const root = file.root;
  const rootAttributes = root.attributes();
  const json = (name: string): unknown => {
    const value = rootAttributes.get(name);
    if (value === undefined) return null;
    const text = value.data[0];
    if (typeof text !== 'string' || value.data.length !== 1) formatError(fileName, `the attribute '${name}' should be one JSON string. Received: ${value.data.length} values of dtype ${value.dtype}.`);
    return parseJSONFile(text, fileName, name);
  };
  const modelConfig = json('model_config');
  const trainingConfig = json('training_config');
  const weightsGroup = root.find('model_weights') ?? root;
  if (weightsGroup instanceof Hdf5Dataset) formatError(fileName, "'/model_weights' is a dataset; expected a group of layers.");
  const layerNames = stringList(weightsGroup, 'layer_names', fileName);
  if (layerNames === null) formatError(fileName, `is not a Keras HDF5 file: '${weightsGroup.path}' has no 'layer_names' attribute.`);
  const weights = new Map<string, NamedWeightArray[]>();
  for (const layerName of layerNames) {
    const layer = weightsGroup.get(layerName);
    if (layer instanceof Hdf5Dataset) formatError(fileName, `'${layer.path}' is a dataset; expected the group of layer '${layerName}'.`);
    weights.set(layerName, await namedWeights(layer, fileName));
  }
  const topLevel = weightsGroup.find('top_level_model_weights');
  if (topLevel !== null && !(topLevel instanceof Hdf5Dataset) && !layerNames.includes('top_level_model_weights')) {
    const own = await namedWeights(topLevel, fileName);
    if (own.length > 0) weights.set('top_level_model_weights', own);
  }
  const optimizerGroup = root.find('optimizer_weights');
  const optimizerWeights = optimizerGroup === null || optimizerGroup instanceof Hdf5Dataset ? [] : await namedWeights(optimizerGroup, fileName);
  const text = (name: string): string | null => {
    const value = rootAttributes.get(name) ?? (weightsGroup === root ? undefined : weightsGroup.attributes().get(name));
    return typeof value?.data[0] === 'string' ? value.data[0] : null;
  };
  return { modelConfig, trainingConfig, weights, optimizerWeights, kerasVersion: text('keras_version'), backend: text('backend') };
}

/** The arrays a group's @weight_names lists, in that order. */
async function namedWeights(group: Hdf5Group, fileName: string): Promise<NamedWeightArray[]> {
  const names = stringList(group, 'weight_names', fileName) ?? [];
  const out: NamedWeightArray[] = [];
  for (const name of names) {
    const dataset = group.get(name);
    if (!(dataset instanceof Hdf5Dataset)) return formatError(fileName, `'${dataset.path}' (listed in the weight_names of '${group.path}') is a group; expected a dataset.`);
    out.push({ name, ...(await readWeight(dataset)) });
  }
  return out;
}

/**
 * A list-of-strings attribute, or null when absent: whole, or split into
 * name0, name1, … as Keras splits a list over 64 KiB. An empty list may be
 * stored as an empty float array (h5py's np.array([])).
 */
function stringList(group: Hdf5Group, name: string, fileName: string): string[] | null {
  const attributes = group.attributes();
  const parts = [];
  if (attributes.has(name)) parts.push(attributes.get(name)!);
  else for (let i = 0; attributes.has(`${name}${i}`); i++) parts.push(attributes.get(`${name}${i}`)!);
  if (parts.length === 0) return null;
  const out: string[] = [];
  for (const part of parts) {
    if (part.data.length === 0) continue;
    if (part.dtype !== 'string') formatError(fileName, `the attribute '${name}' of '${group.path}' should list strings. Received: dtype ${part.dtype}.`);
    out.push(...(part.data as string[]));
  }
  return out;
}
