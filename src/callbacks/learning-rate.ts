/**
 * The callbacks that change the optimizer's learning rate between epochs,
 * as Keras 3 writes them (keras/src/callbacks/reduce_lr_on_plateau.py,
 * learning_rate_scheduler.py):
 *
 *     LearningRateScheduler(schedule)  at each epoch's start: lr ← schedule(epoch, lr)
 *     ReduceLROnPlateau(…)             at each epoch's end, after `patience` epochs
 *                                      without an improvement of the monitored value
 *                                      by more than minDelta: lr ← max(lr·factor, minLr),
 *                                      then `cooldown` epochs before it counts again
 *
 * Both add the learning rate to the epoch's logs as 'learning_rate' (so
 * History, the progress bar and CSVLogger show it), as Keras 3's do: the
 * optimizer's float32 learning rate, read as a number (0.001 is logged as
 * 0.0010000000474974513, as Keras logs it).
 */
import type { Optimizer } from '../optim/optimizer.js';
import { Callback } from './callbacks.js';
import type { Logs } from './logs.js';
import { describeValue, RuntimeError, ValueError } from '../errors.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { pythonRepr } from '../utils/python-format.js';

/** The compiled optimizer of the model a callback is attached to, with a clear error where there is none. */
function optimizerOf(callback: Callback, where: string): Optimizer {
  const model = callback.model as { compiled?: { optimizer?: Optimizer } | null } | null;
  const optimizer = model?.compiled?.optimizer;
  if (!optimizer) throw new RuntimeError(`${where}: the model has no optimizer. Use the callback in fit() of a compiled model.`);
  return optimizer;
}

/** The learning rate as Keras reads it: the float32 variable's value. */
function currentLearningRate(optimizer: Optimizer): number {
  return Math.fround(optimizer.learningRate);
}

/** Sets a fixed learning rate; Keras's TypeError where the optimizer follows a schedule. */
function setLearningRate(optimizer: Optimizer, value: number, where: string): void {
  if (optimizer.schedule) {
    throw new ValueError(
      `${where}: this optimizer was created with a learning-rate schedule (${optimizer.schedule.className}), hence its learning ` +
        'rate is not settable. Create the optimizer with a number as its learningRate to use this callback.',
    );
  }
  optimizer.learningRate = value;
}

/** A function of the epoch (0-based) and the current learning rate that returns the epoch's learning rate. */
export type LearningRateFunction = (epoch: number, learningRate: number) => number;

/**
 * At the start of each epoch, sets the learning rate to
 * `schedule(epoch, currentLearningRate)` (Keras's LearningRateScheduler).
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: LearningRateFunction;
  readonly verbose: 0 | 1;

  constructor(schedule: LearningRateFunction, args: { verbose?: 0 | 1 } = {}) {
    super();
    if (typeof schedule !== 'function') throw new ValueError(`LearningRateScheduler: schedule must be a function (epoch, learningRate) => learningRate. Received: ${describeValue(schedule)}`);
    checkTypedOptions('LearningRateScheduler', args, { verbose: 'number' });
    this.schedule = schedule;
    this.verbose = args.verbose ?? 0;
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = optimizerOf(this, 'LearningRateScheduler');
    const learningRate = this.schedule(epoch, currentLearningRate(optimizer));
    if (!(typeof learningRate === 'number' && Number.isFinite(learningRate))) {
      throw new ValueError(`LearningRateScheduler: the output of the schedule function should be a finite number. Received: ${describeValue(learningRate)} at epoch ${epoch}`);
    }
    setLearningRate(optimizer, learningRate, 'LearningRateScheduler');
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${pythonRepr(learningRate)}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs['learning_rate'] = currentLearningRate(optimizerOf(this, 'LearningRateScheduler'));
  }
}

export interface ReduceLROnPlateauArgs {
  /** The log key to watch; 'val_loss' by default. */
  monitor?: string;
  /** The factor the learning rate is multiplied by: lr ← lr·factor; 0.1 by default, below 1. */
  factor?: number;
  /** Epochs without improvement before reducing; 10 by default. */
  patience?: number;
  verbose?: 0 | 1;
  /** 'min', 'max', or 'auto' (min for a loss, max for an accuracy-like name). */
  mode?: 'auto' | 'min' | 'max';
  /** An improvement must be larger than this; 1e-4 by default. */
  minDelta?: number;
  /** Epochs after a reduction during which no epoch counts as without improvement; 0 by default. */
  cooldown?: number;
  /** The learning rate is never reduced below this; 0 by default. */
  minLr?: number;
}

const REDUCE_LR_OPTIONS = {
  monitor: 'string', factor: 'number', patience: 'number', verbose: 'number', mode: 'string', minDelta: 'number', cooldown: 'number', minLr: 'number',
} satisfies Record<keyof ReduceLROnPlateauArgs, OptionKind>;

/** Reduces the learning rate when the monitored value has stopped improving (Keras's ReduceLROnPlateau). */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly mode: 'auto' | 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  /** The best monitored value so far (null before the first epoch). */
  best: number | null = null;
  /** Epochs since the last improvement, and epochs of cooldown left. */
  wait = 0;
  cooldownCounter = 0;
  private direction: 1 | -1 | null = null; // +1 when larger is better

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    checkTypedOptions('ReduceLROnPlateau', args, REDUCE_LR_OPTIONS);
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    this.patience = args.patience ?? 10;
    this.verbose = args.verbose ?? 0;
    this.minDelta = Math.abs(args.minDelta ?? 1e-4);
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`ReduceLROnPlateau: mode must be 'auto', 'min' or 'max'. Received: mode=${describeValue(mode)}`);
    this.mode = mode;
    if (!(this.factor < 1)) throw new ValueError(`ReduceLROnPlateau does not support a factor >= 1.0. Received: factor=${describeValue(this.factor)}`);
  }

  override onTrainBegin(): void {
    this.best = null;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = optimizerOf(this, 'ReduceLROnPlateau');
    logs['learning_rate'] = currentLearningRate(optimizer);
    this.direction ??= this.directionOf();
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}.`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.best === null || this.direction * (current - this.best) > this.minDelta) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    const old = currentLearningRate(optimizer);
    if (old > Math.fround(this.minLr)) {
      const reduced = Math.max(old * this.factor, this.minLr);
      setLearningRate(optimizer, reduced, 'ReduceLROnPlateau');
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pythonRepr(reduced)}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }

  /** +1 when a larger value is better: mode 'max', or 'auto' for an accuracy-like name (as EarlyStopping decides). */
  private directionOf(): 1 | -1 {
    if (this.mode === 'max') return 1;
    if (this.mode === 'min') return -1;
    const name = this.monitor.replace(/^val_/, '');
    return name !== 'loss' && /acc|auc|precision|recall/.test(name) ? 1 : -1;
  }
}
