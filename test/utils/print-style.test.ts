/**
 * keras.config.setPrintStyle('keras3') beyond the progress bar
 * (test/progbar.test.ts): the summary table, the checkpoint messages, and
 * the default staying tf.keras 2's. The oracle suite (test/keras/) checks
 * the same outputs against Keras 3 itself.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { formatFilepath } from '../../src/callbacks/model-checkpoint.js';
import { columnWidths, readableMemorySize, wrapWords } from '../../src/layers/summary-keras3.js';

const { Dense } = keras.layers;

let columns: string | undefined;
beforeEach(() => {
  keras.utils.clearSession();
  columns = process.env.COLUMNS;
  process.env.COLUMNS = '80';
});
afterEach(() => {
  keras.config.setPrintStyle('tfkeras2');
  if (columns === undefined) delete process.env.COLUMNS;
  else process.env.COLUMNS = columns;
});

function tinyModel() {
  const model = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(8, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

const summaryOf = (model: keras.Sequential) => {
  const lines: string[] = [];
  model.summary((line) => lines.push(line));
  return lines;
};

describe('summary() in the keras3 style', () => {
  it("prints Keras 3's table, and the optimizer's state once it has stepped (text from Keras 3.15, COLUMNS=80)", async () => {
    keras.config.setPrintStyle('keras3');
    const model = tinyModel();
    const table = [
      'Model: "sequential"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
      '│ dense (Dense)                   │ (None, 8)              │            40 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ dense_1 (Dense)                 │ (None, 3)              │            27 │',
      '└─────────────────────────────────┴────────────────────────┴───────────────┘',
    ];
    expect(summaryOf(model)).toEqual([...table, ' Total params: 67 (268.00 B)', ' Trainable params: 67 (268.00 B)', ' Non-trainable params: 0 (0.00 B)']);
    await model.fit(keras.ops.ones([4, 4]), keras.tensor([0, 1, 2, 0]), { epochs: 1, verbose: 0 });
    // Adam: m and v per weight, plus the step counter (int64) and the learning rate.
    expect(summaryOf(model)).toEqual([
      ...table,
      ' Total params: 203 (816.00 B)',
      ' Trainable params: 67 (268.00 B)',
      ' Non-trainable params: 0 (0.00 B)',
      ' Optimizer params: 136 (548.00 B)',
    ]);
  });

  it('counts a frozen layer as non-trainable', () => {
    keras.config.setPrintStyle('keras3');
    const model = new keras.Sequential([keras.Input({ shape: [4] }), new Dense(8, { trainable: false }), new Dense(3)]);
    expect(summaryOf(model).slice(-3)).toEqual([' Total params: 67 (268.00 B)', ' Trainable params: 27 (108.00 B)', ' Non-trainable params: 40 (160.00 B)']);
  });

  it('leaves the default, tf.keras 2, table as it was', () => {
    expect(keras.config.printStyle()).toBe('tfkeras2');
    expect(summaryOf(tinyModel()).slice(0, 3)).toEqual([
      'Model: "sequential"',
      '_________________________________________________________________',
      'Layer (type)                 Output Shape              Param #   ',
    ]);
  });

  it('shares the width as rich does and wraps as rich does', () => {
    // Keras asks for 34, 26 and 16 of 76 (+2 padding each); rich takes the 10 extra off in shares of 3, 4, 3.
    expect(columnWidths(76)).toEqual([33, 24, 15]);
    expect(columnWidths(88)).toEqual([38, 29, 17]);
    expect(() => columnWidths(8)).toThrow(/insufficient console width/);
    expect(wrapWords('hidden layer (Dense)', 12, false)).toEqual(['hidden layer', '(Dense)']);
    expect(wrapWords('averyveryverylongword (Dense)', 12, false)).toEqual(['averyveryverylongword', '(Dense)']); // cut to 'averyveryve…' by the cell
    expect(wrapWords(' Non-trainable params: 0 (0.00 B)', 30, true)).toEqual([' Non-trainable params: 0 (0.00', 'B)']);
    expect(readableMemorySize(407348)).toBe('397.80 KB');
    expect(readableMemorySize(0)).toBe('0.00 B');
  });
});

describe('ModelCheckpoint messages', () => {
  it('start from "inf" in tfkeras2 and from "None" in keras3, as each Keras prints', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const saves: string[] = [];
      const model = { save: async (path: string) => void saves.push(path), saveWeights: async () => {} };
      for (const style of ['tfkeras2', 'keras3'] as const) {
        keras.config.setPrintStyle(style);
        const checkpoint = new keras.callbacks.ModelCheckpoint('m-{epoch:02d}', { monitor: 'loss', saveBestOnly: true, verbose: 1 });
        checkpoint.setModel(model as never);
        await checkpoint.onEpochEnd(0, { loss: 0.123456 });
        await checkpoint.onEpochEnd(1, { loss: 0.5 });
      }
      expect(log.mock.calls.map((c) => c[0])).toEqual([
        '\nEpoch 1: loss improved from inf to 0.12346, saving model to m-01',
        '\nEpoch 2: loss did not improve from 0.12346',
        '\nEpoch 1: loss improved from None to 0.12346, saving model to m-01',
        '\nEpoch 2: loss did not improve from 0.12346',
      ]);
      expect(saves).toEqual(['m-01', 'm-01']);
    } finally {
      log.mockRestore();
    }
  });
});

describe('ModelCheckpoint file names', () => {
  it('fill {batch} (1-based, an int) for saves every saveFreq batches, as Keras 3 does', async () => {
    const saves: string[] = [];
    const model = { save: async (path: string) => void saves.push(path), saveWeights: async () => {} };
    const checkpoint = new keras.callbacks.ModelCheckpoint('m-{epoch:02d}-{batch:03d}-{loss:.2f}', { saveFreq: 2 });
    checkpoint.setModel(model as never);
    checkpoint.onEpochBegin(0);
    for (let batch = 0; batch < 4; batch++) await checkpoint.onBatchEnd(batch, { loss: 0.5 - batch / 10 });
    expect(saves).toEqual(['m-01-002-0.40', 'm-01-004-0.20']);
    expect(formatFilepath('m-{batch}', 0, { batch: 7.5 }, 3)).toBe('m-7.5');
    expect(() => formatFilepath('m-{batch}', 0, { loss: 1 })).toThrow(/\{batch\} names no log value. Available: epoch, loss/);
    expect(() => new keras.callbacks.ModelCheckpoint('m-{batch:.2}')).toThrow(/of \{batch\}.*does not fit the batch, an integer \(Python says: Precision not allowed/);
    expect(() => new keras.callbacks.ModelCheckpoint('m-{loss:d}')).toThrow(/does not fit a log value, a float \(Python says: Unknown format code 'd'/);
  });
});
