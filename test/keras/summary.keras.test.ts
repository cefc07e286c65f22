/**
 * model.summary() in the keras3 style against Keras 3's, character for
 * character, for a model with long names that wrap, a frozen layer, a nested
 * model and counts in the kilobytes, at terminal widths from narrow (the
 * headers wrap, the words end in "…") to wide (the table stops at 88).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { printStyle, setPrintStyle } from '../../src/utils/print-style.js';
import { runKeras } from './oracle.js';

interface LayerSpec {
  type: 'Dense' | 'Flatten' | 'Dropout' | 'Sequential';
  name: string;
  units?: number;
  rate?: number;
  trainable?: boolean;
  layers?: LayerSpec[];
}

const SPEC = {
  name: 'a_model_with_a_name_long_enough_to_wrap_at_thirty_columns',
  input_shape: [28, 28],
  layers: [
    { type: 'Flatten', name: 'flatten' },
    { type: 'Dense', units: 300, name: 'hidden layer with spaces in its name' },
    { type: 'Dropout', rate: 0.2, name: 'dropout' },
    { type: 'Dense', units: 100, name: 'averyveryveryveryveryveryverylongwordwithoutspaces', trainable: false },
    { type: 'Sequential', name: 'inner', layers: [{ type: 'Dense', units: 10, name: 'inner_dense' }] },
  ] satisfies LayerSpec[],
  columns: [30, 45, 60, 80, 92, 100, 200],
};

function build(spec: LayerSpec): InstanceType<typeof keras.layers.Layer> {
  const args = { name: spec.name, trainable: spec.trainable ?? true };
  if (spec.type === 'Dense') return new keras.layers.Dense(spec.units!, args);
  if (spec.type === 'Flatten') return new keras.layers.Flatten(args);
  if (spec.type === 'Dropout') return new keras.layers.Dropout(spec.rate!, args);
  return new keras.Sequential(spec.layers!.map(build), args);
}

describe('summary() in the keras3 style, against Keras 3', () => {
  const previousStyle = printStyle();
  const previousColumns = process.env.COLUMNS;
  afterAll(() => {
    setPrintStyle(previousStyle);
    if (previousColumns === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = previousColumns;
  });

  it('prints the same table at every terminal width', () => {
    const { tables } = runKeras<{ tables: string[] }>('summary_table', SPEC);
    const model = new keras.Sequential([keras.Input({ shape: SPEC.input_shape }), ...SPEC.layers.map(build)], { name: SPEC.name });
    setPrintStyle('keras3');
    SPEC.columns.forEach((columns, i) => {
      process.env.COLUMNS = String(columns);
      const lines: string[] = [];
      model.summary((line) => lines.push(line));
      expect(lines.map((l) => `${l}\n`).join('')).toBe(tables[i]);
    });
  });
});
