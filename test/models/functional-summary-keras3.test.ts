/**
 * A Functional model's summary() in the keras3 style: when Keras 3 adds the
 * "Connected to" column (isSequentialLike), how it writes the connections
 * (the call index counts calls in other models too), the four columns'
 * widths, and the counts under the table. The oracle suite
 * (test/keras/summary.keras.test.ts) checks whole tables against Keras 3 at
 * many widths; the texts here are Keras 3.15's at COLUMNS=80.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { CONNECTED_LAYOUT, columnWidths } from '../../src/layers/summary-keras3.js';
import { isSequentialLike } from '../../src/models/functional-summary-keras3.js';

const { Dense, Add, Concatenate } = keras.layers;

let columns: string | undefined;
beforeEach(() => {
  keras.utils.clearSession();
  columns = process.env.COLUMNS;
  process.env.COLUMNS = '80';
  keras.config.setPrintStyle('keras3');
});
afterEach(() => {
  keras.config.setPrintStyle('tfkeras2');
  if (columns === undefined) delete process.env.COLUMNS;
  else process.env.COLUMNS = columns;
});

const summaryOf = (model: keras.Model) => {
  const lines: string[] = [];
  model.summary((line) => lines.push(line));
  return lines;
};

/** A chain of `length` Dense layers on one input; with `branchAt`, a second head reads that layer too and is joined back in. */
function chain(length: number, branchAt: number | null): keras.Model {
  const x = keras.Input({ shape: [3] });
  const tensors = [x];
  for (let i = 0; i < length; i++) tensors.push(new Dense(2).apply(tensors[tensors.length - 1]!));
  let y = tensors[tensors.length - 1]!;
  if (branchAt !== null) y = new Concatenate().apply([y, new Dense(2).apply(tensors[branchAt]!)]);
  return new keras.Model({ inputs: x, outputs: y });
}

describe('isSequentialLike: when Keras 3 prints a Functional model as a Sequential', () => {
  it('is a chain: one call per depth, each reading one tensor, no layer called twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.option(fc.nat(5), { nil: null }), (length, branch) => {
        keras.utils.clearSession();
        const branchAt = branch === null ? null : branch % (length + 1);
        expect(isSequentialLike(chain(length, branchAt))).toBe(branchAt === null);
      }),
      { numRuns: 40 },
    );
  });

  it('holds for a chain whose middle is an output too, and fails for a layer called twice', () => {
    const x = keras.Input({ shape: [3] });
    const h = new Dense(4).apply(x);
    expect(isSequentialLike(new keras.Model({ inputs: x, outputs: [h, new Dense(2).apply(h)] }))).toBe(true);
    const twice = new Dense(3);
    const model = new keras.Model({ inputs: x, outputs: twice.apply(twice.apply(x)) });
    expect(isSequentialLike(model)).toBe(false);
    expect(summaryOf(model)[2]).toContain('┃ Connected to ');
  });
});

describe('summary() of a Functional model in the keras3 style', () => {
  it("prints a chain as Keras 3 prints a Sequential, with its InputLayer's row", () => {
    const x = keras.Input({ shape: [4], name: 'input_layer' });
    const model = new keras.Model({ inputs: x, outputs: new Dense(2, { name: 'dense' }).apply(new Dense(3, { name: 'hidden' }).apply(x)), name: 'functional' });
    expect(summaryOf(model)).toEqual([
      'Model: "functional"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
      '│ input_layer (InputLayer)        │ (None, 4)              │             0 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ hidden (Dense)                  │ (None, 3)              │            15 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ dense (Dense)                   │ (None, 2)              │             8 │',
      '└─────────────────────────────────┴────────────────────────┴───────────────┘',
      ' Total params: 23 (92.00 B)',
      ' Trainable params: 23 (92.00 B)',
      ' Non-trainable params: 0 (0.00 B)',
    ]);
  });

  it('numbers a call among all the calls of the layer, in other models too, as Keras 3 does', () => {
    const innerInput = keras.Input({ shape: [4], name: 'inner_in' });
    const inner = new keras.Model({ inputs: innerInput, outputs: new Dense(2, { name: 'idense' }).apply(innerInput), name: 'inner' });
    const p = keras.Input({ shape: [4], name: 'p' });
    new keras.Model({ inputs: p, outputs: inner.apply(p), name: 'first_use' });
    const a = keras.Input({ shape: [4], name: 'a' });
    const b = keras.Input({ shape: [4], name: 'b' });
    const model = new keras.Model({ inputs: [a, b], outputs: new Add({ name: 'add' }).apply([inner.apply(a), inner.apply(b)]), name: 'second_use' });
    expect(summaryOf(model)).toEqual([
      'Model: "second_use"',
      '┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩',
      '│ a (InputLayer)      │ (None, 4)         │          0 │ -                 │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ b (InputLayer)      │ (None, 4)         │          0 │ -                 │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ inner (Functional)  │ (None, 2)         │         10 │ a[0][0], b[0][0]  │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ add (Add)           │ (None, 2)         │          0 │ inner[1][0],      │',
      '│                     │                   │            │ inner[2][0]       │',
      '└─────────────────────┴───────────────────┴────────────┴───────────────────┘',
      ' Total params: 10 (40.00 B)',
      ' Trainable params: 10 (40.00 B)',
      ' Non-trainable params: 0 (0.00 B)',
    ]);
  });

  it('shares the four columns as rich does: 30% / 26% / 18% / 26% of min(108, columns - 4)', () => {
    // Keras asks for 22, 20, 14 and 20 of 76 (+2 padding each); rich takes the 13 extra off in shares of 3, 3, 4, 3.
    expect(columnWidths(76, CONNECTED_LAYOUT.positions)).toEqual([21, 19, 12, 19]);
    expect(columnWidths(108, CONNECTED_LAYOUT.positions)).toEqual([31, 27, 17, 28]);
    expect(() => columnWidths(12, CONNECTED_LAYOUT.positions)).toThrow(/insufficient console width/);
  });

  it('counts a weight shared by two layers once, and the optimizer once it has stepped', async () => {
    const a = keras.Input({ shape: [4], name: 'a' });
    const b = keras.Input({ shape: [4], name: 'b' });
    const shared = new Dense(5, { name: 'shared' });
    const frozen = new Dense(2, { name: 'frozen', trainable: false });
    const model = new keras.Model({ inputs: [a, b], outputs: frozen.apply(new Add().apply([shared.apply(a), shared.apply(b)])), name: 'm' });
    expect(summaryOf(model).slice(-3)).toEqual([' Total params: 37 (148.00 B)', ' Trainable params: 25 (100.00 B)', ' Non-trainable params: 12 (48.00 B)']);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.fit([keras.ops.zeros([2, 4]), keras.ops.zeros([2, 4])], keras.ops.zeros([2, 2]), { epochs: 1, verbose: 0 });
    // Adam: m and v for each of the 25 trainable weights, plus the step counter (int64) and the learning rate.
    expect(summaryOf(model).slice(-4)).toEqual([
      ' Total params: 89 (360.00 B)',
      ' Trainable params: 25 (100.00 B)',
      ' Non-trainable params: 12 (48.00 B)',
      ' Optimizer params: 52 (212.00 B)',
    ]);
  });

  it('leaves the default, tf.keras 2, table as it was', () => {
    keras.config.setPrintStyle('tfkeras2');
    const a = keras.Input({ shape: [4], name: 'a' });
    const model = new keras.Model({ inputs: [a], outputs: new Concatenate().apply([a, a]) });
    expect(summaryOf(model)[1]).toBe('_'.repeat(98));
  });
});
