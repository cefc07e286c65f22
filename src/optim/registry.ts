/**
 * The optimizers tinykeras has, one line each: what `compile` resolves a
 * name with ('adam', 'sgd', any case), and what a saved file's
 * optimizer_config and a worker thread rebuild an optimizer from
 * ({ className, config }: each class's getConfig and static fromConfig).
 * Adding an optimizer is its own file and one line in OPTIMIZER_CLASSES.
 */
import { ownEntry } from '../utils/registry.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { Nadam } from './nadam.js';
import type { Optimizer, OptimizerConfig } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** What the registry needs of an optimizer class: its Keras name, its defaults, and its fromConfig. */
export interface OptimizerClass {
  readonly className: string;
  new (): Optimizer;
  fromConfig(config: Readonly<Record<string, unknown>>): Optimizer;
  /** Whether the class takes Keras's weight_decay (AdamW, RMSprop, Adagrad, Nadam). */
  readonly supportsWeightDecay?: boolean;
}

/** Every optimizer class, one line each. */
const OPTIMIZER_CLASSES: readonly OptimizerClass[] = [
  Adam,
  SGD,
  RMSprop,
  Adagrad,
  AdamW,
  Nadam,
];

/** The classes by lower-case name: 'adam', 'sgd'. */
export const OPTIMIZERS_BY_NAME: Readonly<Record<string, OptimizerClass>> = Object.fromEntries(OPTIMIZER_CLASSES.map((c) => [c.className.toLowerCase(), c]));

/** The Keras class names, for messages: 'Adam and SGD'. */
export const OPTIMIZER_CLASS_NAMES = OPTIMIZER_CLASSES.map((c) => c.className).join(', ').replace(/, ([^,]*)$/, ' and $1');

/** The optimizer class of a Keras class name (any case), or undefined. */
export function optimizerClass(className: string): OptimizerClass | undefined {
  return typeof className === 'string' ? ownEntry(OPTIMIZERS_BY_NAME, className.toLowerCase()) : undefined;
}

/** An optimizer as plain data: its Keras class name and its config (what files hold and threads receive). */
export interface SerializedOptimizer {
  readonly className: string;
  readonly config: OptimizerConfig;
}

/**
 * `optimizer` as plain data, or null when it is not exactly one of the
 * registry's classes: a subclass may have changed the update rule.
 */
export function serializeOptimizer(optimizer: Optimizer): SerializedOptimizer | null {
  const known = OPTIMIZER_CLASSES.find((c) => optimizer.constructor === c);
  return known ? { className: known.className, config: optimizer.getConfig() } : null;
}

