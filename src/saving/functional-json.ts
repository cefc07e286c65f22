/**
 * modelTopology ↔ Functional model (keras.Model): a graph of layer calls,
 * as TF.js's layers-model format and Keras 2 describe it. Each layer is
 * listed once with its config and the calls it makes (`inbound_nodes`);
 * each call lists the tensors it reads as [layer name, node index, tensor
 * index, kwargs], the node index counting that layer's calls in this model:
 *
 *     { class_name: 'Functional',
 *       config: { name: 'model',
 *                 layers: [ { name: 'a', class_name: 'InputLayer', config: { batch_input_shape: [null, 4], … }, inbound_nodes: [] },
 *                           { name: 'b', class_name: 'InputLayer', config: { batch_input_shape: [null, 4], … }, inbound_nodes: [] },
 *                           { name: 'shared', class_name: 'Dense', config: { … },
 *                             inbound_nodes: [ [['a', 0, 0, {}]],                     call 0: shared(a)
 *                                              [['b', 0, 0, {}]] ] },                 call 1: shared(b)
 *                           { name: 'add', class_name: 'Add', config: { … },
 *                             inbound_nodes: [ [['shared', 0, 0, {}], ['shared', 1, 0, {}]] ] } ],   add([shared(a), shared(b)])
 *                 input_layers:  [['a', 0, 0], ['b', 0, 0]],
 *                 output_layers: [['add', 0, 0]] } }
 *
 * A nested model's calls are numbered from 1, as TF.js and Keras 2 number
 * them: their node 0 is the nested model's own graph, from its inputs to its
 * outputs, which is not a call in this model.
 *
 * Reading rebuilds the graph by calling each layer on the symbolic tensors
 * its inbound nodes name, in an order where every call comes after the
 * calls it reads (Kahn's algorithm: a call is made once all its inputs
 * exist; a layer's calls are made in their order). A file whose calls wait
 * on each other (a cycle), name a layer or a call that does not exist, or
 * feed a layer tensors of the wrong shape is a FileFormatError naming the
 * layer, before any weight is loaded.
 *
 * This file knows layers through the two functions model-json.ts passes it
 * (one layer's config, one layer from its entry), so that nested models of
 * either kind go through one registry there.
 */
