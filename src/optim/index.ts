/**
 * Resolving the optimizer given to `compile`: 'adam', 'sgd' (any case), or an instance.
 */
import { ownEntry } from '../utils/registry.js';
import { suggestClosest } from '../utils/suggest.js';
import { Adam } from './adam.js';
import { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { describeValue, ValueError } from '../errors.js';

export { Adam, type AdamOptions } from './adam.js';
export { Optimizer } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';

const OPTIMIZER_FACTORIES: Record<string, () => Optimizer> = {
  adam: () => new Adam(),
  sgd: () => new SGD(),
};

export const OPTIMIZER_NAMES = Object.keys(OPTIMIZER_FACTORIES);

export function getOptimizer(identifier: string | Optimizer): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  const factory = typeof identifier === 'string' ? ownEntry(OPTIMIZER_FACTORIES, identifier.toLowerCase()) : undefined;
  if (!factory) {
    const name = typeof identifier === 'string' ? identifier : '';
    throw new ValueError(
      `Unknown optimizer: ${describeValue(identifier)}.${suggestClosest(name, OPTIMIZER_NAMES)} ` +
        `Valid optimizers: ${OPTIMIZER_NAMES.join(', ')}, or an Optimizer instance.`,
    );
  }
  return factory();
}
