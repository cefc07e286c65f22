/**
 * TF.js's layers-model format, in the words of its two files:
 *
 *     model.json = {
 *       modelTopology:   { class_name: 'Sequential', config: { name, layers: [...] }, keras_version, backend },
 *       format:          'layers-model',
 *       generatedBy:     'tinykeras v0.1.0',
 *       convertedBy:     null,
 *       weightsManifest: [ { paths: ['weights.bin'],
 *                            weights: [ { name: 'dense/kernel', shape: [784, 128], dtype: 'float32' }, … ] } ],
 *       trainingConfig?: { loss, metrics, optimizer_config: { class_name, config } },   (with the optimizer: the default)
 *     }
 *     weights.bin = the values of every manifest entry, back to back, in manifest order
 *
 * In memory the same content travels as "artifacts" (TF.js's ModelArtifacts):
 * the manifest's entries flattened into `weightSpecs`, and the binary files
 * joined into one `weightData` buffer. A handler (handlers.ts) moves artifacts
 * to and from some storage; this file converts between artifacts and the JSON
 * of model.json, checking every field on the way in.
 */
import { describeValue, FileFormatError } from '../errors.js';
import { parseJSONFile } from '../utils/json.js';
import type { DeadlineOptions } from '../utils/deadline.js';

/** One manifest entry: a named array of `shape`, stored as `dtype`. `group: 'optimizer'` marks optimizer state. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  group?: string;
  /** Present in converter output with quantized weights; tinykeras does not read those. */
  quantization?: unknown;
}

/** One entry of `weightsManifest`: the binary files of a group, and the weights they hold, in order. */
export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** The compile settings TF.js keeps in `trainingConfig` (Keras's snake_case keys). */
export interface TrainingConfig {
  loss: unknown;
  /** tinykeras's addition for a loss on logits: Keras's serialized loss object (see training-config.ts). */
  loss_config?: unknown;
  metrics?: unknown;
  /** tinykeras's key for the loss weights of a model of several outputs, which TF.js refuses under Keras's `loss_weights`. */
  tinykeras_loss_weights?: number[];
  /** compile's weightedMetrics, by name, as Keras's `weighted_metrics`. */
  weighted_metrics?: unknown;
  optimizer_config: { class_name: string; config: Record<string, unknown> };
}

/**
 * A model in memory, as TF.js's IOHandlers pass it around. Every field is
 * optional because a weights-only save has no topology and a topology-only
 * save has no weights; loading checks what it needs.
 */
export interface ModelArtifacts {
  /** The JSON object of `modelTopology`; `unknown` because files are checked, not trusted. */
  modelTopology?: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightSpecs?: WeightSpec[];
  /** The weights' bytes: one buffer, or several (TF.js's shards) to be joined in order. */
  weightData?: ArrayBuffer | ArrayBuffer[];
  trainingConfig?: unknown;
  userDefinedMetadata?: unknown;
  /** Where the pieces came from, named in error messages. Not part of TF.js's artifacts. */
  sources?: { modelJSON?: string; weights?: string };
}

/** What a handler's save reports, as TF.js's SaveResult. */
export interface SaveResult {
  modelArtifactsInfo: {
    dateSaved: Date;
    /** Always 'JSON' here; TF.js also knows 'GraphDef', for graph models. */
    modelTopologyType: 'JSON' | 'GraphDef';
    modelTopologyBytes?: number;
    weightSpecsBytes?: number;
    weightDataBytes?: number;
  };
}

/**
 * Where a model goes to or comes from: TF.js's IOHandler. Any object with
 * these methods works, including TF.js's own handlers (`tf.io.fromMemory`,
 * `tf.io.withSaveHandler`), since the artifacts have the same shape.
 */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(options?: HandlerLoadOptions): Promise<ModelArtifacts>;
}

/** What `loadModel` passes to a handler's load (a signal and a deadline); handlers that wait on nothing outside ignore it. */
export type HandlerLoadOptions = DeadlineOptions;

/** What a handler's save reports about `artifacts`. */
/** The largest model.json read, from any source: 64 MiB, hundreds of times any real one (its weights are in the binary files). */
export const MAX_MODEL_JSON_BYTES = 64 << 20;

export function describeSave(artifacts: ModelArtifacts): SaveResult {
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: artifacts.modelTopology === undefined ? 0 : JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: artifacts.weightSpecs === undefined ? 0 : JSON.stringify(artifacts.weightSpecs).length,
      weightDataBytes: joinBuffers(artifacts.weightData).byteLength,
    },
  };
}

/** The weight bytes as one buffer (TF.js may hand over several shards). */
export function joinBuffers(data: ArrayBuffer | ArrayBuffer[] | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const buffer of data) {
    out.set(new Uint8Array(buffer), offset);
    offset += buffer.byteLength;
  }
  return out.buffer;
}

