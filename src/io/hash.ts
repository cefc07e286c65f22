/**
 * sha256 through Web Crypto (`crypto.subtle`), which browsers (in a secure
 * context) and Node ≥ 20 both have: one function for the dataset loaders of
 * both platforms.
 */

/** The sha256 of `bytes` as 64 lowercase hex digits, the way checksums are published. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Web Crypto refuses views of a SharedArrayBuffer: those are copied first.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
