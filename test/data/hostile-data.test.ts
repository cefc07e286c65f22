/**
 * Dataset files that are not what they claim: a gzip bomb, a named pipe, a
 * directory, a file far larger than any Fashion-MNIST file. Each is a
 * FileFormatError naming the file, found without reading or inflating more
 * than the file could legitimately hold, and never a hang.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FILE_NAMES, loadData } from '../../src/data/fashion-mnist.js';
import { gunzipBytes } from '../../src/io/node-gunzip.js';
import { idxLengthFromHeader } from '../../src/data/idx.js';
import { FileFormatError, ValueError } from '../../src/errors.js';
import { rejection, useTempDir } from '../support/helpers.js';

const root = useTempDir('hostile-data');
let counter = 0;

/** An IDX header of unsigned bytes with these dimensions. */
function idxHeader(dims: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return bytes;
}

/** A directory with the four files: small valid ones, except `replace` for the train images. */
async function dataset(replace: (path: string) => Promise<void>): Promise<string> {
  const dir = join(root(), `set-${counter++}`);
  await mkdir(dir, { recursive: true });
  const gz = (dims: number[]) => gzipSync(Buffer.concat([idxHeader(dims), new Uint8Array(dims.reduce((a, b) => a * b, 1))]));
  await writeFile(join(dir, FILE_NAMES.trainLabels), gz([2]));
  await writeFile(join(dir, FILE_NAMES.testImages), gz([2, 28, 28]));
  await writeFile(join(dir, FILE_NAMES.testLabels), gz([2]));
  await replace(join(dir, FILE_NAMES.trainImages));
  return dir;
}

const load = (dir: string) => loadData({ dir, download: false, systemDir: join(root(), 'no-system-dir'), verbose: false });

describe('dataset files: bounded work, no hangs', () => {
  it('a gzip bomb stops inflating at the size its IDX header declares', async () => {
    // Header: 2 images of 28×28 (1,584 bytes in all), then 200 MB of zeros: about 200 KB compressed.
    const bomb = gzipSync(Buffer.concat([idxHeader([2, 28, 28]), Buffer.alloc(200 << 20)]));
    expect(bomb.length).toBeLessThan(1 << 20);
    const error = await rejection(gunzipBytes(bomb, 'bomb.gz', 1 << 30, idxLengthFromHeader));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/bomb\.gz: the gzip file inflates to more than it should \(its header declares 1584 bytes\)/);

    const dir = await dataset((path) => writeFile(path, bomb));
    const fromLoad = await rejection(load(dir));
    expect(fromLoad.message).toMatch(/train-images-idx3-ubyte\.gz: the gzip file inflates to more than it should/);
  });

  it('a genuine gzip inflates into one buffer of its stated size and one byte more (no second copy); one whose trailer lies is corrupt', async () => {
    const idx = Buffer.concat([idxHeader([300, 28, 28]), Buffer.from(Array.from({ length: 300 * 784 }, (_, i) => (i * 7) % 251))]);
    const gz = gzipSync(idx);
    const out = await gunzipBytes(gz, 'good.gz', 1 << 30, idxLengthFromHeader);
    expect(Buffer.from(out).equals(idx)).toBe(true);
    expect(out.buffer.byteLength).toBe(idx.length + 1);
    // A trailer that states a smaller or a far larger size: not the bytes of a smaller or larger buffer, an error.
    for (const stated of [100, 0xffffffff]) {
      const liar = Buffer.from(gz);
      liar.writeUInt32LE(stated, liar.length - 4);
      const fromLiar = await gunzipBytes(liar, 'liar.gz', 1 << 30, idxLengthFromHeader).catch((e: Error) => e);
      // zlib itself checks ISIZE at the end: a wrong one is a corrupt file, reported as such.
      expect(fromLiar).toBeInstanceOf(FileFormatError);
      expect((fromLiar as Error).message).toMatch(/liar\.gz: could not decompress this gzip file/);
    }
  });

  it('a gzip bomb whose header lies stops at the largest file the loader accepts', async () => {
    const bomb = gzipSync(Buffer.concat([idxHeader([1_000_000, 28, 28]), Buffer.alloc(150 << 20)]));
    const error = await rejection(gunzipBytes(bomb, 'liar.gz', 16 + 2 ** 17 * 784, idxLengthFromHeader));
    expect(error.message).toMatch(/liar\.gz: .*expected at most 102760464 bytes for this file/);
  });

  it('a named pipe where a dataset file should be is an error at once, not a hang', async () => {
    const dir = await dataset(async (path) => void execFileSync('mkfifo', [path]));
    const error = await rejection(load(dir));
    expect(error.message).toMatch(/train-images-idx3-ubyte\.gz: the Fashion-MNIST file must be a regular file. Received: a named pipe/);
  });

  it('a directory where a dataset file should be is a clear error', async () => {
    const dir = await dataset((path) => mkdir(path));
    expect((await rejection(load(dir))).message).toMatch(/must be a regular file. Received: a directory/);
  });

  it('a file larger than any Fashion-MNIST file is refused before it is read', async () => {
    const dir = await dataset(async (path) => {
      await writeFile(path, '');
      execFileSync('truncate', ['-s', '2G', path]); // sparse: 2 GB by stat, nothing on disk
    });
    expect((await rejection(load(dir))).message).toMatch(/larger than expected; expected at most 102760464 bytes .*Received: 2147483648 bytes/);
  });
});

describe('a dataset directory that cannot be used', () => {
  it('a symbolic link loop is said to be one, not "does not exist"', async () => {
    const { mkdtemp, symlink, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'tinykeras-loop-'));
    try {
      const loop = join(root, 'loop');
      await symlink(loop, loop);
      const error = await rejection(loadData({ dir: loop, systemDir: join(root, 'none'), cacheDir: join(root, 'cache'), download: false, verbose: false }));
      expect(error.message).toContain(`the \`dir\` option (${loop}): the directory is a symbolic link that leads back to itself (a loop)`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
