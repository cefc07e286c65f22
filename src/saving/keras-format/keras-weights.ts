/**
 * A model's weights and optimizer state in Keras's own layouts, both ways.
 *
 * Keras 3 (`model.weights.h5` inside a `.keras` archive, and the
 * `x.weights.h5` of `model.save_weights`) keys each layer by its class, not
 * its name: snake_case of the class with a counter per class among the
 * layers of one model, in `model.layers` order ('dense', 'dense_1',
 * 'conv2d', 'batch_normalization'). A nested model's layers sit under its
 * own key. Every layer and model has a `vars` group, empty when it has no
 * weights, whose attribute `name` is the layer's name:
 *
 *     vars/                              @name = the model's name (no arrays)
 *     layers/dense/vars/0, 1             kernel, bias          (@name = 'hidden')
 *     layers/dropout/vars/               (no arrays)
 *     layers/batch_normalization/vars/0…3   gamma, beta, moving_mean, moving_variance
 *     layers/sequential/vars/            a nested model: its own (no arrays),
 *     layers/sequential/layers/dense/vars/0, 1    and its layers
 *     optimizer/vars/0, 1, 2, …          keras-optimizer-state.ts
 *
 * A Sequential's layers exclude its InputLayer; a Functional model's
 * include them ('input_layer', 'input_layer_1'), as Keras's `model.layers`.
 *
 * The legacy `.h5` (legacy-h5.ts) lists the layers with weights by name,
 * each with its weights in Keras's `_legacy_weights` order: trainable
 * first, then the rest (a nested model's BatchNormalization statistics go
 * after all its trainable weights).
 *
 * Loading checks every array against the model before it changes anything,
 * so a file of another architecture throws a FileFormatError naming the file,
 * the layer, and what was expected and found, and leaves the model as it was.
 */
import type { Layer } from '../../layers/layer.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import { toSnakeCase } from '../../utils/registry.js';
import { ValueError, describeValue } from '../../errors.js';
import type { SavableModel } from '../savable.js';
import { checkFileArguments, formatError } from './bytes.js';
import { Hdf5File } from './hdf5/file.js';
import { writeHdf5 } from './hdf5/writer.js';
import { readKerasArchive, weightsTree, type WeightToWrite } from './keras-archive.js';
import { kerasOptimizerVariables, planKerasOptimizerRestore, type OptimizerEntry } from './keras-optimizer-state.js';
import { readLegacyH5, type LegacyH5 } from './legacy-h5.js';
import { naturalCompare, readAllDatasets, type WeightArray } from './weights-tree.js';

/** The model's side of Keras 3's layout: one `vars` group per layer and model. */
export interface KerasVarsGroup {
  /** The group's path without '/vars': '' for the model itself, 'layers/dense_1', 'layers/sequential/layers/dense'. */
  path: string;
  /** The layer or model whose variables the group holds. */
  owner: Layer | SavableModel;
  /** Its own variables in Keras's order (none for a model: its layers hold them). */
  variables: Tensor[];
}

export interface KerasWeightsOptions {
  /** Also the optimizer's state (`optimizer/vars`): true by default for a compiled model, as Keras saves it. */
  includeOptimizer?: boolean;
}

/** What writeKerasArchive takes besides the config: the arrays by path and each `vars` group's name attribute. */
export interface KerasArchiveWeights {
  weights: Map<string, WeightToWrite>;
  varsAttributes: Record<string, Record<string, string>>;
}

/** Loading options: `optimizer: false` leaves a compiled model's optimizer as it is. */
export interface SetKerasWeightsOptions {
  optimizer?: boolean;
}

/** The `vars` groups of `model` in Keras 3's layout, the model's own first, then its layers depth-first. */
export function kerasVarsGroups(model: SavableModel): KerasVarsGroup[] {
  const groups: KerasVarsGroup[] = [{ path: '', owner: model, variables: [] }];
  const walk = (layers: readonly Layer[], prefix: string): void => {
    const used = new Map<string, number>();
    for (const layer of layers) {
      // Keras's naming: the first of a class gets the bare key, the next '_1', '_2', ….
      const base = toSnakeCase(layer.className);
      const count = used.get(base);
      used.set(base, count === undefined ? 0 : count + 1);
      const path = `${prefix}layers/${count === undefined ? base : `${base}_${count + 1}`}`;
      const inner = nestedLayers(layer);
      groups.push({ path, owner: layer, variables: inner === null ? layer.weights : [] });
      if (inner !== null) walk(inner, `${path}/`);
    }
  };
  walk(model.layers, '');
  return groups;
}