import { describeValue, excerpt, FileFormatError, TinykerasError, ValueError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import type { KerasTensor, Node } from '../layers/graph.js';
import { sizeOf } from '../tensor/shape.js';
import { isObject } from './artifacts.js';
import type { FunctionalArgs, SavableFunctional } from './savable.js';

/** A serialized Keras object: `{ class_name, config }`. */
export interface KerasObject {
  class_name: string;
  config: Record<string, unknown>;
}

/** The merge layers: called on a list even when the list holds one tensor. */
const LIST_LAYERS = new Set(['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);

/** The class names of models, whose calls in a graph are numbered from 1 (see above). */
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** The number a file gives call `index` of a layer of class `className`. */
const nodeNumber = (className: string, index: number) => (MODEL_CLASSES.has(className) ? index + 1 : index);

// ---------------------------------------------------------------- writing

/**
 * The config of a Functional model: its layers in `model.layers` order, each
 * with its calls in this model, then its inputs and outputs as references.
 * `layerEntry` writes one layer's { class_name, config } (nested models included).
 */
export function functionalConfig(model: SavableFunctional, layerEntry: (layer: Layer) => KerasObject): Record<string, unknown> {
  const inModel = new Set(model.nodes);
  // A layer may also be called in other models: its node index counts its calls in this one.
  const nodesOf = (layer: Layer) => layer.inboundNodes.filter((n) => inModel.has(n));
  const reference = (t: KerasTensor): [string, number, number] => {
    const layer = t.node.layer as Layer;
    return [layer.name, nodeNumber(layer.className, nodesOf(layer).indexOf(t.node)), 0];
  };
  const layers = model.layers.map((layer) => {
    const { class_name, config } = layer instanceof InputLayer ? inputLayerEntry(layer) : layerEntry(layer);
    const calls = layer instanceof InputLayer ? [] : nodesOf(layer).map((node) => node.inputs.map((t) => [...reference(t), {}]));
    return { name: layer.name, class_name, config, inbound_nodes: calls };
  });
  return { name: model.name, trainable: model.trainable, layers, input_layers: model.inputs.map(reference), output_layers: model.outputs.map(reference) };
}

/** An InputLayer as TF.js writes it; the batch dimension is null unless keras.Input was given a batchSize. */
function inputLayerEntry(layer: InputLayer): KerasObject {
  return { class_name: 'InputLayer', config: { batch_input_shape: [...layer.builtInputShape!], dtype: 'float32', sparse: false, name: layer.name } };
}

// ---------------------------------------------------------------- reading

/** One parsed layer entry: its layer and the calls it makes, each a list of [entry index, node index]. */
interface Entry {
  readonly name: string;
  readonly at: string;
  readonly raw: Record<string, unknown>;
  readonly calls: [number, number][][];
  layer: Layer | null;
}

/** What reading needs from model-json.ts. */
export interface FunctionalReader<M> {
  /**
   * The layer a { class_name, config } entry describes (a nested model
   * included), or throws naming `at` (source and place); `path` is the
   * place alone, which a nested model's messages extend.
   */
  readLayer(entry: Record<string, unknown>, at: string, path: string): Layer;
  /** Constructs the model (keras.Model) from the rebuilt graph. */
  make(args: FunctionalArgs): M;
}

/**
 * Rebuilds the Functional model of `model` ({ class_name: 'Functional' or
 * 'Model', config }); `path` names it in messages, `maxValues` bounds the
 * weight values its layers may allocate (see modelFromTopology).
 */
export function functionalFrom<M>(model: Record<string, unknown>, path: string, source: string, reader: FunctionalReader<M>, maxValues: number): M {
  const fail = (message: string): never => {
    throw new FileFormatError(source, `${source}: ${path}${message}`);
  };
  const config = model.config;
  if (!isObject(config) || !Array.isArray(config.layers) || !Array.isArray(config.input_layers) || !Array.isArray(config.output_layers)) {
    return fail(`.config must be an object { name, layers, input_layers, output_layers } (a Functional model). Received: config=${describeValue(config)}`);
  }
  const rawEntries = config.layers as unknown[];
  const byName = new Map<string, number>();
  rawEntries.forEach((raw, i) => {
    const name = isObject(raw) ? (raw.name ?? (isObject(raw.config) ? raw.config.name : undefined)) : undefined;
    if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config) || typeof name !== 'string') {
      fail(` layer ${i} must be an object { name, class_name, config, inbound_nodes }. Received: ${describeValue(raw)}`);
    }
    if (byName.has(name as string)) fail(`: two layers are named ${excerpt(name as string, 80, '"')}; layer names must be unique.`);
    byName.set(name as string, i);
  });
  const entries: Entry[] = rawEntries.map((raw, i) => {
    const r = raw as Record<string, unknown>;
    const name = (r.name ?? (r.config as Record<string, unknown>).name) as string;
    const at = `${path} layer ${i} (${excerpt(name, 80, '"')}, ${excerpt(r.class_name as string, 80, '')})`;
    return { name, at, raw: r, calls: [], layer: null };
  });
  // Node counts first: a reference is checked against the calls its layer makes.
  const callCounts = entries.map((e) => (e.raw.class_name === 'InputLayer' ? 1 : Array.isArray(e.raw.inbound_nodes) ? e.raw.inbound_nodes.length : 0));
  const resolve = (ref: unknown, where: string, withKwargs: boolean): [number, number] => {
    const valid = Array.isArray(ref) && (ref.length === 3 || (withKwargs && ref.length === 4)) && typeof ref[0] === 'string';
    if (!valid) {
      return fail(
        `${where} must be [layer name, node index, tensor index${withKwargs ? ', kwargs' : ''}] (Keras 2's and TF.js's form). Received: ${describeValue(ref)}`,
      );
    }
    const [name, node, tensor] = ref as [string, unknown, unknown];
    const target = byName.get(name);
    if (target === undefined) return fail(`${where} names layer ${excerpt(name, 80, '"')}, which is not among the model's layers.`);
    const className = entries[target]!.raw.class_name as string;
    const first = nodeNumber(className, 0);
    const calls = callCounts[target]!;
    if (!Number.isInteger(node) || (node as number) < first || (node as number) >= first + calls) {
      const numbering = first === 1 ? ' (a nested model\'s calls are numbered from 1: its node 0 is its own graph)' : '';
      return fail(`${where} reads call ${describeValue(node)} of layer ${excerpt(name, 80, '"')}, which makes ${calls} call${calls === 1 ? '' : 's'} in this model${numbering}.`);
    }
    if (tensor !== 0) return fail(`${where} reads output ${describeValue(tensor)} of layer ${excerpt(name, 80, '"')}; tinykeras layers have one output, index 0.`);
    return [target, (node as number) - first];
  };
  entries.forEach((entry, i) => {
    const nodes = entry.raw.inbound_nodes ?? [];
    if (!Array.isArray(nodes)) fail(` layer ${i}: inbound_nodes must be a list of calls. Received: inbound_nodes=${describeValue(nodes)}`);
    if (entry.raw.class_name === 'InputLayer' && (nodes as unknown[]).length > 0) fail(` layer ${i}: an InputLayer makes no calls. Received: inbound_nodes=${describeValue(nodes)}`);
    (nodes as unknown[]).forEach((call, k) => {
      if (!Array.isArray(call) || call.length === 0) {
        fail(` layer ${i} call ${k} must be a non-empty list of [layer name, node index, tensor index, kwargs]. Received: ${describeValue(call)}`);
      }
      entry.calls.push((call as unknown[]).map((ref, r) => resolve(ref, ` layer ${i} call ${k} input ${r}`, true)));
    });
  });
  const inputRefs = (config.input_layers as unknown[]).map((ref, i) => resolve(ref, `.config.input_layers[${i}]`, false));
  const outputRefs = (config.output_layers as unknown[]).map((ref, i) => resolve(ref, `.config.output_layers[${i}]`, false));
  inputRefs.forEach(([e], i) => {
    if (entries[e]!.raw.class_name !== 'InputLayer') fail(`.config.input_layers[${i}] names layer "${entries[e]!.name}", which is not an InputLayer.`);
  });

  // The layers, created unbuilt (a nested model is built, and counts its weights now).
  let values = 0;
  const count = (n: number) => {
    values += n;
    // The slack of 2^20 values (4 MiB) lets the weight check name the weight that differs in a small mismatch.
    if (values > maxValues + 2 ** 20) {
      fail(` builds ${values} weight values or more, but weightsManifest declares ${maxValues}; the topology and the weights do not belong together.`);
    }
  };
  for (const entry of entries) {
    entry.layer = entry.raw.class_name === 'InputLayer' ? inputLayerFrom(entry, source) : reader.readLayer(withoutInputShape(entry.raw), `${source}: ${entry.at}`, `${path} layer ${entries.indexOf(entry)}`);
    if (entry.layer.built) count(entry.layer.countParams());
  }

  // Kahn's algorithm over the calls: each waits on the calls it reads and on its layer's call before it.
  const key = (e: number, n: number) => `${e}:${n}`;
  const waiting = new Map<string, number>();
  const readers = new Map<string, string[]>();
  const wait = (from: string, on: string) => {
    waiting.set(from, (waiting.get(from) ?? 0) + 1);
    const list = readers.get(on);
    if (list === undefined) readers.set(on, [from]);
    else list.push(from);
  };
  const ready: [number, number][] = [];
  const outputs = new Map<string, KerasTensor>();
  entries.forEach((entry, e) => {
    if (entry.layer instanceof InputLayer) outputs.set(key(e, 0), entry.layer.output);
    entry.calls.forEach((refs, n) => {
      waiting.set(key(e, n), 0);
      for (const [re, rn] of refs) if (!(entries[re]!.layer instanceof InputLayer)) wait(key(e, n), key(re, rn));
      if (n > 0) wait(key(e, n), key(e, n - 1));
      if (waiting.get(key(e, n)) === 0) ready.push([e, n]);
    });
  });
  for (let next = 0; next < ready.length; next++) {
    const [e, n] = ready[next]!;
    const entry = entries[e]!;
    const layer = entry.layer!;
    const inputs = entry.calls[n]!.map(([re, rn]) => outputs.get(key(re, rn))!);
    const asList = inputs.length > 1 || LIST_LAYERS.has(entry.raw.class_name as string);
    try {
      if (!layer.built && !asList) count(layer.weightShapes(inputs[0]!.shape).reduce((total, s) => total + sizeOf(s), 0));
      outputs.set(key(e, n), asList ? layer.apply(inputs) : layer.apply(inputs[0]!));
    } catch (error) {
      if (error instanceof FileFormatError || !(error instanceof TinykerasError)) throw error;
      throw new FileFormatError(source, `${source}: ${entry.at} call ${n}: ${error.message}`, { cause: error });
    }
    for (const reader of readers.get(key(e, n)) ?? []) {
      const left = waiting.get(reader)! - 1;
      waiting.set(reader, left);
      if (left === 0) ready.push(reader.split(':').map(Number) as [number, number]);
    }
  }
  const stuck = entries.filter((entry, e) => entry.calls.some((_, n) => !outputs.has(key(e, n))));
  if (stuck.length > 0) {
    fail(
      `: the calls of layers ${stuck.slice(0, 5).map((s) => excerpt(s.name, 80, '"')).join(', ')}${stuck.length > 5 ? ', …' : ''} wait on each other ` +
        '(their inbound_nodes form a cycle), so the graph cannot be built.',
    );
  }

  const name = typeof config.name === 'string' ? config.name : undefined;
  // One input or output is the tensor itself, as TF.js and Keras 2 read these lists: predict gives a tensor, not a list of one.
  const tensors = (refs: [number, number][]) => {
    const list = refs.map(([e, n]) => outputs.get(key(e, n))!);
    return list.length === 1 ? list[0]! : list;
  };
  const modelArgs: FunctionalArgs = {
    inputs: tensors(inputRefs),
    outputs: tensors(outputRefs),
    ...(name === undefined ? {} : { name }),
  };
  try {
    const built = reader.make(modelArgs) as M & { trainable: boolean };
    if (typeof config.trainable === 'boolean') built.trainable = config.trainable;
    return built;
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    return fail(`: ${error.message}`);
  }
}

/** An InputLayer from its config: batch_input_shape (TF.js, Keras 2) or batch_shape (Keras 3), batch dimension null or a fixed size. */
function inputLayerFrom(entry: Entry, source: string): InputLayer {
  const cfg = entry.raw.config as Record<string, unknown>;
  const shape = cfg.batch_input_shape ?? cfg.batch_shape;
  const sample = Array.isArray(shape) ? shape.slice(1) : [];
  const batch = Array.isArray(shape) ? shape[0] : undefined;
  const fits = Array.isArray(shape) && shape.length >= 2 && sample.every((d) => Number.isInteger(d) && d > 0) && (batch === null || (Number.isInteger(batch) && batch > 0));
  if (!fits) {
    throw new FileFormatError(
      source,
      `${source}: ${entry.at}: batch_input_shape must be [null, d1, d2, …] with positive integer sizes. Received: batch_input_shape=${describeValue(shape)}`,
    );
  }
  try {
    return new InputLayer({ shape: sample as number[], name: entry.name, ...(batch === null ? {} : { batchSize: batch as number }) });
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new FileFormatError(source, `${source}: ${entry.at}: ${error.message}`, { cause: error });
  }
}

/** A layer entry without an input shape: in a graph, a layer's input shape is what it is called on. */
function withoutInputShape(raw: Record<string, unknown>): Record<string, unknown> {
  const { batch_input_shape: _shape, batch_shape: _keras3Shape, ...config } = raw.config as Record<string, unknown>;
  return { ...raw, config };
}
