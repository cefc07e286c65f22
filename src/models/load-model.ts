/**
 * Keras's `keras.models.load_model`: the saved file read by src/saving, the
 * model built here, where the model classes are.
 */
import { loadModel as loadSaved, saveModel, type IOHandler, type LoadOptions, type ModelFactories } from '../saving/index.js';
import { Sequential } from './sequential.js';
import { Model } from './functional.js';
import type { Layer, LayerArgs } from '../layers/layer.js';
import type { FunctionalArgs } from '../saving/keras-format/keras-config.js';
import { modelFromTopology } from '../saving/model-json.js';
import { readKerasSource } from '../saving/keras-format/keras-source.js';
import { modelFromKerasFile } from '../saving/keras-format/keras-model-file.js';
import type { ModelFactories as KerasModelFactories } from '../saving/keras-format/keras-config.js';
import { checkDeadlineOptions } from '../utils/deadline.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { parseJSONFile } from '../utils/json.js';
import { describeValue, ValueError } from '../errors.js';

/** How loading constructs the models a file describes: TF.js's format (MAKE) and Keras's (KERAS_MAKE). */
const makeSequential = (layers: Layer[], args: Omit<LayerArgs, 'inputShape'>) => new Sequential(layers, args);
const makeFunctional = (args: FunctionalArgs) => new Model(args);
const MAKE: ModelFactories<Sequential | Model> = { sequential: makeSequential, functional: makeFunctional };
const KERAS_MAKE: KerasModelFactories<Sequential, Model> = { sequential: makeSequential, functional: makeFunctional };

/**

 * Rebuilds a saved model, compiled (its optimizer's state restored) when
 * the file holds its training settings: a Sequential, or a keras.Model for
 * a Functional model, as the file describes. It reads
 *
 * - a Keras file, `.keras` (Keras 3) or legacy `.h5`, told by its first
 *   bytes: a Node path, an http(s) URL, or `io.browserFiles([file])`;
 * - TF.js's layers-model format (a directory, its model.json, a URL to
 *   one, or any IOHandler).
 */
export async function loadModel(pathOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<Sequential | Model> {
  checkTypedOptions('loadModel()', options, { compile: 'boolean', signal: 'any', timeoutMs: 'number' } satisfies Record<keyof LoadOptions, OptionKind>);
  checkDeadlineOptions(options, 'loadModel()');
  const file = await readKerasSource(pathOrHandler, { signal: options.signal, timeoutMs: options.timeoutMs });
  if (file !== null) return modelFromKerasFile(file.bytes, file.name, KERAS_MAKE, { compile: options.compile });
  return loadSaved(pathOrHandler, options, MAKE);
}

/**
 * Keras's `keras.models.model_from_json`: a model built from the JSON
 * `model.toJSON()` gives (a model.json's `modelTopology`, as text or
 * parsed), with fresh weights drawn from the layers' initializers (those
 * tinykeras has; another falls back to the layer's default, as on load); not
 * compiled.
 */
export function modelFromJSON(json: string | object): Sequential | Model {
  const where = 'modelFromJSON()';
  const topology = typeof json === 'string' ? parseJSONFile(json, where, 'model JSON') : json;
  if (typeof topology !== 'object' || topology === null) {
    throw new ValueError(`${where}: expected the JSON text of model.toJSON(), or its parsed object. Received: ${describeValue(json)}`);
  }
  return modelFromTopology(topology, where, MAKE, Infinity, 'fresh');
}

export { saveModel };
