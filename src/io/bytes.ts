/**
 * Joins byte chunks (as a download or an inflate stream delivers them) into
 * one array of `length` bytes. A single chunk that already is the whole
 * output is returned as a view of it, without a second copy.
 */
export function concatenate(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === length) return chunks[0]!;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
