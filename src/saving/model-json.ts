/**
 * modelTopology ↔ model: the Keras class names and configs that TF.js's
 * layers-model format uses to describe a model. A Sequential is a list of
 * layers; a Functional model (keras.Model) a graph, read and written by
 * functional-json.ts with the layer functions here. Either may be a layer
 * of the other (a nested model).
 *
 *     { class_name: 'Sequential',
 *       config: { name: 'sequential',
 *                 layers: [ { class_name: 'Flatten', config: { name, trainable, batch_input_shape: [null, 28, 28],
 *                                                              dtype: 'float32', data_format: 'channels_last' } },
 *                           { class_name: 'Dense',   config: { name, trainable, dtype, units: 128, activation: 'relu',
 *                                                              use_bias: true,
 *                                                              kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
 *                                                              bias_initializer: { class_name: 'Zeros', config: {} },
 *                                                              kernel_regularizer: null, … } } ] },
 *       keras_version: 'tinykeras 0.1.0', backend: 'tinykeras' }
 *
 * Keys are Keras's snake_case; TF.js converts them to its camelCase when it
 * loads. Only the first layer carries `batch_input_shape`, the model's input.
 *
 * Each layer's config is its class's own: `layer.getConfig()` writes it and
 * the class's static `fromConfig(config)` reads it (Keras's get_config and
 * from_config). This file adds no per-class code: it knows the classes only
 * through LAYER_CLASSES, one line each.
 *
 * Reading builds the layers without drawing a single random number
 * (`withWeightsToBeLoaded`): their weights are about to be overwritten from
 * weights.bin, and leaving the random stream untouched is what lets a
 * resumed `fit` shuffle exactly as an uninterrupted one would. A layer with
 * initializers (Dense, Conv2D, BatchNormalization) keeps them as the file
 * named them, so saving a loaded model writes them back unchanged.
 */
import { describeValue, excerpt, FileFormatError, RuntimeError, ValueError } from '../errors.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { Dropout } from '../layers/dropout.js';
import { Activation, ReLU, Softmax } from '../layers/activation-layers.js';
import { Conv2D } from '../layers/conv2d.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
import { ZeroPadding2D } from '../layers/zero-padding.js';
import { Reshape } from '../layers/reshape.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { RandomFlip, RandomTranslation, Rescaling } from '../layers/preprocessing.js';
import { RandomRotation, RandomZoom } from '../layers/random-affine.js';
import { Normalization } from '../layers/normalization.js';
import { MalformedConfigError, layerArgsFromConfig, type LayerConfig } from '../layers/config.js';
import { withWeightsToBeLoaded, type BatchShape, type Layer } from '../layers/layer.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from '../layers/merge.js';
import { isFunctional, type ModelFactories, type SavableModel } from './savable.js';
import { functionalConfig, functionalFrom, type KerasObject } from './functional-json.js';
import { sizeOf } from '../tensor/shape.js';
import { ownEntry } from '../utils/registry.js';
import { isObject } from './artifacts.js';

export const TINYKERAS_VERSION = '0.1.0';
/** The `generatedBy` of every file tinykeras writes. */
export const GENERATED_BY = `tinykeras v${TINYKERAS_VERSION}`;

export type { KerasObject };

/** What saving needs of a layer class: its Keras name and its reader (Keras's from_config). */
interface LayerClass {
  readonly className: string;
  readonly prototype: Layer;
  fromConfig(config: LayerConfig): Layer;
}

/** Every layer class a file can name, by its Keras class name: one line per class. */
const LAYER_CLASSES: Readonly<Record<string, LayerClass>> = Object.fromEntries(
  ([
    Dense,
    Flatten,
    Dropout,
    Softmax,
    Activation,
    ReLU,
    Conv2D,
    MaxPooling2D,
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    ZeroPadding2D,
    Reshape,
    BatchNormalization,
    Rescaling,
    RandomFlip,
    RandomTranslation,
    RandomRotation,
    RandomZoom,
    Normalization,
    Concatenate,
    Add,
    Subtract,
    Multiply,
    Average,
    Maximum,
    Minimum,
  ] satisfies LayerClass[]).map((layerClass) => [layerClass.className, layerClass]),
);

const LOADABLE_LAYERS = [...Object.keys(LAYER_CLASSES), 'Sequential and Functional (nested models)', 'InputLayer'];

/** The class names of a Functional model: Keras 3's and tf.keras 2's 'Functional', TF.js's 'Model'. */
const FUNCTIONAL_NAMES = ['Functional', 'Model'];

