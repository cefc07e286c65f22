/**
 * Mean and population variance of float32 data, in float32 exactly as NumPy
 * computes np.mean and np.var of a float32 array (what Keras's
 * Normalization.adapt runs on an array):
 *
 *     μ  = (Σ x) / n                    every sum and quotient rounded to float32
 *     σ² = (Σ (x − μ)²) / n
 *
 * NumPy sums a column of a [rows, features] array row after row, and a
 * whole contiguous array pairwise (blocks of 8 partial sums, halving above
 * 128 values: numpy/_core/src/umath/loops_utils.h.src); the rounding of
 * each sum depends on that order, so both orders are written out here.
 * Checked against NumPy in test/keras/normalization.keras.test.ts.
 */
const f32 = Math.fround;

/** Per column j of `values` seen as [rows, features]: μ_j and σ²_j, summing row after row. */
export function columnMeansAndVariances(values: Float32Array, features: number): { mean: Float32Array; variance: Float32Array } {
  const rows = values.length / features;
  const mean = new Float32Array(features);
  for (let i = 0; i < values.length; i++) mean[i % features] = f32(mean[i % features]! + values[i]!);
  for (let j = 0; j < features; j++) mean[j] = f32(mean[j]! / rows);
  const variance = new Float32Array(features);
  for (let i = 0; i < values.length; i++) {
    const d = f32(values[i]! - mean[i % features]!);
    variance[i % features] = f32(variance[i % features]! + f32(d * d));
  }
  for (let j = 0; j < features; j++) variance[j] = f32(variance[j]! / rows);
  return { mean, variance };
}

/** μ and σ² of all of `values`, summed pairwise as NumPy sums a contiguous array. */
export function flatMeanAndVariance(values: Float32Array): { mean: Float32Array; variance: Float32Array } {
  const n = values.length;
  const mu = f32(pairwiseSum(values, 0, n, (x) => x) / n);
  const variance = f32(pairwiseSum(values, 0, n, (x) => { const d = f32(x - mu); return f32(d * d); }) / n);
  return { mean: Float32Array.of(mu), variance: Float32Array.of(variance) };
}

/** NumPy's pairwise float32 sum of term(values[i]) for i in [start, start + n). */
function pairwiseSum(values: Float32Array, start: number, n: number, term: (x: number) => number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum = f32(sum + term(values[start + i]!));
    return sum;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0].map((_, j) => term(values[start + j]!));
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = f32(r[j]! + term(values[start + i + j]!));
    let sum = f32(f32(f32(r[0]! + r[1]!) + f32(r[2]! + r[3]!)) + f32(f32(r[4]! + r[5]!) + f32(r[6]! + r[7]!)));
    for (; i < n; i++) sum = f32(sum + term(values[start + i]!));
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return f32(pairwiseSum(values, start, half, term) + pairwiseSum(values, start + half, n - half, term));
}
