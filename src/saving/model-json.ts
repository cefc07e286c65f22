/**
 * modelTopology ↔ Sequential: the Keras class names and configs that TF.js's
 * layers-model format uses to describe a model.
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
 * Reading builds the layers without drawing a single random number: their
 * weights are about to be overwritten from weights.bin, and leaving the
 * random stream untouched is what lets a resumed `fit` shuffle exactly as an
 * uninterrupted one would. The initializers named in the file are kept as
 * they were, so saving a loaded model writes them back unchanged.
 */
import { describeValue, FileFormatError, RuntimeError, ValueError } from '../errors.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/activations.js';
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
import type { BatchShape, Layer } from '../layers/layer.js';
import { toSnakeCase } from '../layers/naming.js';
import type { ModelFactory, SavableModel } from './savable.js';
import { zeros } from '../tensor/creation.js';
import type { Shape } from '../tensor/shape.js';
import { ownEntry } from '../utils/registry.js';
import { isObject } from './artifacts.js';

export const TINYKERAS_VERSION = '0.1.0';
/** The `generatedBy` of every file tinykeras writes. */
export const GENERATED_BY = `tinykeras v${TINYKERAS_VERSION}`;

/** A serialized Keras object: `{ class_name, config }`. */
export interface KerasObject {
  class_name: string;
  config: Record<string, unknown>;
}

/**
 * The layers that read their own Keras config (`static fromConfig`) and write
 * it (`getConfig()`), one line each.
 */
const OWN_CONFIG_LAYERS: Record<string, { fromConfig(config: Record<string, unknown>): Layer }> = {
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
};

const LOADABLE_LAYERS = ['Dense', 'Flatten', 'Dropout', 'Softmax', 'Activation', 'ReLU', ...Object.keys(OWN_CONFIG_LAYERS), 'Sequential (a nested model)', 'InputLayer (as the first layer)'];

/**
 * The weightless layers whose Keras config is their getConfig() (snake_case
 * keys such as rate, noise_shape, axis, max_value), each with how to rebuild
 * it from that config.
 */
const CONFIG_LAYERS: Record<string, (cfg: Record<string, unknown>, args: CommonArgs) => Layer> = {
  Dropout: (cfg, args) =>
    new Dropout({ ...args, rate: cfg.rate as number, noiseShape: (cfg.noise_shape ?? null) as (number | null)[] | null, seed: (cfg.seed ?? null) as number | null }),
  // Keras may write the axis as a list of one.
  Softmax: (cfg, args) => new Softmax({ ...args, axis: (Array.isArray(cfg.axis) && cfg.axis.length === 1 ? cfg.axis[0] : cfg.axis ?? -1) as number }),
  Activation: (cfg, args) => {
    if (!ACTIVATION_NAMES.includes(cfg.activation as ActivationName)) {
      throw new ValueError(`unknown activation; tinykeras supports ${ACTIVATION_NAMES.join(', ')}. Received: activation=${describeValue(cfg.activation)}`);
    }
    return new Activation({ ...args, activation: cfg.activation as ActivationName });
  },
  ReLU: (cfg, args) =>
    new ReLU({
      ...args,
      maxValue: (cfg.max_value ?? null) as number | null,
      negativeSlope: (cfg.negative_slope ?? 0) as number,
      threshold: (cfg.threshold ?? 0) as number,
    }),
  ...Object.fromEntries(Object.entries(OWN_CONFIG_LAYERS).map(([className, layerClass]) => [className, (cfg: Record<string, unknown>, args: CommonArgs) => fromOwnConfig(layerClass, cfg, args)])),
};

/**
 * Our initializer names → the Keras class TF.js knows them by. TF.js spells
 * the LeCun pair 'LeCunNormal' / 'LeCunUniform'; Keras spells 'LecunNormal'.
 */
const INITIALIZER_CLASSES: Record<string, KerasObject> = {
  glorot_uniform: { class_name: 'GlorotUniform', config: { seed: null } },
  glorot_normal: { class_name: 'GlorotNormal', config: { seed: null } },
  he_uniform: { class_name: 'HeUniform', config: { seed: null } },
  he_normal: { class_name: 'HeNormal', config: { seed: null } },
  lecun_uniform: { class_name: 'LeCunUniform', config: { seed: null } },
  lecun_normal: { class_name: 'LeCunNormal', config: { seed: null } },
  zeros: { class_name: 'Zeros', config: {} },
  ones: { class_name: 'Ones', config: {} },
  random_uniform: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
};

