/**
 * Generated bad input thrown at every public entry point. Each case must end
 * in an error of the documented type (ValueError, ShapeError, RuntimeError)
 * whose message names the problem, never in an exception from inside a
 * kernel, a hang, or a silently wrong result; and the matching good inputs
 * must go through. The number of generated cases is printed at the end.
 *
 * Here: fit, evaluate and predict (input shapes, data values, arguments).
 * The same for labels, layers, tensors, setWeights and names: bad-input.test.ts
 * under test/losses, test/layers, test/tensor, test/models and test/utils.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { formatShape } from '../../src/tensor/shape.js';
import { RUNS, asyncErrorOf, classifier, dims, errorOf, notPositiveInteger, quiet } from '../support/bad-input.js';

const { Dense } = keras.layers;
const { ValueError, ShapeError, RuntimeError } = keras;

/** How many generated cases ran, over all properties (reported at the end). */
let generatedCases = 0;

afterAll(() => {
  console.log(`bad-input properties (training): ${generatedCases} generated cases`);
});

describe('input shapes against the model', () => {
  it('predict: a ShapeError naming the layer and both shapes unless x is [n, ...inputShape]', () => {
    fc.assert(
      fc.property(dims(3), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 }), (sample, xShape) => {
        generatedCases++;
        const model = classifier(sample, 3);
        const x = keras.ops.zeros(xShape);
        const error = errorOf(() => model.predict(x, quiet));
        const fits = xShape.length === sample.length + 1 && sample.every((d, i) => d === xShape[i + 1]);
        if (xShape.length === 0 || xShape[0] === 0) {
          expect(error).toBeInstanceOf(ValueError);
          expect(error!.message).toMatch(/x is empty.*Received: x\.shape=/);
        } else if (fits) {
          expect(error).toBeNull();
        } else {
          expect(error).toBeInstanceOf(ShapeError);
          const expected = formatShape([null, ...sample]).replace(/[()]/g, '\\$&');
          expect(error!.message).toMatch(new RegExp(`layer "flatten\\w*".*expected shape=${expected}, found shape=`));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('says so when the batch was counted inside inputShape, or samples were flattened', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), dims(2), (n, sample) => {
        generatedCases++;
        const counted = classifier([n, ...sample], 3);
        const error = errorOf(() => counted.predict(keras.ops.zeros([n, ...sample]), quiet));
        expect(error).toBeInstanceOf(ShapeError);
        expect(error!.message).toMatch(/inputShape counts the batch/);
        const size = sample.reduce((a, b) => a * b, 1);
        if (sample.length > 1) {
          const flat = classifier(sample, 3);
          const flatError = errorOf(() => flat.predict(keras.ops.zeros([n, size]), quiet));
          expect(flatError!.message).toContain(`reshape x to [${n}, ${sample.join(', ')}]`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('data values', () => {
  it('the first NaN or Infinity in x is named by its index, in fit, evaluate and predict', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity)), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('fit', 'evaluate', 'predict'),
        async (n, poison, entry) => {
          generatedCases++;
          const model = classifier([2, 3], 3);
          const x = keras.ops.zeros([n, 2, 3]);
          for (const [at, value] of poison) x.data[at % x.size] = value;
          const first = x.data.findIndex((v) => !Number.isFinite(v));
          const index = [Math.floor(first / 6), Math.floor((first % 6) / 3), first % 3];
          const y = keras.ops.zeros([n]);
          const call = () =>
            entry === 'fit' ? model.fit(x, y, quiet) : entry === 'evaluate' ? Promise.resolve(model.evaluate(x, y, quiet)) : Promise.resolve(model.predict(x, quiet));
          const error = await asyncErrorOf(call);
          expect(error).toBeInstanceOf(ValueError);
          expect(error!.message).toContain(`${entry}(): x contains ${x.data[first]} at index [${index.join(', ')}]`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('values far outside the usual range train, with a warning that suggests normalising', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await fc.assert(
        fc.asyncProperty(fc.double({ min: 101, max: 1e4, noNaN: true }), async (scale) => {
          generatedCases++;
          warn.mockClear();
          const model = classifier([4], 2);
          await model.fit(keras.ops.full([3, 4], scale), keras.ops.zeros([3]), quiet);
          expect(warn).toHaveBeenCalledWith(expect.stringMatching(/fit\(\): x has values in \[.*\].*Consider normalising x/));
        }),
        { numRuns: RUNS / 4 },
      );
    } finally {
      warn.mockRestore();
    }
  });
});

describe('arguments', () => {
  it('epochs, batchSize, validationSplit and verbose out of range: a ValueError naming the argument and value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ epochs: notPositiveInteger }),
          fc.record({ batchSize: notPositiveInteger }),
          fc.record({ validationSplit: fc.oneof(fc.double({ min: 1, max: 10 }), fc.double({ max: -0.001, min: -10 }), fc.constant(NaN)) }),
          fc.record({ verbose: fc.constantFrom(3, -1, 'yes') as fc.Arbitrary<unknown> as fc.Arbitrary<0> }),
        ),
        async (args) => {
          generatedCases++;
          const model = classifier([2], 2);
          const error = await asyncErrorOf(() => model.fit(keras.ops.ones([4, 2]), keras.ops.zeros([4]), { verbose: 0, ...args }));
          expect(error).toBeInstanceOf(ValueError);
          const [name, value] = Object.entries(args)[0]!;
          expect(error!.message).toContain(`fit(): ${name} must`);
          expect(error!.message).toMatch(new RegExp(`Received: ${name}='?${String(value).replace(/[.+]/g, '\\$&')}`));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('fit and evaluate before compile, and predict before build, are RuntimeErrors that say what to do', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), async (n) => {
        generatedCases++;
        const uncompiled = new keras.Sequential([new Dense(2, { inputShape: [3] })]);
        const fitError = await asyncErrorOf(() => uncompiled.fit(keras.ops.ones([n, 3]), keras.ops.zeros([n])));
        expect(fitError).toBeInstanceOf(RuntimeError);
        expect(fitError!.message).toMatch(/must be compiled.*model\.compile/);
        expect(errorOf(() => uncompiled.evaluate(keras.ops.ones([n, 3]), keras.ops.zeros([n])))).toBeInstanceOf(RuntimeError);
        const unbuilt = new keras.Sequential([new Dense(2)]);
        const predictError = errorOf(() => unbuilt.predict(keras.ops.ones([n, 3])));
        expect(predictError).toBeInstanceOf(RuntimeError);
        expect(predictError!.message).toMatch(/has not been built.*inputShape/);
      }),
      { numRuns: RUNS / 4 },
    );
  });
});
