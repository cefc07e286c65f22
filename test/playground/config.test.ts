/**
 * The playground's promise that the program it shows is the program that
 * runs: for random settings, the model the program text builds (its
 * Sequential literal evaluated with tinykeras in scope, after the same seed)
 * has the layers, configs and initial weights of the worker's `buildModel`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { buildModel, CHOICES, configFromQuery, DEFAULT_CONFIG, programText, type PlaygroundConfig } from '../../playground/src/config.js';

const settings: fc.Arbitrary<PlaygroundConfig> = fc.record({
  model: fc.constantFrom(...CHOICES.model),
  filters: fc.constantFrom(...CHOICES.filters),
  kernels: fc.constantFrom(...CHOICES.kernels),
  hiddenUnits: fc.constantFrom(4, 16, 32),
  activation: fc.constantFrom(...CHOICES.activation),
  dropout: fc.constantFrom(0, 0.25),
  optimizer: fc.constantFrom(...CHOICES.optimizer),
  learningRate: fc.constantFrom(0.001, 0.01),
  batchSize: fc.constantFrom(...CHOICES.batchSize),
  epochs: fc.integer({ min: 1, max: 3 }),
  samples: fc.constantFrom(...CHOICES.samples),
  seed: fc.integer({ min: 0, max: 1000 }),
});

/** The model the program text's `new keras.Sequential([...])` literal builds, after its seed line. */
function modelOfProgram(text: string): keras.Sequential {
  const seed = /keras\.utils\.setRandomSeed\((\d+)\);/.exec(text);
  const literal = /const model = (new keras\.Sequential\(\[[\s\S]*?\]\));/.exec(text);
  expect(literal, 'the program builds a Sequential').not.toBeNull();
  if (seed !== null) keras.utils.setRandomSeed(Number(seed[1]));
  return new Function('keras', `return ${literal![1]}`)(keras) as keras.Sequential;
}

/** Each layer's class, config without its (counter-numbered) name, and weights. */
function describeModel(model: keras.Sequential): unknown[] {
  return model.layers.map((layer) => {
    const { name: _name, ...config } = layer.getConfig();
    return { className: layer.className, config, weights: layer.getWeights().map((w) => Array.from(w.data)) };
  });
}

describe('the playground program text', () => {
  it('builds the model the worker trains, layer for layer and weight for weight', () => {
    fc.assert(
      fc.property(settings, (config) => {
        const text = programText(config);
        const shown = modelOfProgram(text);
        const trained = buildModel(keras, config);
        expect(describeModel(shown)).toEqual(describeModel(trained));
        expect(text.includes("await keras.config.setKernels('simd');")).toBe(config.kernels === 'simd');
      }),
      { numRuns: 24 },
    );
  });

  it('reads the CNN settings from the URL and refuses bad ones by name', () => {
    const config = configFromQuery(new URLSearchParams('model=cnn&filters=8&kernels=js'));
    expect(config).toEqual({ ...DEFAULT_CONFIG, model: 'cnn', filters: 8, kernels: 'js' });
    expect(programText(config)).toContain("new keras.layers.Conv2D(8, 3, { activation: 'relu' }),");
    expect(() => configFromQuery(new URLSearchParams('model=rnn'))).toThrow(/model must be one of dense, cnn\. Received: rnn/);
    expect(() => configFromQuery(new URLSearchParams('filters=0'))).toThrow(/filters must be a whole number from 1 to 64/);
    expect(() => configFromQuery(new URLSearchParams('kernels=gpu'))).toThrow(/kernels must be one of simd, js\. Received: gpu/);
  });
});