/** The initializer configs read from a file, per loaded Dense layer, written back as they were. */
const initializersFromFile = new WeakMap<Dense, { kernel: unknown; bias: unknown }>();
/** The same for the layers of OWN_CONFIG_LAYERS: their `*_initializer` entries as the file had them. */
const ownInitializersFromFile = new WeakMap<Layer, Record<string, unknown>>();

// ---------------------------------------------------------------- writing

/** The modelTopology of a built Sequential model. */
export function modelTopology(model: SavableModel): KerasObject & { keras_version: string; backend: string } {
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
    keras_version: `tinykeras ${TINYKERAS_VERSION}`,
    backend: 'tinykeras',
  };
}

function layerConfig(layer: Layer, batchInputShape: BatchShape | null): KerasObject {
  if (isNestedSequential(layer)) return nestedConfig(layer);
  const common: Record<string, unknown> = { name: layer.name, trainable: layer.trainable };
  if (batchInputShape !== null) common.batch_input_shape = [...batchInputShape];
  common.dtype = 'float32';
  if (layer instanceof Flatten) {
    return { class_name: 'Flatten', config: { ...common, data_format: 'channels_last' } };
  }
  if (layer instanceof Dense) {
    const { kernel, bias } = initializerConfigs(layer);
    return {
      class_name: 'Dense',
      config: {
        ...common,
        units: layer.units,
        activation: layer.activationName,
        use_bias: layer.useBias,
        kernel_initializer: kernel,
        bias_initializer: bias,
        // tinykeras has no regularizers or constraints; TF.js expects the keys.
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
    };
  }
  if (Object.hasOwn(CONFIG_LAYERS, layer.className) && layer.constructor === LAYER_CLASSES[layer.className]) {
    const { name: _name, trainable: _trainable, batch_input_shape: _shape, ...own } = layer.getConfig();
    return { class_name: layer.className, config: { ...common, ...own, ...initializerObjects(own, ownInitializersFromFile.get(layer)) } };
  }
  throw new ValueError(
    `save(): layer "${layer.name}" is a ${layer.className}, which the layers-model format written by tinykeras ` +
      `cannot describe yet; it can save ${LOADABLE_LAYERS.slice(0, -1).join(', ')} layers. Use saveWeights() to save the weights alone. ` +
      `Received: class_name='${layer.className}'`,
  );
}

/**
 * A config's `*_initializer` names as Keras objects ({ class_name, config }),
 * or as the file a loaded layer came from had them.
 */
function initializerObjects(config: Record<string, unknown>, fromFile: Record<string, unknown> | undefined): Record<string, unknown> {
  const entries = Object.keys(config).filter((key) => key.endsWith('_initializer'));
  return Object.fromEntries(entries.map((key) => {
    if (fromFile && Object.hasOwn(fromFile, key)) return [key, fromFile[key]];
    const name = config[key];
    const known = typeof name === 'string' ? ownEntry(INITIALIZER_CLASSES, name) : undefined;
    return [key, known ? structuredClone(known) : null];
  }));
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

/**
 * The Keras configs of a Dense layer's initializers. A custom initializer
 * function has no Keras name: it is written as null, which loaders read as
 * the default. The weights are in weights.bin either way.
 */
function initializerConfigs(layer: Dense): { kernel: unknown; bias: unknown } {
  const fromFile = initializersFromFile.get(layer);
  if (fromFile) return fromFile;
  const { kernel, bias } = Dense.initializersOf(layer);
  const describe = (identifier: unknown) => {
    const known = typeof identifier === 'string' ? ownEntry(INITIALIZER_CLASSES, toSnakeCase(identifier)) : undefined;
    return known ? structuredClone(known) : null;
  };
  return { kernel: describe(kernel), bias: describe(bias) };
}

// ---------------------------------------------------------------- reading

/**
 * Rebuilds the Sequential model a modelTopology describes (with `make`,
 * which constructs the model class), built (weights allocated, as zeros)
 * but not yet loaded. Throws a FileFormatError for a
 * malformed topology and a ValueError for a well-formed one that uses
 * something tinykeras does not have (an LSTM layer, a gelu activation).
 * `maxValues` bounds the weight values the topology may build (the count the
 * manifest declares): a topology of a few bytes cannot make us allocate more.
 */
export function modelFromTopology<M extends SavableModel & Layer>(topology: unknown, source: string, make: ModelFactory<M>, maxValues = Infinity): M {
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
  if (model.class_name !== 'Sequential') {
    throw new ValueError(
      `${source}: tinykeras rebuilds Sequential models only (a plain stack of layers). ` +
        `Received: modelTopology.class_name=${describeValue(model.class_name)}`,
    );
  }
  return sequentialFrom(model, 'modelTopology', source, make, maxValues);
}

/** A Sequential model from its { class_name: 'Sequential', config }, nested models included; `path` names it in messages. */
function sequentialFrom<M extends SavableModel & Layer>(
  model: Record<string, unknown>,
  path: string,
  source: string,
  make: ModelFactory<M>,
  maxValues: number,
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
    const at = `${where} ("${typeof cfg.name === 'string' ? cfg.name : '?'}", ${entry.class_name})`;
    if (layers.length === 0) inputShape ??= readInputShape(cfg, at, source);
    if (entry.class_name === 'InputLayer') {
      if (layers.length > 0) throw new ValueError(`${at}: an InputLayer can only come first in a Sequential model.`);
      return;
    }
    if (entry.class_name === 'Sequential') {
      const nested = sequentialFrom(entry, `${path} layer ${i}`, source, make, maxValues);
      // A nested model given first brings the input shape with it.
      if (layers.length === 0) inputShape ??= nested.builtInputShape?.slice(1) as number[] | undefined;
      layers.push(nested);
      return;
    }
    const args = commonArgs(cfg, at, source, layers.length === 0 ? inputShape : undefined);
    if (entry.class_name === 'Flatten') layers.push(flattenFromConfig(cfg, args, at));
    else if (entry.class_name === 'Dense') layers.push(denseFromConfig(cfg, args, at, source));
    else if (Object.hasOwn(CONFIG_LAYERS, entry.class_name)) layers.push(configLayerFrom(entry.class_name, cfg, args, at));
    else {
      throw new ValueError(
        `${at}: unknown layer class; tinykeras can load ${LOADABLE_LAYERS.join(', ')}. Received: class_name='${entry.class_name}'`,
      );
    }
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
  const built = make(layers, name === undefined ? {} : { name });
  if (trainable !== undefined) built.trainable = trainable;
  return built;
}

/** Exact classes: a subclass may compute something its config does not say. */
const LAYER_CLASSES: Record<string, unknown> = { Dropout, Softmax, Activation, ReLU, ...OWN_CONFIG_LAYERS };

/**
 * A layer of OWN_CONFIG_LAYERS from its config, with initializers that draw
 * no random numbers (weights.bin is about to fill the weights); the file's
 * initializer entries are kept to be written back unchanged.
 */
function fromOwnConfig(layerClass: { fromConfig(config: Record<string, unknown>): Layer }, cfg: Record<string, unknown>, args: CommonArgs): Layer {
  const initializers = Object.fromEntries(Object.keys(cfg).filter((key) => key.endsWith('_initializer')).map((key) => [key, cfg[key]]));
  const { batch_input_shape: _old, batch_shape: _new, ...rest } = cfg;
  const layer = layerClass.fromConfig({
    ...rest,
    ...Object.fromEntries(Object.keys(initializers).map((key) => [key, filledFromFile])),
    name: args.name,
    trainable: args.trainable,
    ...(args.inputShape ? { batch_input_shape: [null, ...args.inputShape] } : {}),
  });
  ownInitializersFromFile.set(layer, initializers);
  return layer;
}

/** A weightless layer from its config; a config its constructor rejects is an error naming the layer. */
function configLayerFrom(className: string, cfg: Record<string, unknown>, args: CommonArgs, at: string): Layer {
  try {
    return CONFIG_LAYERS[className]!(cfg, args);
  } catch (error) {
    if (error instanceof ValueError) throw new ValueError(`${at}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** How many weight values `layers` build on samples of `inputShape`, counted before anything is allocated. */
function weightValueCount(layers: readonly Layer[], inputShape: readonly number[]): number {
  let shape = [null, ...inputShape] as BatchShape;
  let count = 0;
  for (const layer of layers) {
    if (layer instanceof Dense) {
      const inputs = shape[shape.length - 1] ?? 0;
      count += inputs * layer.units + (layer.useBias ? layer.units : 0);
    }
    // A nested model is built already, its own count checked when it was read.
    if (isNestedSequential(layer)) count += layer.countParams();
    if (layer instanceof Conv2D || layer instanceof BatchNormalization) count += layer.paramCountFor(shape);
    shape = layer.computeOutputShape(shape);
  }
  return count;
}

interface CommonArgs {
  name?: string;
  trainable: boolean;
  inputShape?: number[];
}

function commonArgs(cfg: Record<string, unknown>, at: string, source: string, inputShape: number[] | undefined): CommonArgs {
  const { name, trainable, dtype } = cfg;
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new FileFormatError(source, `${at}: name must be a non-empty string. Received: name=${describeValue(name)}`);
  }
  if (trainable !== undefined && typeof trainable !== 'boolean') {
    throw new FileFormatError(source, `${at}: trainable must be true or false. Received: trainable=${describeValue(trainable)}`);
  }
  // Keras 3 writes the dtype as a policy object: { class_name: 'DTypePolicy', config: { name: 'float32' } }.
  const dtypeName = isObject(dtype) && isObject(dtype.config) ? dtype.config.name : dtype;
  if (dtypeName !== undefined && dtypeName !== null && dtypeName !== 'float32') {
    throw new ValueError(`${at}: tinykeras computes in float32 only. Received: dtype=${describeValue(dtypeName)}`);
  }
  const args: CommonArgs = { trainable: trainable ?? true };
  if (name !== undefined) args.name = name;
  if (inputShape !== undefined) args.inputShape = inputShape;
  return args;
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

function flattenFromConfig(cfg: Record<string, unknown>, args: CommonArgs, at: string): Flatten {
  const format = cfg.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new ValueError(
      `${at}: tinykeras's Flatten keeps the element order of channels_last; channels_first would flatten in ` +
        `another order. Received: data_format=${describeValue(format)}`,
    );
  }
  return new Flatten(args);
}

function denseFromConfig(cfg: Record<string, unknown>, args: CommonArgs, at: string, source: string): Dense {
  const { units, activation, use_bias: useBias } = cfg;
  if (!Number.isInteger(units) || (units as number) <= 0) {
    throw new FileFormatError(source, `${at}: units must be a positive integer. Received: units=${describeValue(units)}`);
  }
  const activationName = activation ?? 'linear';
  if (!ACTIVATION_NAMES.includes(activationName as ActivationName)) {
    throw new ValueError(
      `${at}: unknown activation; tinykeras supports ${ACTIVATION_NAMES.join(', ')}. Received: activation=${describeValue(activationName)}`,
    );
  }
  if (useBias !== undefined && typeof useBias !== 'boolean') {
    throw new FileFormatError(source, `${at}: use_bias must be true or false. Received: use_bias=${describeValue(useBias)}`);
  }
  const unsupported = ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'].filter(
    (key) => cfg[key] !== undefined && cfg[key] !== null,
  );
  if (unsupported.length > 0) {
    throw new ValueError(
      `${at}: tinykeras has no regularizers or constraints yet, and training without them would differ. ` +
        `Received: ${unsupported.map((key) => `${key}=${JSON.stringify(cfg[key])}`).join(', ')}`,
    );
  }
  const layer = new Dense(units as number, {
    ...args,
    activation: activationName as ActivationName,
    useBias: useBias ?? true,
    kernelInitializer: filledFromFile,
    biasInitializer: filledFromFile,
  });
  initializersFromFile.set(layer, { kernel: cfg.kernel_initializer ?? null, bias: cfg.bias_initializer ?? null });
  return layer;
}

/**
 * The initializer of a loaded layer: zeros, drawing no random numbers, since
 * the values from weights.bin replace them before the model is returned.
 */
function filledFromFile(shape: Shape) {
  return zeros(shape);
}
