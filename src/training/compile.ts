/**
 * What `compile` settles: the optimizer, the loss and the metrics, each
 * resolved from a Keras string or taken as an instance, and which executor
 * runs the model (runEagerly, jitCompile; see executor.ts).
 */
import { getLoss, requireKnownMetric, resolveMetric, type LossIdentifier, type Loss, type Metric } from '../losses/index.js';
import { getOptimizer, type Optimizer } from '../optim/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeValue, ValueError } from '../errors.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';

export interface CompileArgs {
  /** 'adam', 'sgd' or an Optimizer instance. Keras's default is rmsprop, which tinykeras does not have yet, so this is required. */
  optimizer: string | Optimizer;
  /** 'sparse_categorical_crossentropy', 'categorical_crossentropy', 'mse', a Loss, or a function. */
  loss: LossIdentifier;
  /** Metric names, such as ['accuracy']. */
  metrics?: string[];
  /**
   * true: fit, evaluate and predict run op by op through autograd, the
   * executor that runs any model (Keras's run_eagerly, for debugging). False by default.
   */
  runEagerly?: boolean;
  /**
   * true: demand the fused executor (src/fused), and throw an error saying
   * why when the model cannot take it; false: never use it; 'auto' (the
   * default): use it whenever the model can take it.
   */
  jitCompile?: boolean | 'auto';
}

export class CompileSettings {
  readonly optimizer: Optimizer;
  readonly loss: Loss;
  /** The user's metric strings; the log names. */
  readonly metricNames: readonly string[];
  readonly runEagerly: boolean;
  readonly jitCompile: boolean | 'auto';
  /** Resolved on the first batch, once the label and prediction shapes are known. */
  private metrics: Metric[] | null = null;

  constructor(args: CompileArgs) {
    if (args === null || typeof args !== 'object') {
      throw new ValueError(`compile() takes an object such as { optimizer: 'adam', loss: '…', metrics: ['accuracy'] }. Received: ${describeValue(args)}`);
    }
    // Values are checked below, with messages about each; the table makes the compiler list every option.
    checkTypedOptions('compile()', args, { optimizer: 'any', loss: 'any', metrics: 'any', runEagerly: 'any', jitCompile: 'any' } satisfies Record<keyof CompileArgs, OptionKind>);
    if (args.optimizer === undefined) throw new ValueError("compile(): an optimizer is required, for example optimizer: 'adam'.");
    if (args.loss === undefined) throw new ValueError("compile(): a loss is required, for example loss: 'sparse_categorical_crossentropy'.");
    this.optimizer = getOptimizer(args.optimizer);
    this.loss = getLoss(args.loss);
    if (args.metrics !== undefined && !Array.isArray(args.metrics)) {
      throw new ValueError(`compile(): metrics must be an array of names, such as ['accuracy']. Received: metrics=${describeValue(args.metrics)}`);
    }
    this.metricNames = args.metrics ?? [];
    this.metricNames.forEach(requireKnownMetric);
    const runEagerly = args.runEagerly ?? false;
    if (typeof runEagerly !== 'boolean') throw new ValueError(`compile(): runEagerly must be true or false. Received: runEagerly=${describeValue(runEagerly)}`);
    const jitCompile = args.jitCompile ?? 'auto';
    if (jitCompile !== true && jitCompile !== false && jitCompile !== 'auto') {
      throw new ValueError(`compile(): jitCompile must be true, false or 'auto'. Received: jitCompile=${describeValue(jitCompile)}`);
    }
    if (runEagerly && jitCompile === true) {
      // As Keras: running eagerly wins, with a warning.
      console.warn('compile(): runEagerly is true, so jitCompile cannot also be true; the model runs op by op through autograd.');
    }
    this.runEagerly = runEagerly;
    this.jitCompile = runEagerly ? false : jitCompile;
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
