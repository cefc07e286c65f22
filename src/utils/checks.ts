/**
 * Small checks of the options the public functions take, each throwing a
 * ValueError that names the argument and the function.
 */
import { describeValue, ValueError } from '../errors.js';

/** verbose "auto" is 1, as in Keras. */
export type Verbosity = 0 | 1 | 2 | 'auto';

export function resolveVerbose(verbose: Verbosity | undefined, where: string): 0 | 1 | 2 {
  const v = verbose ?? 'auto';
  if (v === 'auto') return 1;
  if (v !== 0 && v !== 1 && v !== 2) throw new ValueError(`${where}: verbose must be 0, 1, 2 or 'auto'. Received: verbose=${describeValue(v)}`);
  return v;
}

/** Throws unless `value` is a positive integer, naming the argument. */
export function requirePositiveInteger(value: number, name: string, where: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${where}: ${name} must be a positive integer. Received: ${name}=${describeValue(value)}`);
  }
}
