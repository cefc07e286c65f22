/**
 * Keras's `keras.utils.to_categorical(y, num_classes=None)`: integer class
 * labels to one-hot rows, for `categorical_crossentropy`:
 *
 *     toCategorical([2, 0], 3)  →  [[0, 0, 1], [1, 0, 0]]
 *
 * The result has y's shape plus a last axis of `numClasses` (max(y) + 1 when
 * not given); a trailing axis of size 1 in y ([n, 1] labels) is dropped first,
 * as Keras does.
 */
import { oneHot, reshape } from '../tensor/ops/shape.js';
import { toTensorInput, type TensorInput } from '../tensor/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeValue, ValueError } from '../errors.js';

export function toCategorical(y: TensorInput, numClasses?: number | null): Tensor {
  const where = 'toCategorical';
  const labels = toTensorInput(y, 'y', where);
  const values = labels.data;
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0);
  if (bad >= 0) {
    throw new ValueError(`${where}: y must hold class indices, non-negative integers; the value at index ${bad} is not one. Received: y[${bad}]=${values[bad]}`);
  }
  const largest = values.reduce((m, v) => Math.max(m, v), -1);
  const classes = numClasses ?? largest + 1;
  if (!Number.isInteger(classes) || classes <= 0) {
    throw new ValueError(`${where}: numClasses must be a positive integer. Received: numClasses=${describeValue(numClasses)}`);
  }
  if (largest >= classes) {
    throw new ValueError(
      `${where}: every label must be below numClasses=${classes}; the label at index ${values.indexOf(largest)} is ${largest}. ` +
        `Pass numClasses=${largest + 1} or more, or leave it out. Received: y[${values.indexOf(largest)}]=${largest}`,
    );
  }
  const shape = labels.rank > 1 && labels.shape[labels.rank - 1] === 1 ? labels.shape.slice(0, -1) : labels.shape;
  return oneHot(reshape(labels, shape), classes);
}
