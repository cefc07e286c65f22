/**
 * Generated bad input thrown at every public entry point. Each case must end
 * in an error of the documented type (ValueError, ShapeError, RuntimeError)
 * whose message names the problem, never in an exception from inside a
 * kernel, a hang, or a silently wrong result; and the matching good inputs
 * must go through. The number of generated cases is printed at the end.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as keras from '../src/index.js';
import { ACTIVATION_NAMES } from '../src/layers/activations.js';
import { LOSS_NAMES, METRIC_NAMES } from '../src/losses/index.js';
import { OPTIMIZER_NAMES } from '../src/optim/index.js';
import { formatShape } from '../src/tensor/shape.js';

const { Dense, Flatten } = keras.layers;
const { ValueError, ShapeError, RuntimeError, TinykerasError } = keras;

/** How many generated cases ran, over all properties (reported at the end). */
let generatedCases = 0;
const RUNS = 100;

afterAll(() => {
  console.log(`bad-input properties: ${generatedCases} generated cases`);
});

/** The error `f` throws, or null; a thrown non-TinykerasError fails the test at once. */
function errorOf(f: () => unknown): Error | null {
  try {
    f();
  } catch (error) {
    expect(error, `expected a TinykerasError, got ${String(error)}`).toBeInstanceOf(TinykerasError);
    return error as Error;
  }
  return null;
}

async function asyncErrorOf(f: () => Promise<unknown>): Promise<Error | null> {
  try {
    await f();
  } catch (error) {
    expect(error, `expected a TinykerasError, got ${String(error)}`).toBeInstanceOf(TinykerasError);
    return error as Error;
  }
  return null;
}

/** A compiled classifier: samples of `sampleShape` → `classes` softmax outputs. */
function classifier(sampleShape: number[], classes: number, loss = 'sparse_categorical_crossentropy'): keras.Sequential {
  const model = new keras.Sequential([
    new Flatten({ inputShape: sampleShape }),
    new Dense(4, { activation: 'relu' }),
    new Dense(classes, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
  return model;
}

const dims = (maxRank: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: maxRank });
const quiet = { verbose: 0 } as const;

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
  const notPositiveInteger = fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 100, noInteger: true }), fc.constantFrom(NaN, Infinity, -1, '3' as unknown as number));

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
