/**
 * Keras's `keras.models.load_model`: the saved file read by src/saving, the
 * model built here, where the Sequential class is.
 */
import { loadModel as loadSaved, saveModel, type IOHandler, type LoadOptions } from '../saving/index.js';
import { Sequential } from './sequential.js';

/**
 * Rebuilds a model saved by `model.save(path)` (or by TF.js) in TF.js's
 * layers-model format, compiled when the file holds its training settings.
 */
export function loadModel(pathOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<Sequential> {
  return loadSaved(pathOrHandler, options, (layers, args) => new Sequential(layers, args));
}

export { saveModel };
