/**
 * `keras.models`: `await keras.models.loadModel('my-model')` rebuilds a
 * model saved by `model.save('my-model')` (or by TF.js) in TF.js's
 * layers-model format; `saveModel(model, path)` is `model.save(path)`.
 */
export { Sequential } from '../models/sequential.js';
export { Model } from '../models/functional.js';
export { loadModel, modelFromJSON, saveModel } from '../models/load-model.js';