/** The JSON of model.json for `artifacts`, with one weights group stored in `weightPaths`. */
export function modelJSONFromArtifacts(artifacts: ModelArtifacts, weightPaths: string[]): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (artifacts.modelTopology !== undefined) json.modelTopology = artifacts.modelTopology;
  json.format = artifacts.format ?? 'layers-model';
  json.generatedBy = artifacts.generatedBy;
  json.convertedBy = artifacts.convertedBy ?? null;
  json.weightsManifest = [{ paths: weightPaths, weights: artifacts.weightSpecs ?? [] }];
  if (artifacts.trainingConfig !== undefined) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata !== undefined) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}

/**
 * Parses the text of a model.json and checks its fields: that it is JSON, an
 * object, a layers model, and that `weightsManifest` lists files and well-formed
 * entries. `modelTopology` is checked later, by whoever needs it (loadWeights
 * does not). Returns the artifacts without weight data, and the manifest's groups.
 */
export function parseModelJSON(text: string, source: string): { artifacts: ModelArtifacts; groups: WeightsGroup[] } {
  const json = parseJSONFile(text, source, 'model.json');
  if (!isObject(json)) {
    // Said by kind and size, never quoted: the file may be anything.
    const kind = typeof json === 'string' ? `a JSON string of ${json.length} characters` : Array.isArray(json) ? `a JSON array of ${json.length} items` : json === null ? 'null' : `a JSON ${typeof json}`;
    throw new FileFormatError(source, `${source}: expected a JSON object with modelTopology and weightsManifest. Received: ${kind}`);
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new FileFormatError(
      source,
      `${source}: format must be 'layers-model'; tinykeras cannot load TF.js graph models (tensorflowjs_converter ` +
        `output for SavedModels). Received: format=${describeValue(json.format)}`,
    );
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new FileFormatError(source, `${source}: weightsManifest must be a list of weight groups. Received: weightsManifest=${describeValue(json.weightsManifest)}`);
  }
  const groups = json.weightsManifest.map((group, i) => checkGroup(group, `${source}: weightsManifest[${i}]`, source));
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format as string | undefined,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: json.convertedBy as string | null | undefined,
    weightSpecs: groups.flatMap((g) => g.weights),
  };
  if (json.trainingConfig !== undefined && json.trainingConfig !== null) artifacts.trainingConfig = json.trainingConfig;
  if (json.userDefinedMetadata !== undefined) artifacts.userDefinedMetadata = json.userDefinedMetadata;
  return { artifacts, groups };
}

function checkGroup(group: unknown, where: string, source: string): WeightsGroup {
  if (!isObject(group)) throw new FileFormatError(source, `${where} must be an object with paths and weights. Received: ${describeValue(group)}`);
  const { paths, weights } = group;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) {
    throw new FileFormatError(source, `${where}.paths must be a non-empty list of file names. Received: paths=${describeValue(paths)}`);
  }
  if (!Array.isArray(weights)) throw new FileFormatError(source, `${where}.weights must be a list. Received: weights=${describeValue(weights)}`);
  return { paths: paths as string[], weights: weights as WeightSpec[] };
}

/**
 * Checks the artifacts a handler gave or was given (`source` names it in
 * errors): an object whose weightSpecs, if any, is a list and whose
 * weightData, if any, is an ArrayBuffer or a list of them. The topology and
 * trainingConfig are checked later by whoever reads them.
 */
export function checkArtifacts(artifacts: unknown, source: string): ModelArtifacts {
  if (!isObject(artifacts)) {
    throw new FileFormatError(source, `${source}: expected model artifacts, an object { modelTopology, weightSpecs, weightData }. Received: ${describeValue(artifacts)}`);
  }
  const { weightSpecs, weightData, format } = artifacts;
  if (weightSpecs !== undefined && !Array.isArray(weightSpecs)) {
    throw new FileFormatError(source, `${source}: weightSpecs must be a list of { name, shape, dtype }. Received: weightSpecs=${describeValue(weightSpecs)}`);
  }
  const isBuffer = (b: unknown) => b instanceof ArrayBuffer;
  if (weightData !== undefined && !isBuffer(weightData) && !(Array.isArray(weightData) && weightData.every(isBuffer))) {
    throw new FileFormatError(source, `${source}: weightData must be an ArrayBuffer or a list of them. Received: weightData=${describeValue(weightData)}`);
  }
  const { sources } = artifacts;
  if (sources !== undefined && !(isObject(sources) && Object.values(sources).every((v) => v === undefined || typeof v === 'string'))) {
    throw new FileFormatError(source, `${source}: sources, if given, names where the artifacts came from: { modelJSON, weights } as strings. Received: sources=${describeValue(sources)}`);
  }
  if (format !== undefined && typeof format !== 'string') {
    throw new FileFormatError(source, `${source}: format must be a string such as 'layers-model'. Received: format=${describeValue(format)}`);
  }
  return artifacts as ModelArtifacts;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
