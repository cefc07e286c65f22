/**
 * Loss functions, as Keras defines them. Each gives a loss per sample
 * (`perSample`, shape [N]); `call` reduces them to one number as Keras's
 * default reduction "sum_over_batch_size" does (reduction.ts: the mean, or
 * with sample weights Σ wᵢ·ℓᵢ / N).
 *
 *     sparse categorical crossentropy:  −log p[y]                          (y an integer label)
 *     categorical crossentropy:         −Σⱼ yⱼ log pⱼ                      (y one-hot or soft)
 *     binary crossentropy:              meanⱼ −[yⱼ log pⱼ + (1 − yⱼ) log(1 − pⱼ)]
 *     mean squared error:               meanⱼ (yⱼ − ŷⱼ)²
 *     mean absolute error:              meanⱼ |yⱼ − ŷⱼ|
 *     Huber:                            meanⱼ huber_δ(ŷⱼ − yⱼ)              (see pointwise.ts)
 *
 * Probabilities are clipped to [ε, 1 − ε] with ε = 1e-7 before the log (the
 * categorical ones renormalised to sum to 1 first). When the prediction is a
 * softmax output, its logits are used instead (exact and stable), as Keras's
 * TensorFlow backend does.
 *
 * Label smoothing (categorical and binary crossentropy) pulls each target
 * towards uniform before the loss: y ← y·(1 − s) + s/C, with C the number of
 * classes (2 for binary crossentropy, whose targets are one probability each).
 */
import { oneHot } from '../tensor/ops/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensorInput, type TensorInput } from '../tensor/convert.js';
import { sparseSoftmaxCrossEntropyWithLogits } from './sparse-softmax-crossentropy.js';
import { checkDenseTargets, checkSparseTargets, sparseLabels } from './labels.js';
import { describeValue, ValueError } from '../errors.js';
import { checkOptions, optionalBoolean } from '../utils/options.js';
import { absoluteError, huberError, pointwiseLoss, sigmoidCrossentropyWithLogits, type PointwiseLoss } from './pointwise.js';
import { reduceLoss } from './reduction.js';

/** Keras's backend.epsilon(): the fuzz factor that keeps log away from 0. */
export const EPSILON = 1e-7;

export interface Loss {
  /** The Keras name, as used in logs: "sparse_categorical_crossentropy". */
  readonly name: string;
  /**
   * The loss of a batch. The built-in losses return the reduced loss, a
   * scalar tensor autograd can differentiate; a user's Loss may return one
   * value per sample ([N] or [N, …]), which training reduces as Keras does
   * (reduction.ts).
   */
  call(yTrue: Tensor, yPred: Tensor): Tensor;
  /** The unreduced loss, one value per sample ([N]): what sample weights multiply. The built-in losses have it. */
  perSample?(yTrue: Tensor, yPred: Tensor): Tensor;
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

export interface SmoothedCrossentropyOptions extends CrossentropyOptions {
  /** In [0, 1]: how far each target moves towards uniform, y·(1 − s) + s/C. 0 (none) by default. */
  labelSmoothing?: number;
}

/** The checked `fromLogits` of a crossentropy's options; false by default. */
function fromLogitsOption(where: string, options: CrossentropyOptions | undefined, allowed: readonly string[] = ['fromLogits']): boolean {
  checkOptions(where, options, allowed);
  optionalBoolean(where, 'fromLogits', options?.fromLogits);
  return options?.fromLogits ?? false;
}

/** The checked `fromLogits` and `labelSmoothing` of categorical and binary crossentropy. */
function smoothedOptions(where: string, options: SmoothedCrossentropyOptions | undefined): [boolean, number] {
  const fromLogits = fromLogitsOption(where, options, ['fromLogits', 'labelSmoothing'] satisfies (keyof SmoothedCrossentropyOptions)[]);
  const smoothing = options?.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`${where}: labelSmoothing must be a number in [0, 1]. Received: labelSmoothing=${describeValue(smoothing)}`);
  }
  return [fromLogits, smoothing];
}

/** y·(1 − s) + s/C: the targets moved a fraction s of the way towards uniform over C classes. */
function smoothLabels(yTrue: Tensor, smoothing: number, classes: number): Tensor {
  return smoothing === 0 ? yTrue : yTrue.mul(1 - smoothing).add(smoothing / classes);
}

