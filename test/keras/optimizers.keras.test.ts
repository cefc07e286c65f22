/**
 * Adam and SGD alone against real Keras 3: the same variables and the same
 * gradient at each step, the variables compared after 1, 10 and 60 steps,
 * on both kernel tiers. Keras runs each step compiled, as `fit` does
 * (python/optimizer_steps.py). Keras's two backends agree bit for bit here,
 * so tinykeras must be within 4 float32 ulps (relative L2). It is not bit
 * for bit: XLA fuses m + (g − m)·(1 − β₁) and v's update into fused
 * multiply-adds (one rounding instead of two), which JavaScript has no
 * instruction for, so an element here and there ends one ulp apart.
 */
import { afterAll, beforeAll, it } from 'vitest';
import * as keras from '../../src/index.js';
import { kernels } from '../../src/tensor/kernels/index.js';
import { runOptimizerSteps, stepInputs } from './optimizer-steps.js';
import { concat, describeKeras, DistanceLog, pack, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';

type OptimizerSpec =
  | { name: 'adam'; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }
  | { name: 'sgd'; learningRate?: number; momentum?: number; nesterov?: boolean };

interface Output { backend: string; results: Record<string, Packed[][]> }

const CASES: { name: string; optimizer: OptimizerSpec }[] = [
  { name: 'Adam()', optimizer: { name: 'adam' } },
  { name: 'Adam(lr 0.003, β₁ 0.8, β₂ 0.99, ε 1e-5)', optimizer: { name: 'adam', learningRate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-5 } },
  { name: 'SGD(lr 0.1)', optimizer: { name: 'sgd', learningRate: 0.1 } },
  { name: 'SGD(lr 0.01, momentum 0.9)', optimizer: { name: 'sgd', learningRate: 0.01, momentum: 0.9 } },
  { name: 'SGD(lr 0.01, momentum 0.9, Nesterov)', optimizer: { name: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true } },
  { name: 'SGD(lr 0.003, momentum 0.7, Nesterov)', optimizer: { name: 'sgd', learningRate: 0.003, momentum: 0.7, nesterov: true } },
];
const SIZES = [300, 21]; // a kernel-sized variable (vectors and a tail on the SIMD tier) and a bias-sized one
const STEPS = 60;
const CHECKED_STEPS = [1, 10, 60];

function makeOptimizer(spec: OptimizerSpec): keras.optimizers.Optimizer {
  const { name, ...options } = spec;
  return name === 'adam' ? new keras.optimizers.Adam(options) : new keras.optimizers.SGD(options);
}

// Small starting values, so that even the first step's move (0.001 for Adam) is a
// large part of θ, and an error in the step's size shows in θ (Adam's float64
// step size, 6.5e-6 too large, gives 6.4e-7 here at step 1: the floor is 4.8e-7).
const { variables0, gradients } = stepInputs(SIZES, STEPS, 21);

describeKeras('Adam and SGD against real Keras, step by step', () => {
  const log = new DistanceLog('optimizers.keras.test.ts');
  let keras3: BothBackends<Output>;
  beforeAll(async () => {
    keras3 = await runKerasOnBoth<Output>('optimizer_steps', {
      cases: CASES.map((c) => ({ ...c, variables: variables0.map((v) => pack(v)), gradients: gradients.map((gs) => gs.map((g) => pack(g))) })),
    });
  });
  afterAll(() => log.print());

  for (const tier of ['js', 'simd'] as const) {
    it(`gives Keras's variables after 1, 10 and 60 steps (${tier} tier)`, async () => {
      await keras.config.setKernels(tier);
      const simd = kernels.memory;
      const allocate = tier === 'simd' && simd ? (n: number) => simd.allocate(n) : (n: number) => new Float32Array(n);
      for (const c of CASES) {
        const ours = runOptimizerSteps(makeOptimizer(c.optimizer), variables0, gradients, allocate);
        for (const step of CHECKED_STEPS) {
          const at = (o: Output) => concat(o.results[c.name]![step - 1]!.map(unpack));
          const mine = concat(ours[step - 1]!);
          log.withinSpread(`${c.name}, step ${step} [${tier}]`, mine, { tensorflow: at(keras3.tensorflow), jax: at(keras3.jax) });
        }
      }
      await keras.config.setKernels('js');
    });
  }
});
