/**
 * The one door to the kernels. The dispatch rule, for every caller outside
 * this folder (the autograd ops, the optimizers, the losses, the layers and
 * the fused executor alike):
 *
 *     import from this file only; call a kernel as `kernels.name(…)`.
 *
 * `kernels` is the table of the tier in use, read at the moment of the call.
 * The tier switch replaces the table as a whole with `useKernels`; no one
 * edits a table. The JS table below is the reference. The SIMD table
 * (simd/simd-table.ts) is imported only by the switch: by tier.ts, on the
 * calling thread, when that tier is first asked for (a dynamic import, so a
 * program that never asks never loads it), and by worker-tier.ts in a pool
 * worker. Each thread has its own copy of this module, so its own `kernels`.
 */
import { activate, activationGradient, activationGradientFromInput } from './activations.js';
import { addBias, columnSums } from './bias.js';
import { applyMask, fillDropoutMask } from './dropout.js';
import { gemm } from './matmul.js';
import { adamUpdate, sgdUpdate } from './optimizers.js';
import { adagradUpdate, decayWeights, nadamUpdate, rmspropUpdate } from './adaptive-optimizers.js';
export type { NadamScalars } from './adaptive-optimizers.js';
import { softmaxCrossEntropy, softmaxRows, softmaxSlice } from './softmax.js';
import { col2im, convValid, im2col } from './conv.js';
import { maxPool, maxPoolBackward } from './pool.js';
import { winogradGradientTiles, winogradInput, winogradKernel, winogradKernelGradient, winogradOutput } from './winograd.js';

export { ACTIVATION_KINDS, OUTPUT_DERIVATIVE_KINDS, type ActivationKind, type InputDerivativeKind, type OutputDerivativeKind } from './activations.js';
/**
 * The image loops. im2col, col2im and max pooling are in the table (each
 * tier's own, the same bits); average pooling is the same JS loop on every
 * tier. The plain functions stay exported for the bench and the tests.
 */
export { im2col, col2im, convValidApplies, type WindowGeometry } from './conv.js';
export { maxPool, maxPoolBackward, avgPool, avgPoolBackward } from './pool.js';
export { winogradApplies, winogradTiles } from './winograd.js';
export type { SoftmaxCrossEntropyArgs } from './softmax.js';
export { transposeInto, type GemmArgs } from './matmul.js';

/** The kernel tiers: the plain loops of this folder, or WebAssembly SIMD (simd/). */
export type KernelTier = 'js' | 'simd';

/**
 * The memory a tier's kernels run in without a copy (the SIMD tier's
 * WebAssembly memory): ../storage.ts puts long-lived buffers there while
 * the tier is in use, and the worker pool posts `module` and `memory` to
 * its threads. The JS tier has none: its kernels read any array.
 */
export interface KernelMemory {
  /** The compiled kernels, to post to a worker with `memory`. */
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Whether `memory` is shared between threads (a SharedArrayBuffer). */
  readonly shared: boolean;
  /** A zero-filled array of `length` in the memory. */
  allocate(length: number): Float32Array;
  allocateFloat64(length: number): Float64Array;
  /** Whether `array` lies in the memory. */
  holds(array: Float32Array | Float64Array): boolean;
  /** Whether the block at `byteOffset` is still handed out; `releaseAt` gives it back. */
  isLive(byteOffset: number): boolean;
  releaseAt(byteOffset: number): void;
  /** A view at a byte offset: a worker's way to see the main thread's buffers. */
  view(byteOffset: number, length: number): Float32Array;
  view64(byteOffset: number, length: number): Float64Array;
}

/** A tier's kernels, with its name and memory. */
export interface Kernels {
  readonly tier: KernelTier;
  readonly memory: KernelMemory | null;
  readonly gemm: typeof gemm;
  readonly addBias: typeof addBias;
  readonly activate: typeof activate;
  readonly activationGradient: typeof activationGradient;
  /** swish's and gelu's derivative, from the input: autograd only (the fused executor does not train them), the same loop on every tier. */
  readonly activationGradientFromInput: typeof activationGradientFromInput;
  readonly columnSums: typeof columnSums;
  readonly softmaxRows: typeof softmaxRows;
  readonly softmaxSlice: typeof softmaxSlice;
  readonly softmaxCrossEntropy: typeof softmaxCrossEntropy;
  readonly adamUpdate: typeof adamUpdate;
  readonly sgdUpdate: typeof sgdUpdate;
  /** RMSprop, Adagrad, Nadam and decoupled weight decay: the same JavaScript loops on every tier (the arrays may be the tier's). */
  readonly rmspropUpdate: typeof rmspropUpdate;
  readonly adagradUpdate: typeof adagradUpdate;
  readonly nadamUpdate: typeof nadamUpdate;
  readonly decayWeights: typeof decayWeights;
  /** Dropout's mask and its product: the same loops on every tier (the arrays may be the tier's). */
  readonly fillDropoutMask: typeof fillDropoutMask;
  readonly applyMask: typeof applyMask;
  /** A convolution's patches and their way back, and max pooling forward and backward: copies and comparisons, equal bit for bit on every tier. */
  readonly im2col: typeof im2col;
  readonly col2im: typeof col2im;
  /** Predict's im2col-free product for windows inside the image (conv.ts): the same bits as im2col and gemm. */
  readonly convValid: typeof convValid;
  readonly maxPool: typeof maxPool;
  readonly maxPoolBackward: typeof maxPoolBackward;
  /** The transforms of a 3×3 convolution's Winograd path (winograd.ts): arithmetic, so each tier rounds its own way. */
  readonly winogradKernel: typeof winogradKernel;
  readonly winogradInput: typeof winogradInput;
  readonly winogradOutput: typeof winogradOutput;
  readonly winogradGradientTiles: typeof winogradGradientTiles;
  readonly winogradKernelGradient: typeof winogradKernelGradient;
}

/** The plain-JavaScript kernels, the reference every tier is tested against. */
export const jsKernels: Kernels = Object.freeze({
  tier: 'js',
  memory: null,
  gemm,
  addBias,
  activate,
  activationGradient,
  activationGradientFromInput,
  columnSums,
  softmaxRows,
  softmaxSlice,
  softmaxCrossEntropy,
  adamUpdate,
  sgdUpdate,
  rmspropUpdate,
  adagradUpdate,
  nadamUpdate,
  decayWeights,
  fillDropoutMask,
  applyMask,
  im2col,
  col2im,
  convValid,
  maxPool,
  maxPoolBackward,
  winogradKernel,
  winogradInput,
  winogradOutput,
  winogradGradientTiles,
  winogradKernelGradient,
});

/** The kernels in use in this thread (a live binding: every import sees the replacement). */
export let kernels: Kernels = jsKernels;

/** Makes `table` the kernels in use in this thread. Only the tier switch (tier.ts, worker-tier.ts) calls it. */
export function useKernels(table: Kernels): void {
  kernels = table;
}
