/**
 * Every kernel the fused executor calls, reachable through one object, so
 * that another implementation of the same loops (a WebAssembly tier, say)
 * can be swapped in process-wide without touching the executor.
 */
import { activate, activationGradient } from './activations.js';
import { addBias, columnSums } from './bias.js';
import { gemm } from './matmul.js';
import { adamUpdate, sgdUpdate } from './optimizers.js';
import { softmaxCrossEntropy, softmaxRows } from './softmax.js';

export type { ActivationKind } from './activations.js';
/** Dropout's mask and its product: element-wise loops every tier runs as they are (the arrays may be the tier's). */
export { applyMask, fillDropoutMask } from './dropout.js';
/** The image loops (autograd's conv2d and pooling; conv2d's product itself is `gemm`): every tier runs them as they are. */
export { im2col, col2im, type WindowGeometry } from './conv.js';
export { maxPool, maxPoolBackward, avgPool, avgPoolBackward } from './pool.js';
export type { SoftmaxCrossEntropyArgs } from './softmax.js';
export type { GemmArgs } from './matmul.js';

export interface Kernels {
  gemm: typeof gemm;
  addBias: typeof addBias;
  activate: typeof activate;
  activationGradient: typeof activationGradient;
  columnSums: typeof columnSums;
  softmaxRows: typeof softmaxRows;
  softmaxCrossEntropy: typeof softmaxCrossEntropy;
  adamUpdate: typeof adamUpdate;
  sgdUpdate: typeof sgdUpdate;
}

/** The plain-JavaScript kernels. */
export const jsKernels: Kernels = {
  gemm, addBias, activate, activationGradient, columnSums, softmaxRows, softmaxCrossEntropy, adamUpdate, sgdUpdate,
};

/**
 * The kernels in use: the fused executor, the autograd matmul and the
 * optimizers read them from here. `keras.config.setKernels` (through
 * tier.ts) swaps their contents; each thread has its own copy of this module.
 */
export const kernels: Kernels = { ...jsKernels };
