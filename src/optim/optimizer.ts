/**
 * The optimizer base: holds the learning rate (a number, or a schedule of
 * the step count, schedules.ts), the step counter and a slot of state per
 * variable (Adam's m and v), and applies one update rule to every
 * (gradient, variable) pair. Subclasses write only the rule.
 */
import { allocateFloat32, sharedCopy } from '../tensor/storage.js';
import { deserializeSchedule, LearningRateSchedule, type SerializedSchedule } from './schedules.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions, toCamelCase } from '../utils/options.js';

export abstract class Optimizer {
  /** The Keras name, e.g. "adam". */
  abstract readonly name: string;
  /**
   * The learning rate the next update uses (the last one's, for a
   * schedule). Callbacks such as ReduceLROnPlateau set it; with a schedule,
   * each step sets it to the schedule's value instead.
   */
  learningRate: number;
  /** The schedule the learning rate follows, evaluated on `iterations` before each step (Keras's `learning_rate(iterations)`), or null for a fixed rate. */
  readonly schedule: LearningRateSchedule | null;
  /** How many updates have been applied; the rule of step t sees t = iterations + 1. */
  iterations = 0;
  /** Per-variable state arrays, created on the first update of each variable. */
  private readonly slots = new Map<Tensor, Float32Array[]>();

  /** The class name for messages ('Adam'), kept as given because a minifying bundler renames classes. */
  readonly className: string;

  constructor(learningRate: number | LearningRateSchedule, className: string = new.target.name) {
    this.className = className;
    if (learningRate instanceof LearningRateSchedule) {
      this.schedule = learningRate;
      this.learningRate = learningRate.valueAt(0);
      return;
    }
    if (!(typeof learningRate === 'number' && Number.isFinite(learningRate) && learningRate > 0)) {
      throw new ValueError(`${className}: learningRate must be a positive number or a schedule (optimizers.schedules). Received: learningRate=${describeValue(learningRate)}`);
    }
    this.schedule = null;
    this.learningRate = learningRate;
  }

  /** The learning rate as Keras's get_config writes it: the number, or the serialized schedule. */
  learningRateConfig(): number | SerializedSchedule {
    return this.schedule ? this.schedule.serialize() : this.learningRate;
  }

  /**
   * The options that recreate this optimizer, under Keras's config keys
   * (Adam: learning_rate, beta_1, beta_2, epsilon): what a saved file's
   * optimizer_config holds and what a worker thread rebuilds the optimizer
   * from, with the class's static `fromConfig` (Keras's get_config and from_config).
   */
  getConfig(): OptimizerConfig {
    return { learning_rate: this.learningRateConfig() };
  }

  /** How many state arrays each variable needs (Adam: 2, SGD with momentum: 1). */
  abstract get slotCount(): number;

  /** The slots' names, for messages and saved files (Adam: m, v). */
  get slotNames(): readonly string[] {
    return Array.from({ length: this.slotCount }, (_, i) => `slot${i}`);
  }

  /**
   * The values of Keras's scalar optimizer variables that come after every
   * variable's slots in its files: none for most optimizers, Nadam's
   * u_product. tinykeras derives them from the step count, so they are
   * written for Keras and not read back.
   */
  kerasTrailingScalars(): readonly number[] {
    return [];
  }

  /** The value slot `slot` starts from: 0 (Adagrad's accumulator starts from its initialAccumulatorValue). */
  slotInitialValue(_slot: number): number {
    return 0;
  }

  /** A variable's fresh slot arrays: one per slot, of `size` values, each at its initial value. */
  newSlots(size: number): Float32Array[] {
    return Array.from({ length: this.slotCount }, (_, s) => {
      const slot = allocateFloat32(size);
      const initial = this.slotInitialValue(s);
      if (initial !== 0) slot.fill(initial);
      return slot;
    });
  }

  /**
   * The update rule, applied in place to elements [start, end) of a
   * variable from its gradient, with `state` holding the variable's slot
   * arrays and `step` being t = iterations + 1. Working on a range lets
   * training threads each update their own share of a large variable.
   */
  abstract updateRange(
    gradient: Float32Array,
    variable: Float32Array,
    state: readonly Float32Array[],
    step: number,
    start: number,
    end: number,
  ): void;

  /**
   * Runs `update` as step t = iterations + 1, then counts the step: the one
   * place the step counter advances, for applyGradients and for the fused
   * executor alike. A step that throws is not counted.
   */
  runStep(update: (step: number) => void): void {
    if (this.schedule) this.learningRate = this.schedule.valueAt(this.iterations);
    const step = this.iterations + 1;
    update(step);
    this.iterations = step;
  }

  /** Applies one step to each pair, then counts the step (Keras's `apply_gradients`). */
  applyGradients(gradientsAndVariables: ReadonlyArray<readonly [Tensor, Tensor]>): void {
    this.runStep((step) => {
      // An indexed loop on purpose: with `for (const [g, v] of …)` here, V8's
      // optimised code ran the inlined update 25 times slower after a few
      // hundred steps (measured: 0.5 ms → 13 ms per Adam step on the seed's weights).
      for (let i = 0; i < gradientsAndVariables.length; i++) {
        const [gradient, variable] = gradientsAndVariables[i]!;
        if (gradient.size !== variable.size) {
          throw new ShapeError(
            `${this.name}: the gradient of ${variable.name || 'a variable'} has ${gradient.size} values but the variable has ${variable.size}.`,
          );
        }
        this.updateRange(gradient.data, variable.data, this.slotsOf(variable), step, 0, variable.size);
      }
    });
  }

