/**
 * What the finite-difference gradient tests share: inputs from fixed seeds,
 * the weighted reduction of an output to a scalar, and the check itself.
 *
 * Non-scalar outputs are turned into a scalar with a fixed random weighting,
 * Σ wᵢ·yᵢ, rather than a plain sum: a plain sum would make, for example,
 * softmax's gradient identically 0 and hide mistakes.
 */
import { expect } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import { checkGradients, type GradCheckOptions, type GradCheckResult } from '../../src/tensor/gradcheck.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { sizeOf, type Shape } from '../../src/tensor/shape.js';

/** Normal values with the given scale from a fixed seed. */
export function normal(shape: Shape, seed: number, scale = 1): Tensor {
  const g = new RandomGenerator(seed);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = scale * g.normal();
  return new Tensor(data, shape);
}

/** A shuffled copy of 0.1·(0, 1, …, n-1), centred: distinct values 0.1 apart, so a max never ties within a step. */
export function distinct(shape: Shape, seed: number): Tensor {
  const n = sizeOf(shape);
  const perm = new Int32Array(n);
  new RandomGenerator(seed).permutation(perm);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = 0.1 * perm[i]! - 0.05 * n;
  return new Tensor(data, shape);
}

/** Σ wᵢ yᵢ with fixed random weights of y's shape: a scalar whose gradient is w. */
export function weighted(y: Tensor, seed = 999): Tensor {
  return y.mul(normal(y.shape, seed)).sum();
}

/**
 * Runs checkGradients and fails with the mismatching elements when they
 * disagree, when no gradient is clearly non-zero (a vacuous check), or when
 * the inputs are not restored; returns the result for further checks.
 */
export function expectGradientsMatch(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  const before = inputs.map((x) => x.data.slice());
  const result = checkGradients(f, inputs, { step: 1e-2, rtol: 1e-2, atol: 1e-3, ...options });
  const detail = result.mismatches
    .slice(0, 8)
    .map((m) => `input ${m.input}[${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`)
    .join('\n');
  expect(result.ok, `worst ratio ${result.worstRatio}\n${detail}`).toBe(true);
  const largest = Math.max(...result.analytic.map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  expect(largest).toBeGreaterThan(1e-3);
  inputs.forEach((x, k) => expect(x.data).toEqual(before[k]));
  return result;
}
