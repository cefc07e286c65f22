/**
 * The seed job on tinykeras: Flatten → Dense(128, relu) → Dense(10, softmax),
 * adam, sparse_categorical_crossentropy, accuracy, trained at batch 32 with
 * `verbose: 0` on the first `--samples` Fashion-MNIST training images
 * (pixels / 255), seeded with `keras.utils.setRandomSeed(1)`.
 *
 * Measured:
 * - seconds per epoch: each epoch timed from onEpochBegin to onEpochEnd by a
 *   callback; the mean (the first, JIT-warming epoch included) and the best;
 * - ms per step: the mean epoch over its steps (⌈samples / 32⌉);
 * - test loss and accuracy: `model.evaluate(xTest, yTest, { verbose: 0 })`,
 *   timed as predict is (best of 3);
 * - predict: `model.predict(xTest, { verbose: 0 })` on the 10,000 test
 *   images, best of 3;
 * - cores used while training: fit's CPU time (all threads) ÷ its wall time;
 * - peak resident memory of the whole process (data set included) and its
 *   CPU time.
 *
 * `--model cnn` trains TensorFlow's CNN tutorial model instead (bench/lib/models.ts) on
 * [n, 28, 28, 1] images, as the job `cnn-tinykeras-<tier>`. fit chooses the
 * executor itself; the result says which (history.params).
 *
 * `--threads N` is passed to fit as `threads: N` (by default fit uses every
 * core). `--kernels simd` selects the WebAssembly SIMD tier
 * (keras.config.setKernels) before the model is built. `--scaling` then
 * times one more epoch with `threads: 1` and one with `threads: 2`.
 *
 *     npx tsx bench/jobs/tinykeras.ts --epochs 1 --samples 10000 --kernels simd --scaling
 *     npx tsx bench/jobs/tinykeras.ts --model cnn --epochs 1 --samples 10000
 */
import * as keras from '../../src/index.js';
import { kernels } from '../../src/tensor/kernels/index.js';
import type { SimdKernels } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { loadSeedData } from '../lib/seed-data.js';
import { compiledModel } from '../lib/models.js';
import { emitResult, jobName, parseJobOptions, processStats, progress, type TinykerasJobResult } from '../lib/protocol.js';

const SEED = 1;
const BATCH_SIZE = 32;
const PREDICT_REPEATS = 3;

const options = parseJobOptions(5);
await keras.config.setKernels(options.kernels);
const { x, y, xTest, yTest } = await loadSeedData(options.samples, options.model === 'cnn', options.testSamples);

keras.utils.setRandomSeed(SEED);
const model = compiledModel(options.model);

const epochSeconds: number[] = [];
let epochStarted = 0;
const epochTimer: keras.callbacks.CallbackHooks = {
  onEpochBegin() {
    epochStarted = performance.now();
  },
  onEpochEnd(epoch, logs) {
    const seconds = (performance.now() - epochStarted) / 1000;
    epochSeconds.push(seconds);
    progress(options, `epoch ${epoch + 1}/${options.epochs}: ${seconds.toFixed(2)} s, loss ${logs['loss']?.toFixed(4)}, accuracy ${logs['accuracy']?.toFixed(4)}`);
  },
};

const fitArgs: keras.FitArgs = { epochs: options.epochs, batchSize: BATCH_SIZE, verbose: 0, callbacks: [epochTimer] };
if (options.threads !== null) fitArgs.threads = options.threads;
const cpuBefore = process.cpuUsage();
const fitStarted = performance.now();
const { params } = await model.fit(x, y, fitArgs);
const fusedMultiplyAdd = (kernels.memory as SimdKernels | null)?.fusedMultiplyAdd === true;
const executor = `${params.executor}, ${params.threads} thread${params.threads === 1 ? '' : 's'}${params.reason ? ` (${params.reason})` : ''}${fusedMultiplyAdd ? ', SIMD gemm with fused multiply-add' : ''}`;
progress(options, `trained by: ${executor}`);
const fitCpu = process.cpuUsage(cpuBefore);
const coresUsed = (fitCpu.user + fitCpu.system) / 1000 / (performance.now() - fitStarted);

let started = 0;
const evaluateTimes: number[] = [];
let evaluated: number[] = [];
for (let i = 0; i < PREDICT_REPEATS; i++) {
  started = performance.now();
  evaluated = model.evaluate(xTest, yTest, { verbose: 0 }) as number[];
  evaluateTimes.push((performance.now() - started) / 1000);
}
const [testLoss, testAccuracy] = evaluated;
const evaluateSeconds = Math.min(...evaluateTimes);

const predictTimes: number[] = [];
for (let i = 0; i < PREDICT_REPEATS; i++) {
  started = performance.now();
  model.predict(xTest, { verbose: 0 });
  predictTimes.push((performance.now() - started) / 1000);
}

const scaling: { threads: number; secondsPerEpoch: number }[] = [];
if (options.scaling) {
  for (const threads of [1, 2]) {
    started = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: BATCH_SIZE, verbose: 0, threads });
    const secondsPerEpoch = (performance.now() - started) / 1000;
    scaling.push({ threads, secondsPerEpoch });
    progress(options, `one more epoch on ${threads} thread(s): ${secondsPerEpoch.toFixed(2)} s`);
  }
}

const samples = x.shape[0]!;
const stepsPerEpoch = Math.ceil(samples / BATCH_SIZE);
const secondsPerEpoch = epochSeconds.reduce((s, v) => s + v, 0) / epochSeconds.length;
const result: TinykerasJobResult = {
  job: jobName(options.model, `tinykeras-${options.kernels}` as const),
  executor,
  kernels: keras.config.kernels(),
  seed: SEED,
  epochs: options.epochs,
  samples,
  batchSize: BATCH_SIZE,
  stepsPerEpoch,
  secondsPerEpoch,
  bestSecondsPerEpoch: Math.min(...epochSeconds),
  epochSeconds,
  msPerStep: (secondsPerEpoch * 1000) / stepsPerEpoch,
  testLoss: testLoss!,
  testAccuracy: testAccuracy!,
  predictSeconds: Math.min(...predictTimes),
  predictTiming: `best of ${PREDICT_REPEATS}`,
  coresUsed,
  evaluateSeconds,
  threadsRequested: options.threads,
  scaling: options.scaling ? scaling : null,
  ...processStats(),
};
emitResult(options, result);
