/**
 * Generated bad input thrown at every public entry point. Each case must end
 * in an error of the documented type (ValueError, ShapeError, RuntimeError)
 * whose message names the problem, never in an exception from inside a
 * kernel, a hang, or a silently wrong result; and the matching good inputs
 * must go through. The number of generated cases is printed at the end.
 *
 * Here: setWeights (from the properties on tensors and ops).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { RUNS, errorOf } from '../support/bad-input.js';

const { Dense } = keras.layers;
const { ValueError, ShapeError } = keras;

/** How many generated cases ran, over all properties (reported at the end). */
let generatedCases = 0;

afterAll(() => {
  console.log(`bad-input properties (models): ${generatedCases} generated cases`);
});

describe('setWeights', () => {
  it('setWeights with the wrong count or shapes leaves the weights untouched', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 }), (count, width) => {
        generatedCases++;
        const model = new keras.Sequential([new Dense(3, { inputShape: [2] })]);
        const before = model.getWeights();
        const given = Array.from({ length: count }, () => keras.ops.ones([width, 3]));
        const error = errorOf(() => model.setWeights(given));
        // Two weights (kernel [2, 3], bias [3]); a [width, 3] bias never fits.
        expect(error).toBeInstanceOf(count !== 2 ? ValueError : ShapeError);
        model.getWeights().forEach((w, i) => expect(w.data).toEqual(before[i]!.data));
      }),
      { numRuns: RUNS },
    );
  });
});
