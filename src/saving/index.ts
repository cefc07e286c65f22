/**
 * Saving and loading models in TensorFlow.js's layers-model format, so a
 * model trained here loads in TF.js (`tf.loadLayersModel`) and back.
 *
 * On disk (Node; see file-handler.ts for the path rules):
 *
 *     model.save('my-model')
 *       my-model/model.json    topology, format, manifest   (artifacts.ts, model-json.ts)
 *       my-model/weights.bin   float32 little-endian values in manifest order (weights-bin.ts)
 *
 *     model.save('my-model')   (a compiled model; includeOptimizer is true by default, as in Keras)
 *       model.json also holds trainingConfig (loss, metrics, optimizer_config;
 *       training-config.ts), and the manifest lists the optimizer's state after
 *       the model weights, with group 'optimizer': the iteration count as int32,
 *       then Adam's m for every trainable weight, then v (optimizer-state.ts).
 *       All of it is in the one weights.bin, which is what TF.js itself writes
 *       and what its loader reads back.
 *
 *     model.saveWeights('ckpt.weights.json')
 *       ckpt.weights.json      a model.json without modelTopology: just the manifest
 *       ckpt.weights.bin       the values, as above
 *
 *     model.saveWeights('ckpt.weights.h5')
 *       ckpt.weights.h5        Keras 3's weights file, which Keras's load_weights reads
 *                              (keras-weights-files.ts, keras-format/keras-weights.ts)
 *
 * Loading checks every field, shape, dtype and the byte count of the weights
 * before it changes anything: a corrupt or mismatched file throws, and leaves
 * no half-loaded model behind.
 */
import { describeValue, FileFormatError, RuntimeError, ShapeError, ValueError, excerpt } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Layer } from '../layers/layer.js';
import { checkArtifacts, type IOHandler, type ModelArtifacts, type SaveResult } from './artifacts.js';
import { checkDeadlineOptions } from '../utils/deadline.js';
import { resolveHandler } from './handlers.js';
import { GENERATED_BY, modelFromTopology, modelTopology } from './model-json.js';
import { isFunctional, type ModelFactories, type SavableModel } from './savable.js';
import { optimizerWeights, planOptimizerRestore } from './optimizer-state.js';
import { compileArgsFrom, trainingConfigOf } from './training-config.js';
import { decodeWeights, encodeWeights, type NamedWeight } from './weights-bin.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { isKerasFileBytes, isKerasFilePath, loadKerasWeightsBytes, loadKerasWeightsFile, saveKerasWeightsFile, type KerasFileBytes } from './keras-weights-files.js';
import { isKerasTarget, writeKerasFile } from './keras-format/keras-source.js';
import { kerasFileBytes } from './keras-format/keras-model-file.js';

export type { IOHandler, ModelArtifacts, SaveResult, WeightSpec, TrainingConfig } from './artifacts.js';
import type { TrainingConfig } from './artifacts.js';
export { io, MemoryHandler, BrowserDownloads } from './handlers.js';
export type { FunctionalArgs, ModelFactory, ModelFactories, SavableFunctional, SavableModel } from './savable.js';

export interface SaveOptions {
  /**
   * Also save the compile settings and the optimizer's state (Adam's m, v and
   * step count), so that `loadModel` returns a compiled model whose `fit`
   * resumes where this one stopped. True by default for a compiled model, as
   * in Keras (TF.js defaults to false); false saves the layers and weights alone.
   */
  includeOptimizer?: boolean;
}

export interface LoadOptions {
  /** Compile the loaded model from the saved trainingConfig, if there is one. True by default, as in Keras. */
  compile?: boolean;
  /** Aborts a load from the network: fetching stops and loadModel fails with a FileFormatError. */
  signal?: AbortSignal;
  /**
   * The most milliseconds a load from an http(s) URL may take in all, model.json and weights, bodies included
   * (a server that sends a byte a second is stopped too). 120,000 by default; Infinity waits as long as it takes.
   */
  timeoutMs?: number;
}

/**
 * Saves `model` (topology and weights, optionally the optimizer) to a
 * directory, a `file://` URL, `'downloads://name'`, or any IOHandler.
 */
