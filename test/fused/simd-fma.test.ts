/**
 * The SIMD tier's gemm with relaxed SIMD's fused multiply-add
 * (src/tensor/kernels/simd/gemm-kernels.ts): what Chromium and Node 22+
 * run by default. Node 20 has it behind a V8 flag, which this file turns on
 * for its own process (vitest runs each test file in a process of its own),
 * so the other files keep testing the plain-SIMD module.
 *
 * With it: the module says so (to workers too), every gemm variant still
 * agrees with the reference within float32 rounding, and the CNN tutorial's
 * model trains on the fused executor with autograd's bits, on one thread or
 * two.
 */
import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as keras from '../../src/index.js';
import { gemmReference } from '../../src/tensor/kernels/matmul.js';
import { kernels } from '../../src/tensor/kernels/index.js';
import { SimdKernels, relaxedSimdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { RandomGenerator } from '../../src/tensor/random.js';
import { cnnTutorialModel, imageLikeData } from '../support/helpers.js';
import { trainUnderSeed } from '../support/seeded-training.js';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // Node 20; a no-op where relaxed SIMD is already on

afterEach(() => keras.config.setKernels('js'));

describe('the SIMD gemm with fused multiply-adds', () => {
  it('is what the tier builds where the engine has relaxed SIMD, and a worker attached to the module knows it', () => {
    expect(relaxedSimdSupported()).toBe(true);
    const tier = SimdKernels.create();
    expect(tier.fusedMultiplyAdd).toBe(true);
    expect(SimdKernels.attach(tier.module, tier.memory).fusedMultiplyAdd).toBe(true);
    expect(SimdKernels.create({ fusedMultiplyAdd: false }).fusedMultiplyAdd).toBe(false);
  });

  it('agrees with the reference product within float32 rounding, in all four variants and with a slice-wise long k', () => {
    const tier = SimdKernels.create();
    const dim = fc.oneof(fc.constantFrom(0, 1, 3, 4, 5, 8, 9, 17), fc.integer({ min: 0, max: 24 }));
    fc.assert(
      fc.property(dim, dim, fc.oneof(dim, fc.constantFrom(63, 64, 65, 150)), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (m, n, k, transposeA, transposeB, accumulate, seed) => {
        const g = new RandomGenerator(seed);
        const values = (count: number) => Float32Array.from({ length: count }, () => 2 * g.uniform() - 1);
        const [a, b, c] = [values(m * k), values(k * n), values(m * n)];
        const want = c.slice();
        gemmReference({ transposeA, transposeB, m, n, k, a, b, c: want, accumulate });
        const [A, B, C] = [a, b, c].map((v) => {
          const out = tier.allocate(v.length);
          out.set(v);
          return out;
        }) as [Float32Array, Float32Array, Float32Array];
        tier.gemm({ transposeA, transposeB, m, n, k, a: A, b: B, c: C, accumulate });
        for (let i = 0; i < want.length; i++) expect(Math.abs(C[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * (k + 2));
        tier.reset();
      }),
      { numRuns: 200 },
    );
  });

  it("trains the CNN tutorial's model on the fused executor with autograd's bits, on one thread and on two", async () => {
    const tutorial = () => cnnTutorialModel(18);
    const data = (): [keras.Tensor, keras.Tensor] => {
      const [x, y] = imageLikeData(40, 3, 18, 18, 10);
      return [x.reshape([40, 18, 18, 1]), y];
    };
    const run = (extra: { runEagerly?: boolean; threads?: number }) => trainUnderSeed({ make: tutorial, data, fromLogits: true, tier: 'simd', epochs: 2, ...extra });
    const eager = await run({ runEagerly: true });
    expect((kernels.memory as SimdKernels).fusedMultiplyAdd).toBe(true);
    for (const threads of [1, 2]) {
      const fused = await run({ threads });
      expect(fused.params).toMatchObject({ executor: 'fused', threads });
      expect(fused.weights).toEqual(eager.weights);
    }
    expect(eager.loss[1]!).toBeLessThan(eager.loss[0]!);
  }, 60_000);
});
