/**
 * What saving and loading need of a model (Sequential provides it). Saving
 * works on this interface and builds models through a factory, so that it
 * never imports the model class: src/models imports saving, not the reverse.
 */
import type { BatchShape, Layer, LayerArgs } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CompileArgs, CompileSettings } from '../training/compile.js';

export interface SavableModel {
  readonly name: string;
  /** 'Sequential': the Keras class name written to model.json. */
  readonly className: string;
  readonly built: boolean;
  readonly builtInputShape: BatchShape | null;
  readonly layers: Layer[];
  readonly weights: Tensor[];
  readonly trainableWeights: Tensor[];
  /** The compile() settings; null before compile. */
  readonly compiled: CompileSettings | null;
  compile(args: CompileArgs): void;
}

/** Builds the model a loaded file describes, from its layers and name. */
export type ModelFactory<M extends SavableModel> = (layers: Layer[], args: Omit<LayerArgs, 'inputShape'>) => M;