export async function saveModel(model: SavableModel, pathOrHandler: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
  const where = 'save()';
  if (isKerasTarget(pathOrHandler)) return saveKerasFile(model, pathOrHandler, options);
  requireModel(model, where);
  checkTypedOptions(where, options, { includeOptimizer: 'boolean' } satisfies Record<keyof SaveOptions, OptionKind>);
  const handler = resolveHandler(pathOrHandler, 'save', where);
  const artifacts: ModelArtifacts = { modelTopology: modelTopology(model), format: 'layers-model', generatedBy: GENERATED_BY, convertedBy: null };
  const weights = namedWeightsOf(model);
  const asked = options.includeOptimizer;
  if (asked === true && !model.compiled) {
    throw new RuntimeError(`${where}: includeOptimizer needs a compiled model; model "${model.name}" has no optimizer. Call compile() first.`);
  }
  if ((asked ?? true) && model.compiled) {
    const trainingConfig = trainingConfigFor(model.compiled, fileOutputNames(model), asked === undefined);
    if (trainingConfig !== null) {
      artifacts.trainingConfig = trainingConfig;
      // Slots are named after the weights as saved, nested paths included.
      const savedName = new Map(model.weights.map((w, i) => [w, weights[i]!.name]));
      weights.push(...optimizerWeights(model.compiled.optimizer, model.trainableWeights, (v) => savedName.get(v) ?? v.name));
    }
  }
  const { specs, data } = encodeWeights(weights);
  artifacts.weightSpecs = specs;
  artifacts.weightData = data;
  return handler.save!(artifacts);
}

/**
 * Saves a Sequential or Functional model as Keras 3's `.keras` file (config,
 * weights, and the optimizer when compiled), or as a legacy `.h5` / `.hdf5`
 * file, written whole or not at all.
 */
async function saveKerasFile(model: SavableModel, path: string, options: SaveOptions): Promise<SaveResult> {
  const where = 'save()';
  requireModel(model, where);
  checkTypedOptions(where, options, { includeOptimizer: 'boolean' } satisfies Record<keyof SaveOptions, OptionKind>);
  const bytes = await kerasFileBytes(model as SavableModel & Layer, options, /\.keras$/i.test(path) ? 'keras' : 'h5');
  await writeKerasFile(path, bytes, where);
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
}

/**
 * The trainingConfig to save, or null. A loss or optimizer that a file cannot
 * describe is an error when includeOptimizer was asked for, and a warning
 * (the model saved without its optimizer) when it was only the default.
 */
function trainingConfigFor(compiled: NonNullable<SavableModel['compiled']>, outputNames: readonly string[] | null, byDefault: boolean): TrainingConfig | null {
  try {
    return trainingConfigOf(compiled, outputNames);
  } catch (error) {
    if (!(byDefault && error instanceof ValueError)) throw error;
    console.warn(`${error.message.replace(/ Save with \{ includeOptimizer: false \}[^.]*\./, '')} The model is saved without its optimizer; pass { includeOptimizer: false } to say so.`);
    return null;
  }
}

/**
 * Rebuilds a saved Sequential or Functional model with its weights, from a
 * directory, its model.json, a `file://` URL, or any IOHandler (TF.js's
 * included). When the file holds a trainingConfig the model comes back
 * compiled, its optimizer's state restored. Keras's `keras.models.load_model`
 * (src/models/load-model.ts passes `make`, which constructs the models).
 */
export async function loadModel<M extends SavableModel & Layer>(pathOrHandler: string | IOHandler, options: LoadOptions, make: ModelFactories<M>): Promise<M> {
  checkTypedOptions('loadModel()', options, { compile: 'boolean', signal: 'any', timeoutMs: 'number' } satisfies Record<keyof LoadOptions, OptionKind>);
  checkDeadlineOptions(options, 'loadModel()');
  const handler = resolveHandler(pathOrHandler, 'load', 'loadModel()');
  const artifacts = checkArtifacts(await handler.load!({ signal: options.signal, timeoutMs: options.timeoutMs }), 'loadModel(): the handler\'s artifacts');
  const jsonSource = artifacts.sources?.modelJSON ?? 'model artifacts';
  const dataSource = artifacts.sources?.weights ?? 'weightData';

  // Everything is checked first; the new model is only written once nothing can fail.
  const entries = decodeWeights(artifacts.weightSpecs, artifacts.weightData, jsonSource, dataSource);
  const modelValues = entries.reduce((n, e) => n + (e.group === 'optimizer' ? 0 : e.values.length), 0);
  const model = modelFromTopology(artifacts.modelTopology, jsonSource, make, modelValues);
  const copies = checkModelWeights(model, entries.filter((e) => e.group !== 'optimizer'), jsonSource);
  let restoreOptimizer = () => {};
  if (options.compile !== false && artifacts.trainingConfig !== undefined && artifacts.trainingConfig !== null) {
    const args = compileArgsFrom(artifacts.trainingConfig, jsonSource, fileOutputNames(model));
    try {
      model.compile(args);
    } catch (error) {
      if (error instanceof ValueError) throw new ValueError(`${jsonSource}: trainingConfig: ${error.message}`, { cause: error });
      throw error;
    }
    const optimizerEntries = entries.filter((e) => e.group === 'optimizer');
    restoreOptimizer = planOptimizerRestore(args.optimizer, model.trainableWeights, optimizerEntries, jsonSource);
  }

  for (const [weight, values] of copies) weight.data.set(values);
  restoreOptimizer();
  return model;
}

