/**
 * Malformed arguments that used to surface as JavaScript's own errors: each
 * is now a TinykerasError that says what was expected and what was received.
 */
import { describe, expect, it, vi } from 'vitest';
import * as keras from '../src/index.js';
import { failure } from './helpers.js';
import { FileFormatError, ValueError } from '../src/errors.js';
import type { Dense } from '../src/layers/dense.js';

const model = () => {
  const m = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};
const x = () => keras.ops.zeros([4, 3]);
const y = () => keras.ops.zeros([4, 2]);


describe('callbacks', () => {
  const fit = (callbacks: unknown) => model().fit(x(), y(), { epochs: 1, verbose: 0, callbacks: callbacks as never });
  it('null, a number or a string as a callback', async () => {
    expect((await failure(() => fit([null]))).message).toMatch(/^fit\(\): callbacks\[0\] must be a callback object.*Received: null/);
    expect((await failure(() => fit([{ onEpochEnd() {} }, 3]))).message).toMatch(/callbacks\[1\] must be a callback object.*Received: 3/);
    expect((await failure(() => fit([, { onEpochEnd() {} }]))).message).toMatch(/callbacks\[0\] must be a callback object.*Received: undefined/);
  });
  it('a class instead of an instance', async () => {
    expect((await failure(() => fit([keras.callbacks.EarlyStopping]))).message).toMatch(/callbacks\[0\] is a class or function.*new EarlyStopping\(\)/);
  });
  it('a hook that is not a function, or a class', async () => {
    expect((await failure(() => fit([{ onEpochEnd: 'log' }]))).message).toMatch(/callbacks\[0\]\.onEpochEnd must be a function.*Received: onEpochEnd='log'/);
    expect((await failure(() => fit([{ onBatchEnd: class {} }]))).message).toMatch(/onBatchEnd must be a function \(a method, not a class\)/);
  });
  it('a misspelt hook on a plain object', async () => {
    expect((await failure(() => fit([{ onEpochEnds() {} }]))).message).toMatch(/unknown hook 'onEpochEnds'. Did you mean 'onEpochEnd'\?/);
  });
});

describe('memory IO handlers', () => {
  it('null or wrongly typed artifacts', async () => {
    expect((await failure(() => keras.io.fromMemory(null as never))).message).toMatch(/io\.fromMemory\(\): expected model artifacts.*Received: null/);
    expect((await failure(() => keras.io.fromMemory({ weightSpecs: 'x' } as never))).message).toMatch(/weightSpecs must be a list/);
    expect((await failure(() => keras.io.fromMemory({ weightData: [1, 2] } as never))).message).toMatch(/weightData must be an ArrayBuffer or a list of them/);
    expect((await failure(() => keras.io.fromMemory({ modelTopology: { f: () => 1 } } as never))).message).toMatch(/must be plain JSON data/);
    expect(await failure(() => keras.models.loadModel({ load: async () => null } as never))).toBeInstanceOf(FileFormatError);
    expect(await failure(() => model().loadWeights({ load: async () => 42 } as never))).toBeInstanceOf(FileFormatError);
  });
});

describe('checkpoint path templates', () => {
  it('an absurd width or precision is refused when the callback is made, not after an epoch', async () => {
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{epoch:1000000000d}'))).message).toMatch(/asks for more than a file name can hold.*width=1000000000/);
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{loss:.500f}'))).message).toMatch(/precision=500/);
    expect((await failure(() => new keras.callbacks.ModelCheckpoint('ckpt-{epoch:x}'))).message).toMatch(/unsupported format "x"/);
  });
  it('a field named like an inherited property is an unknown log key', async () => {
    const { formatFilepath } = await import('../src/callbacks/model-checkpoint.js');
    expect(() => formatFilepath('ckpt-{constructor}', 0, { loss: 1 })).toThrow(/the field \{constructor\} names no log value/);
  });
});

describe('validation data', () => {
  it('errors about the validation data say so', async () => {
    const bad = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: [keras.ops.zeros([4, 5]), y()] }));
    expect(bad).toBeInstanceOf(ValueError);
    expect(bad.message).toMatch(/^fit\(\): in validationData: Input 0 of layer/);
    const labels = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: [x(), keras.ops.zeros([3, 2])] }));
    expect(labels.message).toMatch(/^fit\(\): in validationData: /);
    const notPair = await failure(() => model().fit(x(), y(), { epochs: 1, verbose: 0, validationData: x() as never }));
    expect(notPair.message).toMatch(/validationData must be a pair \[x, y\]/);
  });
});

describe('summary and tensors', () => {
  it('a printFn that is not a function', async () => {
    expect((await failure(() => model().summary('console' as never))).message).toMatch(/printFn must be a function/);
  });
  it('tensor creation from values that are not numbers', async () => {
    expect((await failure(() => keras.tensor(null as never))).message).toMatch(/tensor: expected a number, nested arrays of numbers, or a typed array. Received: null/);
    expect((await failure(() => keras.ops.zeros('3' as never))).message).toMatch(/zeros: every dimension must be a non-negative integer/);
    expect((await failure(() => keras.ops.zeros([2, 3]).add({} as never))).message).toMatch(/expected a Tensor or a number/);
  });
  it('console output stays quiet', () => {
    const log = vi.spyOn(console, 'log');
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });
});

