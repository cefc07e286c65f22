/**
 * Loss functions, as Keras defines them. Each returns the mean over the batch
 * of a per-sample loss (Keras's default reduction, "sum_over_batch_size").
 *
 *     sparse categorical crossentropy:  −log p[y]            (y an integer label)
 *     categorical crossentropy:         −Σⱼ yⱼ log pⱼ        (y one-hot or soft)
 *     mean squared error:               meanⱼ (yⱼ − ŷⱼ)²
 *
 * Probabilities are renormalised to sum to 1 and clipped to [ε, 1 − ε] with
 * ε = 1e-7 before the log. When the prediction is a softmax output, its logits
 * are used instead (exact and stable), as Keras's TensorFlow backend does.
 */
import { oneHot } from '../tensor/ops/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensorInput, type TensorInput } from '../tensor/convert.js';
import { sparseSoftmaxCrossEntropyWithLogits } from './sparse-softmax-crossentropy.js';
import { checkDenseTargets, checkSparseTargets, sparseLabels } from './labels.js';
import { ValueError } from '../errors.js';
import { checkOptions, optionalBoolean } from '../utils/options.js';

/** Keras's backend.epsilon(): the fuzz factor that keeps log away from 0. */
export const EPSILON = 1e-7;

export interface Loss {
  /** The Keras name, as used in logs: "sparse_categorical_crossentropy". */
  readonly name: string;
  /** The batch-mean loss, a scalar tensor that autograd can differentiate. */
  call(yTrue: Tensor, yPred: Tensor): Tensor;
  /**
   * Checks all of a dataset's targets against the model's output shape
   * (batch dimension null) before training or evaluation starts, throwing a
   * ValueError or ShapeError that names the loss and the first bad target.
   */
  checkTargets?(yTrue: Tensor, outputShape: readonly (number | null)[]): void;
}

export interface CrossentropyOptions {
  /** Whether yPred holds logits (unnormalised scores) rather than probabilities. */
  fromLogits?: boolean;
}

/** The checked `fromLogits` of a crossentropy's options; false by default. */
function fromLogitsOption(where: string, options: CrossentropyOptions | undefined): boolean {
  checkOptions(where, options, ['fromLogits'] satisfies (keyof CrossentropyOptions)[]);
  optionalBoolean(where, 'fromLogits', options?.fromLogits);
  return options?.fromLogits ?? false;
}

/** Integer labels against predicted class probabilities (or logits). */
export class SparseCategoricalCrossentropy implements Loss {
  readonly name = 'sparse_categorical_crossentropy';
  readonly fromLogits: boolean;

  constructor(options: CrossentropyOptions = {}) {
    this.fromLogits = fromLogitsOption('SparseCategoricalCrossentropy', options);
  }

  /** The loss of predictions against integer labels; plain arrays are accepted as well as tensors. */
  call(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [yTrue, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    const labels = sparseLabels(yTrue, yPred, this.name);
    const logits = this.fromLogits ? yPred : yPred.logits;
    if (logits !== null) return sparseSoftmaxCrossEntropyWithLogits(logits, labels).mean();
    return probabilityCrossentropy(oneHot(labels, yPred.shape[1]!), yPred);
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkSparseTargets(yTrue, outputShape, this.name);
  }
}

/** One-hot (or soft) targets against predicted class probabilities (or logits). */
export class CategoricalCrossentropy implements Loss {
  readonly name = 'categorical_crossentropy';
  readonly fromLogits: boolean;

  constructor(options: CrossentropyOptions = {}) {
    this.fromLogits = fromLogitsOption('CategoricalCrossentropy', options);
  }

  /** The loss of predictions against one-hot targets; plain arrays are accepted as well as tensors. */
  call(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [yTrue, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    requireSameShape(yTrue, yPred, this.name);
    const logits = this.fromLogits ? yPred : yPred.logits;
    // −Σ y·log softmax(z): the log-softmax is exact where log(softmax) would round.
    if (logits !== null) return yTrue.mul(logits.logSoftmax()).sum(-1).neg().mean();
    return probabilityCrossentropy(yTrue, yPred);
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkDenseTargets(yTrue, outputShape, this.name, true);
  }
}

/** The mean of the squared differences over the last axis, then over the batch. */
export class MeanSquaredError implements Loss {
  readonly name = 'mean_squared_error';

  constructor(options: Record<string, never> = {}) {
    checkOptions('MeanSquaredError', options, []);
  }

  /** The loss of predictions against targets; plain arrays are accepted as well as tensors. */
  call(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [yTrue, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    requireSameShape(yTrue, yPred, this.name);
    return yPred.sub(yTrue).square().mean();
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkDenseTargets(yTrue, outputShape, this.name, false);
  }
}

/** −Σⱼ yⱼ log clip(pⱼ / Σₖ pₖ), batch mean; composed from primitives, so autograd derives its gradient. */
function probabilityCrossentropy(yTrue: Tensor, probabilities: Tensor): Tensor {
  const normalised = probabilities.div(probabilities.sum(-1, true));
  const logP = normalised.clip(EPSILON, 1 - EPSILON).log();
  return yTrue.mul(logP).sum(-1).neg().mean();
}

/** Both arguments as tensors (Keras takes NumPy arrays: here nested arrays and typed arrays). */
function lossInputs(yTrue: TensorInput, yPred: TensorInput, lossName: string): [Tensor, Tensor] {
  return [toTensorInput(yTrue, 'y_true', lossName), toTensorInput(yPred, 'y_pred', lossName)];
}

function requireSameShape(yTrue: Tensor, yPred: Tensor, lossName: string): void {
  if (yTrue.shape.length !== yPred.shape.length || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new ValueError(
      `${lossName}: the targets and predictions must have the same shape. ` +
        `Received: y_true.shape=[${yTrue.shape.join(', ')}], y_pred.shape=[${yPred.shape.join(', ')}]`,
    );
  }
}