/** The HDF5 path of variable `i` of a group: 'layers/dense/vars/0', or 'vars/0' for the model. */
function varPath(group: string, i: number): string {
  return group === '' ? `vars/${i}` : `${group}/vars/${i}`;
}

/** The layers of a nested model (a Sequential or Functional used as a layer), or null for a plain layer. */
function nestedLayers(layer: Layer): Layer[] | null {
  const inner = (layer as { layers?: unknown }).layers;
  return Array.isArray(inner) ? (inner as Layer[]) : null;
}

/** The optimizer whose state goes into or comes from the file, or null. */
function optimizerOf(model: SavableModel, include: boolean | undefined): Optimizer | null {
  return include !== false && model.compiled ? model.compiled.optimizer : null;
}

/**
 * The model's weights (and, when compiled, its optimizer's state) as Keras 3
 * lays them out in `model.weights.h5`: pass both fields to writeKerasArchive,
 * or write them as a `.weights.h5` file with kerasWeightsFile.
 */
export function kerasArchiveWeights(model: SavableModel, options: KerasWeightsOptions = {}): KerasArchiveWeights {
  checkModel(model, 'kerasArchiveWeights');
  const weights = new Map<string, WeightToWrite>();
  const varsAttributes: Record<string, Record<string, string>> = {};
  for (const group of kerasVarsGroups(model)) {
    varsAttributes[group.path === '' ? 'vars' : `${group.path}/vars`] = { name: group.owner.name };
    group.variables.forEach((variable, i) => weights.set(varPath(group.path, i), { shape: [...variable.shape], data: variable.data }));
  }
  const optimizer = optimizerOf(model, options.includeOptimizer);
  if (optimizer !== null) {
    varsAttributes['optimizer/vars'] = { name: optimizer.name };
    kerasOptimizerVariables(optimizer, model.trainableWeights).forEach((array, i) => weights.set(`optimizer/vars/${i}`, array));
  }
  return { weights, varsAttributes };
}

/** The bytes of a Keras 3 `.weights.h5` file of `model` (what `model.save_weights` writes and `model.load_weights` reads). */
export function kerasWeightsFile(model: SavableModel, options: KerasWeightsOptions = {}): Uint8Array {
  const { weights, varsAttributes } = kerasArchiveWeights(model, options);
  return writeHdf5(weightsTree(weights, varsAttributes));
}

/**
 * Sets `model`'s weights from Keras 3's arrays by path (readKerasArchive's
 * `weights`, or a `.weights.h5` file's datasets), and a compiled model's
 * optimizer state from `optimizer/vars` when the file has it. Every array is
 * checked first: a missing, extra or misshapen one throws a FileFormatError
 * naming `fileName` and the layer, and nothing changes.
 */
export function setKerasArchiveWeights(model: SavableModel, weights: ReadonlyMap<string, WeightArray>, fileName: string, options: SetKerasWeightsOptions = {}): void {
  checkModel(model, 'setKerasArchiveWeights');
  const copies: [Tensor, Float32Array][] = [];
  const used = new Set<string>();
  const groups = kerasVarsGroups(model);
  for (const group of groups) {
    const owner = `${group.owner === model ? 'model' : 'layer'} "${group.owner.name}" (${group.owner.className})`;
    group.variables.forEach((variable, i) => {
      const path = varPath(group.path, i);
      const entry = weights.get(path);
      if (entry === undefined) {
        const held = [...weights.keys()].filter((k) => k.startsWith(`${group.path}/vars/`) || (group.path === '' && k.startsWith('vars/')));
        formatError(
          fileName,
          `has no '${path}': weight ${i} ('${variable.name}') of ${owner}, float32 [${variable.shape.join(', ')}]. ` +
            `The file holds ${held.length} arrays for this layer${held.length > 0 ? ` (${held.join(', ')})` : ''}. ${ARCHITECTURE_HINT} ${listLayers(weights)}`,
        );
      }
      copies.push([variable, checkedWeight(entry, variable, path, owner, fileName)]);
      used.add(path);
    });
  }
  const numbered = new Map<number, OptimizerEntry>();
  for (const [path, array] of weights) {
    if (used.has(path)) continue;
    const index = /^optimizer\/vars\/(0|[1-9]\d{0,8})$/.exec(path)?.[1];
    if (index !== undefined) {
      numbered.set(Number(index), { name: path, ...array });
      continue;
    }
    const group = groups.find((g) => g.path !== '' && path.startsWith(`${g.path}/vars/`));
    formatError(
      fileName,
      `holds '${path}', which this model has no place for` +
        (group ? `: ${group.owner.className} "${group.owner.name}" has ${group.variables.length} weights.` : '.') +
        ` ${ARCHITECTURE_HINT} ${listLayers(weights)}`,
    );
  }
  // Numbered 0 to n − 1 without a gap (a hostile index is a gap too, found without walking up to it).
  const optimizerEntries = Array.from({ length: numbered.size }, (_, i) => numbered.get(i));
  const missing = optimizerEntries.findIndex((entry) => entry === undefined);
  if (missing >= 0) formatError(fileName, `the optimizer's variables should be numbered 0 to ${numbered.size - 1}, but 'optimizer/vars/${missing}' is missing.`);
  const optimizer = optimizerOf(model, options.optimizer);
  const restoreOptimizer = optimizer === null ? () => {} : planKerasOptimizerRestore(optimizer, model.trainableWeights, optimizerEntries as OptimizerEntry[], fileName);
  for (const [variable, values] of copies) variable.data.set(values);
  restoreOptimizer();
}

