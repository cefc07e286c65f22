/**
 * Softmax and softmax crossentropy as plain loops: the one place their
 * formulas live. The autograd ops (ops/softmax.ts, the fused loss op in
 * losses/sparse-softmax-crossentropy.ts) and the fused executor call these.
 *
 *     softmax(z)ⱼ = e^(zⱼ − m) / Σₖ e^(zₖ − m),   m = maxₖ zₖ   (so no exponential overflows)
 *
 *     softmax crossentropy of a row z with integer label y:
 *       loss = m + log Σⱼ e^(zⱼ − m) − z_y        (= −log softmax(z)_y, without rounding it to 0 first)
 *       dz_j = scale · (softmax(z)ⱼ − [j = y])     (its gradient; scale = 1/batch for a batch mean)
 */

/** y = softmax of the slice x[start + k·stride], k = 0 … n−1; `y` may be `x` (in place). */
export function softmaxSlice(x: Float32Array, y: Float32Array, start: number, n: number, stride: number): void {
  const end = start + n * stride;
  let max = x[start]!;
  for (let i = start + stride; i < end; i += stride) if (x[i]! > max) max = x[i]!;
  let sum = 0;
  for (let i = start; i < end; i += stride) {
    const e = Math.exp(x[i]! - max);
    y[i] = e;
    sum += e;
  }
  for (let i = start; i < end; i += stride) y[i]! /= sum;
}

/** Z[r] = softmax(Z[r]) in place for rows [rowStart, rowEnd) of a row-major matrix with `classes` columns. */
export function softmaxRows(Z: Float32Array, rowStart: number, rowEnd: number, classes: number): void {
  for (let r = rowStart; r < rowEnd; r++) softmaxSlice(Z, Z, r * classes, classes, 1);
}

/**
 * The arguments of `softmaxCrossEntropy`, by name. A caller that runs it per
 * batch keeps one of these and changes only the rows and the scale, so a
 * step allocates nothing.
 */
export interface SoftmaxCrossEntropyArgs {
  /** Row-major [rows, classes] logits. */
  logits: Float32Array;
  /** One integer class index per row (as float32). */
  labels: Float32Array;
  classes: number;
  /** The rows [rowStart, rowEnd) to process. */
  rowStart: number;
  rowEnd: number;
  /** Multiplies the gradient: 1/batch for a batch-mean loss, 1 for per-row gradients. */
  scale: number;
  /** Receives dz = scale · (softmax(z) − onehot(y)), same layout as `logits`; may be `logits`. */
  grad: Float32Array;
  /** totals[0] += the rows' summed loss; totals[1] += how many rows' argmax equals their label. */
  totals: Float64Array;
  /** When given, each row's loss is written here too (the autograd op needs them apart). */
  rowLosses: Float32Array | null;
}

/** Softmax crossentropy on logits fused with its gradient, for rows [rowStart, rowEnd). */
export function softmaxCrossEntropy(args: SoftmaxCrossEntropyArgs): void {
  const { logits: Z, labels, classes, rowStart, rowEnd, scale, grad: dZ, totals, rowLosses } = args;
  let lossSum = 0;
  let correct = 0;
  const g = Math.fround(scale);
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
    const labelLogit = Z[row + label]!;
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(Z[row + j]! - max);
      dZ[row + j] = e;
      sum += e;
    }
    const loss = max + Math.log(sum) - labelLogit;
    lossSum += loss;
    if (rowLosses !== null) rowLosses[r] = loss;
    if (argmax === label) correct++;
    // softmax − onehot first, then the scale, each rounded to float32 as the
    // autograd path rounds them (the op's G, then the mean's 1/batch times G),
    // so that the fused executor and autograd agree bit for bit (the SIMD
    // kernel, simd/softmax-kernels.ts, rounds in this order too).
    const norm = 1 / sum;
    for (let j = 0; j < classes; j++) dZ[row + j]! *= norm;
    dZ[row + label]! -= 1;
    if (scale !== 1) for (let j = 0; j < classes; j++) dZ[row + j]! *= g;
  }
  totals[0]! += lossSum;
  totals[1]! += correct;
}