/**
 * Keras lets element-wise losses take targets of shape [N] against
 * predictions [N, 1] (it expands the targets' rank); returns the targets
 * reshaped so, or checks that both have one shape.
 */
function alignedTargets(yTrue: Tensor, yPred: Tensor, lossName: string): Tensor {
  if (yTrue.rank === yPred.rank - 1 && yPred.shape[yPred.rank - 1] === 1 && yTrue.size === yPred.size) return yTrue.reshape(yPred.shape);
  requireSameShape(yTrue, yPred, lossName);
  return yTrue;
}

/** The whole-dataset target check of the element-wise losses, with the [N] against [N, 1] allowance. */
function checkAlignedTargets(yTrue: Tensor, outputShape: readonly (number | null)[], lossName: string): void {
  if (yTrue.rank === outputShape.length - 1 && outputShape[outputShape.length - 1] === 1) return;
  checkDenseTargets(yTrue, outputShape, lossName, false);
}

/** Integer labels against predicted class probabilities (or logits). */
export class SparseCategoricalCrossentropy implements Loss {
  readonly name = 'sparse_categorical_crossentropy';
  readonly fromLogits: boolean;

  constructor(options: CrossentropyOptions = {}) {
    this.fromLogits = fromLogitsOption('SparseCategoricalCrossentropy', options);
  }

  /** The loss of predictions against integer labels; plain arrays are accepted as well as tensors. */
  call(yTrue: TensorInput, yPred: TensorInput): Tensor {
    return reduceLoss(this.perSample(yTrue, yPred));
  }

