/**
 * Any value at every entry point of src/saving/keras-format/: a result or
 * a TinykerasError (ValueError for a bad argument, FileFormatError for bad
 * bytes), never a TypeError from reading a property of the wrong thing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TinykerasError, ValueError } from '../../src/errors.js';
import { Hdf5File, readKerasArchive, readLegacyH5, writeHdf5, writeKerasArchive, writeZip, ZipArchive } from '../../src/saving/keras-format/index.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const anything = fc.anything({ withTypedArray: true, withMap: true, withNullPrototype: true, maxDepth: 3 });

async function onlyTinykerasErrors(call: () => unknown): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof TinykerasError)) throw error;
  }
}

describe('keras-format entry points with any argument', () => {
  it('readers: a result or a TinykerasError', async () => {
    await fc.assert(
      fc.asyncProperty(anything, anything, async (bytes, name) => {
        for (const call of [
          () => readKerasArchive(bytes as Uint8Array, name as string),
          () => readLegacyH5(bytes as Uint8Array, name as string),
          () => Hdf5File.open(bytes as Uint8Array, name as string),
          () => new ZipArchive(bytes as Uint8Array, name as string),
        ]) await onlyTinykerasErrors(call);
      }),
      { numRuns: RUNS },
    );
  });

  it('writers: a result or a TinykerasError', async () => {
    const contents = fc.oneof(anything, fc.record({ config: anything, weights: fc.dictionary(fc.string(), anything) }), fc.record({ kind: fc.constant('group'), members: fc.dictionary(fc.string(), anything) }));
    await fc.assert(
      fc.asyncProperty(contents, anything, async (value, options) => {
        await onlyTinykerasErrors(() => writeKerasArchive(value as never));
        await onlyTinykerasErrors(() => writeHdf5(value as never));
        await onlyTinykerasErrors(() => writeZip(value as never, options as never));
      }),
      { numRuns: RUNS },
    );
  });

  it('says what it takes', async () => {
    await expect(readKerasArchive('model.keras' as never, 'model.keras')).rejects.toThrow(ValueError);
    await expect(readKerasArchive('model.keras' as never, 'model.keras')).rejects.toThrow(/readKerasArchive takes the file's bytes as a Uint8Array .* Received: bytes='model.keras'/);
    await expect(writeKerasArchive({ config: {}, weights: { 'layers/dense/vars/0': { shape: [2], data: [1, 2] as never } } })).rejects.toThrow(
      /the dataset '\/layers\/dense\/vars\/0' needs a typed array of 2 values for shape \[2\]. Received: data=\[1, 2\]/,
    );
  });
});
