/**
 * Deflate decompression for HDF5's gzip filter (zlib streams) and zip
 * entries (raw deflate), through the platform's DecompressionStream, which
 * browsers and Node (18+) both have, so this module stays platform-neutral
 * like the web dataset loader's gunzip (src/data/idx-dataset-web.ts).
 *
 * Bounded: reading stops, and the stream is cancelled, as soon as the output
 * passes `maxBytes`, so a small "bomb" that inflates to gigabytes costs at
 * most `maxBytes` of memory.
 */
import { FileFormatError, RuntimeError } from '../../errors.js';
import { concatenate } from '../../io/bytes.js';
import { formatError } from './bytes.js';

/** 'deflate' is a zlib stream (HDF5); 'deflate-raw' a bare deflate stream (zip). */
export type DeflateFormat = 'deflate' | 'deflate-raw';

/**
 * The bytes `compressed` inflates to, refused (FileFormatError) when corrupt
 * or larger than `maxBytes`. `what` names the compressed thing in errors.
 */
export async function inflate(compressed: Uint8Array, format: DeflateFormat, maxBytes: number, fileName: string, what: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new RuntimeError(`Reading ${what} of ${fileName} needs DecompressionStream, which this runtime lacks (Node 18+ and current browsers have it).`);
  }
  let decompressor: DecompressionStream;
  try {
    decompressor = new DecompressionStream(format);
  } catch {
    // 'deflate-raw' arrived in Node 20.12 and 21.2; browsers have had it since 2023.
    throw new RuntimeError(`Reading ${what} of ${fileName} needs DecompressionStream('${format}'), which this runtime lacks (Node 20.12+ and current browsers have it).`);
  }
  const reader = new Blob([compressed.slice()]).stream().pipeThrough(decompressor).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        formatError(fileName, `${what} inflates to more than the ${maxBytes} bytes expected; the file is corrupt or a decompression bomb.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    formatError(fileName, `${what} is not a valid ${format === 'deflate' ? 'zlib' : 'deflate'} stream (${error instanceof Error ? error.message : String(error)}).`);
  }
  return concatenate(chunks, total);
}
