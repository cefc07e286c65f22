/**
 * The callbacks that write files: CSVLogger (and ModelCheckpoint), against
 * real temporary files.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../src/index.js';

const { Dense } = keras.layers;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinykeras-callbacks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A tiny learnable problem and a compiled model for it. */
function problem(): [keras.Sequential, keras.Tensor, keras.Tensor] {
  keras.setRandomSeed(5);
  const x = keras.randomNormal([48, 3]);
  const y = keras.tensor(Array.from({ length: 48 }, (_, i) => (x.data[i * 3]! > 0 ? 1 : 0)));
  const model = new keras.Sequential([new Dense(4, { activation: 'relu', inputShape: [3] }), new Dense(2, { activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return [model, x, y];
}

describe('CSVLogger', () => {
  it('writes a header of epoch and the sorted log keys, then one row per epoch, matching History', async () => {
    const [model, x, y] = problem();
    const path = join(dir, 'logs', 'training.csv');
    const history = await model.fit(x, y, { epochs: 3, verbose: 0, validationSplit: 0.25, callbacks: [new keras.callbacks.CSVLogger(path)] });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('epoch,accuracy,loss,val_accuracy,val_loss');
    expect(lines).toHaveLength(4);
    lines.slice(1).forEach((line, epoch) => {
      const cells = line.split(',').map(Number);
      expect(cells[0]).toBe(epoch);
      expect(cells.slice(1)).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss'].map((k) => history.history[k]![epoch]));
    });
    // Written through a temporary file and a rename: nothing else is left in the directory.
    expect(await readdir(join(dir, 'logs'))).toEqual(['training.csv']);
  });

  it('appends to an existing file without a second header, and honours the separator', async () => {
    const [model, x, y] = problem();
    const path = join(dir, 'training.csv');
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new keras.callbacks.CSVLogger(path, { separator: ';' })] });
    await model.fit(x, y, { epochs: 4, initialEpoch: 2, verbose: 0, callbacks: [new keras.callbacks.CSVLogger(path, { separator: ';', append: true })] });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('epoch;accuracy;loss');
    expect(lines.slice(1).map((l) => l.split(';')[0])).toEqual(['0', '1', '2', '3']);
  });

  it('replaces an existing file unless appending', async () => {
    const [model, x, y] = problem();
    const path = join(dir, 'training.csv');
    await writeFile(path, 'old,contents\n1,2\n');
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new keras.callbacks.CSVLogger(path)] });
    expect((await readFile(path, 'utf8')).startsWith('epoch,accuracy,loss\n0,')).toBe(true);
  });

  it('rejects a missing filename', () => {
    expect(() => new keras.callbacks.CSVLogger('')).toThrow(keras.ValueError);
  });
});
