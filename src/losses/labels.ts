/**
 * Checking integer class labels before a sparse loss or metric reads them.
 */
import { Tensor } from '../tensor/tensor.js';

/**
 * Returns labels as a flat [N] tensor, accepting shape [N] or [N, 1] as Keras
 * does, after checking that there is one per prediction row and that each is
 * an integer class index in [0, C).
 */
export function sparseLabels(yTrue: Tensor, yPred: Tensor, where: string): Tensor {
  if (yPred.rank !== 2) {
    throw new Error(
      `${where}: predictions must have shape [batch, classes]. Received: y_pred.shape=[${yPred.shape.join(', ')}]`,
    );
  }
  const [N, C] = [yPred.shape[0]!, yPred.shape[1]!];
  const flatOk = yTrue.rank === 1 || (yTrue.rank === 2 && yTrue.shape[1] === 1);
  if (!flatOk || yTrue.shape[0] !== N) {
    const hint = yTrue.rank === 2 && yTrue.shape[1] === C ? ' These look like one-hot labels: use categorical_crossentropy for those.' : '';
    throw new Error(
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
      throw new Error(
        `${where}: labels must be integers in [0, ${classes}) for ${classes} classes. Received: y_true[${n}]=${label}`,
      );
    }
  }
}
