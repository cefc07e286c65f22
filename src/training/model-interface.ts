/**
 * What the training loops need of a model. Sequential provides it; keeping
 * the loops on this interface keeps them free of any one model class.
 */
import type { BatchShape, CallArgs, Layer } from '../layers/layer.js';
import type { FusedLayerSpec } from '../layers/fused-spec.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TrainableModel } from '../callbacks/callbacks.js';
import type { CompileSettings } from './compile.js';

export interface RunnableModel extends TrainableModel {
  readonly name: string;
  /** The class name ('Sequential'), for messages. */
  readonly className: string;
  /** The forward pass on a batch; fit passes { training: true }. */
  apply(inputs: Tensor, args?: CallArgs): Tensor;
  readonly trainableWeights: Tensor[];
  /** The layers, in order. */
  readonly layers: Layer[];
  /**
   * The model described to the fused executor as one nested model of its
   * layers (so its own trainable flag counts), or null when it has no fused
   * form (a subclass whose call() does something else).
   */
  fusedSpec(): FusedLayerSpec | null;
  /** Set by compile(); null before. */
  readonly compiled: CompileSettings | null;
  /** The input shape (batch dimension null) the model was built for; null until built. */
  readonly builtInputShape: BatchShape | null;
  /** The output shape for inputs of `inputShape`. */
  computeOutputShape(inputShape: BatchShape): BatchShape;
  /** A Functional model's inputs and outputs; absent for a Sequential (one input, one output). */
  readonly graphIO?: GraphIO;
  /** Why the fused executor cannot run the model, said before any layer is read (a graph that is not a chain); null when it may. */
  whyNotFused?(): string | null;
}

/**
 * A model with named inputs and outputs (Functional): the data for it comes
 * as one tensor per input and per output, in a list or a dict by name.
 */
export interface GraphIO {
  readonly inputNames: readonly string[];
  readonly inputShapes: readonly BatchShape[];
  readonly outputNames: readonly string[];
  readonly outputShapes: readonly BatchShape[];
  /** The forward pass: one tensor per input, in order; returns one per output. */
  run(inputs: readonly Tensor[], args?: CallArgs): Tensor[];
}

/** The forward pass on one tensor per input, one per output: a Functional model's run, or a Sequential's apply. */
export function forward(model: RunnableModel, inputs: readonly Tensor[], args: CallArgs = {}): Tensor[] {
  return model.graphIO ? model.graphIO.run(inputs, args) : [model.apply(inputs[0]!, args)];
}
