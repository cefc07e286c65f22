/**
 * Options objects checked by name. A misspelt option (`activaton: 'relu'`)
 * or a Keras spelling (`batch_size`, `from_logits`) would otherwise be
 * silently ignored, and the model would train with the default instead:
 * a linear layer, batches of 32, a loss that takes logits for probabilities.
 */
import { describeValue, ValueError } from '../errors.js';
import { suggestClosest } from './suggest.js';

/** 'from_logits' → 'fromLogits': the TypeScript spelling of a Keras keyword. */
export function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Throws a ValueError unless `options` is undefined or a plain object whose
 * every own key is in `allowed`. The message names `where` (the function or
 * class), the key, and the closest valid key: the camelCase form of a Keras
 * snake_case key, else the nearest by spelling.
 */
export function checkOptions(where: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new ValueError(`${where}: expected an options object such as { ${allowed.slice(0, 3).join(', ')} }. Received: ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const camel = toCamelCase(key);
    const hint = camel !== key && allowed.includes(camel) ? ` Did you mean ${camel}? (tinykeras spells Keras's ${key} as ${camel}.)` : suggestClosest(key, allowed);
    throw new ValueError(`${where}: unknown option '${key}'.${hint} Expected one of: ${allowed.join(', ')}. Received: ${key}=${describeValue(options[key])}`);
  }
}

/** `checkOptions`, then the options themselves, typed: for a constructor's `super(checked(...))` call. */
export function checkedOptions<T>(where: string, options: T, allowed: readonly string[]): T {
  checkOptions(where, options, allowed);
  return options;
}

/** A function that can be called: not a class, whose call would throw a TypeError. */
export function isCallable(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function' && !/^class\b/.test(Function.prototype.toString.call(value));
}

/** An object literal or Object.create(null): not an array, a tensor, a function or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws a ValueError unless `value` is undefined or a boolean. */
export function optionalBoolean(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new ValueError(`${where}: ${name} must be true or false. Received: ${name}=${describeValue(value)}`);
}

/** The type an option must have; 'number|null' also accepts null (Keras's None). */
export type OptionKind = 'string' | 'number' | 'number|null' | 'boolean' | 'function' | 'any';

/**
 * `checkOptions` with the allowed keys and their types in one table:
 * `{ monitor: 'string', patience: 'number' }`. Undefined always passes (the
 * default applies); finer checks (ranges, enumerations) stay with the caller.
 */
export function checkTypedOptions(where: string, options: unknown, kinds: Readonly<Record<string, OptionKind>>): void {
  checkOptions(where, options, Object.keys(kinds));
  if (options === undefined) return;
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    const kind = kinds[key]!;
    if (value === undefined || kind === 'any') continue;
    if (kind === 'number|null' ? value === null || typeof value === 'number' : kind === 'function' ? isCallable(value) : typeof value === kind) continue;
    throw new ValueError(`${where}: ${key} must be ${kind === 'number|null' ? 'a number or null' : `a ${kind}`}. Received: ${key}=${describeValue(value)}`);
  }
}
