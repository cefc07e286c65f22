/**
 * The TensorFlow quickstart's model on the seed data: Flatten →
 * Dense(128, relu) → Dropout(0.2) → Dense(10) logits, adam,
 * SparseCategoricalCrossentropy({ fromLogits: true }), accuracy, batch 32.
 * Seconds per epoch (mean) and test accuracy. Where tinykeras has no
 * `layers.Dropout` yet, the job reports itself skipped and why.
 *
 *     npx tsx bench/jobs/quickstart.ts --epochs 1 --samples 10000 --kernels simd
 */
import * as keras from '../../src/index.js';
import { loadSeedData } from '../lib/seed-data.js';
import { emitResult, parseJobOptions, processStats, progress, type QuickstartJobResult } from '../lib/protocol.js';

const options = parseJobOptions(5);
keras.config.setKernels(options.kernels);
// Looked up by name, so that this job runs before and after layers.Dropout exists.
type AnyLayer = ConstructorParameters<typeof keras.Sequential>[0] extends readonly (infer L)[] | undefined ? L : never;
const Dropout = (keras.layers as Record<string, unknown>)['Dropout'] as (new (rate: number) => AnyLayer) | undefined;

let result: QuickstartJobResult;
if (Dropout === undefined) {
  result = { job: 'quickstart', skipped: 'tinykeras has no layers.Dropout yet', epochs: 0, secondsPerEpoch: Number.NaN, testAccuracy: Number.NaN, ...processStats() };
} else {
  const { x, y, xTest, yTest } = await loadSeedData(options.samples);
  keras.utils.setRandomSeed(1);
  const model = new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: 'relu' }),
    new Dropout(0.2),
    new keras.layers.Dense(10),
  ]);
  model.compile({ optimizer: 'adam', loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const started = performance.now();
  await model.fit(x, y, { epochs: options.epochs, batchSize: 32, verbose: 0 });
  const secondsPerEpoch = (performance.now() - started) / 1000 / options.epochs;
  const [, testAccuracy] = model.evaluate(xTest, yTest, { verbose: 0 }) as number[];
  progress(options, `${secondsPerEpoch.toFixed(2)} s/epoch, test accuracy ${testAccuracy}`);
  result = { job: 'quickstart', skipped: null, epochs: options.epochs, secondsPerEpoch, testAccuracy: testAccuracy!, ...processStats() };
}
emitResult(options, result);