describe('the kernel tier switch', () => {
  it('names only its two tiers, whatever it is given', async () => {
    for (const tier of [42, null, undefined, {}, ['simd'], 'constructor', '__proto__', 'toString', Symbol('simd'), 10n, 'SIMD']) {
      const error = await failure(() => keras.config.setKernels(tier as never));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(/^setKernels: the kernel tier must be 'js' or 'simd'\..*Received: tier=/);
    }
    expect((await failure(() => keras.config.setKernels('smid' as never))).message).toMatch(/Did you mean 'simd'\?/);
    expect(keras.config.kernels()).toBe('js');
  });
});

describe("a layer's fused description", () => {
  /** A Dense layer whose fusedSpec() is replaced by `spec` (what a custom layer could return). */
  const modelWith = (spec: (layer: Dense) => unknown) => {
    const dense = new keras.layers.Dense(3, { activation: 'softmax', inputShape: [4] });
    const m = new keras.Sequential([dense]);
    (dense as unknown as { fusedSpec: () => unknown }).fusedSpec = () => spec(dense);
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    return m;
  };
  const good = (d: Dense) => ({ kind: 'dense', name: d.name, trainable: true, units: 3, activation: 'softmax', useBias: true, kernel: d.kernel, bias: d.bias });
  const fit = (spec: (layer: Dense) => unknown) => modelWith(spec).fit(keras.ops.zeros([4, 4]), keras.ops.zeros([4]), { epochs: 1, verbose: 0 });

  it('a description that is not one is a ValueError naming the layer, before any step', async () => {
    for (const spec of [undefined, 42, 'dense', [], {}, { kind: 'conv', name: 'x' }]) {
      const error = await failure(() => fit(() => spec));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(/^Layer "dense(_\d+)?" \(Dense\): fusedSpec\(\)/);
    }
  });
  it('weights that do not have the sizes the description states are rejected, not read past', async () => {
    const cases: [(d: Dense) => unknown, RegExp][] = [
      [(d) => ({ ...good(d), units: 5 }), /kernel must be null \(not built\) or a float32 tensor of shape \[inputs, 5\]/],
      [(d) => ({ ...good(d), kernel: keras.ops.zeros([4, 2]) }), /kernel must be .*Received: kernel=Tensor\(shape=\[4, 2\]\)/],
      [(d) => ({ ...good(d), kernel: d.kernel!.data }), /kernel must be .*Received: kernel=Float32Array/],
      [(d) => ({ ...good(d), bias: keras.ops.zeros([2]) }), /bias must be a float32 tensor of shape \[3\] \(useBias is true\)/],
      [(d) => ({ ...good(d), useBias: false }), /bias must be null \(useBias is false\)/],
      [(d) => ({ ...good(d), activation: 'gelu' }), /activation must be one of linear, relu, sigmoid, tanh, softmax. Received: activation='gelu'/],
      [(d) => ({ ...good(d), activation: '__proto__' }), /activation must be one of/],
      [(d) => ({ ...good(d), units: -1 }), /units must be a positive integer/],
      [(d) => ({ ...good(d), trainable: 'yes' }), /trainable must be true or false/],
    ];
    for (const [spec, message] of cases) expect((await failure(() => fit(spec))).message).toMatch(message);
  });
  it('a chain whose sizes disagree runs through autograd, which says what is wrong', async () => {
    const a = new keras.layers.Dense(5, { inputShape: [4] });
    const b = new keras.layers.Dense(3, { activation: 'softmax' });
    const m = new keras.Sequential([a, b]);
    const stranger = keras.ops.zeros([2, 3]);
    (b as unknown as { fusedSpec: () => unknown }).fusedSpec = () => ({ ...good(b), kernel: stranger });
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', jitCompile: true });
    expect((await failure(() => m.fit(keras.ops.zeros([4, 4]), keras.ops.zeros([4]), { epochs: 1, verbose: 0 }))).message).toMatch(/takes 2 inputs but the layer before it gives 5/);
  });
  it('a nested description that holds itself is a ValueError, not an endless recursion', async () => {
    const m = modelWith((d) => ({ kind: 'nested', name: d.name, trainable: true, layers: [d] }));
    expect((await failure(() => m.fit(keras.ops.zeros([4, 4]), keras.ops.zeros([4]), { epochs: 1, verbose: 0 }))).message).toMatch(/describes a nested model that contains itself/);
    for (const spec of [{ kind: 'dropout', name: 'd', rate: 2, generator: null }, { kind: 'activation', name: 'a', activation: 'gelu' }, { kind: 'nested', name: 'n', trainable: true, layers: [1] }]) {
      expect(await failure(() => fit(() => spec))).toBeInstanceOf(ValueError);
    }
  });
  it('a correct description still trains fused', async () => {
    const history = await fit(good);
    expect(history.params.executor).toBe('fused');
  });
});

describe('labels', () => {
  it('fit and evaluate without labels say that y is required', async () => {
    for (const missing of [null, undefined]) {
      expect((await failure(() => model().evaluate(x(), missing as never, { verbose: 0 }))).message).toMatch(/^evaluate\(\): y is required.*Received: y=(null|undefined)/);
      expect((await failure(() => model().fit(x(), missing as never, { verbose: 0 }))).message).toMatch(/^fit\(\): y is required/);
      expect((await failure(() => model().fit(x(), y(), { verbose: 0, validationData: [x(), missing] as never }))).message).toMatch(/validationData\[1\] is required/);
    }
  });
});
