/**
 * Keras's model config (config.json of a `.keras`, @model_config of a
 * legacy `.h5`) → a tinykeras model, for every form Keras 2.1 to 3.15 wrote:
 *
 *     Sequential   { class_name: 'Sequential', config: { name, layers: [...] } }
 *                  or, Keras 2.1, { class_name: 'Sequential', config: [...] }: the list itself
 *     Functional   { class_name: 'Functional' (Keras 3) or 'Model' (Keras 2),
 *                    config: { name, layers: [...], input_layers, output_layers } }
 *
 * Each layer entry is { class_name, config } with, in a Functional, its calls:
 *
 *     Keras 2   inbound_nodes: [ [ [layer, node, tensor, kwargs], … ], … ]    one list per call
 *     Keras 3   inbound_nodes: [ { args: [ T | [T, …] ], kwargs } , … ]       one object per call
 *               T = { class_name: '__keras_tensor__', config: { keras_history: [layer, node, tensor] } }
 *
 * [layer, node, tensor] names the tensor made by the layer's node-th call in
 * this config (a nested Functional's calls count from 1: Keras counts the
 * node that joins its own inputs to its outputs as 0). Keras 3 adds keys tinykeras ignores (module, registered_name,
 * build_config, shared_object_id, DTypePolicy objects as dtype: see
 * src/layers/config.ts); a class tinykeras lacks is an error naming it.
 *
 * The layers themselves are read by their classes' fromConfig through the
 * registry (model-json.ts, which also reads the Sequential form); this file
 * adds the Functional graph and nested models. The model classes are made
 * by factories (src/models passes them): saving does not import them.
 * Weights are built as zeros (withWeightsToBeLoaded) for the caller to fill.
 */
import { describeValue, excerpt, FileFormatError, ValueError } from '../../errors.js';
import type { KerasTensor } from '../../layers/graph.js';
import { InputLayer } from '../../layers/input-layer.js';
import { withWeightsToBeLoaded, type Layer } from '../../layers/layer.js';
import { sizeOf } from '../../tensor/shape.js';
import { isObject } from '../artifacts.js';
import { layerFromConfig, sequentialFrom } from '../model-json.js';
import type { ModelFactories as SavableFactories, ModelFactory, SavableModel } from '../savable.js';

/** The arguments of keras.Model({ inputs, outputs, name }), as the loader passes them. */
export interface FunctionalArgs {
  inputs: KerasTensor | KerasTensor[] | Record<string, KerasTensor>;
  outputs: KerasTensor | KerasTensor[] | Record<string, KerasTensor>;
  name?: string;
  trainable?: boolean;
}

/** How to make the two model classes (src/models/load-model.ts passes `new Sequential` and `new Model`). */
export interface ModelFactories<S extends SavableModel & Layer, F extends SavableModel & Layer> {
  sequential: ModelFactory<S>;
  functional: (args: FunctionalArgs) => F;
}

/** The model classes read here besides the registry's layers, for messages. */
const MODEL_CLASSES = ['Sequential', 'Functional', 'Model', 'InputLayer'];

/** The deepest nesting of models in models: far beyond any real model, and a bound on recursion. */
const MAX_NESTING = 32;

/**
 * The model a Keras config describes, built, its weights zeros to be
 * loaded. `maxValues` bounds the weight values it may build (what the file
 * holds, plus slack): a config of a few bytes cannot make us allocate more.
 */
export function modelFromKerasConfig<S extends SavableModel & Layer, F extends SavableModel & Layer>(
  config: unknown,
  source: string,
  factories: ModelFactories<S, F>,
  maxValues = Infinity,
): S | F {
  const reader = new ConfigReader(source, factories, maxValues);
  const model = withWeightsToBeLoaded(() => reader.model(config, 'config', 0));
  return model as S | F;
}

class ConfigReader<S extends SavableModel & Layer, F extends SavableModel & Layer> {
  /** Weight values still allowed; each layer's are counted before it is built. */
  private budget: number;

  constructor(
    private readonly source: string,
    private readonly factories: ModelFactories<S, F>,
    maxValues: number,
  ) {
    // The slack of 2^20 values (4 MiB) lets the weight loader name the weight that differs in a small mismatch.
    this.budget = maxValues + 2 ** 20;
  }

