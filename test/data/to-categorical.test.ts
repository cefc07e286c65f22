/**
 * utils.toCategorical: integer labels to one-hot rows, as Keras's
 * to_categorical, from plain arrays, typed arrays and tensors.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';

describe('utils.toCategorical', () => {
  it("one-hot rows, numClasses = max + 1 by default, a trailing axis of 1 dropped, as Keras's to_categorical", () => {
    expect(keras.utils.toCategorical([2, 0, 1]).toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(keras.utils.toCategorical([[1], [0]], 3).shape).toEqual([2, 3]);
    expect(keras.utils.toCategorical(keras.tensor([[1, 0], [2, 2]])).shape).toEqual([2, 2, 3]);
    expect(keras.utils.toCategorical(new Uint8Array([9])).shape).toEqual([1, 10]);
  });

  it('rejects labels that are not class indices below numClasses', () => {
    expect(() => keras.utils.toCategorical([0, 3], 3)).toThrow(/label at index 1 is 3/);
    expect(() => keras.utils.toCategorical([0.5])).toThrow(/non-negative integers.*y\[0\]=0.5/);
    expect(() => keras.utils.toCategorical([-1])).toThrow(keras.ValueError);
  });
});
