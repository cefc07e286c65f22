/**
 * What the training loops need of a model. Sequential provides it; keeping
 * the loops on this interface keeps them free of any one model class.
 */
import type { BatchShape, Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TrainableModel } from '../callbacks/callbacks.js';
import type { CompileSettings } from './compile.js';

export interface RunnableModel extends TrainableModel {
  readonly name: string;
  /** The forward pass on a batch. */
  apply(inputs: Tensor): Tensor;
  readonly trainableWeights: Tensor[];
  /** The layers, in order (the fused executor reads their descriptions: Layer.fusedSpec()). */
  readonly layers: Layer[];
  /** Set by compile(); null before. */
  readonly compiled: CompileSettings | null;
  /** The input shape (batch dimension null) the model was built for; null until built. */
  readonly builtInputShape: BatchShape | null;
  /** The output shape for inputs of `inputShape`. */
  computeOutputShape(inputShape: BatchShape): BatchShape;
}