  /** A model entry { class_name, config } at `path`, `depth` models deep. */
  model(entry: unknown, path: string, depth: number): Layer {
    if (depth > MAX_NESTING) this.malformed(`${path}: models are nested more than ${MAX_NESTING} deep.`);
    if (!isObject(entry)) this.malformed(`${path} must be an object { class_name, config }. Received: ${describeValue(entry)}`);
    // Files converted from Keras .h5 by TF.js wrap the model in { model_config: … }.
    const model = isObject(entry.model_config) ? entry.model_config : entry;
    const className = model.class_name;
    if (className === 'Sequential') return this.sequential(model, path, depth);
    if (className === 'Functional' || className === 'Model') return this.functional(model, path, depth);
    throw new ValueError(
      `${this.source}: ${path} is not a model tinykeras can rebuild; it reads Sequential and Functional (keras.Model) configs. ` +
        `Received: class_name=${typeof className === 'string' ? excerpt(className) : describeValue(className)}`,
    );
  }

  private sequential(model: Record<string, unknown>, path: string, depth: number): S {
    // sequentialFrom counts the weights before it builds them, against what is left of the budget (less its own slack).
    // Nested Functional models are this reader's (Keras 3's calls), so sequentialFrom never makes one itself.
    const factories = { sequential: this.factories.sequential, functional: this.factories.functional } as unknown as SavableFactories<S>;
    const sequential = sequentialFrom(model, path, this.source, factories, Math.max(0, this.budget - 2 ** 20), (entry, at) =>
      entry.class_name === 'Functional' || entry.class_name === 'Model' ? this.model(entry, at, depth + 1) : undefined,
    );
    this.spend(sequential.countParams(), path);
    return sequential;
  }

  /** A Functional model: its layers read, then called on each other in the order their inbound nodes allow. */
  private functional(model: Record<string, unknown>, path: string, depth: number): F {
    const config = model.config;
    if (!isObject(config) || !Array.isArray(config.layers)) {
      this.malformed(`${path}.config must be an object with a list of layers. Received: ${describeValue(config)}`);
    }
    const entries = config.layers as unknown[];
    if (entries.length === 0) this.malformed(`${path} has no layers.`);
    const layers: PendingLayer[] = [];
    const byName = new Map<string, PendingLayer>();
    entries.forEach((entry, i) => {
      const at = `${path} layer ${i}`;
      if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
        this.malformed(`${at} must be an object { class_name, config }. Received: ${describeValue(entry)}`);
      }
      const name = entry.name ?? entry.config.name;
      if (typeof name !== 'string' || name === '') this.malformed(`${at} has no name. Received: name=${describeValue(name)}`);
      const where = `${at} (${excerpt(name, 80, '"')}, ${excerpt(entry.class_name, 80, '')})`;
      if (byName.has(name)) this.malformed(`${where}: two layers are named "${name}"; layer names must be unique.`);
      const layer = this.layer(entry, where, depth);
      const calls = entry.class_name === 'InputLayer' ? [] : this.inboundNodes(entry.inbound_nodes, where);
      const pending: PendingLayer = { name, layer, calls, outputs: layer instanceof InputLayer ? [layer.output] : [], where };
      layers.push(pending);
      byName.set(name, pending);
    });

