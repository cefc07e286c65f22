/**
 * Keras's `keras.models.load_model`: the saved file read by src/saving, the
 * model built here, where the Sequential and Model classes are.
 */
import { loadModel as loadSaved, saveModel, type IOHandler, type LoadOptions } from '../saving/index.js';
import { Sequential } from './sequential.js';
import { Model } from './functional.js';
import { modelFromTopology } from '../saving/model-json.js';
import { readKerasSource } from '../saving/keras-format/keras-source.js';
import { modelFromKerasFile } from '../saving/keras-format/keras-model-file.js';
import type { ModelFactories } from '../saving/keras-format/keras-config.js';
import { checkDeadlineOptions } from '../utils/deadline.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { parseJSONFile } from '../utils/json.js';
import { describeValue, ValueError } from '../errors.js';

/** How a file's config makes the two model classes. */
const FACTORIES: ModelFactories<Sequential, Model> = {
  sequential: (layers, args) => new Sequential(layers, args),
  functional: (args) => new Model(args),
};

/**
 * Rebuilds a saved model, compiled (its optimizer's state restored) when
 * the file holds its training settings:
 *
 * - a Keras file, `.keras` (Keras 3) or legacy `.h5`, told by its first
 *   bytes: a Node path, an http(s) URL, or `io.browserFiles([file])`;
 *   a Sequential or a Functional Model, as the file describes;
 * - TF.js's layers-model format (a directory, its model.json, a URL to
 *   one, or any IOHandler): a Sequential.
 *
 * The type says Sequential unless told: a Keras file of a Functional model
 * is `await loadModel<Model>('x.keras')` (or check `instanceof Model`).
 */
export async function loadModel<M extends Sequential | Model = Sequential>(pathOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<M> {
  checkTypedOptions('loadModel()', options, { compile: 'boolean', signal: 'any', timeoutMs: 'number' } satisfies Record<keyof LoadOptions, OptionKind>);
  checkDeadlineOptions(options, 'loadModel()');
  const file = await readKerasSource(pathOrHandler, { signal: options.signal, timeoutMs: options.timeoutMs });
  if (file !== null) return (await modelFromKerasFile(file.bytes, file.name, FACTORIES, { compile: options.compile })) as M;
  return (await loadSaved(pathOrHandler, options, (layers, args) => new Sequential(layers, args))) as M;
}

/**
 * Keras's `keras.models.model_from_json`: a model built from the JSON
 * `model.toJSON()` gives (a model.json's `modelTopology`, as text or
 * parsed), with fresh weights drawn from the layers' initializers (those
 * tinykeras has; another falls back to the layer's default, as on load); not
 * compiled.
 */
export function modelFromJSON(json: string | object): Sequential {
  const where = 'modelFromJSON()';
  const topology = typeof json === 'string' ? parseJSONFile(json, where, 'model JSON') : json;
  if (typeof topology !== 'object' || topology === null) {
    throw new ValueError(`${where}: expected the JSON text of model.toJSON(), or its parsed object. Received: ${describeValue(json)}`);
  }
  return modelFromTopology(topology, where, (layers, args) => new Sequential(layers, args), Infinity, 'fresh');
}

export { saveModel };
