/**
 * Everything tinykeras exports that is the same on every platform. The entry
 * points add what differs: src/index.ts (Node) registers the Node platform
 * and Node's dataset loader, src/browser.ts the browser's. Nothing imported
 * from here touches a Node module.
 */
import { Dense } from './layers/dense.js';
import { Flatten } from './layers/flatten.js';
import { Dropout } from './layers/dropout.js';
import { Activation, ReLU, Softmax } from './layers/activation-layers.js';
import { Input, InputLayer } from './layers/input-layer.js';
import { Layer } from './layers/layer.js';
import { Sequential } from './models/sequential.js';
import { Model } from './models/functional.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './layers/merge.js';
import { loadModel, saveModel } from './models/load-model.js';
import { RandomGenerator, setRandomSeed } from './tensor/random.js';
import { checkGradients } from './tensor/gradcheck.js';
import { resetNameCounters } from './layers/naming.js';
import { io } from './saving/index.js';
import { toCategorical } from './data/to-categorical.js';

export { Sequential, Model };
export type { ModelArgs } from './models/functional.js';
export { KerasTensor } from './layers/graph.js';
export type { ConcatenateArgs } from './layers/merge.js';
export { TinykerasError, ValueError, ShapeError, RuntimeError, FileFormatError } from './errors.js';
export { Tensor, type TensorLike, type NestedArray } from './tensor/tensor.js';
export type { TensorInput } from './tensor/convert.js';
export { tensor, zeros, ones, full, randomUniform, randomNormal } from './tensor/creation.js';
export { noGrad } from './tensor/autograd.js';
export * as ops from './ops.js';

export const layers = { Layer, Dense, Flatten, Dropout, Softmax, Activation, ReLU, InputLayer, Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum };
export { Input };
export type { LayerArgs, BatchShape, CallArgs } from './layers/layer.js';
export type { DropoutArgs } from './layers/dropout.js';
export type { SoftmaxArgs, ActivationArgs, ReLUArgs } from './layers/activation-layers.js';
export type { InputArgs } from './layers/input-layer.js';
export type { DenseArgs } from './layers/dense.js';
export type { ActivationName } from './layers/activations.js';

export * as optimizers from './optim/index.js';
export * as losses from './losses/index.js';

export { Callback, History, EarlyStopping, ProgbarLogger, TerminateOnNaN } from './callbacks/callbacks.js';
export { ProgressCallback, type TrainingProgress } from './callbacks/progress-callback.js';
export type { TrainingParams } from './callbacks/callbacks.js';
export type { NonFiniteReport, NonFiniteFinding } from './callbacks/non-finite.js';
export * as callbacks from './callbacks/index.js';
export type { CompileArgs } from './training/compile.js';
export type { FitArgs } from './training/fit.js';
export type { EvaluateArgs, PredictArgs } from './training/evaluate.js';
export type { Logs } from './callbacks/logs.js';

/** Process-wide settings: `keras.config.setKernels('simd' | 'js')`, `keras.config.kernels()`. */
export { config, type KernelTier } from './config.js';

/**
 * Keras's `keras.models`: `await keras.models.loadModel('my-model')` rebuilds a
 * model saved by `model.save('my-model')` (or by TF.js) in TF.js's
 * layers-model format. `io` holds the storage handlers (memory, downloads, files).
 */
export const models = { Sequential, Model, loadModel, saveModel };
export { io };
export type { IOHandler, ModelArtifacts, SaveResult, SaveOptions, LoadOptions } from './saving/index.js';

/**
 * Forgets the automatic layer-name counters, so the next Dense is "dense"
 * again (Keras's `keras.backend.clear_session`).
 */
export function clearSession(): void {
  resetNameCounters();
}

export const utils = { setRandomSeed, checkGradients, clearSession, RandomGenerator, toCategorical };
export { setRandomSeed, checkGradients };
export { parseIdx, type IdxArray } from './data/idx.js';
