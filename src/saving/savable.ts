/**
 * What saving and loading need of a model (Sequential and keras.Model
 * provide it). Saving works on these interfaces and builds models through
 * factories, so that it never imports the model classes: src/models imports
 * saving, not the reverse.
 */
import type { BatchShape, Layer, LayerArgs } from '../layers/layer.js';
import type { KerasTensor, Node } from '../layers/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CompileArgs, CompileSettings } from '../training/compile.js';

export interface SavableModel {
  readonly name: string;
  /** 'Sequential' or 'Functional': the Keras class name written to model.json. */
  readonly className: string;
  readonly trainable: boolean;
  readonly built: boolean;
  readonly builtInputShape: BatchShape | null;
  readonly layers: Layer[];
  readonly weights: Tensor[];
  readonly trainableWeights: Tensor[];
  /** The compile() settings; null before compile. */
  readonly compiled: CompileSettings | null;
  compile(args: CompileArgs): void;
}

/** A Functional model (keras.Model): its graph, as saving reads it. */
export interface SavableFunctional extends SavableModel {
  readonly inputs: readonly KerasTensor[];
  readonly outputs: readonly KerasTensor[];
  /** Every layer call, each after the calls it reads. */
  readonly nodes: readonly Node[];
}

/** A Functional model's constructor arguments, as loading rebuilds them. */
export interface FunctionalArgs {
  /** A list, or one tensor alone (a model of one input predicts on a tensor, not a list of one). */
  inputs: KerasTensor | KerasTensor[];
  outputs: KerasTensor | KerasTensor[];
  name?: string;
}

/** Builds a Sequential model a loaded file describes, from its layers and name. */
export type ModelFactory<M extends SavableModel> = (layers: Layer[], args: Omit<LayerArgs, 'inputShape'>) => M;

/** Builds the models a loaded file describes: a Sequential from its layers, a Functional model from its graph. */
export interface ModelFactories<M extends SavableModel> {
  sequential: ModelFactory<M>;
  functional(args: FunctionalArgs): M;
}

/** Whether `model` is a Functional model (known by its class name: saving never imports the model class). */
export function isFunctional(model: unknown): model is SavableFunctional & Layer {
  const m = model as Partial<SavableFunctional> | null;
  return typeof m === 'object' && m !== null && m.className === 'Functional' && Array.isArray(m.nodes) && Array.isArray(m.layers);
}
