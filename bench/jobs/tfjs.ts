/**
 * The seed job on TensorFlow.js, backend `cpu` or `wasm`
 * (`--backend cpu|wasm`), through bench/peers/tfjs-seed-job.ts: the same
 * model, optimizer, loss, batch size and data (bench/lib/seed-data.ts) as
 * bench/jobs/tinykeras.ts, plus the process's peak resident memory.
 *
 * What differs from our job's measurement, because runTfjsSeedJob times it so:
 * seconds per epoch is the whole fit divided by the epochs (no per-epoch
 * times, no best epoch), and predict is timed once (after evaluate has run
 * the same kernels, so it is warm).
 *
 *     npx tsx bench/jobs/tfjs.ts --backend wasm --epochs 1 --samples 10000
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { runTfjsSeedJob, type TfjsBackend } from '../peers/tfjs-seed-job.js';
import { loadSeedData } from '../lib/seed-data.js';
import { emitResult, positiveInteger, processStats, progress, type TfjsJobResult } from '../lib/protocol.js';

const SEED = 1;

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
    epochs: { type: 'string' },
    samples: { type: 'string' },
  },
  strict: true,
});
const backend = values.backend;
if (backend !== 'cpu' && backend !== 'wasm') throw new Error(`--backend must be cpu or wasm. Received: ${String(backend)}`);
const options = {
  json: values.json ?? false,
  epochs: positiveInteger('--epochs', values.epochs) ?? 1,
  samples: positiveInteger('--samples', values.samples) ?? 60_000,
};

const data = await loadSeedData(options.samples);
progress(options, `training ${options.epochs} epoch(s) on ${options.samples} samples`);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const figures = await runTfjsSeedJob(
  backend satisfies TfjsBackend,
  { x: standalone(data.x.data), y: standalone(data.y.data), xTest: standalone(data.xTest.data), yTest: standalone(data.yTest.data) },
  { epochs: options.epochs, seed: SEED },
);

const cpu = process.cpuUsage(cpuBefore);
const coresUsed = (cpu.user + cpu.system) / 1000 / (performance.now() - started);

const stepsPerEpoch = Math.ceil(options.samples / 32);
const result: TfjsJobResult = {
  job: `tfjs-${backend}`,
  tfjsVersion: (createRequire(import.meta.url)('@tensorflow/tfjs/package.json') as { version: string }).version,
  epochs: options.epochs,
  samples: options.samples,
  batchSize: 32,
  stepsPerEpoch,
  secondsPerEpoch: figures.secondsPerEpoch,
  bestSecondsPerEpoch: null,
  epochSeconds: [],
  msPerStep: figures.msPerStep,
  testLoss: figures.testLoss,
  testAccuracy: figures.testAccuracy,
  predictSeconds: figures.predictSeconds,
  predictTiming: 'once, after evaluate',
  coresUsed,
  ...processStats(),
};
emitResult(options, result);

/**
 * The array itself when it is a plain ArrayBuffer of its own, else a copy:
 * TF.js gets no views into larger or shared buffers (the training labels are
 * a view when --samples cuts the set), and the big arrays are not duplicated.
 */
function standalone(values: Float32Array): Float32Array {
  const own = values.buffer instanceof ArrayBuffer && values.byteOffset === 0 && values.byteLength === values.buffer.byteLength;
  return own ? values : values.slice();
}
