/**
 * Freezing a model freezes every layer inside it, as Keras's `trainable`
 * setter does: the transfer-learning guide's `baseModel.trainable = false`
 * keeps the base's weights and its BatchNormalization's moving statistics
 * fixed (that layer then runs in inference mode), and `true` thaws them all.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';

function data(): [keras.Tensor, keras.Tensor] {
  const random = new keras.random.RandomGenerator(3);
  const x = Float32Array.from({ length: 64 * 6 }, () => random.uniform() * 4 - 1);
  const y = Float32Array.from({ length: 64 }, (_, i) => i % 3);
  return [keras.tensor(x, [64, 6]), keras.tensor(y, [64])];
}

const values = (layer: keras.layers.Layer) => layer.getWeights().map((w) => Array.from(w.data));

describe('freezing a nested model', () => {
  for (const kind of ['Sequential', 'Functional'] as const) {
    it(`${kind}: trainable = false reaches every inner layer, so fit changes none of their weights or statistics`, async () => {
      keras.utils.setRandomSeed(5);
      const inner = [new keras.layers.Dense(8, { activation: 'relu' }), new keras.layers.BatchNormalization()];
      const base =
        kind === 'Sequential'
          ? new keras.Sequential([keras.Input({ shape: [6] }), ...inner])
          : (() => {
              const input = keras.Input({ shape: [6] });
              return new keras.Model({ inputs: input, outputs: inner[1]!.apply(inner[0]!.apply(input)) });
            })();
      const model = new keras.Sequential([keras.Input({ shape: [6] }), base, new keras.layers.Dense(3)]);
      model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
      base.trainable = false;
      expect(inner.map((l) => l.trainable)).toEqual([false, false]);
      const before = inner.map(values);
      const head = values(model.layers[1]!);
      const [x, y] = data();
      await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
      expect(inner.map(values)).toEqual(before);
      expect(values(model.layers[1]!)).not.toEqual(head);

      base.trainable = true;
      expect(inner.map((l) => l.trainable)).toEqual([true, true]);
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
      expect(values(inner[0]!)).not.toEqual(before[0]);
      // Moving statistics move again once thawed.
      expect(values(inner[1]!)[2]).not.toEqual(before[1]![2]);
    });
  }

  it('trainable must be a boolean', () => {
    const layer = new keras.layers.Dense(2);
    expect(() => {
      (layer as { trainable: unknown }).trainable = 'no';
    }).toThrow(/trainable must be true or false\. Received: trainable='no'/);
  });
});