/**
 * Saves the weights alone. A path ending in `.weights.h5` gets Keras 3's
 * weights file (Keras's `save_weights`; with the optimizer's state when the
 * model is compiled), which Keras's `load_weights` reads; a path ending in
 * `.weights.json` gets TF.js's manifest, the values going to `.weights.bin`
 * beside it; or give an IOHandler.
 */
export async function saveWeights(model: SavableModel, pathOrHandler: string | IOHandler): Promise<SaveResult> {
  const where = 'saveWeights()';
  requireModel(model, where);
  if (typeof pathOrHandler === 'string' && /\.weights\.h5$/.test(pathOrHandler) && isKerasFilePath(pathOrHandler)) {
    requireBuilt(model, where);
    return saveKerasWeightsFile(model, pathOrHandler, where);
  }
  if (typeof pathOrHandler === 'string' && !pathOrHandler.startsWith('downloads://') && !pathOrHandler.endsWith('.weights.json')) {
    throw new ValueError(
      `${where}: the file name must end in \`.weights.h5\` (Keras 3's weights file) or \`.weights.json\` (TF.js's, the values ` +
        `going beside it, in \`.weights.bin\`). To save the whole model, use model.save(). Received: filepath='${pathOrHandler}'`,
    );
  }
  const handler = resolveHandler(pathOrHandler, 'save', where);
  requireBuilt(model, where);
  const { specs, data } = encodeWeights(namedWeightsOf(model));
  return handler.save!({ format: 'layers-model', generatedBy: GENERATED_BY, convertedBy: null, weightSpecs: specs, weightData: data });
}

/**
 * Loads weights into `model`, which must already have the architecture they
 * came from. Reads Keras's files as Keras 3's `load_weights` does (a
 * `.weights.h5`, the weights of a `.keras` archive or of a legacy `.h5`
 * file, by path or given as a File, Blob or bytes; a compiled model's
 * optimizer state too), or TF.js's: a `.weights.json` file, a saved model
 * (directory or model.json: its weights, not its topology), or any
 * IOHandler. TF.js's weights are matched to the model's by name when every
 * name is found, else by position (names differ when the same architecture is
 * built twice in one process: dense, dense_1, then dense_2, dense_3); Keras
 * 3's by layer class and order, as Keras does. Every shape is checked before
 * any weight changes.
 */
export async function loadWeights(model: SavableModel, pathOrHandler: string | IOHandler | KerasFileBytes): Promise<void> {
  const where = 'loadWeights()';
  requireModel(model, where);
  if (isKerasFileBytes(pathOrHandler) || (typeof pathOrHandler === 'string' && isKerasFilePath(pathOrHandler))) {
    requireBuilt(model, where);
    return isKerasFileBytes(pathOrHandler) ? loadKerasWeightsBytes(model, pathOrHandler) : loadKerasWeightsFile(model, pathOrHandler, where);
  }
  const handler = resolveHandler(pathOrHandler, 'load', where);
  requireBuilt(model, where);
  const artifacts = checkArtifacts(await handler.load!(), `${where}: the handler's artifacts`);
  const jsonSource = artifacts.sources?.modelJSON ?? 'model artifacts';
  const dataSource = artifacts.sources?.weights ?? 'weightData';
  const entries = decodeWeights(artifacts.weightSpecs, artifacts.weightData, jsonSource, dataSource).filter((e) => e.group !== 'optimizer');

  const own = model.weights;
  if (entries.length !== own.length) {
    throw new ValueError(
      `${where}: ${jsonSource} holds ${entries.length} weights but model "${model.name}" has ${own.length}; ` +
        `the weights were saved from a model of another architecture. ` +
        `Received: ${describeValue(entries.map((e) => e.name))}, expected: ${describeValue(own.map((w) => w.name))}`,
    );
  }
  const pairs = pairWeights(own, entries);
  for (const [weight, entry] of pairs) {
    if (!shapesEqual(weight.shape, entry.shape) || entry.dtype !== 'float32') {
      throw new ShapeError(
        `${where}: weight '${weight.name}' of model "${model.name}" has shape [${weight.shape.join(', ')}], but the ` +
          `matching saved weight ${excerpt(entry.name)} in ${jsonSource} is ${entry.dtype} [${entry.shape.join(', ')}]; the ` +
          `weights were saved from a model of another architecture. Received: shape=[${entry.shape.join(', ')}]`,
      );
    }
  }
  for (const [weight, entry] of pairs) weight.data.set(entry.values);
}

