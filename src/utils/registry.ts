/**
 * Looking a name up in a table of known names. `table[name]` would also find
 * what every object inherits ('constructor', 'toString', '__proto__'), so a
 * loss named 'constructor' would resolve to Object itself; only the table's
 * own entries count. Keras spells its table keys in snake_case; `toSnakeCase`
 * turns a class name or a camelCase spelling into that key.
 */

/** `table[name]` when `name` is one of the table's own keys, else undefined. */
export function ownEntry<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  // The typeof check first: a key that is an object would be converted with its own toString, which may throw.
  return typeof name === 'string' && Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * Keras's rule (keras/src/utils/naming.py): "Dense" → "dense",
 * "BatchNormalization" → "batch_normalization", "MaxPooling2D" →
 * "max_pooling2d", "Conv2D" → "conv2d" (a capital after a digit starts no
 * new word unless lower-case letters follow it),
 * "sparseCategoricalCrossentropy" → "sparse_categorical_crossentropy".
 */
export function toSnakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
