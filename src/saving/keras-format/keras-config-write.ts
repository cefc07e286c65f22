/**
 * A tinykeras model → Keras 3's config.json, what `keras.saving.load_model`
 * rebuilds the model from:
 *
 *     { module: 'keras', class_name: 'Sequential', registered_name: null,
 *       config: { name, trainable, dtype: <policy>, layers: [InputLayer, …], build_input_shape },
 *       build_config: { input_shape }, compile_config: … (compile-config.ts) }
 *
 *     { module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
 *       config: { name, trainable, layers: [… each with name and inbound_nodes …], input_layers, output_layers },
 *       build_config: { input_shape: null } }
 *
 * Each layer entry is { module: 'keras.layers', class_name, config, registered_name: null,
 * build_config: { input_shape } }: its class's getConfig(), with Keras 3's
 * dtype policy object and module names on its initializers. Keras builds
 * each layer from build_config before it loads the weights.
 */
import { RuntimeError, ValueError } from '../../errors.js';
import type { KerasTensor, Node } from '../../layers/graph.js';
import type { BatchShape, Layer } from '../../layers/layer.js';
import { isObject } from '../artifacts.js';
import { isRegisteredLayer, LAYER_CLASS_NAMES } from '../model-json.js';

/** Keras 3's float32 dtype policy, as every layer config carries it. */
const FLOAT32_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** What the writer reads of a Functional model (src/models/functional.ts): saving does not import the class. */
interface FunctionalLike extends Layer {
  readonly layers: Layer[];
  readonly nodes: readonly Node[];
  readonly inputs: readonly KerasTensor[];
  readonly outputs: readonly KerasTensor[];
  /** The inputs' and outputs' names, matching the tensors above (a dict's keys, in the order Keras flattens it). */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Dict keys in the order written, or null. */
  readonly dictKeys?: { readonly inputs: readonly string[] | null; readonly outputs: readonly string[] | null };
}

/** What the writer reads of a Sequential. */
interface SequentialLike extends Layer {
  readonly layers: Layer[];
}

function isFunctional(layer: Layer): layer is FunctionalLike {
  return layer.className === 'Functional' && Array.isArray((layer as Partial<FunctionalLike>).nodes);
}

function isSequential(layer: Layer): layer is SequentialLike {
  return layer.className === 'Sequential' && Array.isArray((layer as Partial<SequentialLike>).layers);
}

/** Keras 3's config of `model` (a Sequential or Functional, built), without compile_config. */
export function kerasModelConfig(model: Layer): Record<string, unknown> {
  if (!model.built || model.builtInputShape === null) {
    throw new RuntimeError(
      `save(): model "${model.name}" has not been built yet, so it has no weights to save. Give the first layer ` +
        'an inputShape (for example new Flatten({ inputShape: [28, 28] })), or call the model on data first.',
    );
  }
  return modelEntry(model);
}

function modelEntry(model: Layer): Record<string, unknown> {
  if (isSequential(model)) return sequentialEntry(model);
  if (isFunctional(model)) return functionalEntry(model);
  throw new ValueError(`save(): expected a Sequential or Functional model. Received: ${model.className} "${model.name}"`);
}

function sequentialEntry(model: SequentialLike): Record<string, unknown> {
  const inputShape = model.builtInputShape!;
  let shape: BatchShape = inputShape;
  const layers: Record<string, unknown>[] = [inputLayerEntry('input_layer', inputShape)];
  for (const layer of model.layers) {
    layers.push(layerEntry(layer, [...shape]));
    shape = layer.computeOutputShape(shape);
  }
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: model.name, trainable: model.trainable, dtype: FLOAT32_POLICY, layers, build_input_shape: [...inputShape] },
    registered_name: null,
    build_config: { input_shape: [...inputShape] },
  };
}

function functionalEntry(model: FunctionalLike): Record<string, unknown> {
  const own = new Set(model.nodes);
  // A layer's calls are numbered among those of this model, as keras_history counts them.
  // A nested Functional's calls count from 1: Keras counts its inner node (inputs to outputs) as 0.
  const callIndex = (node: Node): number =>
    (node.layer as Layer).inboundNodes.filter((n) => own.has(n)).indexOf(node) + (isFunctional(node.layer as Layer) ? 1 : 0);
  const history = (t: KerasTensor): [string, number, number] => [t.node.layer.name, callIndex(t.node), 0];
  const tensor = (t: KerasTensor) => ({ class_name: '__keras_tensor__', config: { shape: [...t.shape], dtype: 'float32', keras_history: history(t) } });
  const layers = model.layers.map((layer) => {
    const calls = layer.inboundNodes.filter((n) => own.has(n));
    if (layer.className === 'InputLayer') return { ...inputLayerEntry(layer.name, calls[0]!.output.shape), name: layer.name, inbound_nodes: [] };
    const first = calls[0]!;
    const buildShape = first.calledOnList ? first.inputs.map((t) => [...t.shape]) : [...first.inputs[0]!.shape];
    return {
      ...layerEntry(layer, buildShape),
      name: layer.name,
      inbound_nodes: calls.map((node) => ({ args: [node.calledOnList ? node.inputs.map(tensor) : tensor(node.inputs[0]!)], kwargs: {} })),
    };
  });
  /**
   * One endpoint, a list, or (inputs or outputs given as a dict) a dict by key in the order written, as Keras 3
   * writes it: so the model loads back taking and predicting dicts.
   */
  const endpoints = (tensors: readonly KerasTensor[], names: readonly string[], written: readonly string[] | null | undefined) => {
    if (written) return Object.fromEntries(written.map((key) => [key, history(tensors[names.indexOf(key)]!)]));
    return tensors.length === 1 ? history(tensors[0]!) : tensors.map(history);
  };
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: { name: model.name, trainable: model.trainable, layers, input_layers: endpoints(model.inputs, model.inputNames, model.dictKeys?.inputs), output_layers: endpoints(model.outputs, model.outputNames, model.dictKeys?.outputs) },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

function inputLayerEntry(name: string, batchShape: BatchShape): Record<string, unknown> {
  return {
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: { batch_shape: [...batchShape], dtype: 'float32', sparse: false, ragged: false, name, optional: false },
    registered_name: null,
  };
}

/** A layer (or a nested model) as Keras 3 writes it; `inputShape` goes to build_config. */
function layerEntry(layer: Layer, inputShape: unknown): Record<string, unknown> {
  if (isSequential(layer) || isFunctional(layer)) return { ...modelEntry(layer), build_config: { input_shape: inputShape } };
  if (!isRegisteredLayer(layer)) {
    throw new ValueError(
      `save(): layer "${layer.name}" is a ${layer.className}, which a Keras file cannot describe; tinykeras writes ${LAYER_CLASS_NAMES.join(', ')} ` +
        `and nested Sequential and Functional models. Received: class_name='${layer.className}'`,
    );
  }
  const { batch_input_shape: _shape, ...config } = layer.getConfig();
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith('_initializer') && isObject(value) && value.module === undefined) {
      config[key] = { module: 'keras.initializers', ...value, registered_name: null };
    }
  }
  config.dtype = FLOAT32_POLICY;
  return { module: 'keras.layers', class_name: layer.className, config, registered_name: null, build_config: { input_shape: inputShape } };
}
