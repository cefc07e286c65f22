/**
 * Learning-rate schedules (keras.optimizers.schedules): a learning rate that
 * is a function of the optimizer's step count s = iterations (0 for the
 * first update), accepted wherever a learning rate is
 * (`new Adam({ learningRate: schedule })`):
 *
 *     ExponentialDecay        lr₀ · rate^(s / steps)                 (staircase: ⌊s / steps⌋)
 *     InverseTimeDecay        lr₀ / (1 + rate · s / steps)           (staircase: ⌊s / steps⌋)
 *     PiecewiseConstantDecay  values[i] for boundaries[i−1] < s ≤ boundaries[i]
 *     CosineDecay             lr₀ · ((1 − α) · ½(1 + cos(π · min(s, steps) / steps)) + α)
 *                             with warmup: lr₀ + (target − lr₀) · s / warmupSteps for s < warmupSteps,
 *                             then the cosine from target over the next `steps` steps
 *
 * Each in float32, operation by operation in Keras's order
 * (keras/src/optimizers/schedules/learning_rate_schedule.py): Keras casts
 * lr₀ and every constant to float32 tensors before computing.
 */
import { describeValue, ValueError } from '../errors.js';
import { ownEntry } from '../utils/registry.js';
import { checkOptions, isPlainObject } from '../utils/options.js';

const f32 = Math.fround;

/** A schedule's config as Keras's get_config writes it: numbers, booleans, names, lists of numbers, null. */
export type ScheduleConfig = Record<string, number | boolean | string | number[] | null>;

/** A schedule as Keras serializes it inside an optimizer's config (serialize_keras_object). */
export interface SerializedSchedule {
  module: 'keras.optimizers.schedules';
  class_name: string;
  config: ScheduleConfig;
  registered_name: null;
}

/** The base class: a learning rate as a function of the step count. */
export abstract class LearningRateSchedule {
  /** The Keras class name, in saved files. */
  abstract readonly className: string;
  /** The name Keras gives the schedule (its `name` argument). */
  abstract readonly name: string;

  /** The learning rate for the update that follows `step` earlier updates (Keras's `schedule(optimizer.iterations)`), a float32 value. */
  abstract valueAt(step: number): number;

  /** The options that recreate this schedule, under Keras's keys. */
  abstract getConfig(): ScheduleConfig;

  /** `{ module, class_name, config, registered_name }`, as an optimizer's config holds it in Keras 3. */
  serialize(): SerializedSchedule {
    return { module: 'keras.optimizers.schedules', class_name: this.className, config: this.getConfig(), registered_name: null };
  }
}

function positiveNumber(where: string, key: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new ValueError(`${where}: ${key} must be a positive number. Received: ${key}=${describeValue(value)}`);
  return value;
}

function finiteNumber(where: string, key: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value))) throw new ValueError(`${where}: ${key} must be a finite number. Received: ${key}=${describeValue(value)}`);
  return value;
}

function optionalFlag(where: string, key: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw new ValueError(`${where}: ${key} must be true or false. Received: ${key}=${describeValue(value)}`);
  return value ?? false;
}

function optionalName(where: string, value: unknown, fallback: string): string {
  if (value !== undefined && value !== null && typeof value !== 'string') throw new ValueError(`${where}: name must be a string. Received: name=${describeValue(value)}`);
  return value ?? fallback;
}

/**
 * The options of a decay schedule, given as one object or, as Keras's
 * positional form, the initial learning rate first (`new ExponentialDecay(0.1, { decaySteps, decayRate })`).
 */
function decayOptions<T extends { initialLearningRate?: number }>(where: string, first: T | number, rest: Omit<T, 'initialLearningRate'> | undefined, allowed: readonly string[]): T {
  if (typeof first === 'number') {
    checkOptions(where, rest, allowed.filter((k) => k !== 'initialLearningRate'));
    return { ...rest, initialLearningRate: first } as T;
  }
  if (!isPlainObject(first)) throw new ValueError(`${where}: expected an options object such as { ${allowed.slice(0, 3).join(', ')} } or the initial learning rate. Received: ${describeValue(first)}`);
  checkOptions(where, first, allowed);
  if (rest !== undefined) throw new ValueError(`${where}: the options come once, as the first argument or after the initial learning rate. Received: a second argument ${describeValue(rest)}`);
  return first;
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole steps of `decaySteps` (⌊s / decaySteps⌋) rather than continuously. */
  staircase?: boolean;
  name?: string;
}

export type InverseTimeDecayOptions = ExponentialDecayOptions;

