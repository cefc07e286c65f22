/**
 * Generated bad input thrown at every public entry point. Each case must end
 * in an error of the documented type (ValueError, ShapeError, RuntimeError)
 * whose message names the problem, never in an exception from inside a
 * kernel, a hang, or a silently wrong result; and the matching good inputs
 * must go through. The number of generated cases is printed at the end.
 *
 * Here: labels for the sparse and categorical losses.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { RUNS, asyncErrorOf, classifier, errorOf, quiet } from '../support/bad-input.js';

const { ValueError, ShapeError } = keras;

/** How many generated cases ran, over all properties (reported at the end). */
let generatedCases = 0;

afterAll(() => {
  console.log(`bad-input properties (losses): ${generatedCases} generated cases`);
});

describe('labels for the sparse and categorical losses', () => {
  const labelValue = fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: -5, max: 12 }),
    fc.double({ min: -3, max: 8, noNaN: true }),
    fc.constantFrom(NaN, Infinity, -Infinity, 0.5),
  );

  it('fit: a bad label fails before training, naming the loss, its index and its value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.array(labelValue, { minLength: 1, maxLength: 12 }), fc.integer({ min: -2, max: 2 }), async (classes, labels, countOffset) => {
        generatedCases++;
        const n = Math.max(1, labels.length + countOffset);
        const model = classifier([2], classes);
        const before = model.getWeights();
        const error = await asyncErrorOf(() => model.fit(keras.ops.ones([n, 2]), keras.tensor(labels), { ...quiet, epochs: 1 }));
        // Labels become float32, as in Keras: 5e-324 is 0 there.
        const stored = Array.from(Float32Array.from(labels));
        const firstNonFinite = stored.findIndex((v) => !Number.isFinite(v));
        const firstBad = stored.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < classes));
        if (n !== labels.length) {
          expect(error).toBeInstanceOf(ShapeError);
          expect(error!.message).toContain(`x has ${n} samples but y has ${labels.length} targets (the loss 'sparse_categorical_crossentropy'`);
        } else if (firstNonFinite >= 0) {
          expect(error).toBeInstanceOf(ValueError);
          expect(error!.message).toContain(`y contains ${stored[firstNonFinite]} at index [${firstNonFinite}]`);
        } else if (firstBad >= 0) {
          expect(error).toBeInstanceOf(ValueError);
          expect(error!.message).toContain('sparse_categorical_crossentropy');
          expect(error!.message).toContain(`Received: y_true[${firstBad}]=${stored[firstBad]}`);
        } else {
          expect(error).toBeNull();
          return;
        }
        // Nothing was trained on bad data.
        model.getWeights().forEach((w, i) => expect(w.data).toEqual(before[i]!.data));
      }),
      { numRuns: RUNS },
    );
  });

  it('one-hot labels to a sparse loss, and integer labels to a categorical one, are named as such', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 6 }), async (classes, n) => {
        generatedCases++;
        const sparse = classifier([3], classes);
        const oneHot = keras.ops.oneHot(keras.ops.zeros([n]), classes);
        const error = await asyncErrorOf(() => sparse.fit(keras.ops.ones([n, 3]), oneHot, quiet));
        expect(error).toBeInstanceOf(ShapeError);
        expect(error!.message).toMatch(/sparse_categorical_crossentropy.*look like one-hot labels.*Received: y\.shape=/);

        const categorical = classifier([3], classes, 'categorical_crossentropy');
        const evalError = errorOf(() => categorical.evaluate(keras.ops.ones([n, 3]), keras.ops.zeros([n]), quiet));
        expect(evalError).toBeInstanceOf(ShapeError);
        expect(evalError!.message).toMatch(/categorical_crossentropy.*look like integer class labels/);
      }),
      { numRuns: RUNS / 2 },
    );
  });
});