/**
 * Sets `model`'s weights from a legacy `.h5` file as readLegacyH5 returns it,
 * and a compiled model's optimizer state from its `optimizer_weights`. The
 * file's layers with weights are matched to the model's by name when every
 * name is found, else in order (as Keras matches them), each layer's arrays
 * in Keras's legacy order; everything is checked before anything changes.
 */
export function setLegacyH5Weights(model: SavableModel, legacy: LegacyH5, fileName: string, options: SetKerasWeightsOptions = {}): void {
  checkModel(model, 'setLegacyH5Weights');
  if (typeof legacy !== 'object' || legacy === null || !(legacy.weights instanceof Map) || !Array.isArray(legacy.optimizerWeights)) {
    throw new ValueError(`setLegacyH5Weights takes what readLegacyH5 returns. Received: ${describeValue(legacy)}`);
  }
  const fileLayers = [...legacy.weights].filter(([, arrays]) => arrays.length > 0);
  const own = fileLayers.find(([name]) => name === 'top_level_model_weights');
  if (own) formatError(fileName, `holds ${own[1].length} weights of the model itself (top_level_model_weights); the models tinykeras builds keep all their weights in layers.`);
  const layers = model.layers.filter((layer) => layer.weights.length > 0);
  const byName = new Map(fileLayers);
  const names = fileLayers.map(([name]) => name);
  if (fileLayers.length !== layers.length) {
    formatError(
      fileName,
      `holds weights for ${fileLayers.length} layers (${names.join(', ') || 'none'}), but model "${model.name}" has ${layers.length} layers with weights ` +
        `(${layers.map((l) => l.name).join(', ') || 'none'}). ${ARCHITECTURE_HINT}`,
    );
  }
  const pairs = layers.every((layer) => byName.has(layer.name)) ? layers.map((layer) => [layer, layer.name] as const) : layers.map((layer, i) => [layer, names[i]!] as const);
  const copies: [Tensor, Float32Array][] = [];
  for (const [layer, fileLayer] of pairs) {
    const arrays = byName.get(fileLayer)!;
    const variables = legacyOrder(layer);
    const owner = `layer "${layer.name}" (${layer.className})`;
    if (arrays.length !== variables.length) {
      formatError(
        fileName,
        `layer '${fileLayer}' holds ${arrays.length} weights (${arrays.map((a) => `'${a.name}' [${a.shape.join(', ')}]`).join(', ')}), but ${owner} has ${variables.length} ` +
          `(${variables.map((v) => `'${v.name}' [${v.shape.join(', ')}]`).join(', ')}). ${ARCHITECTURE_HINT}`,
      );
    }
    variables.forEach((variable, i) => copies.push([variable, checkedWeight(arrays[i]!, variable, `${fileLayer}/${arrays[i]!.name}`, owner, fileName)]));
  }
  const optimizer = optimizerOf(model, options.optimizer);
  const restoreOptimizer = optimizer === null ? () => {} : planKerasOptimizerRestore(optimizer, model.trainableWeights, legacy.optimizerWeights, fileName);
  for (const [variable, values] of copies) variable.data.set(values);
  restoreOptimizer();
}

