/**
 * Looking a name up in a table of known names. `table[name]` would also find
 * what every object inherits ('constructor', 'toString', '__proto__'), so a
 * loss named 'constructor' would resolve to Object itself; only the table's
 * own entries count.
 */

/** `table[name]` when `name` is one of the table's own keys, else undefined. */
export function ownEntry<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  // The typeof check first: a key that is an object would be converted with its own toString, which may throw.
  return typeof name === 'string' && Object.hasOwn(table, name) ? table[name] : undefined;
}