    // Each pass makes every call whose inputs exist; a pass that makes none leaves a cycle or a missing layer.
    let waiting = layers.reduce((n, l) => n + l.calls.length, 0);
    while (waiting > 0) {
      let made = 0;
      for (const pending of layers) {
        while (pending.outputs.length < pending.calls.length) {
          const call = pending.calls[pending.outputs.length]!;
          const inputs = call.inputs.map((ref) => this.tensorAt(ref, byName, pending.where));
          if (inputs.some((t) => t === undefined)) break;
          pending.outputs.push(this.call(pending, inputs as KerasTensor[], call.asList));
          made++;
        }
      }
      if (made === 0) {
        const stuck = layers.filter((l) => l.outputs.length < l.calls.length).map((l) => `"${l.name}"`);
        this.malformed(`${path}: the layers ${stuck.join(', ')} wait for each other's outputs (a cycle in inbound_nodes); no order can build them.`);
      }
      waiting -= made;
    }
    const inputs = this.endpoints(config.input_layers, byName, `${path}.input_layers`);
    const outputs = this.endpoints(config.output_layers, byName, `${path}.output_layers`);
    const name = typeof config.name === 'string' ? config.name : undefined;
    const trainable = typeof config.trainable === 'boolean' ? config.trainable : undefined;
    try {
      return this.factories.functional({ inputs, outputs, ...(name === undefined ? {} : { name }), ...(trainable === undefined ? {} : { trainable }) });
    } catch (error) {
      if (error instanceof ValueError) throw new ValueError(`${this.source}: ${path}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** One layer entry: an InputLayer, a nested model, or a registry layer. */
  private layer(entry: Record<string, unknown>, where: string, depth: number): Layer {
    const className = entry.class_name as string;
    const config = entry.config as Record<string, unknown>;
    if (className === 'InputLayer') return this.inputLayer(config, where);
    if (className === 'Sequential' || className === 'Functional' || className === 'Model') return this.model(entry, where, depth + 1);
    if (config.quantization_config !== undefined && config.quantization_config !== null) {
      throw new ValueError(`${this.source}: ${where}: the layer is quantized, which tinykeras does not compute. Received: quantization_config=${describeValue(config.quantization_config)}`);
    }
    // An input shape on a layer of a Functional is its InputLayer's business; the layer is built from its call.
    const { batch_input_shape: _keras2, batch_shape: _keras3, ...own } = config;
    return layerFromConfig(className, own, `${this.source}: ${where}`, this.source, MODEL_CLASSES);
  }

  /** An InputLayer from its batch_shape (Keras 3) or batch_input_shape (Keras 2). */
  private inputLayer(config: Record<string, unknown>, where: string): InputLayer {
    const shape = config.batch_shape ?? config.batch_input_shape;
    const sample = Array.isArray(shape) ? shape.slice(1) : [];
    if (!Array.isArray(shape) || shape.length < 2 || !sample.every((d) => Number.isInteger(d) && d > 0 && d <= 2 ** 30)) {
      this.malformed(`${where}: batch_shape must be [null, d1, d2, …] with positive integer sizes. Received: batch_shape=${describeValue(shape)}`);
    }
    const batch = shape[0];
    if (batch !== null && !(Number.isInteger(batch) && batch > 0)) this.malformed(`${where}: the batch size must be null or a positive integer. Received: ${describeValue(batch)}`);
    if (config.sparse === true || config.ragged === true) throw new ValueError(`${this.source}: ${where}: tinykeras has no sparse or ragged inputs.`);
    const name = config.name;
    try {
      return new InputLayer({
        shape: sample as number[],
        ...(typeof name === 'string' ? { name } : {}),
        ...(batch === null ? {} : { batchSize: batch as number }),
      });
    } catch (error) {
      if (error instanceof ValueError) throw new ValueError(`${this.source}: ${where}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** The calls an entry's inbound_nodes lists, in either Keras's form. */
  private inboundNodes(nodes: unknown, where: string): Call[] {
    if (nodes === undefined) return [];
    if (!Array.isArray(nodes)) this.malformed(`${where}: inbound_nodes must be a list. Received: ${describeValue(nodes)}`);
    return nodes.map((node, k) => {
      const at = `${where} inbound node ${k}`;
      // Keras 2: a list of [layer, node, tensor, kwargs], one per input; a list of several is a call on a list.
      if (Array.isArray(node)) {
        if (node.length === 0) this.malformed(`${at} has no inputs.`);
        return { inputs: node.map((ref) => this.reference(ref, at)), asList: node.length > 1 };
      }
      // Keras 3: { args: [tensor or list of tensors], kwargs }.
      if (!isObject(node) || !Array.isArray(node.args) || node.args.length !== 1) {
        this.malformed(`${at} must be { args: [inputs], kwargs } (Keras 3) or a list of [layer, node, tensor, kwargs] (Keras 2). Received: ${describeValue(node)}`);
      }
      const arg = node.args[0];
      const asList = Array.isArray(arg);
      const tensors: unknown[] = asList ? arg : [arg];
      if (tensors.length === 0) this.malformed(`${at} has no inputs.`);
      return {
        inputs: tensors.map((t) => {
          if (!isObject(t) || t.class_name !== '__keras_tensor__' || !isObject(t.config)) {
            this.malformed(`${at}: each input must be a __keras_tensor__ object. Received: ${describeValue(t)}`);
          }
          return this.reference(t.config.keras_history, at);
        }),
        asList,
      };
    });
  }

  /** [layer, node, tensor] (Keras 2 adds kwargs as a fourth entry). */
  private reference(ref: unknown, at: string): TensorRef {
    if (!Array.isArray(ref) || ref.length < 3 || typeof ref[0] !== 'string' || !Number.isInteger(ref[1]) || ref[1] < 0 || !Number.isInteger(ref[2]) || ref[2] < 0) {
      this.malformed(`${at}: an input must be named [layer, node index, tensor index]. Received: ${describeValue(ref)}`);
    }
    return { layer: ref[0] as string, node: ref[1] as number, tensor: ref[2] as number };
  }

  /** The tensor `ref` names, or undefined while its call is not made yet. */
  private tensorAt(ref: TensorRef, byName: Map<string, PendingLayer>, where: string): KerasTensor | undefined {
    const layer = byName.get(ref.layer);
    if (layer === undefined) {
      this.malformed(`${where}: an input comes from layer ${excerpt(ref.layer, 80, '"')}, which is not in the model. Layers: ${[...byName.keys()].slice(0, 30).join(', ')}.`);
    }
    const ownCalls = layer.layer instanceof InputLayer ? 1 : layer.calls.length;
    // Keras counts a nested Functional's own inner node as its node 0: its calls are numbered from 1.
    const call = layer.layer.className === 'Functional' ? ref.node - 1 : ref.node;
    if (call < 0 || call >= ownCalls || ref.tensor !== 0) {
      this.malformed(
        `${where}: an input is output ${ref.tensor} of call ${ref.node} of layer "${ref.layer}", which is called ${ownCalls} time(s) with one output each. ` +
          `Received: [${excerpt(ref.layer, 80, '"')}, ${ref.node}, ${ref.tensor}]`,
      );
    }
    return layer.outputs[call];
  }

  /** One call of a layer on symbolic tensors, its weights counted against the budget before they are made. */
  private call(pending: PendingLayer, inputs: KerasTensor[], asList: boolean): KerasTensor {
    const { layer, where } = pending;
    try {
      if (!asList && inputs.length === 1) {
        if (!layer.built) this.spend(layer.weightShapes(inputs[0]!.shape).reduce((n, s) => n + sizeOf(s), 0), where);
        return layer.apply(inputs[0]!);
      }
      return layer.apply(inputs);
    } catch (error) {
      if (error instanceof FileFormatError) throw error;
      if (error instanceof ValueError) throw new ValueError(`${this.source}: ${where}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** input_layers / output_layers: one [layer, node, tensor], a list of them, or (Keras 3) a dict by name. */
  private endpoints(value: unknown, byName: Map<string, PendingLayer>, where: string): KerasTensor | KerasTensor[] | Record<string, KerasTensor> {
    const one = (ref: unknown): KerasTensor => {
      const tensor = this.tensorAt(this.reference(ref, where), byName, where);
      if (tensor === undefined) this.malformed(`${where}: ${describeValue(ref)} is never made.`);
      return tensor;
    };
    if (Array.isArray(value) && typeof value[0] === 'string') return one(value);
    if (Array.isArray(value) && value.length > 0) return value.map(one);
    if (isObject(value) && Object.keys(value).length > 0) return Object.fromEntries(Object.entries(value).map(([k, ref]) => [k, one(ref)]));
    return this.malformed(`${where} must name the model's inputs or outputs as [layer, node, tensor] entries. Received: ${describeValue(value)}`);
  }

  /** Counts `values` weight values against the budget. */
  private spend(values: number, where: string): void {
    this.budget -= values;
    if (this.budget < 0) {
      throw new FileFormatError(this.source, `${this.source}: ${where}: the config builds more weight values than the file holds; the config and the weights do not belong together.`);
    }
  }

  private malformed(message: string): never {
    throw new FileFormatError(this.source, `${this.source}: ${message}`);
  }
}

interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

/** One call of a layer, as inbound_nodes lists it. */
interface Call {
  inputs: TensorRef[];
  /** Called on a list (a merge layer), not on one tensor. */
  asList: boolean;
}

/** A layer read, with its calls to make and the outputs of those made so far. */
interface PendingLayer {
  name: string;
  layer: Layer;
  calls: Call[];
  outputs: KerasTensor[];
  where: string;
}
