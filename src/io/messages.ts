/**
 * How file and byte plumbing words its errors: an error's message with its
 * cause, a system error's code, a byte count. Platform-neutral.
 */

/**
 * The message of an error, including its cause's: `fetch` reports a refused
 * connection as "fetch failed" with the useful part ("ECONNREFUSED") in
 * `cause`. A cause the message already quotes is not repeated.
 */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return cause === '' || error.message.includes(cause) ? error.message : `${error.message} (${cause})`;
}

/** Human-readable byte counts for messages: 407080 → "407080 bytes", 3e9 → "3000000000 bytes (2.79 GiB)". */
export function describeBytes(bytes: number): string {
  return bytes < 1 << 20 ? `${bytes} bytes` : `${bytes} bytes (${(bytes / 2 ** 30).toFixed(2)} GiB)`;
}

/** A system error's code ('ENOENT', 'EACCES', …), or 'unknown error' for anything else. */
export function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}
