/**
 * The element-wise activation kernels against Keras 3's formulas written out
 * in float64 here (not the kernels' own lines), their derivatives against a
 * central difference of those formulas, the edge values Keras documents, and
 * each new activation through Dense, Conv2D and Activation, saved and loaded
 * by name.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import {
  ACTIVATION_KINDS, OUTPUT_DERIVATIVE_KINDS, activate, activationGradient, activationGradientFromInput, erf,
  type ActivationKind, type InputDerivativeKind, type OutputDerivativeKind,
} from '../../src/tensor/kernels/activations.js';

/** erf by Simpson's rule on (2/√π)e^(−t²) over [0, x]: a slow, independent reference. */
function erfBySimpson(x: number): number {
  const n = 2000;
  const h = x / n;
  const f = (t: number) => Math.exp(-t * t);
  let sum = f(0) + f(x);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return ((2 / Math.sqrt(Math.PI)) * sum * h) / 3;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** Keras 3's definitions (keras/src/activations/activations.py), in float64. */
const REFERENCE: Record<ActivationKind, (z: number) => number> = {
  linear: (z) => z,
  relu: (z) => Math.max(z, 0),
  sigmoid,
  tanh: Math.tanh,
  elu: (z) => (z > 0 ? z : Math.exp(z) - 1),
  selu: (z) => 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * (Math.exp(z) - 1)),
  leaky_relu: (z) => (z > 0 ? z : 0.2 * z),
  softplus: (z) => Math.log(1 + Math.exp(z)),
  swish: (z) => z * sigmoid(z),
  silu: (z) => z * sigmoid(z),
  gelu: (z) => 0.5 * z * (1 + erfBySimpson(z / Math.SQRT2)),
};

const isOutputKind = (kind: ActivationKind): kind is OutputDerivativeKind => (OUTPUT_DERIVATIVE_KINDS as readonly string[]).includes(kind);

/** Inputs in [−12, 12], at least 1e−3 from the kinks at 0. */
const input = fc.double({ min: -12, max: 12, noNaN: true }).map((v) => Math.fround(Math.abs(v) < 1e-3 ? v + 0.01 : v));

describe('activation kernels', () => {
  it('compute the Keras formula and its derivative, for every activation (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACTIVATION_KINDS), fc.array(input, { minLength: 1, maxLength: 8 }), (kind, values) => {
        const z = Float32Array.from(values);
        const y = new Float32Array(z.length);
        activate(kind, z, y, 0, z.length);
        const grad = Float32Array.from(values, (_, i) => 1 + i / 4);
        const dz = new Float32Array(z.length);
        if (isOutputKind(kind)) activationGradient(kind, y, grad, dz, 0, z.length);
        else activationGradientFromInput(kind as InputDerivativeKind, z, grad, dz, 0, z.length);
        const f = REFERENCE[kind];
        z.forEach((v, i) => {
          const want = f(v);
          expect(Math.abs(y[i]! - want)).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(want)));
          const h = 1e-5;
          const slope = (f(v + h) - f(v - h)) / (2 * h);
          expect(Math.abs(dz[i]! - grad[i]! * slope)).toBeLessThanOrEqual(2e-6 * grad[i]! * Math.max(1, Math.abs(slope)));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('erf agrees with its tabulated values and a numerical integral', () => {
    // Abramowitz and Stegun, table 7.1.
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 14);
    expect(erf(-3)).toBeCloseTo(-0.9999779095030014, 14);
    // erfc(4) from 1 − erf(4): float64's spacing near 1 (1.1e−16) bounds the accuracy.
    expect(1 - erf(4)).toBeCloseTo(1.541725790028002e-8, 16);
    for (const x of [-5.5, -2.99, -0.3, 0.01, 1.7, 2.999, 3.001, 4.2]) expect(erf(x)).toBeCloseTo(erfBySimpson(x), 12);
  });

  it("uses Keras's defaults: exact gelu, leaky_relu slope 0.2, selu's constants, softplus without overflow", () => {
    const run = (kind: ActivationKind, values: number[]) => {
      const y = new Float32Array(values.length);
      activate(kind, Float32Array.from(values), y, 0, values.length);
      return Array.from(y);
    };
    // gelu(1) = Φ(1) exactly, not the tanh approximation's 0.84119…
    expect(run('gelu', [1])[0]).toBeCloseTo(0.8413447460685429, 6);
    expect(run('leaky_relu', [-1, 3])).toEqual([Math.fround(-0.2), 3]);
    expect(run('selu', [1])[0]).toBe(Math.fround(1.0507009873554805));
    expect(run('selu', [-100])[0]).toBe(Math.fround(-1.0507009873554805 * 1.6732632423543772));
    expect(run('elu', [-100, 0, 2])).toEqual([-1, 0, 2]);
    const soft = run('softplus', [1000, 100, -100, -1000]);
    expect(soft.slice(0, 2)).toEqual([1000, 100]);
    expect(soft[2]).toBe(Math.fround(Math.exp(-100))); // a float32 subnormal, not rounded to 0 early
    expect(soft[3]).toBe(0);
    expect(run('swish', [-1000, 1000])).toEqual([-0, 1000]);
    expect(run('silu', [0.5, -2])).toEqual(run('swish', [0.5, -2]));
    // The softplus and swish derivatives saturate without NaN.
    const dSoft = new Float32Array(2);
    activationGradient('softplus', Float32Array.from(soft.slice(0, 1).concat(soft[3]!)), new Float32Array([1, 1]), dSoft, 0, 2);
    expect(Array.from(dSoft)).toEqual([1, 0]);
    const dSwish = new Float32Array(2);
    activationGradientFromInput('swish', new Float32Array([-1000, 1000]), new Float32Array([1, 1]), dSwish, 0, 2);
    expect(Array.from(dSwish)).toEqual([0, 1]);
  });

  it("take TensorFlow's derivative at the kink z = 0", () => {
    const at0 = (kind: OutputDerivativeKind) => {
      const y = new Float32Array(1);
      activate(kind, new Float32Array(1), y, 0, 1);
      const d = new Float32Array(1);
      activationGradient(kind, y, new Float32Array([1]), d, 0, 1);
      return d[0];
    };
    expect([at0('relu'), at0('elu'), at0('selu'), at0('leaky_relu')]).toEqual([0, 1, Math.fround(1.0507009873554805), Math.fround(0.2)]);
  });

  it('leave the rest of the array alone and work in place', () => {
    for (const kind of ACTIVATION_KINDS) {
      const z = new Float32Array([5, -1.5, 0.7, -0.2, 9]);
      const out = z.slice();
      activate(kind, z, out, 1, 4);
      expect([out[0], out[4]]).toEqual([5, 9]);
      const inPlace = z.slice();
      activate(kind, inPlace, inPlace, 1, 4);
      expect(inPlace).toEqual(out);
    }
  });
});

