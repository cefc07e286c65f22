/**
 * Keras's `keras.models.load_model`: the saved file read by src/saving, the
 * model built here, where the model classes are.
 */
import { loadModel as loadSaved, saveModel, type IOHandler, type LoadOptions, type ModelFactories } from '../saving/index.js';
import { Sequential } from './sequential.js';
import { Model } from './functional.js';
import { modelFromTopology } from '../saving/model-json.js';
import { parseJSONFile } from '../utils/json.js';
import { describeValue, ValueError } from '../errors.js';

/** How loading constructs the models a file describes. */
const MAKE: ModelFactories<Sequential | Model> = {
  sequential: (layers, args) => new Sequential(layers, args),
  functional: (args) => new Model(args),
};

/**
 * Rebuilds a model saved by `model.save(path)` (or by TF.js) in TF.js's
 * layers-model format, compiled when the file holds its training settings:
 * a Sequential, or a keras.Model for a Functional model.
 */
export function loadModel(pathOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<Sequential | Model> {
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
