/**
 * Generated bad input thrown at every public entry point. Each case must end
 * in an error of the documented type (ValueError, ShapeError, RuntimeError)
 * whose message names the problem, never in an exception from inside a
 * kernel, a hang, or a silently wrong result; and the matching good inputs
 * must go through. The number of generated cases is printed at the end.
 *
 * Here: unknown names (optimizer, loss, metric, activation), as the registries answer them.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { ACTIVATION_NAMES } from '../../src/layers/activations.js';
import { LOSS_NAMES, METRIC_NAMES } from '../../src/losses/index.js';
import { OPTIMIZER_NAMES } from '../../src/optim/index.js';
import { RUNS, classifier, errorOf } from '../support/bad-input.js';

const { Dense } = keras.layers;
const { ValueError } = keras;

/** How many generated cases ran, over all properties (reported at the end). */
let generatedCases = 0;

afterAll(() => {
  console.log(`bad-input properties (utils): ${generatedCases} generated cases`);
});

describe('arguments', () => {
  /** A one-character typo of `name`: a substitution, deletion or duplication. */
  const typo = (names: readonly string[]) =>
    fc.tuple(fc.constantFrom(...names.filter((n) => n.length >= 4)), fc.nat(), fc.constantFrom('x', 'q', 'z'), fc.constantFrom('sub', 'del', 'dup')).map(([name, at, ch, kind]) => {
      const i = at % name.length;
      const typoed = kind === 'sub' ? name.slice(0, i) + ch + name.slice(i + 1) : kind === 'del' ? name.slice(0, i) + name.slice(i + 1) : name.slice(0, i + 1) + name.slice(i);
      return { name, typoed };
    });

  it('unknown optimizer, loss, metric and activation names list the valid ones and suggest the closest', () => {
    const kinds = [
      { names: OPTIMIZER_NAMES, make: (s: string) => classifier([2], 2).compile({ optimizer: s, loss: 'mse' }), what: 'optimizer' },
      { names: LOSS_NAMES, make: (s: string) => classifier([2], 2).compile({ optimizer: 'adam', loss: s }), what: 'loss' },
      { names: METRIC_NAMES, make: (s: string) => classifier([2], 2).compile({ optimizer: 'adam', loss: 'mse', metrics: [s] }), what: 'metric' },
      { names: ACTIVATION_NAMES, make: (s: string) => new Dense(2, { activation: s as 'relu' }), what: 'activation' },
    ];
    for (const kind of kinds) {
      fc.assert(
        fc.property(typo(kind.names), ({ typoed }) => {
          generatedCases++;
          fc.pre(!kind.names.includes(typoed.toLowerCase()));
          const error = errorOf(() => kind.make(typoed));
          expect(error).toBeInstanceOf(ValueError);
          expect(error!.message.toLowerCase()).toContain(`unknown ${kind.what}`);
          expect(error!.message).toMatch(/Did you mean '.+'\?/);
          for (const valid of kind.names) expect(error!.message).toContain(valid);
        }),
        { numRuns: RUNS / 2 },
      );
    }
  });
});