/** What ExponentialDecay and InverseTimeDecay share: their options, config, and the progress p = s / decaySteps. */
abstract class StepDecay extends LearningRateSchedule {
  readonly name: string;
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(where: string, options: ExponentialDecayOptions | number, rest: Omit<ExponentialDecayOptions, 'initialLearningRate'> | undefined) {
    super();
    const o = decayOptions(where, options, rest, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase', 'name']);
    this.initialLearningRate = finiteNumber(where, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = positiveNumber(where, 'decaySteps', o.decaySteps);
    this.decayRate = finiteNumber(where, 'decayRate', o.decayRate);
    this.staircase = optionalFlag(where, 'staircase', o.staircase);
    this.name = optionalName(where, o.name, where);
  }

  /** p = s / decaySteps in float32, ⌊p⌋ with staircase. */
  protected progress(step: number): number {
    const p = f32(f32(step) / f32(this.decaySteps));
    return this.staircase ? Math.floor(p) : p;
  }

  getConfig(): ScheduleConfig {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** The options of ExponentialDecay and InverseTimeDecay from Keras's config keys. */
function stepDecayOptions(config: Readonly<Record<string, unknown>>): ExponentialDecayOptions {
  return {
    initialLearningRate: config.initial_learning_rate as number,
    decaySteps: config.decay_steps as number,
    decayRate: config.decay_rate as number,
    staircase: (config.staircase ?? undefined) as boolean | undefined,
    name: (config.name ?? undefined) as string | undefined,
  };
}

/** lr₀ · rate^p, p = s / decaySteps, in float32 as Keras computes it. */
export class ExponentialDecay extends StepDecay {
  static readonly className = 'ExponentialDecay';
  readonly className = 'ExponentialDecay';

  constructor(options: ExponentialDecayOptions | number, rest?: Omit<ExponentialDecayOptions, 'initialLearningRate'>) {
    super('ExponentialDecay', options, rest);
  }

  valueAt(step: number): number {
    return f32(f32(this.initialLearningRate) * f32(f32(this.decayRate) ** this.progress(step)));
  }

  static fromConfig(config: Readonly<Record<string, unknown>>): ExponentialDecay {
    return new ExponentialDecay(stepDecayOptions(config));
  }
}

/** lr₀ / (1 + rate · p), p = s / decaySteps, in float32 as Keras computes it. */
export class InverseTimeDecay extends StepDecay {
  static readonly className = 'InverseTimeDecay';
  readonly className = 'InverseTimeDecay';

  constructor(options: InverseTimeDecayOptions | number, rest?: Omit<InverseTimeDecayOptions, 'initialLearningRate'>) {
    super('InverseTimeDecay', options, rest);
  }

  valueAt(step: number): number {
    return f32(f32(this.initialLearningRate) / f32(1 + f32(f32(this.decayRate) * this.progress(step))));
  }

  static fromConfig(config: Readonly<Record<string, unknown>>): InverseTimeDecay {
    return new InverseTimeDecay(stepDecayOptions(config));
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Step counts, strictly increasing. */
  boundaries: number[];
  /** One more value than boundaries: values[0] up to boundaries[0], …, the last after the last boundary. */
  values: number[];
  name?: string;
}

/** values[0] for s ≤ boundaries[0], values[i] for boundaries[i−1] < s ≤ boundaries[i], the last value after the last boundary. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  static readonly className = 'PiecewiseConstantDecay';
  readonly className = 'PiecewiseConstantDecay';
  readonly name: string;
  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(options: PiecewiseConstantDecayOptions | number[], values?: number[]) {
    super();
    const where = 'PiecewiseConstantDecay';
    let o: PiecewiseConstantDecayOptions;
    if (Array.isArray(options)) {
      o = { boundaries: options, values: values as number[] };
    } else {
      if (!isPlainObject(options)) throw new ValueError(`${where}: expected { boundaries, values } or the two arrays. Received: ${describeValue(options)}`);
      checkOptions(where, options, ['boundaries', 'values', 'name']);
      o = options;
    }
    for (const key of ['boundaries', 'values'] as const) {
      const list: unknown = o[key];
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new ValueError(`${where}: ${key} must be an array of finite numbers. Received: ${key}=${describeValue(list)}`);
      }
    }
    if (o.boundaries.length !== o.values.length - 1) {
      throw new ValueError(
        `${where}: the length of boundaries should be 1 less than the length of values. ` +
          `Received: boundaries of length ${o.boundaries.length}, values of length ${o.values.length}`,
      );
    }
    if (o.boundaries.some((b, i) => i > 0 && b <= o.boundaries[i - 1]!)) throw new ValueError(`${where}: boundaries must be strictly increasing. Received: boundaries=[${o.boundaries.join(', ')}]`);
    this.boundaries = [...o.boundaries];
    this.values = [...o.values];
    this.name = optionalName(where, o.name, 'PiecewiseConstant');
  }

  valueAt(step: number): number {
    const { boundaries, values } = this;
    let i = 0;
    while (i < boundaries.length && step > boundaries[i]!) i++;
    return f32(values[i]!);
  }

  getConfig(): ScheduleConfig {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }

  static fromConfig(config: Readonly<Record<string, unknown>>): PiecewiseConstantDecay {
    return new PiecewiseConstantDecay({
      boundaries: config.boundaries as number[],
      values: config.values as number[],
      name: (config.name ?? undefined) as string | undefined,
    });
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The final learning rate as a fraction of the one the decay starts from; 0 by default. */
  alpha?: number;
  name?: string;
  /** With warmup: the rate reached, linearly from initialLearningRate, after warmupSteps; the decay starts from it. */
  warmupTarget?: number | null;
  warmupSteps?: number;
}

/**
 * Cosine decay (Loshchilov & Hutter, 2016, "SGDR"), with Keras 3's optional
 * linear warmup (Goyal et al., 2017): see the formulas at the top of this file.
 */
export class CosineDecay extends LearningRateSchedule {
  static readonly className = 'CosineDecay';
  readonly className = 'CosineDecay';
  readonly name: string;
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions | number, rest?: Omit<CosineDecayOptions, 'initialLearningRate'>) {
    super();
    const where = 'CosineDecay';
    const o = decayOptions(where, options, rest, ['initialLearningRate', 'decaySteps', 'alpha', 'name', 'warmupTarget', 'warmupSteps']);
    this.initialLearningRate = finiteNumber(where, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = positiveNumber(where, 'decaySteps', o.decaySteps);
    this.alpha = finiteNumber(where, 'alpha', o.alpha ?? 0);
    this.warmupTarget = o.warmupTarget === undefined || o.warmupTarget === null ? null : finiteNumber(where, 'warmupTarget', o.warmupTarget);
    const warmupSteps = o.warmupSteps ?? 0;
    if (!(typeof warmupSteps === 'number' && Number.isFinite(warmupSteps) && warmupSteps >= 0)) throw new ValueError(`${where}: warmupSteps must be a non-negative number. Received: warmupSteps=${describeValue(warmupSteps)}`);
    this.warmupSteps = warmupSteps;
    this.name = optionalName(where, o.name, 'CosineDecay');
  }

  valueAt(step: number): number {
    const decaySteps = f32(this.decaySteps);
    const s = f32(step);
    if (this.warmupTarget === null) return this.decayed(Math.min(s, decaySteps), decaySteps, f32(this.initialLearningRate));
    const target = f32(this.warmupTarget);
    const warmupSteps = f32(this.warmupSteps);
    const clamped = Math.min(s, f32(decaySteps + warmupSteps));
    if (clamped < warmupSteps) {
      const initial = f32(this.initialLearningRate);
      return f32(f32(f32(target - initial) * f32(clamped / warmupSteps)) + initial);
    }
    return this.decayed(f32(clamped - warmupSteps), decaySteps, target);
  }

  /** from · ((1 − α) · ½(1 + cos(π · s / steps)) + α), each operation in float32. */
  private decayed(s: number, decaySteps: number, from: number): number {
    const fraction = f32(s / decaySteps);
    const cosine = f32(0.5 * f32(1 + f32(Math.cos(f32(f32(Math.PI) * fraction)))));
    return f32(from * f32(f32(f32(1 - this.alpha) * cosine) + f32(this.alpha)));
  }

  getConfig(): ScheduleConfig {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, alpha: this.alpha, name: this.name, warmup_target: this.warmupTarget, warmup_steps: this.warmupSteps };
  }

  static fromConfig(config: Readonly<Record<string, unknown>>): CosineDecay {
    return new CosineDecay({
      initialLearningRate: config.initial_learning_rate as number,
      decaySteps: config.decay_steps as number,
      alpha: (config.alpha ?? undefined) as number | undefined,
      name: (config.name ?? undefined) as string | undefined,
      warmupTarget: (config.warmup_target ?? null) as number | null,
      warmupSteps: (config.warmup_steps ?? undefined) as number | undefined,
    });
  }
}

/** The schedule classes by Keras class name: what a saved optimizer's learning_rate is read with. */
const SCHEDULE_CLASSES: Readonly<Record<string, { fromConfig(config: Readonly<Record<string, unknown>>): LearningRateSchedule }>> = {
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  CosineDecay,
};

/** A schedule from Keras's serialized form `{ class_name, config }` (the `module` and `registered_name` keys are not needed). */
export function deserializeSchedule(value: unknown, where = 'learning_rate'): LearningRateSchedule {
  if (!isPlainObject(value) || typeof value.class_name !== 'string' || !isPlainObject(value.config)) {
    throw new ValueError(`${where} must be a number or a serialized schedule { class_name, config }. Received: ${describeValue(value)}`);
  }
  const cls = ownEntry(SCHEDULE_CLASSES, value.class_name);
  if (!cls) throw new ValueError(`${where}: unknown learning-rate schedule '${value.class_name}'. Known: ${Object.keys(SCHEDULE_CLASSES).join(', ')}`);
  return cls.fromConfig(value.config);
}
