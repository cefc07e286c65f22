/**
 * Callbacks: code that `fit` calls at the start and end of training, of each
 * epoch and of each batch. A callback is an instance of `Callback` or any
 * object with some of these methods (which may return a Promise):
 *
 *     onTrainBegin(logs)   onEpochBegin(epoch, logs)   onBatchBegin(batch, logs)
 *     onTrainEnd(logs)     onEpochEnd(epoch, logs)     onBatchEnd(batch, logs)
 *
 * Batch logs hold the running epoch means so far; epoch logs add the `val_`
 * metrics when validating. `History` is always added (and returned by fit),
 * and `ProgbarLogger` when verbose is not 0, after the user's callbacks.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Logs } from './logs.js';
import { defaultOutput, Progbar, type ProgbarOutput } from '../utils/progbar.js';
import { describeValue, RuntimeError, ValueError } from '../errors.js';
import type { NonFiniteReport } from './non-finite.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';

/** What a callback needs of the model: its weights and the flag that ends training. */
export interface TrainableModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
}

export interface TrainingParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  verbose: 0 | 1 | 2;
  /** Training samples per epoch (after any validationSplit), and the batch size: for progress displays. Set by fit. */
  samples?: number;
  batchSize?: number;
  /** Which executor trains: 'fused' (src/fused) or 'autograd' (op by op). Set by fit. */
  executor?: 'fused' | 'autograd';
  /** How many threads share each step. */
  threads?: number;
  /**
   * Why the model trains through autograd rather than the fused executor, or
   * why the fused executor runs on fewer threads than asked for; absent when neither.
   */
  reason?: string;
}

type MaybePromise = void | Promise<void>;

export interface CallbackHooks {
  onTrainBegin?(logs: Logs): MaybePromise;
  onTrainEnd?(logs: Logs): MaybePromise;
  onEpochBegin?(epoch: number, logs: Logs): MaybePromise;
  onEpochEnd?(epoch: number, logs: Logs): MaybePromise;
  onBatchBegin?(batch: number, logs: Logs): MaybePromise;
  onBatchEnd?(batch: number, logs: Logs): MaybePromise;
}

/** Base class: `model` and `params` are set by fit before training begins. */
export class Callback implements CallbackHooks {
  model: TrainableModel | null = null;
  params: TrainingParams = { epochs: 0, steps: 0, verbose: 0, samples: 0, batchSize: 0 };

  setModel(model: TrainableModel): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  // The hooks do nothing by default; subclasses override the ones they need.
  onTrainBegin(_logs: Logs): MaybePromise {}
  onTrainEnd(_logs: Logs): MaybePromise {}
  onEpochBegin(_epoch: number, _logs: Logs): MaybePromise {}
  onEpochEnd(_epoch: number, _logs: Logs): MaybePromise {}
  onBatchBegin(_batch: number, _logs: Logs): MaybePromise {}
  onBatchEnd(_batch: number, _logs: Logs): MaybePromise {}
}

/** Records the epoch logs: `history.loss[e]` is epoch e's mean loss. Returned by `fit`. */
export class History extends Callback {
  /** Epoch indices seen, 0-based. */
  epoch: number[] = [];
  /** One array per log key, one value per epoch. */
  history: Record<string, number[]> = {};
  /** Set when fit stopped because the loss became NaN or infinite: where, and what was non-finite. */
  nonFiniteReport: NonFiniteReport | null = null;

  override onTrainBegin(): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}

/** Prints the Keras progress bar: "Epoch 1/5", then one bar per epoch. */
export class ProgbarLogger extends Callback {
  private bar: Progbar | null = null;
  private seen = 0;

  constructor(private readonly output?: ProgbarOutput) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const { epochs, steps, verbose } = this.params;
    if (epochs > 1) this.print(`Epoch ${epoch + 1}/${epochs}\n`);
    this.bar = new Progbar(steps, { verbose, ...(this.output ? { output: this.output } : {}) });
    this.seen = 0;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    this.seen = batch + 1;
    // Not final even at the last batch: the epoch's line is completed in onEpochEnd,
    // after validation, so it can show the val_ metrics.
    this.bar?.update(this.seen, Object.entries(logs), false);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    this.bar?.update(this.seen, Object.entries(logs), true);
  }

  private print(text: string): void {
    (this.output ?? defaultOutput()).write(text);
  }
}

