/**
 * Checking integer class labels before a sparse loss or metric reads them.
 */
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { ShapeError, ValueError } from '../errors.js';

/**
 * Returns labels as a flat [N] tensor, accepting shape [N] or [N, 1] as Keras
 * does, after checking that there is one per prediction row and that each is
 * an integer class index in [0, C).
 */
export function sparseLabels(yTrue: Tensor, yPred: Tensor, where: string): Tensor {
  if (yPred.rank !== 2) {
    throw new ShapeError(
      `${where}: predictions must have shape [batch, classes]. Received: y_pred.shape=[${yPred.shape.join(', ')}]`,
    );
  }
  const [N, C] = [yPred.shape[0]!, yPred.shape[1]!];
  const flatOk = yTrue.rank === 1 || (yTrue.rank === 2 && yTrue.shape[1] === 1);
  if (!flatOk || yTrue.shape[0] !== N) {
    const hint = yTrue.rank === 2 && yTrue.shape[1] === C ? ' These look like one-hot labels: use categorical_crossentropy for those.' : '';
    throw new ShapeError(
      `${where}: expected integer labels of shape [${N}] or [${N}, 1], one per sample.${hint} ` +
        `Received: y_true.shape=[${yTrue.shape.join(', ')}], y_pred.shape=[${yPred.shape.join(', ')}]`,
    );
  }
  checkClassIndices(yTrue.data, C, where);
  return yTrue.rank === 1 ? yTrue : new Tensor(yTrue.data, [N]);
}

/** Throws, naming the first offender, unless every value is an integer class index in [0, classes). */
export function checkClassIndices(values: Float32Array, classes: number, where: string): void {
  for (let n = 0; n < values.length; n++) {
    const label = values[n]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      const why = Number.isInteger(label) ? `outside [0, ${classes})` : 'not an integer';
      throw new ValueError(
        `${where}: labels must be integer class indices in [0, ${classes}) for ${classes} classes; the label at index ${n} is ${why}. ` +
          `Received: y_true[${n}]=${label}`,
      );
    }
  }
}

/**
 * The whole-dataset check `fit` and `evaluate` run before the first batch,
 * so that a bad label fails at once rather than mid-epoch: y holds one
 * integer class index per sample, for a model whose outputs are
 * [batch, classes].
 */
export function checkSparseTargets(y: Tensor, outputShape: readonly (number | null)[], lossName: string): void {
  const classes = outputShape[1];
  if (outputShape.length !== 2 || classes === null || classes === undefined) {
    throw new ShapeError(
      `${lossName}: the model's outputs must have shape [batch, classes] for this loss. Received: output shape=${formatShape(outputShape)}`,
    );
  }
  if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
    const hint =
      y.rank === 2 && y.shape[1] === classes
        ? ' These look like one-hot labels: use categorical_crossentropy for those, or pass the class indices (argmax of each row).'
        : '';
    throw new ShapeError(
      `${lossName}: expected one integer label per sample, of shape [${y.shape[0]}] or [${y.shape[0]}, 1].${hint} ` +
        `Received: y.shape=[${y.shape.join(', ')}]`,
    );
  }
  checkClassIndices(y.data, classes, lossName);
}

/**
 * The same for losses that compare y with the output elementwise
 * (categorical crossentropy, mean squared error): y's samples must have the
 * shape of the model's outputs. Integer labels given to categorical
 * crossentropy get their own hint.
 */
export function checkDenseTargets(y: Tensor, outputShape: readonly (number | null)[], lossName: string, categorical: boolean): void {
  const sample = outputShape.slice(1);
  const fits = y.rank === outputShape.length && sample.every((d, i) => d === null || d === y.shape[i + 1]);
  if (fits) return;
  const classes = outputShape[outputShape.length - 1];
  const looksSparse = categorical && (y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)) && (classes ?? 0) > 1;
  const hint = looksSparse
    ? ' These look like integer class labels: use sparse_categorical_crossentropy for those, or one-hot encode them.'
    : '';
  throw new ShapeError(
    `${lossName}: the targets must have the shape of the model's outputs, ${formatShape(outputShape)}.${hint} ` +
      `Received: y.shape=[${y.shape.join(', ')}]`,
  );
}
