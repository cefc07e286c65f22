/**
 * The `callbacks` option of fit, checked before training starts: each entry
 * must be a callback object (a Callback instance, or a plain object with
 * hook methods), every hook it has must be a function, and a plain object's
 * misspelt hook (`onEpochEnds`) is an error instead of a hook never called.
 */
import { describeValue, ValueError } from '../errors.js';
import { suggestClosest } from '../utils/suggest.js';
import { isCallable, isPlainObject } from '../utils/options.js';

/** The hooks fit calls, and the two setters it calls first. */
export const CALLBACK_METHODS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'setModel', 'setParams'] as const;

/** The callbacks as a list (one callback or a list of them), every entry checked. */
export function checkCallbacks<T>(callbacks: unknown, where: string): T[] {
  if (callbacks === undefined || callbacks === null) return [];
  const list: unknown[] = Array.isArray(callbacks) ? callbacks : [callbacks];
  // A loop, not forEach: forEach skips the holes of a sparse array ([, cb]).
  for (let i = 0; i < list.length; i++) {
    const callback = list[i];
    const at = `${where}: callbacks[${i}]`;
    if (typeof callback === 'function') {
      throw new ValueError(
        `${at} is a class or function, not a callback object; pass an instance such as new ${callback.name || 'MyCallback'}(), ` +
          `or an object { onEpochEnd(epoch, logs) { … } }. Received: ${describeValue(callback)}`,
      );
    }
    if (typeof callback !== 'object' || callback === null || Array.isArray(callback)) {
      throw new ValueError(`${at} must be a callback object, such as new EarlyStopping() or { onEpochEnd(epoch, logs) { … } }. Received: ${describeValue(callback)}`);
    }
    for (const method of CALLBACK_METHODS) {
      const hook = (callback as Record<string, unknown>)[method];
      if (hook !== undefined && !isCallable(hook)) {
        throw new ValueError(`${at}.${method} must be a function (a method, not a class). Received: ${method}=${describeValue(hook)}`);
      }
    }
    if (isPlainObject(callback)) {
      for (const key of Object.keys(callback)) {
        if (/^on[A-Z]/.test(key) && !(CALLBACK_METHODS as readonly string[]).includes(key)) {
          throw new ValueError(`${at}: unknown hook '${key}'.${suggestClosest(key, CALLBACK_METHODS)} Expected one of: ${CALLBACK_METHODS.slice(0, 6).join(', ')}.`);
        }
      }
    }
  }
  return list as T[];
}