export interface EarlyStoppingArgs {
  /** The log key to watch; 'val_loss' by default. */
  monitor?: string;
  /** An improvement smaller than this does not count. */
  minDelta?: number;
  /** Epochs without improvement to allow before stopping. */
  patience?: number;
  /** 'min', 'max', or 'auto' (max for accuracy-like names, else min). */
  mode?: 'auto' | 'min' | 'max';
  /** Stop unless the monitored value beats this. */
  baseline?: number | null;
  /** Put back the weights of the best epoch when stopping. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all. */
  startFromEpoch?: number;
  verbose?: 0 | 1;
}

/**
 * Keras's TerminateOnNaN: stops training at the first batch whose running
 * loss is NaN or infinite, printing "Batch N: Invalid loss, terminating
 * training", or throws a RuntimeError instead with `raiseError`. fit already
 * runs a stricter check by default (on each batch's own loss, with a
 * diagnosis; see non-finite.ts); this callback is for code written for Keras.
 */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;

  constructor(args: { raiseError?: boolean } = {}) {
    super();
    checkTypedOptions('TerminateOnNaN', args, { raiseError: 'boolean' });
    this.raiseError = args.raiseError ?? false;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs['loss'];
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) throw new RuntimeError(`NaN or Inf found in the loss at batch ${batch}. Received: loss=${loss}`);
    console.log(`Batch ${batch}: Invalid loss, terminating training`);
    if (this.model) this.model.stopTraining = true;
  }
}

const EARLY_STOPPING_OPTIONS = {
  monitor: 'string', minDelta: 'number', patience: 'number', mode: 'string', baseline: 'number|null', restoreBestWeights: 'boolean', startFromEpoch: 'number', verbose: 'number',
} satisfies Record<keyof EarlyStoppingArgs, OptionKind>;

/** Stops training once the monitored value has stopped improving (Keras's EarlyStopping). */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  private readonly direction: 1 | -1; // +1 when larger is better
  /** The epoch training stopped at (0 when it did not stop early). */
  stoppedEpoch = 0;
  bestEpoch = 0;
  private wait = 0;
  private best = Infinity;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    checkTypedOptions('EarlyStopping', args, EARLY_STOPPING_OPTIONS);
    this.monitor = args.monitor ?? 'val_loss';
    this.patience = args.patience ?? 0;
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.verbose = args.verbose ?? 0;
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) {
      throw new ValueError(`EarlyStopping: mode must be 'auto', 'min' or 'max'. Received: mode=${describeValue(mode)}`);
    }
    const maximise = mode === 'max' || (mode === 'auto' && /acc|auc/.test(this.monitor));
    this.direction = maximise ? 1 : -1;
    this.minDelta = Math.abs(args.minDelta ?? 0);
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.bestWeights = null;
    this.best = -this.direction * Infinity;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. ` +
          `Available metrics are: ${Object.keys(logs).join(',')}`,
      );
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.model?.getWeights() ?? null;
    this.wait++;
    if (this.isImprovement(current)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model?.getWeights() ?? null;
      // Only reset the wait when the baseline (if any) has been beaten.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0 && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) {
        if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
        this.model.setWeights(this.bestWeights);
      }
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
  }

  private isImprovement(value: number, reference = this.best): boolean {
    return this.direction * (value - reference) > this.minDelta;
  }
}

/** Calls every callback's hook in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: readonly CallbackHooks[]) {}

  async call<K extends keyof CallbackHooks>(hook: K, ...args: Parameters<NonNullable<CallbackHooks[K]>>): Promise<void> {
    for (const callback of this.callbacks) {
      const fn = callback[hook] as ((...a: unknown[]) => MaybePromise) | undefined;
      if (fn) await fn.apply(callback, args);
    }
  }
}
