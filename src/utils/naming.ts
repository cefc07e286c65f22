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

/** Forgets every counter, so names start again at "dense" (Keras's `clear_session`). */
export function resetNameCounters(): void {
  counters.clear();
}
