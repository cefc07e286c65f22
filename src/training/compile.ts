/**
 * What `compile` settles: the optimizer, the loss and the metrics, each
 * resolved from a Keras string or taken as an instance.
 */
import { getLoss, requireKnownMetric, resolveMetric, type LossIdentifier, type Loss, type Metric } from '../losses/index.js';
import { getOptimizer, type Optimizer } from '../optim/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeValue, ValueError } from '../errors.js';
import { checkOptions } from '../utils/options.js';

export interface CompileArgs {
  /** 'adam', 'sgd' or an Optimizer instance. Keras's default is rmsprop, which tinykeras does not have yet, so this is required. */
  optimizer: string | Optimizer;
  /** 'sparse_categorical_crossentropy', 'categorical_crossentropy', 'mse', a Loss, or a function. */
  loss: LossIdentifier;
  /** Metric names, such as ['accuracy']. */
  metrics?: string[];
}

export class CompiledState {
  readonly optimizer: Optimizer;
  readonly loss: Loss;
  /** The user's metric strings; the log names. */
  readonly metricNames: readonly string[];
  /** Resolved on the first batch, once the label and prediction shapes are known. */
  private metrics: Metric[] | null = null;

  constructor(args: CompileArgs) {
    if (args === null || typeof args !== 'object') {
      throw new ValueError(`compile() takes an object such as { optimizer: 'adam', loss: '…', metrics: ['accuracy'] }. Received: ${describeValue(args)}`);
    }
    checkOptions('compile()', args, ['optimizer', 'loss', 'metrics'] satisfies (keyof CompileArgs)[]);
    if (args.optimizer === undefined) throw new ValueError("compile(): an optimizer is required, for example optimizer: 'adam'.");
    if (args.loss === undefined) throw new ValueError("compile(): a loss is required, for example loss: 'sparse_categorical_crossentropy'.");
    this.optimizer = getOptimizer(args.optimizer);
    this.loss = getLoss(args.loss);
    if (args.metrics !== undefined && !Array.isArray(args.metrics)) {
      throw new ValueError(`compile(): metrics must be an array of names, such as ['accuracy']. Received: metrics=${describeValue(args.metrics)}`);
    }
    this.metricNames = args.metrics ?? [];
    this.metricNames.forEach(requireKnownMetric);
  }

  /** Log names in display order: loss, then the metrics (tf.keras 2.x order). */
  get logNames(): string[] {
    return ['loss', ...this.metricNames];
  }

  /** Each metric's value on one batch. */
  metricValues(yTrue: Tensor, yPred: Tensor): number[] {
    this.metrics ??= this.metricNames.map((name) => resolveMetric(name, yTrue.shape, yPred.shape));
    return this.metrics.map((m) => m.fn(yTrue, yPred));
  }
}
