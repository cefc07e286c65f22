/**
 * The model's weights where the kernels in use can read them. A weight made
 * while another kernel tier was selected (or loaded from a file) may live
 * outside the SIMD tier's memory; before the executor runs, its values move
 * into the current storage and the tensor keeps pointing at them, so
 * `getWeights`, saving and autograd read the same numbers the kernels update.
 */
import { inCurrentStorage, moveToCurrentStorage } from '../tensor/storage.js';
import type { Optimizer } from '../optim/optimizer.js';
import { kindOf, type FusedOp } from './kinds/index.js';

/** Moves each op's weights (Dense: kernel, bias) into the current storage, where they are not already. */
export function adoptWeights(ops: readonly FusedOp[]): void {
  for (const op of ops) for (const weight of kindOf(op).weights(op)) moveToCurrentStorage(weight);
}

/** Moves the optimizer's slots of each op's weights into the current storage too. */
export function adoptSlots(ops: readonly FusedOp[], optimizer: Optimizer): void {
  for (const op of ops) {
    for (const weight of kindOf(op).weights(op)) {
      const slots = optimizer.peekSlots(weight);
      if (slots && !slots.every(inCurrentStorage)) optimizer.setSlots(weight, slots);
    }
  }
}
