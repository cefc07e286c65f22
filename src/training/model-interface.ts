/**
 * What the training loops need of a model. Sequential provides it; keeping
 * the loops on this interface keeps them free of any one model class.
 */
import type { BatchShape, CallArgs, Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TrainableModel } from './callbacks.js';
import type { CompiledState } from './compile.js';
import { ValueError } from '../errors.js';

export interface RunnableModel extends TrainableModel {
  readonly name: string;
  /** The forward pass on a batch; fit passes { training: true }. */
  apply(inputs: Tensor, args?: CallArgs): Tensor;
  readonly trainableWeights: Tensor[];
  /** The layers, in order (the compiled Dense step reads their weights directly). */
  readonly layers: Layer[];
  /** Set by compile(); null before. */
  readonly compiled: CompiledState | null;
  /** The input shape (batch dimension null) the model was built for; null until built. */
  readonly builtInputShape: BatchShape | null;
  /** The output shape for inputs of `inputShape`. */
  computeOutputShape(inputShape: BatchShape): BatchShape;
}

/** verbose "auto" is 1, as in Keras. */
export type Verbosity = 0 | 1 | 2 | 'auto';

export function resolveVerbose(verbose: Verbosity | undefined, where: string): 0 | 1 | 2 {
  const v = verbose ?? 'auto';
  if (v === 'auto') return 1;
  if (v !== 0 && v !== 1 && v !== 2) throw new ValueError(`${where}: verbose must be 0, 1, 2 or 'auto'. Received: verbose=${String(v)}`);
  return v;
}

/** Throws unless `value` is a positive integer, naming the argument. */
export function requirePositiveInteger(value: number, name: string, where: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${where}: ${name} must be a positive integer. Received: ${name}=${String(value)}`);
  }
}

/** Lets the event loop run (timers, I/O, a browser's rendering) during a long loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
