/**
 * A layer described as plain data for the fused executor (src/fused/): what
 * it computes and the weights it computes with. The executor reads only
 * these descriptions, never the layer classes, so a new layer joins the fast
 * path by returning one from `Layer.fusedSpec()`; a layer that returns null
 * (the default) trains through autograd.
 *
 * To add a kind: a new member of the union below, the layer's `fusedSpec()`,
 * and its forward and backward lines in src/fused/plan.ts and step.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationName } from './activations.js';

/** Dense: outputs = activation(inputs · kernel + bias), kernel [inputDim, units]. */
export interface DenseSpec {
  readonly kind: 'dense';
  readonly name: string;
  readonly trainable: boolean;
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  /** The layer's own weights (null until built); the executor updates them in place. */
  readonly kernel: Tensor | null;
  readonly bias: Tensor | null;
}

/** Flatten: each sample becomes a vector (row-major data is already one). */
export interface FlattenSpec {
  readonly kind: 'flatten';
  readonly name: string;
}

export type FusedLayerSpec = DenseSpec | FlattenSpec;
