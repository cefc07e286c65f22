/**
 * Resolving the optimizer given to `compile`: 'adam', 'sgd', 'rmsprop', 'adagrad', 'adamw', 'nadam' (any case), or an instance.
 */
import { ownEntry } from '../utils/registry.js';
import { suggestClosest } from '../utils/suggest.js';
import { Optimizer } from './optimizer.js';
import { OPTIMIZERS_BY_NAME } from './registry.js';
import { describeValue, ValueError } from '../errors.js';

export { Adam, type AdamOptions } from './adam.js';
export { Optimizer } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { Nadam, type NadamOptions } from './nadam.js';

export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS_BY_NAME);

export function getOptimizer(identifier: string | Optimizer): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  const optimizer = typeof identifier === 'string' ? ownEntry(OPTIMIZERS_BY_NAME, identifier.toLowerCase()) : undefined;
  if (!optimizer) {
    const name = typeof identifier === 'string' ? identifier : '';
    throw new ValueError(
      `Unknown optimizer: ${describeValue(identifier)}.${suggestClosest(name, OPTIMIZER_NAMES)} ` +
        `Valid optimizers: ${OPTIMIZER_NAMES.join(', ')}, or an Optimizer instance.`,
    );
  }
  return new optimizer();
}
