/**
 * A layer described as plain data for the fused executor (src/fused/): what
 * it computes and the weights it computes with. The executor reads only
 * these descriptions, never the layer classes, so a new layer joins the fast
 * path by returning one from `Layer.fusedSpec()`; a layer that returns null
 * (the default) trains through autograd.
 *
 * To add a kind: a new member of the union below, the layer's `fusedSpec()`,
 * its op in src/fused/kinds/ (its record, forward, backward and weights
 * over rows), and where it may stand in a chain in src/fused/plan.ts
 * (docs/adding-a-layer.md).
 */
import type { Padding } from '../tensor/ops/window.js';
import type { RandomGenerator } from '../tensor/random.js';
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

/**
 * Conv2D: outputs = activation(conv2d(inputs, kernel) + bias) on
 * channels-last images, kernel [kernelHeight, kernelWidth, inChannels, filters]
 * (the op: src/tensor/ops/conv.ts).
 */
export interface Conv2DSpec {
  readonly kind: 'conv2d';
  readonly name: string;
  readonly trainable: boolean;
  readonly filters: number;
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly dilationRate: readonly [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  /** The layer's own weights (null until built); the executor updates them in place. */
  readonly kernel: Tensor | null;
  readonly bias: Tensor | null;
}

/** MaxPooling2D ('max') and AveragePooling2D ('avg') on channels-last images (the ops: src/tensor/ops/pool.ts). */
export interface Pooling2DSpec {
  readonly kind: 'pool2d';
  readonly name: string;
  readonly mode: 'max' | 'avg';
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
}

/** Flatten: each sample becomes a vector (row-major data is already one). */
export interface FlattenSpec {
  readonly kind: 'flatten';
  readonly name: string;
}

/**
 * Dropout: while training, outputs = inputs ⊙ mask, the mask drawn per step
 * by kernels/dropout.ts (1/(1 − rate) kept, 0 dropped); otherwise the identity.
 */
export interface DropoutSpec {
  readonly kind: 'dropout';
  readonly name: string;
  readonly rate: number;
  /** The layer's own generator when it has a seed; null for the global one, read when each mask is drawn. */
  readonly generator: RandomGenerator | null;
}

/** An activation on its own (Activation, ReLU and Softmax layers): outputs = activation(inputs), row-wise for softmax. */
export interface ActivationSpec {
  readonly kind: 'activation';
  readonly name: string;
  readonly activation: ActivationName;
}

/** What the executor reads of a layer: its name and class for messages, and its description. */
export interface SpecSource {
  readonly name: string;
  readonly className: string;
  fusedSpec(): FusedLayerSpec | null;
}

/** A model used as a layer: its layers run in order, as if they were the parent's own. */
export interface NestedSpec {
  readonly kind: 'nested';
  readonly name: string;
  /** False freezes every layer inside. */
  readonly trainable: boolean;
  readonly layers: readonly SpecSource[];
}

export type FusedLayerSpec = DenseSpec | Conv2DSpec | Pooling2DSpec | FlattenSpec | DropoutSpec | ActivationSpec | NestedSpec;
