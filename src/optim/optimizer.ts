/**
 * The optimizer base: holds the learning rate, the step counter and a slot
 * of state per variable (Adam's m and v), and applies one update rule to
 * every (gradient, variable) pair. Subclasses write only the rule.
 */
import { allocateFloat32, sharedCopy } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkOptions } from '../utils/options.js';

export abstract class Optimizer {
  /** The Keras name, e.g. "adam". */
  abstract readonly name: string;
  learningRate: number;
  /** How many updates have been applied; the rule of step t sees t = iterations + 1. */
  iterations = 0;
  /** Per-variable state arrays, created on the first update of each variable. */
  private readonly slots = new Map<Tensor, Float32Array[]>();

  /** The class name for messages ('Adam'), kept as given because a minifying bundler renames classes. */
  readonly className: string;

  constructor(learningRate: number, className: string = new.target.name) {
    this.className = className;
    if (!(typeof learningRate === 'number' && Number.isFinite(learningRate) && learningRate > 0)) {
      throw new ValueError(`${className}: learningRate must be a positive number. Received: learningRate=${describeValue(learningRate)}`);
    }
    this.learningRate = learningRate;
  }

  /**
   * The options that recreate this optimizer, under Keras's config keys
   * (Adam: learning_rate, beta_1, beta_2, epsilon): what a saved file's
   * optimizer_config holds and what a worker thread rebuilds the optimizer
   * from, with the class's static `fromConfig` (Keras's get_config and from_config).
   */
  getConfig(): Record<string, number | boolean> {
    return { learning_rate: this.learningRate };
  }

  /** How many state arrays each variable needs (Adam: 2, SGD with momentum: 1). */
  abstract get slotCount(): number;

  /** The slots' names, for messages and saved files (Adam: m, v). */
  get slotNames(): readonly string[] {
    return Array.from({ length: this.slotCount }, (_, i) => `slot${i}`);
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
   * This variable's slot arrays, created as zeros the first time they are
   * asked for, in shareable memory (see storage.ts).
   */
  slotsOf(variable: Tensor): Float32Array[] {
    let state = this.slots.get(variable);
    if (!state) {
      state = Array.from({ length: this.slotCount }, () => allocateFloat32(variable.size));
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
export function optimizerOptions<T extends { learningRate?: number }>(where: string, options: T | number | undefined, allowed: readonly (keyof T & string)[]): T {
  if (typeof options === 'number') return { learningRate: options } as T;
  checkOptions(where, options, allowed);
  return options ?? ({} as T);
}

