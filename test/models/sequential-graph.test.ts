/**
 * A Sequential's symbolic graph, as Keras's "The Sequential model" guide uses
 * it: `model.inputs` and each layer's `output` make a feature extractor, a
 * Functional model that returns every layer's output for the same input.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';

describe("a Sequential's inputs, outputs and its layers' outputs", () => {
  it("make the guide's feature extractor, which returns each layer's output", () => {
    keras.utils.setRandomSeed(1);
    const initial = new keras.Sequential([
      keras.Input({ shape: [20, 20, 3] }),
      new keras.layers.Conv2D(4, 5, { strides: 2, activation: 'relu' }),
      new keras.layers.Conv2D(6, 3, { activation: 'relu' }),
      new keras.layers.Conv2D(5, 3, { activation: 'relu' }),
    ]);
    const extractor = new keras.Model({ inputs: initial.inputs, outputs: initial.layers.map((layer) => layer.output) });
    const x = keras.tensor(Array.from({ length: 2 * 20 * 20 * 3 }, (_, i) => Math.sin(i)), [2, 20, 20, 3]);
    const features = extractor.predict(x, { verbose: 0 }) as keras.Tensor[];
    expect(features.map((f) => f.shape)).toEqual([[2, 8, 8, 4], [2, 6, 6, 6], [2, 4, 4, 5]]);
    // Each output is what the layers compute in turn.
    let y = x;
    initial.layers.forEach((layer, i) => {
      y = layer.apply(y);
      expect(Array.from(features[i]!.data)).toEqual(Array.from(y.data));
    });
    expect(initial.outputs[0]).toBe(initial.layers.at(-1)!.output);
    // Only the second layer's output, as the guide's second extractor.
    const one = new keras.Model({ inputs: initial.inputs, outputs: initial.getLayer(1).output });
    expect(Array.from((one.predict(x, { verbose: 0 }) as keras.Tensor).data)).toEqual(Array.from(features[1]!.data));
  });

  it('a model without an input shape says how to give it one', () => {
    const model = new keras.Sequential([new keras.layers.Dense(2)]);
    expect(() => model.inputs).toThrow(/has no input shape yet.*keras\.Input\(\{ shape \}\)/);
  });
});
