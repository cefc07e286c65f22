/**
 * Generated bad input thrown at every public entry point. Each case must end
 * in an error of the documented type (ValueError, ShapeError, RuntimeError)
 * whose message names the problem, never in an exception from inside a
 * kernel, a hang, or a silently wrong result; and the matching good inputs
 * must go through. The number of generated cases is printed at the end.
 *
 * Here: tensors and ops.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { RUNS, errorOf } from '../support/bad-input.js';

const { ValueError, ShapeError } = keras;

/** How many generated cases ran, over all properties (reported at the end). */
let generatedCases = 0;

afterAll(() => {
  console.log(`bad-input properties (tensor): ${generatedCases} generated cases`);
});

describe('tensors and ops', () => {
  it('matmul and broadcasting of incompatible shapes: a ShapeError with both shapes', () => {
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), ([m, k], [k2, n]) => {
        generatedCases++;
        const a = keras.ops.ones([m, k]);
        const b = keras.ops.ones([k2, n]);
        const error = errorOf(() => a.matmul(b));
        if (k === k2) expect(error).toBeNull();
        else {
          expect(error).toBeInstanceOf(ShapeError);
          expect(error!.message).toContain(String(k));
          expect(error!.message).toContain(String(k2));
        }
        const broadcastOk = (k === n || k === 1 || n === 1) && (m === k2 || m === 1 || k2 === 1);
        const addError = errorOf(() => a.add(b));
        if (broadcastOk) expect(addError).toBeNull();
        else expect(addError).toBeInstanceOf(ShapeError);
      }),
      { numRuns: RUNS },
    );
  });

  it('ragged or non-numeric nested arrays name the position', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 4 }), fc.nat(), fc.constantFrom<unknown>('3', null, [1, 2, 3, 4, 5], undefined, {}), (rows, cols, at, bad) => {
        generatedCases++;
        const nested: unknown[][] = Array.from({ length: rows }, () => Array.from({ length: cols }, () => 1));
        const r = at % rows;
        nested[r]![at % cols] = bad;
        const error = errorOf(() => keras.tensor(nested as number[][]));
        expect(error).toBeInstanceOf(ValueError);
        expect(error!.message).toContain(`values[${r}]`);
      }),
      { numRuns: RUNS },
    );
  });
});