// ---------------------------------------------------------------- helpers

/** The model's weights as manifest entries, named `<layer>/kernel`, `<layer>/bias`. */
function namedWeightsOf(model: SavableModel): NamedWeight[] {
  const names = uniqueWeightNames(model);
  return model.weights.map((w, i) => ({ name: names[i]!, shape: w.shape, dtype: 'float32' as const, values: w.data }));
}

/**
 * The names the weights are saved under: each weight's own name
 * ('dense/kernel'), except where two would be equal (a Dense named 'd' in
 * each of two nested models): those get their path through the nested
 * models, as Keras writes nested weights ('inner_a/d/kernel'). Loading pairs
 * such weights by position, since the rebuilt layers have the plain names.
 */
function uniqueWeightNames(model: SavableModel): string[] {
  const paths = new Map<Tensor, string>();
  const walk = (layers: readonly Layer[], prefix: string) => {
    for (const layer of layers) {
      const inner = (layer as { layers?: unknown }).layers;
      if (Array.isArray(inner)) walk(inner as Layer[], `${prefix}${layer.name}/`);
      else for (const w of layer.weights) paths.set(w, `${prefix}${w.name}`);
    }
  };
  walk(model.layers, '');
  const weights = model.weights;
  const counts = new Map<string, number>();
  for (const w of weights) counts.set(w.name, (counts.get(w.name) ?? 0) + 1);
  return weights.map((w) => (counts.get(w.name)! > 1 ? (paths.get(w) ?? w.name) : w.name));
}

/**
 * Checks that the file's model weights are exactly the ones the topology
 * builds (as TF.js's strict loading does), and returns the copies to make.
 */
function checkModelWeights(model: SavableModel, entries: readonly NamedWeight[], source: string): [Tensor, Float32Array][] {
  const own = model.weights;
  if (entries.length !== own.length) {
    throw new FileFormatError(
      source,
      `${source}: modelTopology builds ${own.length} weights, but weightsManifest holds ${entries.length} model weights. ` +
        `Received: ${describeValue(entries.map((e) => e.name))}, expected: ${describeValue(own.map((w) => w.name))}`,
    );
  }
  return pairWeights(own, entries).map(([weight, entry]) => {
    if (!shapesEqual(weight.shape, entry.shape) || entry.dtype !== 'float32') {
      throw new FileFormatError(
        source,
        `${source}: weightsManifest entry ${excerpt(entry.name)} does not fit the layer that owns it: modelTopology builds ` +
          `'${weight.name}' as float32 [${weight.shape.join(', ')}]. Received: dtype=${entry.dtype}, shape=[${entry.shape.join(', ')}]`,
      );
    }
    return [weight, entry.values as Float32Array];
  });
}

/** Pairs weights with saved entries (equal counts): by name when every name is found, else by position. */
function pairWeights(weights: readonly Tensor[], entries: readonly NamedWeight[]): [Tensor, NamedWeight][] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (weights.every((w) => byName.has(w.name))) return weights.map((w) => [w, byName.get(w.name)!]);
  return weights.map((w, i) => [w, entries[i]!]);
}

/**
 * A Sequential or a Functional model (keras.Model), by what saving reads of
 * it (this folder does not import the model classes: src/models imports it).
 */
function requireModel(model: unknown, where: string): asserts model is SavableModel {
  const m = model as Partial<SavableModel> | null;
  const isSequential = typeof m === 'object' && m !== null && m.className === 'Sequential' && Array.isArray(m.layers) && Array.isArray(m.weights);
  if (!isSequential && !isFunctional(model)) throw new ValueError(`${where}: expected a Sequential or Functional model. Received: ${describeValue(model)}`);
}

/**
 * The output names a file's trainingConfig uses for a model of several
 * outputs: the names of the layers that make them, which are what a loaded
 * model calls its outputs. Null for a model of one output.
 */
function fileOutputNames(model: SavableModel): readonly string[] | null {
  if (!isFunctional(model) || model.outputs.length === 1) return null;
  return model.outputs.map((t) => t.node.layer.name);
}

function requireBuilt(model: SavableModel, where: string): void {
  if (!model.built) {
    throw new RuntimeError(
      `${where}: model "${model.name}" has not been built yet, so it has no weights. Give the first layer an ` +
        'inputShape (for example new Flatten({ inputShape: [28, 28] })), or call the model on data first.',
    );
  }
}