describe('the new activations in layers', () => {
  const NEW = ['elu', 'selu', 'leaky_relu', 'softplus', 'swish', 'silu', 'gelu'] as const;

  it('are accepted by Dense, Conv2D and Activation, and save and load by name', async () => {
    for (const name of NEW) {
      keras.utils.setRandomSeed(4);
      const model = new keras.Sequential([
        new keras.layers.Conv2D(2, 3, { activation: name, inputShape: [4, 4, 1] }),
        new keras.layers.Flatten(),
        new keras.layers.Dense(5, { activation: name }),
        new keras.layers.Dense(3),
        new keras.layers.Activation(name),
      ]);
      const x = keras.random.normal([2, 4, 4, 1], 0, 2);
      const handler = keras.io.memory();
      await model.save(handler);
      const topology = handler.artifacts!.modelTopology as { config: { layers: { config: { activation: string } }[] } };
      expect(topology.config.layers.map((l) => l.config.activation)).toEqual([name, undefined, name, 'linear', name]);
      const loaded = await keras.models.loadModel(handler);
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      expect(Array.from((loaded.predict(x, { verbose: 0 }) as keras.Tensor).data)).toEqual(Array.from((model.predict(x, { verbose: 0 }) as keras.Tensor).data));
    }
  });

  it('apply the same kernel as the tensor methods', () => {
    const x = keras.random.normal([3, 6], 0, 3);
    const methods: Record<(typeof NEW)[number], (t: keras.Tensor) => keras.Tensor> = {
      elu: (t) => t.elu(), selu: (t) => t.selu(), leaky_relu: (t) => t.leakyRelu(), softplus: (t) => t.softplus(),
      swish: (t) => t.swish(), silu: (t) => t.swish(), gelu: (t) => t.gelu(),
    };
    for (const name of NEW) {
      const y = new keras.layers.Activation(name).apply(x) as keras.Tensor;
      expect(Array.from(y.data)).toEqual(Array.from(methods[name](x).data));
    }
  });

  it('name the valid activations when one is misspelled', () => {
    expect(() => new keras.layers.Dense(2, { activation: 'leakyrelu' as keras.ActivationName })).toThrow(/leaky_relu/);
  });
});
