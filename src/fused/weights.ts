/**
 * The model's weights where the kernels in use can read them. A weight made
 * while another kernel tier was selected (or loaded from a file) may live
 * outside the SIMD tier's memory; before the executor runs, its values move
 * into the current storage and the tensor keeps pointing at them, so
 * `getWeights`, saving and autograd read the same numbers the kernels update.
 */
import { inCurrentStorage, moveToCurrentStorage } from '../tensor/storage.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { FusedDense } from './plan.js';

/** Moves each layer's kernel and bias into the current storage, where they are not already. */
export function adoptWeights(layers: readonly FusedDense[]): void {
  for (const l of layers) {
    moveToCurrentStorage(l.kernel);
    if (l.bias) moveToCurrentStorage(l.bias);
  }
}

/** Moves the optimizer's slots of each layer's weights into the current storage too. */
export function adoptSlots(layers: readonly FusedDense[], optimizer: Optimizer): void {
  for (const l of layers) {
    for (const weight of l.bias ? [l.kernel, l.bias] : [l.kernel]) {
      const slots = optimizer.peekSlots(weight);
      if (slots && !slots.every(inCurrentStorage)) optimizer.setSlots(weight, slots);
    }
  }
}
