/**
 * Writing a model's weights and optimizer state in the legacy `.h5` layout,
 * as Keras 3's `model.save('x.h5')` does (legacy-h5.ts reads it):
 *
 *     /model_weights               @layer_names: every layer of model.layers, @backend, @keras_version
 *        /<layer name>             @weight_names: its weights in Keras's legacy order (trainable
 *           /<layer>/kernel          first), e.g. 'hidden/kernel'; a nested model's as
 *                                    'inner/dense/kernel'; an empty list for a layer without weights
 *        /top_level_model_weights  @weight_names: empty (a model's own weights: none here)
 *     /optimizer_weights           @weight_names: 'adam/iteration', 'adam/learning_rate',
 *                                    then each trainable weight's slots: 'adam/hidden_kernel_momentum',
 *                                    'adam/hidden_kernel_velocity', … (keras-optimizer-state.ts)
 *
 * The file's root attributes (model_config, training_config, keras_version,
 * backend) are the caller's: `legacyH5Root(model, { modelConfig, … })`.
 * Keras matches layers in order and weights by position, so the names only
 * need to be distinct.
 */
import { ValueError } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { SavableModel } from '../savable.js';
import type { AttributeValue, WritableDataset, WritableGroup } from './hdf5/writer.js';
import { KERAS_FORMAT_VERSION } from './keras-archive.js';
import { kerasOptimizerVariables } from './keras-optimizer-state.js';
import { legacyOrder, type KerasWeightsOptions } from './keras-weights.js';

export interface LegacyH5RootOptions extends KerasWeightsOptions {
  /** The model's config as Keras's legacy file holds it ({ class_name, config }); written as the JSON attribute model_config. */
  modelConfig?: unknown;
  /** compile()'s settings in Keras's legacy form; written as training_config (with the optimizer's state only). */
  trainingConfig?: unknown;
}

/** Keras's slot names in optimizer variable names: Adam's m is its "momentum", v its "velocity". */
const KERAS_SLOT_NAMES: Readonly<Record<string, string>> = { m: 'momentum', v: 'velocity', momentum: 'momentum' };

/** The root group of a legacy `.h5` file of `model`: model_weights, and optimizer_weights for a compiled model (unless includeOptimizer is false). */
export function legacyH5Root(model: SavableModel, options: LegacyH5RootOptions = {}): WritableGroup {
  const attributes: Record<string, AttributeValue> = { backend: 'tensorflow', keras_version: KERAS_FORMAT_VERSION };
  if (options.modelConfig !== undefined) attributes.model_config = JSON.stringify(options.modelConfig);
  const members: WritableGroup['members'] = group();
  members.model_weights = modelWeightsGroup(model);
  const optimizer = options.includeOptimizer !== false ? model.compiled?.optimizer : undefined;
  if (optimizer) {
    if (options.trainingConfig !== undefined) attributes.training_config = JSON.stringify(options.trainingConfig);
    const trainable = model.trainableWeights;
    const names = legacyWeightNames(model);
    const variableNames = [
      `${optimizer.name}/iteration`,
      `${optimizer.name}/learning_rate`,
      ...trainable.flatMap((w) => optimizer.slotNames.map((slot) => `${optimizer.name}/${names.get(w)!.replace(/\//g, '_')}_${KERAS_SLOT_NAMES[slot] ?? slot}`)),
      // Keras names Nadam's u_product, an unnamed variable, 'variable'.
      ...optimizer.kerasTrailingScalars().map(() => `${optimizer.name}/variable`),
    ];
    const optimizerGroup: WritableGroup = { kind: 'group', attributes: { weight_names: variableNames }, members: group() };
    kerasOptimizerVariables(optimizer, trainable).forEach((array, i) => place(optimizerGroup, variableNames[i]!, { kind: 'dataset', ...array }));
    members.optimizer_weights = optimizerGroup;
  }
  return { kind: 'group', attributes, members };
}

function modelWeightsGroup(model: SavableModel): WritableGroup {
  const names = legacyWeightNames(model);
  const members = group();
  for (const layer of model.layers) {
    const weights = legacyOrder(layer);
    const weightNames = weights.map((w) => names.get(w)!);
    const layerGroup: WritableGroup = { kind: 'group', attributes: { weight_names: namesAttribute(weightNames) }, members: group() };
    weights.forEach((w, i) => place(layerGroup, weightNames[i]!, { kind: 'dataset', shape: [...w.shape], data: w.data }));
    members[layer.name] = layerGroup;
  }
  members.top_level_model_weights = { kind: 'group', attributes: { weight_names: namesAttribute([]) }, members: group() };
  return { kind: 'group', attributes: { layer_names: model.layers.map((l) => l.name), backend: 'tensorflow', keras_version: KERAS_FORMAT_VERSION }, members };
}

/** Each weight's name in the file: '<layer>/<weight>', through nested models ('inner/dense/kernel'), made distinct with a suffix where two would be equal. */
function legacyWeightNames(model: SavableModel): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  const taken = new Set<string>();
  const walk = (layers: readonly Layer[], prefix: string): void => {
    for (const layer of layers) {
      const inner = (layer as { layers?: unknown }).layers;
      if (Array.isArray(inner)) {
        walk(inner as Layer[], `${prefix}${layer.name}/`);
        continue;
      }
      layer.weights.forEach((w, i) => {
        const base = `${prefix}${layer.name}/${w.name.split('/').pop() || `weight_${i}`}`;
        let name = base;
        for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
        taken.add(name);
        names.set(w, name);
      });
    }
  };
  walk(model.layers, '');
  return names;
}

/** A list of names as Keras writes it: strings, or an empty float array for none (h5py cannot store an empty string list). */
function namesAttribute(names: readonly string[]): AttributeValue {
  return names.length > 0 ? [...names] : { shape: [0], data: new Float64Array(0) };
}

/** Puts `dataset` at `path` (names separated by '/') under `parent`, making the groups between. */
function place(parent: WritableGroup, path: string, dataset: WritableDataset): void {
  const parts = path.split('/');
  let target = parent;
  for (const part of parts.slice(0, -1)) {
    const next = target.members[part] ?? (target.members[part] = { kind: 'group', members: group() });
    if (next.kind !== 'group') throw new ValueError(`The legacy weight name '${path}' goes through '${part}', which is itself a weight (two layers' names overlap).`);
    target = next;
  }
  target.members[parts[parts.length - 1]!] = dataset;
}

/** Members of a group: a null-prototype object, so that a layer named '__proto__' is only a name. */
function group(): WritableGroup['members'] {
  return Object.create(null) as WritableGroup['members'];
}
