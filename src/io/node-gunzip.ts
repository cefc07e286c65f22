/**
 * Gunzip for Node (zlib), bounded: a small gzip that inflates to gigabytes
 * stops at the size the file may legitimately have. Browsers gunzip with
 * DecompressionStream instead (data/idx-dataset-web.ts). Node modules are
 * loaded inside the function, as in node-files.ts.
 */
import { FileFormatError } from '../errors.js';
import { concatenate } from './bytes.js';
import { messageOf } from './messages.js';

/**
 * The first bytes of what `bytes` inflate to (where a file's header is),
 * from its first KiB alone: at most about a MiB of output, and an empty
 * array for bytes that are not gzip (the full inflate reports those).
 */
function inflatedStart(zlib: typeof import('node:zlib'), bytes: Uint8Array): Uint8Array {
  try {
    // Z_SYNC_FLUSH: a truncated stream gives what it holds instead of an error.
    return zlib.gunzipSync(bytes.subarray(0, 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Decompresses gzip bytes and stops as soon as the output passes `maxBytes`,
 * or the length `lengthFromHead` reads from the first bytes of the output
 * (the size a file header declares): a small gzip that inflates to
 * gigabytes (a "gzip bomb") costs no more than the file legitimately could.
 * `fileName` names the file in the errors, since zlib's own messages do not.
 *
 * The output comes as one chunk of the whole size, which gzip's trailer
 * states (ISIZE, the size mod 2³², little-endian): zlib then hands back that
 * chunk itself, where 16 KiB chunks (the default) would be joined into a
 * second 47 MB copy for the images file. The chunk is capped at the bound
 * (`maxBytes`, and the header's length, read first from the inflated start
 * of the file; 256 MiB at most), so a lying trailer cannot ask for more
 * memory than the file legitimately needs; a larger output takes a second
 * chunk, and is stopped there.
 */
export async function gunzipBytes(
  bytes: Uint8Array,
  fileName: string,
  maxBytes = Infinity,
  lengthFromHead: (head: Uint8Array) => number | null = () => null,
): Promise<Uint8Array> {
  const zlib = await import('node:zlib');
  let declared = lengthFromHead(inflatedStart(zlib, bytes));
  let limit = Math.min(maxBytes, declared ?? Infinity);
  const stated = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
  const chunkSize = Math.min(Math.max(stated + 1, 1 << 16), limit + 1, 1 << 28);
  const gunzip = zlib.createGunzip({ chunkSize: Math.max(chunkSize, zlib.constants.Z_MIN_CHUNK) });
  const chunks: Buffer[] = [];
  let total = 0;
  const output = new Promise<void>((resolve, reject) => {
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (declared === null) {
        declared = lengthFromHead(chunks.length === 1 ? chunk : Buffer.concat(chunks));
        if (declared !== null) limit = Math.min(limit, declared);
      }
      if (total > limit) {
        gunzip.destroy();
        const why = declared !== null && declared <= maxBytes ? `its header declares ${declared} bytes` : `expected at most ${maxBytes} bytes for this file`;
        reject(
          new FileFormatError(fileName, `${fileName}: the gzip file inflates to more than it should (${why}); it is corrupt or not this file. Received: more than ${limit} bytes.`),
        );
      }
    });
    gunzip.on('end', resolve);
    gunzip.on('error', (error) =>
      reject(
        new FileFormatError(
          fileName,
          `${fileName}: could not decompress this gzip file; it is truncated, corrupt, or not gzip at all. ` +
            `Delete it and get a fresh copy. Received: zlib error "${messageOf(error)}".`,
          { cause: error },
        ),
      ),
    );
  });
  gunzip.end(bytes);
  await output;
  // The usual case is one chunk, the whole output: concatenate returns it without a second copy.
  return concatenate(chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.length)), total);
}
