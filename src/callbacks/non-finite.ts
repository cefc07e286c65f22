/**
 * What `fit` reports when the loss stops being a finite number. Training
 * stops at the first such batch (the check is on by default, like Keras's
 * TerminateOnNaN callback but with a diagnosis): the report says when it
 * happened, which gradients, weights and optimizer slots hold NaN or
 * Infinity right after that step, and the usual causes.
 */

/** A named array to inspect: a weight, its gradient, or one optimizer slot. */
export interface NamedValues {
  readonly name: string;
  readonly data: Float32Array;
}

/** One array with non-finite values: how many of how many, and the first one's position. */
export interface NonFiniteFinding {
  readonly name: string;
  readonly count: number;
  readonly size: number;
  readonly firstIndex: number;
  readonly firstValue: number;
}

export interface NonFiniteReport {
  /** 0-based, as in callbacks. */
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  /** The last finite batch loss before this one, or null when the first batch already failed. */
  readonly previousLoss: number | null;
  readonly gradients: readonly NonFiniteFinding[];
  readonly weights: readonly NonFiniteFinding[];
  readonly optimizerState: readonly NonFiniteFinding[];
  /** The report as printed. */
  readonly message: string;
}

/** The arrays among `arrays` that hold NaN or ±Infinity. */
export function findNonFinite(arrays: readonly NamedValues[]): NonFiniteFinding[] {
  const findings: NonFiniteFinding[] = [];
  for (const { name, data } of arrays) {
    let count = 0;
    let firstIndex = -1;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        if (count === 0) firstIndex = i;
        count++;
      }
    }
    if (count > 0) findings.push({ name, count, size: data.length, firstIndex, firstValue: data[firstIndex]! });
  }
  return findings;
}

/** How many arrays each line of the report names before summarising the rest. */
const MAX_LISTED = 4;

/** Inspects the state right after the failing step and writes the report. */
export function diagnoseNonFinite(args: {
  epoch: number;
  epochs: number;
  batch: number;
  steps: number;
  loss: number;
  previousLoss: number | null;
  gradients: readonly NamedValues[];
  weights: readonly NamedValues[];
  optimizerName: string;
  optimizerState: readonly NamedValues[];
}): NonFiniteReport {
  const gradients = findNonFinite(args.gradients);
  const weights = findNonFinite(args.weights);
  const optimizerState = findNonFinite(args.optimizerState);
  const describe = (title: string, findings: readonly NonFiniteFinding[], inspected: number) =>
    inspected === 0
      ? `  ${title}: none kept`
      : findings.length === 0
        ? `  ${title}: all finite`
        : `  ${title}: ` +
          findings
            .slice(0, MAX_LISTED)
            .map((f) => `${f.name} (${f.count} of ${f.size}, first [${f.firstIndex}]=${f.firstValue})`)
            .join(', ') +
          (findings.length > MAX_LISTED ? `, and ${findings.length - MAX_LISTED} more` : '');
  const previous = args.previousLoss === null ? 'this was the first batch' : `the batch before had loss ${args.previousLoss.toPrecision(5)}`;
  const message = [
    `fit(): the loss became ${args.loss} at epoch ${args.epoch + 1}/${args.epochs}, batch ${args.batch + 1}/${args.steps} ` +
      `(${previous}); training stopped there.`,
    'Non-finite values right after that step:',
    describe('gradients', gradients, args.gradients.length),
    describe('weights', weights, args.weights.length),
    describe(`optimizer state (${args.optimizerName})`, optimizerState, args.optimizerState.length),
    'Usual causes: inputs that are not normalised (divide pixel values 0-255 by 255), a learning rate too high ' +
      '(try one 10 times smaller), or a custom loss that takes the log of 0. ' +
      'Pass terminateOnNaN: false to fit() to train on regardless.',
  ].join('\n');
  return { epoch: args.epoch, batch: args.batch, loss: args.loss, previousLoss: args.previousLoss, gradients, weights, optimizerState, message };
}
