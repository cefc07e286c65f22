/**
 * Everything tinykeras exports that is the same on every platform: Keras's
 * namespaces, one module each in src/api/, and the few names Keras has at
 * its top level. The entry points add `datasets`, which differs: src/index.ts
 * (Node) registers the Node platform and Node's dataset loader,
 * src/browser.ts the browser's. Nothing imported from here touches a Node
 * module.
 *
 *     keras.layers  keras.models  keras.optimizers  keras.losses  keras.metrics  keras.regularizers
 *     keras.callbacks  keras.utils  keras.ops  keras.random  keras.config  keras.io
 */
import * as opsNamespace from './api/ops.js';
import * as randomNamespace from './api/random.js';
import * as utilsNamespace from './api/utils.js';
import * as callbacksNamespace from './api/callbacks.js';
import { parseIdx as parseIdxFile } from './data/idx.js';

export * as layers from './api/layers.js';
export * as models from './api/models.js';
export * as optimizers from './api/optimizers.js';
export * as losses from './api/losses.js';
export * as metrics from './api/metrics.js';
export * as regularizers from './api/regularizers.js';
export * as callbacks from './api/callbacks.js';
export * as utils from './api/utils.js';
export * as ops from './api/ops.js';
export * as random from './api/random.js';
/** Process-wide settings: `await keras.config.setKernels('simd' | 'js')`, `keras.config.kernels()`. */
export { config, type KernelTier } from './api/config.js';
/** The storage handlers of save and load (memory, downloads, browser storage, files), as TF.js's `tf.io`. */
export { io } from './saving/index.js';

// Keras's top-level names.
export { Sequential } from './models/sequential.js';
export { Model, type ModelArgs } from './models/functional.js';
export { KerasTensor } from './layers/graph.js';
export { Input } from './layers/input-layer.js';
/** Makes a tensor from values: nested arrays, a typed array, or a flat array with a shape. */
export { tensor } from './tensor/creation.js';
export { Tensor, type TensorLike, type NestedArray } from './tensor/tensor.js';
export type { TensorInput } from './tensor/convert.js';
export { noGrad } from './tensor/autograd.js';
export { TinykerasError, ValueError, ShapeError, RuntimeError, FileFormatError } from './errors.js';

// Types of the options and results of the public functions.
export type { LayerArgs, BatchShape, CallArgs } from './layers/layer.js';
export type { DropoutArgs } from './layers/dropout.js';
export type { SoftmaxArgs, ActivationArgs, ReLUArgs } from './layers/activation-layers.js';
export type { InputArgs } from './layers/input-layer.js';
export type { DenseArgs } from './layers/dense.js';
export type { Conv2DArgs } from './layers/conv2d.js';
export type { Pooling2DArgs, GlobalPooling2DArgs } from './layers/pooling.js';
export type { ZeroPadding2DArgs } from './layers/zero-padding.js';
export type { ReshapeArgs } from './layers/reshape.js';
export type { BatchNormalizationArgs } from './layers/batch-normalization.js';
export type { RescalingArgs, RandomFlipArgs, RandomTranslationArgs } from './layers/preprocessing.js';
export type { RandomRotationArgs, RandomZoomArgs } from './layers/random-affine.js';
export type { ActivationName } from './layers/activations.js';
export type { ConcatenateArgs } from './layers/merge.js';
export type { TrainingProgress } from './callbacks/progress-callback.js';
export type { TrainingParams } from './callbacks/callbacks.js';
export type { NonFiniteReport, NonFiniteFinding } from './callbacks/non-finite.js';
export type { CompileArgs } from './training/compile.js';
export type { FitArgs } from './training/fit.js';
export type { EvaluateArgs, PredictArgs } from './training/evaluate.js';
export type { Logs } from './callbacks/logs.js';
export type { IOHandler, ModelArtifacts, SaveResult, SaveOptions, LoadOptions } from './saving/index.js';
export type { IdxArray } from './data/idx.js';

// ------------------------------------------------------------------
// Deprecated top-level aliases, kept for one release: each names its new place.

/** @deprecated Use `keras.ops.zeros`; this top-level alias goes in the next release. */
export const zeros = opsNamespace.zeros;
/** @deprecated Use `keras.ops.ones`; this top-level alias goes in the next release. */
export const ones = opsNamespace.ones;
/** @deprecated Use `keras.ops.full`; this top-level alias goes in the next release. */
export const full = opsNamespace.full;
/** @deprecated Use `keras.random.uniform`; this top-level alias goes in the next release. */
export const randomUniform = randomNamespace.uniform;
/** @deprecated Use `keras.random.normal`; this top-level alias goes in the next release. */
export const randomNormal = randomNamespace.normal;
/** @deprecated Use `keras.utils.setRandomSeed`; this top-level alias goes in the next release. */
export const setRandomSeed = utilsNamespace.setRandomSeed;
/** @deprecated Use `keras.utils.checkGradients`; this top-level alias goes in the next release. */
export const checkGradients = utilsNamespace.checkGradients;
/** @deprecated Use `keras.utils.clearSession`; this top-level alias goes in the next release. */
export const clearSession = utilsNamespace.clearSession;
/** @deprecated Use `keras.datasets.parseIdx`; this top-level alias goes in the next release. */
export const parseIdx = parseIdxFile;
/** @deprecated Use `keras.callbacks.Callback`; this top-level alias goes in the next release. */
export const Callback = callbacksNamespace.Callback;
/** @deprecated Use `keras.callbacks.Callback`; this top-level alias goes in the next release. */
export type Callback = callbacksNamespace.Callback;
/** @deprecated Use `keras.callbacks.History`; this top-level alias goes in the next release. */
export const History = callbacksNamespace.History;
/** @deprecated Use `keras.callbacks.History`; this top-level alias goes in the next release. */
export type History = callbacksNamespace.History;
/** @deprecated Use `keras.callbacks.EarlyStopping`; this top-level alias goes in the next release. */
export const EarlyStopping = callbacksNamespace.EarlyStopping;
/** @deprecated Use `keras.callbacks.EarlyStopping`; this top-level alias goes in the next release. */
export type EarlyStopping = callbacksNamespace.EarlyStopping;
/** @deprecated Use `keras.callbacks.ProgbarLogger`; this top-level alias goes in the next release. */
export const ProgbarLogger = callbacksNamespace.ProgbarLogger;
/** @deprecated Use `keras.callbacks.ProgbarLogger`; this top-level alias goes in the next release. */
export type ProgbarLogger = callbacksNamespace.ProgbarLogger;
/** @deprecated Use `keras.callbacks.TerminateOnNaN`; this top-level alias goes in the next release. */
export const TerminateOnNaN = callbacksNamespace.TerminateOnNaN;
/** @deprecated Use `keras.callbacks.TerminateOnNaN`; this top-level alias goes in the next release. */
export type TerminateOnNaN = callbacksNamespace.TerminateOnNaN;
/** @deprecated Use `keras.callbacks.ProgressCallback`; this top-level alias goes in the next release. */
export const ProgressCallback = callbacksNamespace.ProgressCallback;
/** @deprecated Use `keras.callbacks.ProgressCallback`; this top-level alias goes in the next release. */
export type ProgressCallback = callbacksNamespace.ProgressCallback;
