/**
 * The TensorFlow quickstart's model on the seed data: Flatten →
 * Dense(128, relu) → Dropout(0.2) → Dense(10) logits, adam,
 * SparseCategoricalCrossentropy({ fromLogits: true }), accuracy, batch 32.
 * Seconds per epoch (mean, timed per epoch as the seed job times them), the
 * executor that trained it, and test accuracy. The report sets it beside the
 * seed model on the same tier.
 *
 *     npx tsx bench/jobs/quickstart.ts --epochs 1 --samples 10000 --kernels simd
 */
import * as keras from '../../src/index.js';
import { loadSeedData } from '../lib/seed-data.js';
import { emitResult, parseJobOptions, processStats, progress, type QuickstartJobResult } from '../lib/protocol.js';

const options = parseJobOptions(5);
await keras.config.setKernels(options.kernels);
const { x, y, xTest, yTest } = await loadSeedData(options.samples);
keras.utils.setRandomSeed(1);
const model = new keras.Sequential([
  new keras.layers.Flatten({ inputShape: [28, 28] }),
  new keras.layers.Dense(128, { activation: 'relu' }),
  new keras.layers.Dropout(0.2),
  new keras.layers.Dense(10),
]);
model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });

const epochSeconds: number[] = [];
let epochStarted = 0;
const epochTimer: keras.callbacks.CallbackHooks = {
  onEpochBegin() {
    epochStarted = performance.now();
  },
  onEpochEnd(epoch) {
    epochSeconds.push((performance.now() - epochStarted) / 1000);
    progress(options, `epoch ${epoch + 1}/${options.epochs}: ${epochSeconds[epoch]!.toFixed(2)} s`);
  },
};
const fitArgs: keras.FitArgs = { epochs: options.epochs, batchSize: 32, verbose: 0, callbacks: [epochTimer] };
if (options.threads !== null) fitArgs.threads = options.threads;
const history = await model.fit(x, y, fitArgs);
const secondsPerEpoch = epochSeconds.reduce((s, v) => s + v, 0) / epochSeconds.length;
const [, testAccuracy] = model.evaluate(xTest, yTest, { verbose: 0 }) as number[];
const { executor, threads, reason } = history.params;
const ran = `${executor} on ${threads} thread(s)${reason ? ` (${reason})` : ''}`;
progress(options, `${secondsPerEpoch.toFixed(2)} s/epoch, ${ran}, test accuracy ${testAccuracy}`);
const result: QuickstartJobResult = {
  job: 'quickstart',
  kernels: keras.config.kernels(),
  epochs: options.epochs,
  secondsPerEpoch,
  executor: ran,
  testAccuracy: testAccuracy!,
  ...processStats(),
};
emitResult(options, result);
