/**
 * The callbacks that write files: CSVLogger (and ModelCheckpoint), against
 * real temporary files.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { loadSequential } from '../support/helpers.js';
import { formatFilepath } from '../../src/callbacks/model-checkpoint.js';

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
  keras.utils.setRandomSeed(5);
  const x = keras.random.normal([48, 3]);
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
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\r\n');
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
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\r\n');
    // Without validation Keras still gives the val_ columns, filled with NA.
    expect(lines[0]).toBe('epoch;accuracy;loss;val_accuracy;val_loss');
    expect(lines.slice(1).map((l) => l.split(';')[0])).toEqual(['0', '1', '2', '3']);
  });

  it('replaces an existing file unless appending', async () => {
    const [model, x, y] = problem();
    const path = join(dir, 'training.csv');
    await writeFile(path, 'old,contents\n1,2\n');
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new keras.callbacks.CSVLogger(path)] });
    expect((await readFile(path, 'utf8')).startsWith('epoch,accuracy,loss,val_accuracy,val_loss\r\n0,')).toBe(true);
  });

  it('rejects a missing filename', () => {
    expect(() => new keras.callbacks.CSVLogger('')).toThrow(keras.ValueError);
  });
});

describe('ModelCheckpoint', () => {
  it('saves after every epoch to a path with formatted fields, and the files load as the model was then', async () => {
    const [model, x, y] = problem();
    const predictionsAfter: Float32Array[] = [];
    const template = join(dir, 'ckpt-{epoch:02d}-{loss:.3f}');
    const history = await model.fit(x, y, {
      epochs: 3,
      verbose: 0,
      callbacks: [
        new keras.callbacks.ModelCheckpoint(template),
        { onEpochEnd: () => void predictionsAfter.push(model.predict(x, { verbose: 0 }).data) },
      ],
    });
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(history.history['loss']!.map((loss, e) => `ckpt-0${e + 1}-${loss.toFixed(3)}`));
    for (const [e, name] of names.entries()) {
      const loaded = await loadSequential(join(dir, name));
      expect(loaded.predict(x, { verbose: 0 }).data).toEqual(predictionsAfter[e]);
      // Saved with the optimizer, so training can resume from the checkpoint.
      expect(loaded.compiled?.optimizer.iterations).toBe((e + 1) * 2);
    }
  });

  it('with saveBestOnly, keeps the epoch with the best monitored value', async () => {
    const [model, x, y] = problem();
    const weightsAfter: keras.Tensor[][] = [];
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const history = await model.fit(x, y, {
      epochs: 6,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [
        new keras.callbacks.ModelCheckpoint(join(dir, 'best'), { monitor: 'val_accuracy', saveBestOnly: true, verbose: 1 }),
        { onEpochEnd: () => void weightsAfter.push(model.getWeights()) },
      ],
    });
    const accuracies = history.history['val_accuracy']!;
    // The first epoch reaching the maximum is the one kept (later equal values are not improvements).
    const bestEpoch = accuracies.indexOf(Math.max(...accuracies));
    const loaded = await keras.models.loadModel(join(dir, 'best'));
    loaded.getWeights().forEach((w, i) => expect(w.data).toEqual(weightsAfter[bestEpoch]![i]!.data));
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^\nEpoch 1: val_accuracy improved from -inf to \d\.\d{5}, saving model to .*best$/));
    log.mockRestore();
  });

  it('saves weights alone to a .weights.json path, every N batches with saveFreq', async () => {
    const [model, x, y] = problem();
    const path = join(dir, 'w-{epoch}.weights.json');
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [new keras.callbacks.ModelCheckpoint(path, { saveWeightsOnly: true, saveFreq: 4 })] });
    // 6 batches per epoch: a save after batches 4 (epoch 1), 8 and 12 (epoch 2), overwriting by name.
    // An overwrite writes its weights under a fresh name (weights.<hex>.bin) while the old pair is still in use, then deletes the old file.
    const files = (await readdir(dir)).sort();
    expect(files.map((f) => f.replace(/\.[0-9a-f]{16}\.bin$/, '.bin'))).toEqual(['w-1.weights.bin', 'w-1.weights.json', 'w-2.weights.bin', 'w-2.weights.json']);
    const copy = problem()[0];
    await copy.loadWeights(join(dir, 'w-2.weights.json'));
    copy.getWeights().forEach((w, i) => expect(w.data).toEqual(model.getWeights()[i]!.data));
  });

  it('rejects bad arguments and unknown fields with a ValueError', async () => {
    expect(() => new keras.callbacks.ModelCheckpoint('w.json', { saveWeightsOnly: true })).toThrow(/must end in "\.weights\.h5" \(Keras 3's weights file\) or "\.weights\.json"/);
    expect(() => new keras.callbacks.ModelCheckpoint('x', { saveFreq: 0 })).toThrow(keras.ValueError);
    expect(() => formatFilepath('m-{val_los:.2f}', 0, { val_loss: 0.5 })).toThrow(/\{val_los:\.2f\} names no log value/);
    expect(formatFilepath('m-{epoch:03d}-{val_loss:.2f}-{loss}', 4, { val_loss: 0.3456, loss: 0.5 })).toBe('m-005-0.35-0.5');
  });
});

describe('CSVLogger where the file cannot be written', () => {
  it('is a FileFormatError naming the file and why, not a raw Node error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tinykeras-csv-'));
    try {
      // A file where a folder should be: unwritable even for root (a read-only folder is not, for root).
      await writeFile(join(dir, 'not-a-folder'), 'x');
      const path = join(dir, 'not-a-folder', 'log.csv');
      const model = new keras.Sequential([new keras.layers.Dense(2, { activation: 'softmax', inputShape: [3] })]);
      model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
      const error = await model
        .fit(keras.tensor([[1, 2, 3]]), keras.tensor([1]), { epochs: 1, verbose: 0, callbacks: [new keras.callbacks.CSVLogger(path)] })
        .then(() => null, (e: Error) => e);
      expect(error).toBeInstanceOf(keras.FileFormatError);
      expect(error!.message).toMatch(/^CSVLogger: could not write the log .*not-a-folder\/log\.csv; the file as it was before this epoch is unchanged\. Received: E[A-Z]+: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
