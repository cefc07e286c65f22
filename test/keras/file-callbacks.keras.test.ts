/**
 * CSVLogger's file and ModelCheckpoint's file names against real Keras 3's:
 * Keras trains a tiny model with both callbacks; tinykeras's callbacks then
 * get Keras's own epoch logs (exact doubles) and must write the same bytes
 * and make the same names.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { formatFilepath } from '../../src/callbacks/model-checkpoint.js';
import { runKeras } from './oracle.js';

interface KerasFiles {
  logs: Record<string, number>[];
  csv: string;
  files: string[][];
}

const TEMPLATES = [
  'w-{epoch:02d}-{loss:.3f}',
  'w-{epoch}-{val_loss}-{accuracy:.2e}',
  'w-{epoch:03d}_{val_accuracy:.1%}',
  'w-{epoch:>4}-{loss:+.4g}-{val_loss:.3}',
  'w-{epoch:_<3d}-{loss:010.5f}',
];
const SUFFIX = '.weights.h5';

/** tinykeras's CSVLogger fed the given epoch logs; returns the file's text. */
async function csvOf(logs: Record<string, number>[]): Promise<string> {
  let text = '';
  const logger = new keras.callbacks.CSVLogger('log.csv', { writeFile: async (_path, contents) => void (text = contents), readFile: async () => null });
  await logger.onTrainBegin();
  for (const [epoch, epochLogs] of logs.entries()) await logger.onEpochEnd(epoch, epochLogs);
  return text;
}

describe('file callbacks against Keras 3', () => {
  it.each([true, false])('writes the CSV log Keras writes, with validation: %s', async (validation) => {
    const keras3 = runKeras<KerasFiles>('file_callbacks', { templates: validation ? TEMPLATES.map((t) => t + SUFFIX) : [], validation, epochs: 3 });
    expect(keras3.logs).toHaveLength(3);
    expect(await csvOf(keras3.logs)).toBe(keras3.csv);
    if (!validation) return;
    TEMPLATES.forEach((template, i) => {
      const names = keras3.logs.map((logs, epoch) => formatFilepath(template + SUFFIX, epoch, logs)).sort();
      expect(names).toEqual(keras3.files[i]);
    });
  });
});