  /** −log p[y] of each sample. */
  perSample(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [yTrue, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    const labels = sparseLabels(yTrue, yPred, this.name);
    const logits = this.fromLogits ? yPred : yPred.logits;
    if (logits !== null) return sparseSoftmaxCrossEntropyWithLogits(logits, labels);
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
  readonly labelSmoothing: number;

  constructor(options: SmoothedCrossentropyOptions = {}) {
    [this.fromLogits, this.labelSmoothing] = smoothedOptions('CategoricalCrossentropy', options);
  }

  /** The loss of predictions against one-hot targets; plain arrays are accepted as well as tensors. */
  call(yTrue: TensorInput, yPred: TensorInput): Tensor {
    return reduceLoss(this.perSample(yTrue, yPred));
  }

  /** −Σⱼ yⱼ log pⱼ of each sample. */
  perSample(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [targets, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    requireSameShape(targets, yPred, this.name);
    const yTrue = smoothLabels(targets, this.labelSmoothing, yPred.shape[yPred.rank - 1]!);
    const logits = this.fromLogits ? yPred : yPred.logits;
    // −Σ y·log softmax(z): the log-softmax is exact where log(softmax) would round.
    if (logits !== null) return yTrue.mul(logits.logSoftmax()).sum(-1).neg();
    return probabilityCrossentropy(yTrue, yPred);
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkDenseTargets(yTrue, outputShape, this.name, true);
  }
}

/**
 * Targets in [0, 1] (one probability per output unit) against predicted
 * probabilities, or logits with `fromLogits`: the mean over the last axis,
 * then over the batch.
 */
export class BinaryCrossentropy implements Loss {
  readonly name = 'binary_crossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor(options: SmoothedCrossentropyOptions = {}) {
    [this.fromLogits, this.labelSmoothing] = smoothedOptions('BinaryCrossentropy', options);
  }

  /** The loss of predictions against binary targets; plain arrays are accepted as well as tensors. */
  call(yTrue: TensorInput, yPred: TensorInput): Tensor {
    return reduceLoss(this.perSample(yTrue, yPred));
  }

  /** meanⱼ −[yⱼ log pⱼ + (1 − yⱼ) log(1 − pⱼ)] of each sample. */
  perSample(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [targets, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    const yTrue = smoothLabels(alignedTargets(targets, yPred, this.name), this.labelSmoothing, 2);
    if (this.fromLogits) return lastAxisMean(pointwiseLoss(sigmoidCrossentropyWithLogits, yTrue, yPred));
    // −[y log p + (1 − y) log(1 − p)] on p clipped to [ε, 1 − ε]; autograd derives the gradient.
    const p = yPred.clip(EPSILON, 1 - EPSILON);
    const logNotP = p.neg().add(1).log();
    return lastAxisMean(yTrue.mul(p.log()).add(yTrue.neg().add(1).mul(logNotP)).neg());
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkAlignedTargets(yTrue, outputShape, this.name);
  }
}

/** The mean of the squared differences over the last axis, then over the batch. */
export class MeanSquaredError implements Loss {
  readonly name = 'mean_squared_error';

  constructor(options: Record<string, never> = {}) {
    checkOptions('MeanSquaredError', options, []);
  }

  /** The loss of predictions against targets; plain arrays are accepted as well as tensors. */
  call(yTrue: TensorInput, yPred: TensorInput): Tensor {
    return reduceLoss(this.perSample(yTrue, yPred));
  }

  /** meanⱼ (yⱼ − ŷⱼ)² of each sample. */
  perSample(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [yTrue, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    requireSameShape(yTrue, yPred, this.name);
    return lastAxisMean(yPred.sub(yTrue).square());
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkDenseTargets(yTrue, outputShape, this.name, false);
  }
}

/** The mean of the absolute differences over the last axis, then over the batch. */
export class MeanAbsoluteError implements Loss {
  readonly name = 'mean_absolute_error';

  constructor(options: Record<string, never> = {}) {
    checkOptions('MeanAbsoluteError', options, []);
  }

  /** The loss of predictions against targets; plain arrays are accepted as well as tensors. */
  call(yTrue: TensorInput, yPred: TensorInput): Tensor {
    return reduceLoss(this.perSample(yTrue, yPred));
  }

  /** meanⱼ |yⱼ − ŷⱼ| of each sample. */
  perSample(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [yTrue, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    return lastAxisMean(pointwiseLoss(absoluteError, alignedTargets(yTrue, yPred, this.name), yPred));
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkAlignedTargets(yTrue, outputShape, this.name);
  }
}

export interface HuberOptions {
  /** Where the loss turns from quadratic to linear; a positive number, 1 by default. */
  delta?: number;
}

/** The mean Huber loss over the last axis, then over the batch: squared error near 0, absolute error beyond delta. */
export class Huber implements Loss {
  readonly name = 'huber';
  readonly delta: number;
  private readonly rule: PointwiseLoss;

  constructor(options: HuberOptions = {}) {
    checkOptions('Huber', options, ['delta'] satisfies (keyof HuberOptions)[]);
    const delta = options.delta ?? 1;
    if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
      throw new ValueError(`Huber: delta must be a positive number. Received: delta=${describeValue(delta)}`);
    }
    this.delta = delta;
    this.rule = huberError(delta);
  }

  /** The loss of predictions against targets; plain arrays are accepted as well as tensors. */
  call(yTrue: TensorInput, yPred: TensorInput): Tensor {
    return reduceLoss(this.perSample(yTrue, yPred));
  }

  /** meanⱼ huber_δ(ŷⱼ − yⱼ) of each sample. */
  perSample(yTrueInput: TensorInput, yPredInput: TensorInput): Tensor {
    const [yTrue, yPred] = lossInputs(yTrueInput, yPredInput, this.name);
    return lastAxisMean(pointwiseLoss(this.rule, alignedTargets(yTrue, yPred, this.name), yPred));
  }

  checkTargets(yTrue: Tensor, outputShape: readonly (number | null)[]): void {
    checkAlignedTargets(yTrue, outputShape, this.name);
  }
}

/** −Σⱼ yⱼ log clip(pⱼ / Σₖ pₖ) of each sample; composed from primitives, so autograd derives its gradient. */
function probabilityCrossentropy(yTrue: Tensor, probabilities: Tensor): Tensor {
  const normalised = probabilities.div(probabilities.sum(-1, true));
  const logP = normalised.clip(EPSILON, 1 - EPSILON).log();
  return yTrue.mul(logP).sum(-1).neg();
}

/** The mean over the last axis, as Keras's element-wise losses take it ([N] values stay as they are: one per sample). */
function lastAxisMean(values: Tensor): Tensor {
  return values.rank <= 1 ? values : values.mean(-1);
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
