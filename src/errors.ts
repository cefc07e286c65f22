/**
 * The errors tinykeras throws on purpose, typed so that callers can tell a
 * bad argument from a bad file from a model used out of order:
 *
 *     TinykerasError            every error below
 *     ├── ValueError            an argument has the wrong value or type (Keras's ValueError)
 *     │   └── ShapeError        a tensor's shape does not fit where it was given
 *     ├── RuntimeError          the call is valid but the model is not ready (fit before compile)
 *     └── FileFormatError       a file is missing, truncated, corrupt or not the format expected
 *
 * Messages follow Keras: what was wrong, where, what was expected, then
 * "Received: name=value". An error thrown from deep inside a kernel is a bug
 * in tinykeras; every public entry point checks its input first.
 */

/** The base of every error tinykeras throws on purpose. */
export class TinykerasError extends Error {}

/** An argument has the wrong value or type, e.g. `epochs=0` or an unknown loss name. */
export class ValueError extends TinykerasError {}

/** A tensor's shape does not fit: wrong rank, wrong sample shape, or a sample-count mismatch. */
export class ShapeError extends ValueError {}

/** The call is valid but the model is not ready for it, e.g. `fit` before `compile`. */
export class RuntimeError extends TinykerasError {}

/** A file is missing, truncated, corrupt or not in the format expected. `path` names it. */
export class FileFormatError extends TinykerasError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// The name is set on the prototype, not per instance, so that it is already
// right when the Error constructor writes the stack's first line ("ValueError: …").
// It is spelled out rather than read from `errorClass.name`, because a
// minifying bundler renames classes (a minified ValueError prints as "E: …").
const ERROR_NAMES: ReadonlyArray<[{ prototype: TinykerasError }, string]> = [
  [TinykerasError, 'TinykerasError'],
  [ValueError, 'ValueError'],
  [ShapeError, 'ShapeError'],
  [RuntimeError, 'RuntimeError'],
  [FileFormatError, 'FileFormatError'],
];
for (const [errorClass, name] of ERROR_NAMES) {
  Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true });
}

/**
 * A string as a message shows it: quoted, control characters and quotes
 * escaped, and cut to `max` characters (with the full length said), so that
 * a name or value from a file or a server never fills a message or a
 * terminal with its content.
 */
export function excerpt(text: string, max = 80, quote: "'" | '"' | '' = "'"): string {
  const shown = text.slice(0, max).replace(/[\\'"\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\\' || c === quote ? `\\${c}` : c === "'" || c === '"' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > max ? `${quote}${shown}…${quote} (${text.length} characters)` : `${quote}${shown}${quote}`;
}

/** How a received value is shown in a message: short, and recognisable. */
export function describeValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return excerpt(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) {
    // Nested lists are shown two levels deep: a value of any depth must not exhaust the stack.
    if (depth >= 2) return `[…${value.length} items]`;
    const shown = value.slice(0, 8).map((item) => describeValue(item, depth + 1)).join(', ');
    return `[${shown}${value.length > 8 ? `, … (${value.length} items)` : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(length ${(value as unknown as ArrayLike<number>).length})`;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return `${value.constructor?.name ?? 'object'}(shape=[${shape.join(', ')}])`;
  return value.constructor?.name && value.constructor !== Object ? value.constructor.name : 'an object';
}