  /**
   * This variable's slot arrays, created at their initial values (zeros
   * but for Adagrad) the first time they are asked for, in shareable memory (see storage.ts).
   */
  slotsOf(variable: Tensor): Float32Array[] {
    let state = this.slots.get(variable);
    if (!state) {
      state = this.newSlots(variable.size);
      this.slots.set(variable, state);
    }
    return state;
  }

  /** This variable's slot arrays if it has any yet, without creating them (what saving reads). */
  peekSlots(variable: Tensor): readonly Float32Array[] | undefined {
    return this.slots.get(variable);
  }

  /**
   * Replaces this variable's slot arrays with copies of `state`, one array of
   * the variable's size per slot (what loading a saved optimizer does).
   */
  setSlots(variable: Tensor, state: readonly Float32Array[]): void {
    if (state.length !== this.slotCount || state.some((s) => s.length !== variable.size)) {
      throw new ValueError(
        `${this.name}: ${variable.name || 'a variable'} needs ${this.slotCount} slot arrays of ${variable.size} values. ` +
          `Received: ${state.length} arrays of lengths [${state.map((s) => s.length).join(', ')}]`,
      );
    }
    this.slots.set(variable, state.map((s) => sharedCopy(s)));
  }

  /** The number of scalars of optimizer state (slots plus iterations and learning rate), as Keras's summary counts it. */
  countParams(): number {
    let n = 2;
    for (const state of this.slots.values()) for (const s of state) n += s.length;
    return n;
  }
}

/** An optimizer's config under Keras's keys: numbers and flags, and the learning rate's serialized schedule. */
export type OptimizerConfig = Record<string, number | boolean | SerializedSchedule | null>;

/**
 * The learning rate in an optimizer's config (learning_rate, or TF.js's
 * learningRate or lr): a number, a serialized schedule, or undefined when
 * none is there (the constructor's default applies).
 */
export function learningRateFromConfig(config: Readonly<Record<string, unknown>>): number | LearningRateSchedule | undefined {
  // Each fromConfig reads the learning rate first: the check that the config is an object at all.
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ValueError(`fromConfig: the config must be an object of Keras's keys such as { learning_rate: 0.001 }. Received: ${describeValue(config)}`);
  }
  const key = ['learning_rate', 'learningRate', 'lr'].find((k) => config[k] !== undefined && config[k] !== null);
  if (key === undefined) return undefined;
  const value = config[key];
  return typeof value === 'number' ? value : deserializeSchedule(value, `config.${key}`);
}

/**
 * Keras 3 options of every optimizer that tinykeras does not implement:
 * an error naming them, rather than training without them.
 */
const UNSUPPORTED_OPTIONS = ['clipnorm', 'clipvalue', 'globalClipnorm', 'useEma', 'emaMomentum', 'emaOverwriteFrequency', 'lossScaleFactor', 'gradientAccumulationSteps'];

/**
 * The number under the first of `keys` found in an optimizer's config
 * (Keras's key, then TF.js's spellings: learning_rate, learningRate, lr);
 * undefined when none is there, so that the constructor's default applies.
 */
export function numberFromConfig(config: Readonly<Record<string, unknown>>, ...keys: string[]): number | undefined {
  const key = keys.find((k) => config[k] !== undefined && config[k] !== null);
  if (key === undefined) return undefined;
  const value = config[key];
  if (typeof value !== 'number') {
    throw new ValueError(`config.${key} must be a number (a schedule cannot be loaded). Received: ${key}=${describeValue(value)}`);
  }
  return value;
}

/**
 * An optimizer's options, checked by name: an object of the `allowed` keys,
 * or a number, which Keras's positional form makes the learning rate
 * (`new Adam(0.01)`, `SGD(0.1)`).
 */
export function optimizerOptions<T extends { learningRate?: number | LearningRateSchedule }>(where: string, options: T | number | LearningRateSchedule | undefined, allowed: readonly (keyof T & string)[]): T {
  if (typeof options === 'number' || options instanceof LearningRateSchedule) return { learningRate: options } as T;
  if (options !== null && typeof options === 'object') {
    const unsupported = Object.keys(options).find((key) => UNSUPPORTED_OPTIONS.includes(toCamelCase(key)) && (options as Record<string, unknown>)[key] !== undefined);
    if (unsupported !== undefined) {
      throw new ValueError(
        `${where}: ${unsupported} is a Keras option that tinykeras does not support yet (gradient clipping, EMA, loss scaling and ` +
          `gradient accumulation are not implemented). Received: ${unsupported}=${describeValue((options as Record<string, unknown>)[unsupported])}`,
      );
    }
  }
  checkOptions(where, options, allowed);
  return options ?? ({} as T);
}

