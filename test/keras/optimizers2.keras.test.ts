/**
 * RMSprop, Adagrad, AdamW and Nadam, the learning-rate schedules, and the
 * callbacks ReduceLROnPlateau and LearningRateScheduler against real Keras
 * 3 (python/optimizers2.py), within the oracle's tolerance rule
 * (docs/keras-oracle.md):
 *
 * - each optimizer alone, the same gradients fed for 60 steps: the
 *   variables after 1, 10 and 60 steps, on both kernel tiers (the new
 *   optimizers' loops are JavaScript on both; the arrays are the tier's);
 * - each schedule's learning rate at steps 0…59;
 * - `fit` of a small model with each optimizer (and with schedules) on both
 *   executors (autograd; fused on one and two threads) and both tiers: the
 *   loss history and the weights after 3 epochs;
 * - the two callbacks in fit: the 'learning_rate' history, exactly Keras's
 *   float32 values, and the epochs run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { kernels } from '../../src/tensor/kernels/index.js';
import { buildModel, packWeights, type LayerSpec } from './models.js';
import { runOptimizerSteps, stepInputs } from './optimizer-steps.js';
import { concat, describeKeras, DistanceLog, pack, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';

type ScheduleSpec = { kind: 'ExponentialDecay' | 'InverseTimeDecay' | 'PiecewiseConstantDecay' | 'CosineDecay' } & Record<string, unknown>;
interface OptimizerSpec { name: 'rmsprop' | 'adagrad' | 'adamw' | 'nadam' | 'adam' | 'sgd'; options?: Record<string, number | boolean>; schedule?: ScheduleSpec }
type CallbackSpec = { kind: 'ReduceLROnPlateau'; [key: string]: unknown } | { kind: 'LearningRateScheduler'; rule: 'keras-doc' | 'step' };

interface Output {
  backend: string;
  steps: Record<string, Packed[][]>;
  schedules: Record<string, Packed>;
  fits: Record<string, { history: Record<string, number[]>; epochs: number[]; weights: Packed[] }>;
}

const SCHEDULES: { name: string; schedule: ScheduleSpec }[] = [
  { name: 'ExponentialDecay(0.1, 7, 0.9)', schedule: { kind: 'ExponentialDecay', initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9 } },
  { name: 'ExponentialDecay(0.01, 10, 0.5, staircase)', schedule: { kind: 'ExponentialDecay', initialLearningRate: 0.01, decaySteps: 10, decayRate: 0.5, staircase: true } },
  { name: 'InverseTimeDecay(0.1, 5, 0.7)', schedule: { kind: 'InverseTimeDecay', initialLearningRate: 0.1, decaySteps: 5, decayRate: 0.7 } },
  { name: 'InverseTimeDecay(0.001, 4, 1, staircase)', schedule: { kind: 'InverseTimeDecay', initialLearningRate: 0.001, decaySteps: 4, decayRate: 1, staircase: true } },
  { name: 'PiecewiseConstantDecay([10, 25], [0.1, 0.03, 0.007])', schedule: { kind: 'PiecewiseConstantDecay', boundaries: [10, 25], values: [0.1, 0.03, 0.007] } },
  { name: 'CosineDecay(0.1, 40)', schedule: { kind: 'CosineDecay', initialLearningRate: 0.1, decaySteps: 40 } },
  { name: 'CosineDecay(0.05, 30, α 0.2)', schedule: { kind: 'CosineDecay', initialLearningRate: 0.05, decaySteps: 30, alpha: 0.2 } },
  { name: 'CosineDecay(0, 30, warmup to 0.1 over 10, α 0.1)', schedule: { kind: 'CosineDecay', initialLearningRate: 0, decaySteps: 30, alpha: 0.1, warmupTarget: 0.1, warmupSteps: 10 } },
];
const SCHEDULE_STEPS = 60;

const STEP_CASES: { name: string; optimizer: OptimizerSpec }[] = [
  { name: 'RMSprop()', optimizer: { name: 'rmsprop' } },
  { name: 'RMSprop(lr 0.01, ρ 0.8, momentum 0.5, centered)', optimizer: { name: 'rmsprop', options: { learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true } } },
  { name: 'Adagrad()', optimizer: { name: 'adagrad' } },
  { name: 'Adagrad(lr 0.05, accumulator 0.5, ε 1e-5)', optimizer: { name: 'adagrad', options: { learningRate: 0.05, initialAccumulatorValue: 0.5, epsilon: 1e-5 } } },
  { name: 'AdamW()', optimizer: { name: 'adamw' } },
  { name: 'AdamW(lr 0.01, wd 0.1, β₁ 0.8)', optimizer: { name: 'adamw', options: { learningRate: 0.01, weightDecay: 0.1, beta1: 0.8 } } },
  { name: 'Nadam()', optimizer: { name: 'nadam' } },
  { name: 'Nadam(lr 0.003, β₁ 0.85, β₂ 0.99, ε 1e-5)', optimizer: { name: 'nadam', options: { learningRate: 0.003, beta1: 0.85, beta2: 0.99, epsilon: 1e-5 } } },
  { name: 'RMSprop(wd 0.05)', optimizer: { name: 'rmsprop', options: { weightDecay: 0.05 } } },
  { name: 'Adam on ExponentialDecay', optimizer: { name: 'adam', schedule: SCHEDULES[0]!.schedule } },
  { name: 'SGD(momentum 0.9) on PiecewiseConstantDecay', optimizer: { name: 'sgd', options: { momentum: 0.9 }, schedule: SCHEDULES[4]!.schedule } },
  { name: 'Nadam on CosineDecay with warmup', optimizer: { name: 'nadam', schedule: SCHEDULES[7]!.schedule } },
  { name: 'AdamW on InverseTimeDecay', optimizer: { name: 'adamw', schedule: SCHEDULES[2]!.schedule } },
];
const SIZES = [300, 21];
const STEPS = 60;
const CHECKED_STEPS = [1, 10, 60];

function makeSchedule(spec: ScheduleSpec): keras.optimizers.schedules.LearningRateSchedule {
  const { kind, ...options } = spec;
  return new keras.optimizers.schedules[kind](options as never);
}

function makeOptimizer(spec: OptimizerSpec): keras.optimizers.Optimizer {
  const options = { ...spec.options, ...(spec.schedule ? { learningRate: makeSchedule(spec.schedule) } : {}) };
  const classes = { rmsprop: keras.optimizers.RMSprop, adagrad: keras.optimizers.Adagrad, adamw: keras.optimizers.AdamW, nadam: keras.optimizers.Nadam, adam: keras.optimizers.Adam, sgd: keras.optimizers.SGD };
  return new classes[spec.name](options as never);
}

const { variables0, gradients } = stepInputs(SIZES, STEPS, 22);

// A small classifier, trained by fit without shuffling: 96 samples of 10 features, batch 16 (6 steps an epoch), 3 epochs.
const LAYERS: LayerSpec[] = [{ kind: 'Dense', units: 12, activation: 'relu' }, { kind: 'Dense', units: 4 }];
const random = new keras.random.RandomGenerator(5);
const FIT_X = Float32Array.from({ length: 96 * 10 }, () => random.normal());
const FIT_Y = Float32Array.from({ length: 96 }, (_, i) => (FIT_X[i * 10]! > 0 ? 1 : 0) + (FIT_X[i * 10 + 1]! > 0 ? 2 : 0));
keras.utils.clearSession();
keras.setRandomSeed(9);
const WEIGHTS = packWeights(buildModel([10], LAYERS));

interface FitJob { name: string; optimizer: OptimizerSpec; epochs: number; callbacks?: CallbackSpec[] }
const FITS: FitJob[] = [
  { name: 'fit RMSprop', optimizer: { name: 'rmsprop', options: { learningRate: 0.01 } }, epochs: 3 },
  { name: 'fit Adagrad', optimizer: { name: 'adagrad', options: { learningRate: 0.1 } }, epochs: 3 },
  { name: 'fit AdamW', optimizer: { name: 'adamw', options: { learningRate: 0.01 } }, epochs: 3 },
  { name: 'fit Nadam', optimizer: { name: 'nadam', options: { learningRate: 0.01 } }, epochs: 3 },
  { name: 'fit Adam on CosineDecay with warmup', optimizer: { name: 'adam', schedule: { kind: 'CosineDecay', initialLearningRate: 0, decaySteps: 12, warmupTarget: 0.02, warmupSteps: 6 } }, epochs: 3 },
  { name: 'fit SGD on InverseTimeDecay', optimizer: { name: 'sgd', options: { momentum: 0.9 }, schedule: { kind: 'InverseTimeDecay', initialLearningRate: 0.1, decaySteps: 6, decayRate: 1 } }, epochs: 3 },
];
const CALLBACK_FITS: FitJob[] = [
  { name: 'ReduceLROnPlateau', optimizer: { name: 'sgd', options: { learningRate: 0.3 } }, epochs: 8, callbacks: [{ kind: 'ReduceLROnPlateau', monitor: 'loss', factor: 0.5, patience: 1, minDelta: 0.5, cooldown: 1, minLr: 0.02 }] },
  { name: 'LearningRateScheduler (Keras docstring rule)', optimizer: { name: 'adam', options: { learningRate: 0.01 } }, epochs: 5, callbacks: [{ kind: 'LearningRateScheduler', rule: 'keras-doc' }] },
  { name: 'LearningRateScheduler (0.01 / (1 + epoch))', optimizer: { name: 'rmsprop' }, epochs: 4, callbacks: [{ kind: 'LearningRateScheduler', rule: 'step' }] },
];
const RULES = {
  'keras-doc': (epoch: number, lr: number) => (epoch < 2 ? lr : lr * Math.exp(-0.1)),
  step: (epoch: number) => 0.01 / (1 + epoch),
};

function makeCallback(spec: CallbackSpec): keras.callbacks.Callback {
  if (spec.kind === 'LearningRateScheduler') return new keras.callbacks.LearningRateScheduler(RULES[spec.rule]);
  const { kind: _, ...options } = spec;
  return new keras.callbacks.ReduceLROnPlateau(options as never);
}

type Executor = 'autograd' | 1 | 2;

async function runFit(job: FitJob, executor: Executor) {
  keras.utils.clearSession();
  const model = buildModel([10], LAYERS);
  model.setWeights(WEIGHTS.map((w) => new keras.Tensor(unpack(w), w.shape)));
  model.compile({
    optimizer: makeOptimizer(job.optimizer),
    loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
    ...(executor === 'autograd' ? { runEagerly: true } : { jitCompile: true }),
  });
  const history = await model.fit(new keras.Tensor(FIT_X, [96, 10]), new keras.Tensor(FIT_Y, [96]), {
    epochs: job.epochs, batchSize: 16, shuffle: false, verbose: 0, threads: executor === 'autograd' ? 1 : executor,
    callbacks: (job.callbacks ?? []).map(makeCallback),
  });
  expect(history.params.executor).toBe(executor === 'autograd' ? 'autograd' : 'fused');
  return { history: history.history, epochs: history.epoch, weights: concat(model.getWeights().map((w) => w.data)) };
}

describeKeras('RMSprop, Adagrad, AdamW, Nadam, schedules and the learning-rate callbacks against real Keras', () => {
  const log = new DistanceLog('optimizers2.keras.test.ts');
  let keras3: BothBackends<Output>;
  beforeAll(async () => {
    keras3 = await runKerasOnBoth<Output>('optimizers2', {
      steps: STEP_CASES.map((c) => ({ ...c, variables: variables0.map((v) => pack(v)), gradients: gradients.map((gs) => gs.map((g) => pack(g))) })),
      schedules: SCHEDULES.map((s) => ({ ...s, steps: SCHEDULE_STEPS })),
      fits: [...FITS, ...CALLBACK_FITS].map((j) => ({ ...j, inputShape: [10], layers: LAYERS, weights: WEIGHTS, x: pack(FIT_X, [96, 10]), y: pack(FIT_Y, [96]), batchSize: 16 })),
    });
  }, 300_000);
  afterAll(async () => {
    log.print();
    await keras.config.setKernels('js');
  });

  it("gives Keras's learning rate at every step of each schedule", () => {
    for (const s of SCHEDULES) {
      const schedule = makeSchedule(s.schedule);
      const ours = Float32Array.from({ length: SCHEDULE_STEPS }, (_, k) => schedule.valueAt(k));
      log.withinSpread(s.name, ours, { tensorflow: unpack(keras3.tensorflow.schedules[s.name]!), jax: unpack(keras3.jax.schedules[s.name]!) });
    }
  });

  for (const tier of ['js', 'simd'] as const) {
    it(`gives Keras's variables after 1, 10 and 60 steps (${tier} tier)`, async () => {
      await keras.config.setKernels(tier);
      const simd = kernels.memory;
      const allocate = tier === 'simd' && simd ? (n: number) => simd.allocate(n) : (n: number) => new Float32Array(n);
      for (const c of STEP_CASES) {
        const ours = runOptimizerSteps(makeOptimizer(c.optimizer), variables0, gradients, allocate);
        for (const step of CHECKED_STEPS) {
          const at = (o: Output) => concat(o.steps[c.name]![step - 1]!.map(unpack));
          log.withinSpread(`${c.name}, step ${step} [${tier}]`, concat(ours[step - 1]!), { tensorflow: at(keras3.tensorflow), jax: at(keras3.jax) });
        }
      }
      await keras.config.setKernels('js');
    });
  }

  for (const tier of ['js', 'simd'] as const) {
    it(`fits like Keras with each optimizer and schedule: loss history and weights, on both executors (${tier} tier)`, async () => {
      await keras.config.setKernels(tier);
      for (const job of FITS) {
        const [tf, jax] = [keras3.tensorflow.fits[job.name]!, keras3.jax.fits[job.name]!];
        for (const executor of ['autograd', 1, 2] as const) {
          const ours = await runFit(job, executor);
          const what = `${job.name} [${tier}, ${executor === 'autograd' ? 'autograd' : `fused ×${executor}`}]`;
          log.withinSpread(`${what}: weights`, ours.weights, { tensorflow: concat(tf.weights.map(unpack)), jax: concat(jax.weights.map(unpack)) });
          log.withinSpread(`${what}: loss`, ours.history.loss!, { tensorflow: tf.history.loss!, jax: jax.history.loss! });
        }
      }
      await keras.config.setKernels('js');
    });
  }

  it("logs Keras's learning_rate history and epochs with ReduceLROnPlateau and LearningRateScheduler, on both executors", async () => {
    for (const job of CALLBACK_FITS) {
      const [tf, jax] = [keras3.tensorflow.fits[job.name]!, keras3.jax.fits[job.name]!];
      expect(Object.keys(tf.history).sort(), job.name).toEqual(['learning_rate', 'loss']);
      expect(jax.history.learning_rate, job.name).toEqual(tf.history.learning_rate);
      // Each case changes the rate at least once, so the history says when and by how much.
      expect(new Set(tf.history.learning_rate).size, job.name).toBeGreaterThan(1);
      for (const executor of ['autograd', 1] as const) {
        const ours = await runFit(job, executor);
        expect(Object.keys(ours.history).sort(), job.name).toEqual(['learning_rate', 'loss']);
        expect(ours.epochs, job.name).toEqual(tf.epochs);
        // Keras's float32 learning rate read as a Python float: exactly the same numbers.
        expect(ours.history.learning_rate, `${job.name} [${executor}]`).toEqual(tf.history.learning_rate);
        log.withinSpread(`${job.name} [${executor}]: weights`, ours.weights, { tensorflow: concat(tf.weights.map(unpack)), jax: concat(jax.weights.map(unpack)) });
      }
    }
  });
});
