/**
 * Generated bad input thrown at every public entry point. Each case must end
 * in an error of the documented type (ValueError, ShapeError, RuntimeError)
 * whose message names the problem, never in an exception from inside a
 * kernel, a hang, or a silently wrong result; and the matching good inputs
 * must go through. The number of generated cases is printed at the end.
 *
 * Here: Dense and Flatten arguments.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { RUNS, errorOf, notPositiveInteger } from '../support/bad-input.js';

const { Dense, Flatten } = keras.layers;
const { ValueError } = keras;

/** How many generated cases ran, over all properties (reported at the end). */
let generatedCases = 0;

afterAll(() => {
  console.log(`bad-input properties (layers): ${generatedCases} generated cases`);
});

describe('arguments', () => {
  it('Dense units and Flatten inputShape that are not positive integers', () => {
    fc.assert(
      fc.property(notPositiveInteger, (bad) => {
        generatedCases++;
        const unitsError = errorOf(() => new Dense(bad));
        expect(unitsError).toBeInstanceOf(ValueError);
        expect(unitsError!.message).toMatch(/units must be a positive integer.*Received: units=/);
        const shapeError = errorOf(() => new Flatten({ inputShape: [28, bad] }));
        expect(shapeError).toBeInstanceOf(ValueError);
        expect(shapeError!.message).toMatch(/inputShape must be an array of positive integers.*without the batch dimension/);
      }),
      { numRuns: RUNS },
    );
  });

  it('an inputShape that counts a large batch fails when the kernel is created, not inside the allocator', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20_000, max: 100_000 }), (n) => {
        generatedCases++;
        const error = errorOf(() => new keras.Sequential([new Flatten({ inputShape: [n, 28, 28] }), new Dense(128)]));
        expect(error).toBeInstanceOf(ValueError);
        expect(error!.message).toMatch(/Layer "dense\w*": its kernel would hold [\d,]+ values.*inputShape counts the batch/);
      }),
      { numRuns: RUNS / 10 },
    );
  });
});
