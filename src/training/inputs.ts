/**
 * Accepting the data users pass to fit/evaluate/predict: tensors, or nested
 * arrays which become float32 tensors (Keras casts float64 input to floatx).
 */
import { tensor } from '../tensor/creation.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';

export type DataLike = Tensor | NestedArray;

export function toTensor(value: DataLike, argName: string, where: string): Tensor {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) return tensor(value);
  throw new Error(`${where}: ${argName} must be a Tensor or nested arrays of numbers. Received: ${argName}=${typeof value}`);
}

/** Throws unless x and y hold the same number of samples (rows). */
export function requireSameSampleCount(x: Tensor, y: Tensor, where: string): void {
  if (x.rank === 0 || x.shape[0] !== y.shape[0]) {
    throw new Error(
      `${where}: x and y must have the same number of samples (first dimension). ` +
        `Received: x.shape=[${x.shape.join(', ')}], y.shape=[${y.shape.join(', ')}]`,
    );
  }
  if (x.shape[0] === 0) throw new Error(`${where}: the dataset is empty. Received: x.shape=[${x.shape.join(', ')}]`);
}