/** The Keras class names of every layer class a file can name (LAYER_CLASSES), for messages and tests. */
export const LAYER_CLASS_NAMES: readonly string[] = Object.keys(LAYER_CLASSES);

/** Whether `layer` is exactly a registered class (not a subclass, which may compute something its config does not say). */
export function isRegisteredLayer(layer: Layer): boolean {
  return (ownEntry(LAYER_CLASSES, layer.className) as unknown) === layer.constructor;
}

/**
 * The layer a config entry describes, by its class's fromConfig: a
 * FileFormatError for a malformed config, a ValueError naming the class
 * and the classes tinykeras has for one it does not; `at` names the entry.
 * `known` lists extra classes the caller reads itself (nested models).
 */
export function layerFromConfig(className: string, config: Record<string, unknown>, at: string, source: string, known: readonly string[] = []): Layer {
  readAt(at, source, () => layerArgsFromConfig(config));
  const layerClass = ownEntry(LAYER_CLASSES, className);
  if (layerClass === undefined) {
    const names = [...Object.keys(LAYER_CLASSES), ...known];
    throw new ValueError(`${at}: unknown layer class; tinykeras can load ${names.join(', ')}. Received: class_name=${excerpt(className)}`);
  }
  return readAt(at, source, () => layerClass.fromConfig(config));
}

/**
 * Reads an entry of a Sequential's layer list that is a model of another
 * class (a Functional), or returns undefined for an ordinary layer: how
 * src/saving/keras-format/keras-config.ts adds Keras 3's nested models.
 */
export type NestedModelReader = (entry: Record<string, unknown>, path: string) => Layer | undefined;

// ---------------------------------------------------------------- writing

/** The modelTopology of a built Sequential or Functional model. */
export function modelTopology(model: SavableModel): KerasObject & { keras_version: string; backend: string } {
  const versions = { keras_version: `tinykeras ${TINYKERAS_VERSION}`, backend: 'tinykeras' };
  if (isFunctional(model)) return { class_name: 'Functional', config: functionalConfig(model, (layer) => layerConfig(layer, null)), ...versions };
  const inputShape = model.builtInputShape;
  if (!model.built || inputShape === null) {
    throw new RuntimeError(
      `save(): model "${model.name}" has not been built yet, so it has no weights to save. Give the first layer ` +
        'an inputShape (for example new Flatten({ inputShape: [28, 28] })), or call the model on data first.',
    );
  }
  return {
    class_name: 'Sequential',
    config: { name: model.name, layers: model.layers.map((layer, i) => layerConfig(layer, i === 0 ? inputShape : null)) },
    ...versions,
  };
}

/**
 * A layer as { class_name, config }: its getConfig(), with the model's input
 * shape on the first layer only. Exact classes only: a subclass may compute
 * something its config does not say.
 */
function layerConfig(layer: Layer, batchInputShape: BatchShape | null): KerasObject {
  if (isNestedSequential(layer)) return nestedConfig(layer);
  if (isFunctional(layer)) return { class_name: 'Functional', config: functionalConfig(layer, (inner) => layerConfig(inner, null)) };
  if (!isRegisteredLayer(layer)) {
    throw new ValueError(
      `save(): layer "${layer.name}" is a ${layer.className}, which the layers-model format written by tinykeras ` +
        `cannot describe yet; it can save ${LOADABLE_LAYERS.slice(0, -1).join(', ')} layers. Use saveWeights() to save the weights alone. ` +
        `Received: class_name='${layer.className}'`,
    );
  }
  const { name, trainable, batch_input_shape: _own, ...rest } = layer.getConfig();
  const config: Record<string, unknown> = { name, trainable };
  if (batchInputShape !== null) config.batch_input_shape = [...batchInputShape];
  return { class_name: layer.className, config: { ...config, ...rest } };
}

/** A Sequential model used as a layer (known by its class name: saving never imports the model class). */
function isNestedSequential(layer: Layer): layer is Layer & { layers: Layer[] } {
  return layer.className === 'Sequential' && Array.isArray((layer as { layers?: unknown }).layers);
}

/**
 * A nested Sequential as Keras writes it: a layer whose config holds its own
 * layers, the first of them with the nested model's batch_input_shape.
 */
function nestedConfig(model: Layer & { layers: Layer[] }): KerasObject {
  const inputShape = model.builtInputShape;
  return {
    class_name: 'Sequential',
    config: { name: model.name, trainable: model.trainable, layers: model.layers.map((layer, i) => layerConfig(layer, i === 0 ? inputShape : null)) },
  };
}

