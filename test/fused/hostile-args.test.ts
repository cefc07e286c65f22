/**
 * Malformed arguments that used to surface as JavaScript's own errors: each
 * is now a TinykerasError that says what was expected and what was received.
 *
 * Here: a layer's fused description (what a custom layer's fusedSpec() may return).
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { failure } from '../support/helpers.js';
import { ValueError } from '../../src/errors.js';
import type { Dense } from '../../src/layers/dense.js';

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
      [(d) => ({ ...good(d), activation: 'mish' }), /activation must be one of linear, relu, sigmoid, tanh, elu, selu, leaky_relu, softplus, swish, silu, gelu, softmax. Received: activation='mish'/],
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
    for (const spec of [{ kind: 'dropout', name: 'd', rate: 2, generator: null }, { kind: 'activation', name: 'a', activation: 'mish' }, { kind: 'nested', name: 'n', trainable: true, layers: [1] }]) {
      expect(await failure(() => fit(() => spec))).toBeInstanceOf(ValueError);
    }
  });
  it('a Conv2D or pooling description whose window or weights are not what it states is rejected the same way', async () => {
    const conv = { kind: 'conv2d', name: 'c', trainable: true, filters: 2, strides: [1, 1], padding: 'valid', dilationRate: [1, 1], activation: 'relu', useBias: false, kernel: null, bias: null };
    const pool = { kind: 'pool2d', name: 'p', mode: 'max', poolSize: [2, 2], strides: [2, 2], padding: 'same' };
    const cases: [unknown, RegExp][] = [
      [{ ...conv, kernel: keras.ops.zeros([3, 3, 1, 5]) }, /kernel must be null \(not built\) or a float32 tensor of shape \[kernelHeight, kernelWidth, inChannels, 2\]/],
      [{ ...conv, kernel: keras.ops.zeros([3, 3, 1, 2]), useBias: true }, /bias must be a float32 tensor of shape \[2\] \(useBias is true\)/],
      [{ ...conv, filters: 0 }, /filters must be a positive integer/],
      [{ ...conv, strides: [0, 1] }, /strides must be \[height, width\] of positive integers. Received: strides=\[0, 1\]/],
      [{ ...conv, dilationRate: 2 }, /dilationRate must be \[height, width\] of positive integers/],
      [{ ...conv, padding: 'full' }, /padding must be 'valid' or 'same'. Received: padding='full'/],
      [{ ...pool, mode: 'min' }, /mode must be 'max' or 'avg'/],
      [{ ...pool, poolSize: [2] }, /poolSize must be \[height, width\] of positive integers/],
    ];
    for (const [spec, message] of cases) {
      const error = await failure(() => fit(() => spec));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(message);
    }
  });
  it('a correct description still trains fused', async () => {
    const history = await fit(good);
    expect(history.params.executor).toBe('fused');
  });
});