/** Which of Keras's weight files `bytes` hold, told by their content: a `.keras` zip, a Keras 3 `.weights.h5`, or a legacy `.h5`. */
export type KerasWeightsFileKind = 'keras-archive' | 'keras-weights' | 'legacy-h5';

/**
 * Sets `model`'s weights (and a compiled model's optimizer state) from any
 * of Keras's files: a `.keras` archive, a `.weights.h5` file, or a legacy
 * `.h5` file (whole model or weights only), as Keras 3's `load_weights`
 * reads them; the kind is told by the bytes, not the name. Returns the kind.
 */
export async function loadKerasWeights(model: SavableModel, bytes: Uint8Array, fileName: string, options: SetKerasWeightsOptions = {}): Promise<KerasWeightsFileKind> {
  checkFileArguments(bytes, fileName, 'loadKerasWeights');
  checkModel(model, 'loadKerasWeights');
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    setKerasArchiveWeights(model, (await readKerasArchive(bytes, fileName)).weights, fileName, options);
    return 'keras-archive';
  }
  const root = Hdf5File.open(bytes, fileName).root;
  if (root.attributes().has('layer_names') || root.find('model_weights') !== null) {
    setLegacyH5Weights(model, await readLegacyH5(bytes, fileName), fileName, options);
    return 'legacy-h5';
  }
  const weights = await readAllDatasets(root);
  if (weights.size === 0 && root.find('vars') === null && root.find('layers') === null) {
    formatError(fileName, "is an HDF5 file but not one of Keras's weight files: it has no 'layers' or 'vars' group (Keras 3) and no 'layer_names' attribute (legacy .h5).");
  }
  setKerasArchiveWeights(model, weights, fileName, options);
  return 'keras-weights';
}

// ---------------------------------------------------------------- helpers

const ARCHITECTURE_HINT = 'Was the file saved from a model of another architecture?';

/** Keras's `_legacy_weights` order: the trainable weights, then the others (all weights, in order, for a frozen layer). */
export function legacyOrder(layer: Layer): Tensor[] {
  const trainable = layer.trainableWeights;
  const rest = layer.weights.filter((w) => !trainable.includes(w));
  return [...trainable, ...rest];
}

/** The array as float32 values for `variable`, after checking its dtype and shape. */
function checkedWeight(entry: WeightArray, variable: Tensor, where: string, owner: string, fileName: string): Float32Array {
  const shapeFits = entry.shape.length === variable.shape.length && entry.shape.every((d, k) => d === variable.shape[k]);
  // An integer scalar too: Keras 3.15 keeps Normalization's count as int64 (earlier versions as float32).
  const dtypeFits = /^b?float(16|32|64)$/.test(entry.dtype) || (variable.shape.length === 0 && /^u?int(8|16|32|64)$/.test(entry.dtype));
  if (!shapeFits || !dtypeFits) {
    formatError(
      fileName,
      `'${where}' should be '${variable.name}' of ${owner}, float32 [${variable.shape.join(', ')}]. ` +
        `Received: ${entry.dtype} [${entry.shape.join(', ')}]. ${ARCHITECTURE_HINT}`,
    );
  }
  return entry.data instanceof Float32Array ? entry.data : Float32Array.from(entry.data as ArrayLike<number | bigint>, Number);
}

/** The layer groups a file holds, for messages: 'The file's layers: dense (2 arrays), dropout (0 arrays), …'. */
function listLayers(weights: ReadonlyMap<string, WeightArray>): string {
  const counts = new Map<string, number>();
  for (const path of weights.keys()) {
    const group = /^(.*)\/vars\/[^/]+$/.exec(path)?.[1];
    if (group !== undefined && group !== 'optimizer') counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  const groups = [...counts].sort(([a], [b]) => naturalCompare(a, b));
  const shown = groups.slice(0, 12).map(([group, n]) => `${group} (${n})`);
  return `The file's layers with weights: ${shown.join(', ') || 'none'}${groups.length > 12 ? `, and ${groups.length - 12} more` : ''}.`;
}

function checkModel(model: unknown, where: string): asserts model is SavableModel {
  const m = model as Partial<SavableModel> | null;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.layers) || !Array.isArray(m.weights) || typeof m.name !== 'string') {
    throw new ValueError(`${where} takes a Sequential or Functional model. Received: ${describeValue(model)}`);
  }
}
