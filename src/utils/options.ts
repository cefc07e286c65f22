/**
 * Checks on options objects, so that a misspelt option (easy in plain
 * JavaScript) is an error with a suggestion rather than silently ignored.
 */
import { ValueError, describeValue } from '../errors.js';
import { suggestClosest } from './suggest.js';

/** Throws a ValueError naming the first key of `options` not in `names`, with the closest valid name. */
export function rejectUnknownOptions(options: object, names: readonly string[], where: string): void {
  for (const name of Object.keys(options)) {
    if (!names.includes(name)) {
      throw new ValueError(
        `${where}: unknown option '${name}'.${suggestClosest(name, names)} ` +
          `Expected one of: ${names.join(', ')}. Received: ${name}=${describeValue((options as Record<string, unknown>)[name])}`,
      );
    }
  }
}
