/**
 * Names from strings resolve only among known names: the names every
 * JavaScript object inherits ('constructor', '__proto__', 'toString') are
 * unknown names like any other, with the usual list and suggestion, from
 * compile() and from constructors. (From a file: test/saving/hostile-names.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { getLoss } from '../../src/losses/index.js';
import { ValueError } from '../../src/errors.js';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];

const model = () => new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeKeys();

beforeEach(() => keras.utils.clearSession());
afterEach(() => {
  expect(prototypeKeys()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe("inherited names are unknown names, from compile() and constructors", () => {
  for (const name of INHERITED) {
    it(`'${name}'`, () => {
      const cases: [() => unknown, RegExp][] = [
        [() => model().compile({ optimizer: 'adam', loss: name }), /Unknown loss: .*Valid losses/],
        [() => model().compile({ optimizer: name, loss: 'mse' }), /Unknown optimizer: .*Valid optimizers/],
        [() => model().compile({ optimizer: 'adam', loss: 'mse', metrics: [name] }), /Unknown metric: .*Valid metrics/],
        [() => new keras.layers.Dense(2, { activation: name as 'relu', inputShape: [3] }), /unknown activation .*Valid activations/],
        [() => new keras.layers.Dense(2, { kernelInitializer: name, inputShape: [3] }), /unknown initializer .*Valid initializers/],
        [() => getLoss(name), /Unknown loss/],
      ];
      for (const [fn, message] of cases) {
        const error = thrown(fn);
        expect(error).toBeInstanceOf(ValueError);
        expect((error as Error).message).toMatch(message);
      }
    });
  }
  it('a suggestion still comes for a near miss', () => {
    expect((thrown(() => model().compile({ optimizer: 'adma', loss: 'mse' })) as Error).message).toMatch(/Did you mean 'adam'\?/);
  });
});
