/**
 * What public functions accept where they take a tensor, as Keras accepts
 * NumPy arrays: a Tensor, a number (a scalar), nested arrays of numbers
 * (shape inferred, `[[1, 2], [3, 4]]` is [2, 2]) or a typed array (1-D).
 * Values are copied to float32; a Tensor is used as it is.
 */
import { tensor } from './creation.js';
import { Tensor, type NestedArray } from './tensor.js';
import { describeValue, TinykerasError, ValueError } from '../errors.js';

export type TensorInput = Tensor | NestedArray | Float32Array | Float64Array | Int32Array | Uint8Array | Uint8ClampedArray | Int8Array | Int16Array | Uint16Array | Uint32Array;

/** `value` as a Tensor, or a ValueError naming the argument (`argName`) and the function (`where`). */
export function toTensorInput(value: unknown, argName: string, where: string): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === 'number') return new Tensor(Float32Array.of(value), []);
  if (Array.isArray(value)) {
    try {
      return tensor(value as NestedArray);
    } catch (error) {
      // tensor() says what is ragged; say where it came from.
      if (error instanceof TinykerasError) throw new ValueError(`${where}: ${argName} is not a regular nested array of numbers. ${error.message}`);
      throw error;
    }
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
    const values = value as unknown as ArrayLike<number>;
    return new Tensor(Float32Array.from(values), [values.length]);
  }
  throw new ValueError(
    `${where}: ${argName} must be a Tensor, a number, nested arrays of numbers or a typed array. Received: ${argName}=${describeValue(value)}`,
  );
}
