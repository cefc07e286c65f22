/**
 * Fused kernels for the compiled Dense training step (src/training/dense-step.ts).
 * Plain loops over row-major Float32Arrays, each working on a range of rows
 * or columns so that threads can share the work; none allocates.
 *
 *     biasActivation:      A[r, j] = f(Z[r, j] + b[j])                  in place
 *     activationBackward:  dZ[r, j] *= f'(·), read from the output A[r, j]
 *     softmaxCrossEntropy: per row r, with p = softmax(z_r) and label y_r:
 *                            loss_r = log Σⱼ e^(z_rj) − z_r,y_r
 *                            dZ[r, j] = scale · (p_j − [j = y_r])
 *     columnSums:          out[j] = Σ_r dZ[r, j]                          (the bias gradient)
 *     softmaxRows:         Z[r] = softmax(Z[r]), max-subtracted           in place (predict)
 *
 * The derivative of each activation is written in terms of its output, so
 * the pre-activation never has to be kept:
 *     relu' = [a > 0],  sigmoid' = a(1 − a),  tanh' = 1 − a²,  linear' = 1.
 */

/** The activations the compiled step supports, as small integer codes. */
export const Activation = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 } as const;
export type ActivationCode = (typeof Activation)[keyof typeof Activation];

/** A[r, j] = f(A[r, j] + bias[j]) for rows [rowStart, rowEnd); `bias` may be null. */
export function biasActivation(
  A: Float32Array,
  bias: Float32Array | null,
  rowStart: number,
  rowEnd: number,
  units: number,
  activation: ActivationCode,
): void {
  if (bias !== null) {
    for (let r = rowStart; r < rowEnd; r++) {
      for (let j = 0, row = r * units; j < units; j++) A[row + j]! += bias[j]!;
    }
  }
  const start = rowStart * units;
  const end = rowEnd * units;
  switch (activation) {
    case Activation.relu:
      for (let i = start; i < end; i++) if (!(A[i]! > 0)) A[i] = 0;
      break;
    case Activation.sigmoid:
      for (let i = start; i < end; i++) {
        const z = A[i]!;
        // Never exponentiate a large positive number.
        A[i] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      }
      break;
    case Activation.tanh:
      for (let i = start; i < end; i++) A[i] = Math.tanh(A[i]!);
      break;
    case Activation.linear:
      break;
  }
}

/** dZ[r, j] *= f'(A[r, j]) for rows [rowStart, rowEnd), where A = f(Z) is the layer's output. */
export function activationBackward(
  dZ: Float32Array,
  A: Float32Array,
  rowStart: number,
  rowEnd: number,
  units: number,
  activation: ActivationCode,
): void {
  const start = rowStart * units;
  const end = rowEnd * units;
  switch (activation) {
    case Activation.relu:
      for (let i = start; i < end; i++) if (!(A[i]! > 0)) dZ[i] = 0;
      break;
    case Activation.sigmoid:
      for (let i = start; i < end; i++) dZ[i]! *= A[i]! * (1 - A[i]!);
      break;
    case Activation.tanh:
      for (let i = start; i < end; i++) dZ[i]! *= 1 - A[i]! * A[i]!;
      break;
    case Activation.linear:
      break;
  }
}

/**
 * Softmax crossentropy on logits for rows [rowStart, rowEnd), fused with its
 * gradient: writes dZ = scale · (softmax(z) − onehot(y)) (scale = 1/batch for a
 * batch-mean loss) and adds the rows' summed loss and number of correct
 * argmax predictions to totals[0] and totals[1]. When `rowLosses` is given,
 * each row's loss is also written there (the autograd op needs them apart).
 */
export function softmaxCrossEntropy(
  Z: Float32Array,
  labels: Float32Array,
  rowStart: number,
  rowEnd: number,
  classes: number,
  scale: number,
  dZ: Float32Array,
  totals: Float64Array,
  rowLosses: Float32Array | null = null,
): void {
  let lossSum = 0;
  let correct = 0;
  for (let r = rowStart; r < rowEnd; r++) {
    const row = r * classes;
    const label = labels[r]!;
    let max = Z[row]!;
    let argmax = 0;
    for (let j = 1; j < classes; j++) {
      if (Z[row + j]! > max) {
        max = Z[row + j]!;
        argmax = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(Z[row + j]! - max);
      dZ[row + j] = e;
      sum += e;
    }
    const loss = max + Math.log(sum) - Z[row + label]!;
    lossSum += loss;
    if (rowLosses !== null) rowLosses[r] = loss;
    if (argmax === label) correct++;
    const norm = scale / sum;
    for (let j = 0; j < classes; j++) dZ[row + j]! *= norm;
    dZ[row + label]! -= scale;
  }
  totals[0]! += lossSum;
  totals[1]! += correct;
}

/** out[j] = Σ_{r < rows} dZ[r, j] for columns [colStart, colEnd). */
export function columnSums(
  dZ: Float32Array,
  rows: number,
  units: number,
  colStart: number,
  colEnd: number,
  out: Float32Array,
): void {
  for (let j = colStart; j < colEnd; j++) {
    let total = 0;
    for (let r = 0; r < rows; r++) total += dZ[r * units + j]!;
    out[j] = total;
  }
}

/** Z[r] = softmax(Z[r]) in place for rows [rowStart, rowEnd), max-subtracted. */
export function softmaxRows(Z: Float32Array, rowStart: number, rowEnd: number, classes: number): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const row = r * classes;
    let max = Z[row]!;
    for (let j = 1; j < classes; j++) if (Z[row + j]! > max) max = Z[row + j]!;
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(Z[row + j]! - max);
      Z[row + j] = e;
      sum += e;
    }
    for (let j = 0; j < classes; j++) Z[row + j]! /= sum;
  }
}
