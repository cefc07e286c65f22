/**
 * Zip archives and `.keras` files without Python: CRC-32, round trips
 * through writeZip and ZipArchive (stored and deflated), a real Keras
 * archive (test/saving/fixtures/small.keras), and hostile archives: bombs,
 * duplicate names, path-like names, random mutations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../../src/errors.js';
import { readKerasArchive, writeKerasArchive, writeZip, ZipArchive } from '../../src/saving/keras-format/index.js';
import { crc32 } from '../../src/saving/keras-format/crc32.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const smallKeras = new Uint8Array(readFileSync(join(__dirname, 'fixtures', 'small.keras')));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The offset of the first central directory header of an archive. */
const centralDirectory = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 6, true);

describe('zip archives', () => {
  it('computes CRC-32 (the standard check value of "123456789")', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('reads back what it writes, stored or deflated', async () => {
    const entries = fc.uniqueArray(fc.record({ name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), data: fc.uint8Array({ maxLength: 3000 }) }), { selector: (e) => e.name, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(entries, fc.constantFrom('store' as const, 'deflate' as const), async (list, method) => {
        const archive = new ZipArchive(await writeZip(list, { method, date: new Date(2024, 0, 2, 3, 4, 5) }), 'round-trip.zip');
        expect(archive.names()).toEqual(list.map((e) => e.name));
        for (const entry of list) expect(await archive.read(entry.name)).toEqual(entry.data);
      }),
      { numRuns: Math.min(RUNS, 60) },
    );
  });

  it('treats a path-like entry name as a plain name', async () => {
    const archive = new ZipArchive(await writeZip([{ name: '../../etc/passwd', data: ascii('x') }]), 'names.zip');
    expect(archive.names()).toEqual(['../../etc/passwd']);
    await expect(archive.read('passwd')).rejects.toThrow(/names\.zip: has no entry 'passwd'/);
  });

  it('refuses an archive whose entries declare more bytes than the cap, before inflating anything', async () => {
    const bytes = await writeZip([{ name: 'a', data: ascii('tiny') }], { method: 'deflate' });
    const central = centralDirectory(bytes);
    new DataView(bytes.buffer).setUint32(central + 24, 0xfffffff0, true); // declared size: ~4 GiB
    expect(() => new ZipArchive(bytes, 'bomb.zip', { maxTotalBytes: 2 ** 30 })).toThrow(/bomb\.zip: declares more than 1073741824 bytes of entries in total/);
  });

  it('stops inflating an entry at the size its directory declares (a bomb that lies about its size)', async () => {
    const zeros = new Uint8Array(20 * 2 ** 20);
    const bytes = await writeZip([{ name: 'bomb', data: zeros }], { method: 'deflate' });
    expect(bytes.length).toBeLessThan(100_000);
    const central = centralDirectory(bytes);
    new DataView(bytes.buffer).setUint32(central + 24, 1000, true);
    const archive = new ZipArchive(bytes, 'liar.zip');
    await expect(archive.read('bomb')).rejects.toThrow(/liar\.zip: the entry 'bomb' inflates to more than the 1000 bytes expected/);
  });

  it('refuses duplicate names, a corrupt CRC, encryption and unknown methods by name', async () => {
    const twice = await writeZip([{ name: 'a', data: ascii('1') }, { name: 'b', data: ascii('2') }]);
    const central = centralDirectory(twice);
    const nameAt = (index: number): number => {
      let p = central;
      for (let i = 0; i < index; i++) p += 46 + twice[p + 28]!;
      return p + 46;
    };
    const dup = twice.slice();
    dup[nameAt(1)] = 'a'.charCodeAt(0);
    expect(() => new ZipArchive(dup, 'dup.zip')).toThrow(/dup\.zip: has two entries named 'a'/);
    const corrupt = twice.slice();
    corrupt[30 + 1] = 'X'.charCodeAt(0); // the first entry's data byte (after its 30-byte header and 1-byte name)
    await expect(new ZipArchive(corrupt, 'crc.zip').read('a')).rejects.toThrow(/crc\.zip: the entry 'a' fails its CRC-32 check/);
    const encrypted = twice.slice();
    encrypted[central + 8] = 1;
    expect(() => new ZipArchive(encrypted, 'enc.zip')).toThrow(/enc\.zip: the entry 'a' is encrypted/);
    const method = twice.slice();
    method[central + 10] = 12;
    expect(() => new ZipArchive(method, 'bz.zip')).toThrow(/bz\.zip: the entry 'a' uses compression method 12/);
    expect(() => new ZipArchive(ascii('not a zip at all, just text'), 'text.zip')).toThrow(/text\.zip: is not a zip archive/);
  });
});

describe('.keras archives', () => {
  it('reads a Keras 3.15 archive: config, metadata, layer and optimizer variables', async () => {
    const archive = await readKerasArchive(smallKeras, 'small.keras');
    expect(archive.config).toMatchObject({ class_name: 'Sequential', module: 'keras' });
    expect(archive.metadata).toMatchObject({ keras_version: '3.15.1' });
    expect([...archive.weights.keys()]).toEqual([
      'layers/dense/vars/0', 'layers/dense/vars/1', 'layers/dense_1/vars/0', 'layers/dense_1/vars/1',
      ...Array.from({ length: 10 }, (_, i) => `optimizer/vars/${i}`),
    ]);
    expect(archive.weights.get('layers/dense/vars/0')).toMatchObject({ shape: [4, 3], dtype: 'float32' });
    expect(archive.weights.get('optimizer/vars/0')).toEqual({ shape: [], dtype: 'int64', data: new BigInt64Array([1n]) });
  });

  it('writes an archive that reads back the same, stored as Keras stores it', async () => {
    const source = await readKerasArchive(smallKeras, 'small.keras');
    const weights = new Map([...source.weights].map(([path, w]) => [path, { shape: w.shape, data: w.data as Float32Array }]));
    const bytes = await writeKerasArchive({ config: source.config, metadata: source.metadata, weights, varsAttributes: { 'layers/dense/vars': { name: 'dense' } } });
    const zip = new ZipArchive(bytes, 'written.keras');
    expect(zip.names()).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    const again = await readKerasArchive(bytes, 'written.keras');
    expect(again.config).toEqual(source.config);
    expect(again.metadata).toEqual(source.metadata);
    expect(again.weights).toEqual(source.weights);
  });

  it('refuses a zip that is not a Keras archive, and clashing weight paths', async () => {
    await expect(readKerasArchive(await writeZip([{ name: 'x.txt', data: ascii('x') }]), 'other.zip')).rejects.toThrow(/other\.zip: is not a Keras 3 archive: it has no 'config.json'. Entries: x.txt/);
    const weight = { shape: [1], data: new Float32Array(1) };
    await expect(writeKerasArchive({ config: {}, weights: { 'a/b': weight, 'a/b/c': weight } })).rejects.toThrow(/goes through 'b', which is itself a weight/);
    await expect(writeKerasArchive({ config: {}, weights: { 'a//b': weight } })).rejects.toThrow(/Received: path='a\/\/b'/);
  });

  it('random mutations of a real .keras: a result or a FileFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: smallKeras.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat({ max: smallKeras.length }), { nil: undefined }),
        async (changes, cut) => {
          const bytes = smallKeras.slice(0, cut ?? smallKeras.length);
          for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
          try {
            await readKerasArchive(bytes, 'fuzzed.keras');
          } catch (error) {
            if (!(error instanceof FileFormatError)) throw error;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