// ---------------------------------------------------------------- reading

/**
 * Rebuilds the Sequential or Functional model a modelTopology describes
 * (with `make`, which constructs the model classes), built (weights allocated, as zeros)
 * but not yet loaded. Throws a FileFormatError for a
 * malformed topology and a ValueError for a well-formed one that uses
 * something tinykeras does not have (an LSTM layer, a gelu activation).
 * `maxValues` bounds the weight values the topology may build (the count the
 * manifest declares): a topology of a few bytes cannot make us allocate more.
 */
export function modelFromTopology<M extends SavableModel & Layer>(
  topology: unknown,
  source: string,
  make: ModelFactories<M>,
  maxValues = Infinity,
  weights: 'to be loaded' | 'fresh' = 'to be loaded',
): M {
  if (topology === undefined || topology === null) {
    throw new FileFormatError(
      source,
      `${source}: missing modelTopology, so there is no model to rebuild. A file written by saveWeights() ` +
        'holds weights alone: load it with model.loadWeights(path) into a model you build yourself.',
    );
  }
  if (!isObject(topology)) {
    throw new FileFormatError(source, `${source}: modelTopology must be a JSON object. Received: modelTopology=${describeValue(topology)}`);
  }
  // Files converted from Keras .h5 wrap the model in { model_config: … }.
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  if (!isModelEntry(model)) {
    throw new ValueError(
      `${source}: tinykeras rebuilds Sequential and Functional models (class_name 'Sequential', 'Functional' or 'Model'). ` +
        `Received: modelTopology.class_name=${describeValue(model.class_name)}`,
    );
  }
  // Fresh weights (modelFromJSON) are drawn from the layers' initializers, as building in code draws them.
  if (weights === 'fresh') return modelFrom(model, 'modelTopology', source, make, maxValues);
  return withWeightsToBeLoaded(() => modelFrom(model, 'modelTopology', source, make, maxValues));
}

/** Whether a { class_name, config } entry is a model (a Sequential or a Functional one). */
function isModelEntry(entry: Record<string, unknown>): boolean {
  return entry.class_name === 'Sequential' || FUNCTIONAL_NAMES.includes(entry.class_name as string);
}

/** A Sequential or Functional model from its { class_name, config }; `path` names it in messages. */
function modelFrom<M extends SavableModel & Layer>(
  model: Record<string, unknown>,
  path: string,
  source: string,
  make: ModelFactories<M>,
  maxValues: number,
  readNested?: NestedModelReader,
): M {
  if (model.class_name === 'Sequential') return sequentialFrom(model, path, source, make, maxValues, readNested);
  const reader = {
    readLayer: (entry: Record<string, unknown>, at: string, entryPath: string) => layerFrom(entry, entry.config as Record<string, unknown>, at, entryPath, source, make, maxValues),
    make: make.functional,
  };
  return functionalFrom(model, path, source, reader, maxValues);
}

/**
 * One layer from its entry, with `config` (the entry's, or the entry's with
 * the model's input shape added): a nested model, or a class of
 * LAYER_CLASSES read by its fromConfig.
 */
function layerFrom<M extends SavableModel & Layer>(
  entry: Record<string, unknown>,
  config: Record<string, unknown>,
  at: string,
  path: string,
  source: string,
  make: ModelFactories<M>,
  maxValues: number,
): Layer {
  if (isModelEntry(entry)) return modelFrom(entry, path, source, make, maxValues);
  return layerFromConfig(entry.class_name as string, config, at, source, LOADABLE_LAYERS.slice(-2));
}

/**
 * A Sequential model from its { class_name: 'Sequential', config }, nested
 * models included; `path` names it in messages. `readNested` reads nested
 * models of other classes (Keras 3's Functional); the caller runs it inside
 * withWeightsToBeLoaded when the weights come from a file.
 */
