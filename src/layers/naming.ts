/**
 * Keras's automatic names: snake_case of the class, then a per-process
 * counter: "dense", "dense_1", "dense_2", … (a second model built in the same
 * process continues the count, as in Keras).
 */
const counters = new Map<string, number>();

/** The next free name for `base`: `base` itself the first time, then `base_1`, `base_2`, … */
export function uniqueName(base: string): string {
  const count = counters.get(base) ?? 0;
  counters.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

/**
 * Keras's rule: "Dense" → "dense", "BatchNormalization" → "batch_normalization",
 * "MaxPooling2D" → "max_pooling2d", "Conv2D" → "conv2d" (a capital after a
 * digit starts no new word unless lower-case letters follow it).
 */
export function toSnakeCase(className: string): string {
  return className.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Forgets every counter, so names start again at "dense" (Keras's `clear_session`). */
export function resetNameCounters(): void {
  counters.clear();
}