export function sequentialFrom<M extends SavableModel & Layer>(
  model: Record<string, unknown>,
  path: string,
  source: string,
  make: ModelFactories<M>,
  maxValues: number,
  readNested?: NestedModelReader,
): M {
  // Old Keras wrote the layer list as the config itself.
  const config = model.config;
  const entries = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(entries)) {
    throw new FileFormatError(source, `${source}: ${path}.config.layers must be a list of layers. Received: layers=${describeValue(entries)}`);
  }
  const name = isObject(config) && typeof config.name === 'string' ? config.name : undefined;
  const trainable = isObject(config) && typeof config.trainable === 'boolean' ? config.trainable : undefined;

  const layers: Layer[] = [];
  let inputShape: number[] | undefined;
  entries.forEach((entry, i) => {
    const where = `${source}: ${path} layer ${i}`;
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
      throw new FileFormatError(source, `${where} must be an object { class_name, config }. Received: ${describeValue(entry)}`);
    }
    const cfg = entry.config;
    const at = `${where} (${typeof cfg.name === 'string' ? excerpt(cfg.name, 80, '"') : '?'}, ${excerpt(entry.class_name, 80, '')})`;
    if (layers.length === 0) inputShape ??= readInputShape(cfg, at, source);
    if (entry.class_name === 'InputLayer') {
      if (layers.length > 0) throw new ValueError(`${at}: an InputLayer can only come first in a Sequential model.`);
      return;
    }
    const other = readNested?.(entry, `${path} layer ${i}`);
    if (other !== undefined || isModelEntry(entry)) {
      const nested = other ?? modelFrom(entry, `${path} layer ${i}`, source, make, maxValues, readNested);
      // A nested model given first brings the input shape with it.
      if (layers.length === 0) inputShape ??= nested.builtInputShape?.slice(1) as number[] | undefined;
      layers.push(nested);
      return;
    }
    // The model's input shape goes to its first layer only, as batch_input_shape whichever key the file used.
    const { batch_input_shape: _shape, batch_shape: _keras3Shape, ...own } = cfg;
    const config = layers.length === 0 && inputShape !== undefined ? { ...own, batch_input_shape: [null, ...inputShape] } : own;
    layers.push(layerFrom(entry, config, at, `${path} layer ${i}`, source, make, maxValues));
  });

  const names = new Set<string>();
  for (const layer of layers) {
    if (names.has(layer.name)) throw new FileFormatError(source, `${source}: two layers are named "${layer.name}"; layer names must be unique.`);
    names.add(layer.name);
  }
  if (layers.length === 0) throw new FileFormatError(source, `${source}: ${path} has no layers.`);
  if (inputShape === undefined) {
    throw new ValueError(
      `${source}: the first layer has no batch_input_shape, so the shapes of the weights are unknown and ` +
        'the model cannot be built. Received: a model without an input shape',
    );
  }
  const values = weightValueCount(layers, inputShape);
  // The slack of 2^20 values (4 MiB) lets checkModelWeights name the weight that differs in a small mismatch.
  if (values > maxValues + 2 ** 20) {
    throw new FileFormatError(
      source,
      `${source}: modelTopology builds ${values} weight values, but weightsManifest declares ${maxValues}; ` +
        `the topology and the weights do not belong together. Received: ${values} values`,
    );
  }
  const built = make.sequential(layers, name === undefined ? {} : { name });
  if (trainable !== undefined) built.trainable = trainable;
  return built;
}

/**
 * `read()`, its errors naming the layer at `at`: a malformed config is the
 * file's fault (FileFormatError), a value tinykeras does not have a ValueError.
 */
function readAt<T>(at: string, source: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof MalformedConfigError) throw new FileFormatError(source, `${at}: ${error.message}`, { cause: error });
    if (error instanceof ValueError) throw new ValueError(`${at}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** How many weight values `layers` build on samples of `inputShape`, counted before anything is allocated. */
function weightValueCount(layers: readonly Layer[], inputShape: readonly number[]): number {
  let shape = [null, ...inputShape] as BatchShape;
  let count = 0;
  for (const layer of layers) {
    // A nested model is built already, its own count checked when it was read.
    count += layer.built ? layer.countParams() : layer.weightShapes(shape).reduce((n, s) => n + sizeOf(s), 0);
    shape = layer.computeOutputShape(shape);
  }
  return count;
}

/** The sample shape from `batch_input_shape` (TF.js, Keras 2) or `batch_shape` (Keras 3), batch dimension dropped. */
function readInputShape(cfg: Record<string, unknown>, at: string, source: string): number[] | undefined {
  const shape = cfg.batch_input_shape ?? cfg.batch_shape;
  if (shape === undefined || shape === null) return undefined;
  const sample = Array.isArray(shape) ? shape.slice(1) : [];
  if (!Array.isArray(shape) || shape.length < 2 || !sample.every((d) => Number.isInteger(d) && d > 0)) {
    throw new FileFormatError(
      source,
      `${at}: batch_input_shape must be [null, d1, d2, …] with positive integer sizes. Received: batch_input_shape=${JSON.stringify(shape)}`,
    );
  }
  return sample as number[];
}
