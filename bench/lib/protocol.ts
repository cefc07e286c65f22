/**
 * What `npm run bench` (bench/index.ts) and its job processes
 * (bench/jobs/*.ts) say to each other, and the helpers the jobs share.
 *
 * Each job runs in a child process of its own, so that its peak resident
 * memory and its JIT state are its own:
 *
 *     node --import <tsx loader> bench/jobs/<job>.ts --json [--epochs N] [--samples N] ...
 *
 * With `--json` a job prints its result as one line on stdout, prefixed by
 * RESULT_PREFIX (libraries such as TF.js may print their own lines too), and
 * its progress as PROGRESS_PREFIX lines on stderr, which the parent echoes.
 * Without `--json` it prints the same result as indented JSON, so that each
 * job can also be run alone: `npx tsx bench/jobs/tinykeras.ts --epochs 1`.
 */
import { parseArgs } from 'node:util';

/** Marks the one stdout line that holds a job's JSON result. */
export const RESULT_PREFIX = '@bench-result ';
/** Marks the stderr lines that report a job's progress. */
export const PROGRESS_PREFIX = '@bench-progress ';

/** What every job reports about its own process. */
export interface ProcessStats {
  /** Peak resident set size of the whole job process, in kibibytes (`process.resourceUsage().maxRSS`). */
  maxRssKiB: number;
  /** The same in megabytes (10⁶ bytes). */
  peakRssMB: number;
  /** User + system CPU time of the job process (all its threads), in seconds. */
  cpuSeconds: number;
  /** Wall-clock time since the process started, in seconds. */
  wallSeconds: number;
}

/** Which kernel tier ran: the plain TypeScript loops or the WebAssembly SIMD ones. */
export type KernelTier = 'js' | 'simd';

/** One matrix-multiply shape timed by the kernels job, on one tier. */
export interface KernelResult {
  name: string;
  tier: KernelTier;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  /** Fraction of exact zeros in A (real images and ReLU outputs have many). */
  aZeroFraction: number;
  /** 2·M·N·K / median seconds per call / 10⁹. */
  gflops: number;
  /** Median time of one call, in microseconds. */
  microsecondsPerCall: number;
}

/** One element-wise kernel (bias+relu, softmax crossentropy, Adam, …) timed on one tier. */
export interface ElementwiseKernelResult {
  name: string;
  tier: KernelTier;
  /** Elements one call works on (Adam: 101,770 parameters). */
  elements: number;
  /** Median elements per second. */
  elementsPerSecond: number;
  /** Median time of one call, in microseconds. */
  microsecondsPerCall: number;
}

/** One pass of one of the CNN's conv layers at batch 32, on one tier: im2col + gemm, or gemm + col2im. */
export interface ConvKernelResult {
  /** 'conv2d', 'conv2d_1', 'conv2d_2'. */
  layer: string;
  /** forward: im2col + patches·kernel; input gradient: dY·kernelᵀ + col2im; kernel gradient: patchesᵀ·dY. */
  pass: 'forward' | 'input gradient' | 'kernel gradient';
  /** im2col and the one product, or Winograd's F(4×4, 3×3) (its GFLOP/s then effective: the same 2·M·K·F flops). */
  road: 'im2col' | 'winograd';
  tier: KernelTier;
  /** The gemm's sizes: M output positions (batch·OH·OW), K values per patch (KH·KW·C), F filters. */
  M: number;
  K: number;
  F: number;
  /** 2·M·K·F / median seconds per call / 10⁹. */
  gflops: number;
  microsecondsPerCall: number;
}

/** The CNN tutorial's conv kernels on both tiers (bench/jobs/conv-kernels.ts). */
export interface ConvKernelsJobResult extends ProcessStats {
  job: 'cnn-kernels';
  simdAvailable: boolean;
  /** Whether the SIMD gemm used relaxed SIMD's fused multiply-add. */
  fusedMultiplyAdd: boolean;
  /** Each tier's arithmetic peak on one thread, measured in the same run (bench/lib/peak.ts). */
  peakGflops: { js: number; simd: number | null };
  conv: ConvKernelResult[];
}

export interface KernelsJobResult extends ProcessStats {
  job: 'kernels';
  /** False where WebAssembly SIMD is unavailable: then only the JS tier was timed. */
  simdAvailable: boolean;
  gemm: KernelResult[];
  elementwise: ElementwiseKernelResult[];
}

/** The seed job's figures, the same for tinykeras and for the TF.js backends. */
export interface SeedJobFigures {
  epochs: number;
  samples: number;
  batchSize: number;
  stepsPerEpoch: number;
  /** Mean seconds per epoch (including the first, JIT-warming one). */
  secondsPerEpoch: number;
  /** Fastest epoch; null where only the total training time is known (TF.js). */
  bestSecondsPerEpoch: number | null;
  /** Every epoch's seconds; empty where only the total is known. */
  epochSeconds: number[];
  /** Mean milliseconds per training step (secondsPerEpoch / stepsPerEpoch). */
  msPerStep: number;
  testLoss: number;
  testAccuracy: number;
  /** Seconds to predict the 10,000 test images. */
  predictSeconds: number;
  /** How predictSeconds was measured. */
  predictTiming: string;
  /**
   * Average cores busy in the job's process while it trained: CPU time
   * (all threads) ÷ wall time, over fit for tinykeras and over the whole
   * fit + evaluate + predict call for TF.js.
   */
  coresUsed: number;
}

export interface TinykerasJobResult extends SeedJobFigures, ProcessStats {
  job: 'tinykeras-js' | 'tinykeras-simd' | 'cnn-tinykeras-js' | 'cnn-tinykeras-simd';
  /** Which executor fit chose, on how many threads, and why (history.params): "fused, 2 threads". */
  executor: string;
  /** The kernel tier that ran (keras.config.kernels() after setKernels). */
  kernels: KernelTier;
  seed: number;
  /** The `threads` asked for with --threads, or null. */
  threadsRequested: number | null;
  evaluateSeconds: number;
  /** With --scaling: one more epoch timed on 1 thread and on 2 (fit's `threads`), else null. */
  scaling: { threads: number; secondsPerEpoch: number }[] | null;
}

/**
 * The seed program itself, `examples/fashion-mnist.ts` (5 epochs, evaluate,
 * predict, save), run inside the job process: its peak memory is the whole
 * program's, and its startup the time to its first epoch.
 */
export interface ProgramJobResult extends ProcessStats {
  job: 'program-js' | 'program-simd';
  kernels: KernelTier;
  epochs: number;
  /** From process start (node and tsx included) to the first epoch's start, in ms, as the example prints it. */
  startupMs: number;
  testAccuracy: number;
}

/**
 * The Keras quickstart model (Flatten, Dense 128 relu, Dropout 0.2, Dense 10
 * logits; adam, crossentropy from logits) on the seed data.
 */
export interface QuickstartJobResult extends ProcessStats {
  job: 'quickstart';
  /** The kernel tier that ran. */
  kernels: KernelTier;
  epochs: number;
  secondsPerEpoch: number;
  /** Which executor trained it, on how many threads, and why not the fused one when it was not. */
  executor: string;
  testAccuracy: number;
}

export interface TfjsJobResult extends SeedJobFigures, ProcessStats {
  job: 'tfjs-cpu' | 'tfjs-wasm';
  /** The TF.js version that ran. */
  tfjsVersion: string;
}

/** The seed job on PyTorch's CPU backend with 1 or 2 threads (bench/peers/pytorch-seed-job.py). */
export interface PytorchJobResult extends SeedJobFigures, ProcessStats {
  job: 'pytorch-1' | 'pytorch-2' | 'cnn-pytorch-1' | 'cnn-pytorch-2';
  torchVersion: string;
  threads: number;
  evaluateSeconds: number;
}

/** The seed job on real Keras 3 with its TensorFlow or JAX backend (bench/peers/keras-seed-job.py). */
export interface KerasJobResult extends SeedJobFigures, ProcessStats {
  job: 'keras-tensorflow' | 'keras-jax' | 'cnn-keras-tensorflow' | 'cnn-keras-jax';
  kerasVersion: string;
  backend: 'tensorflow' | 'jax';
  /** TensorFlow's or JAX's version. */
  backendVersion: string;
  /** Seconds of the untimed first step that compiles the training function. */
  compileSeconds: number;
  evaluateSeconds: number;
}

export type JobResult =
  | KernelsJobResult | TinykerasJobResult | TfjsJobResult | PytorchJobResult | KerasJobResult | ProgramJobResult | QuickstartJobResult | ConvKernelsJobResult;
export type JobName = JobResult['job'];
export const JOB_NAMES: readonly JobName[] = [
  'kernels', 'tinykeras-js', 'tinykeras-simd', 'pytorch-1', 'pytorch-2', 'keras-tensorflow', 'keras-jax', 'tfjs-wasm', 'tfjs-cpu', 'program-js', 'program-simd', 'quickstart',
  'cnn-kernels', 'cnn-tinykeras-js', 'cnn-tinykeras-simd', 'cnn-pytorch-1', 'cnn-pytorch-2', 'cnn-keras-tensorflow', 'cnn-keras-jax',
];

/** Which model a training job runs: the seed model (784-128-10) or TensorFlow's CNN tutorial model. */
export type BenchModel = 'seed' | 'cnn';

/** The options a job process accepts (each job uses the ones it needs). */
export interface JobOptions {
  /** Print one RESULT_PREFIX line instead of indented JSON. */
  json: boolean;
  epochs: number;
  samples: number;
  threads: number | null;
  /** --kernels js|simd: the kernel tier (tinykeras jobs). */
  kernels: KernelTier;
  /** --scaling: also time an epoch on 1 thread and on 2. */
  scaling: boolean;
  /** --model seed|cnn: which model to train (job names of the CNN start with 'cnn-'). */
  model: BenchModel;
  /** --test-samples N: the first N test images for evaluate and predict (default all 10,000; fewer for smoke runs). */
  testSamples: number;
}

/** Parses a job's command line; `defaultEpochs` differs between ours (5) and the peers (1). */
export function parseJobOptions(defaultEpochs: number): JobOptions {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      samples: { type: 'string' },
      threads: { type: 'string' },
      kernels: { type: 'string', default: 'js' },
      scaling: { type: 'boolean', default: false },
      model: { type: 'string', default: 'seed' },
      'test-samples': { type: 'string' },
    },
    strict: true,
  });
  if (values.kernels !== 'js' && values.kernels !== 'simd') throw new Error(`--kernels takes js or simd. Received: ${values.kernels}`);
  if (values.model !== 'seed' && values.model !== 'cnn') throw new Error(`--model takes seed or cnn. Received: ${values.model}`);
  return {
    model: values.model,
    testSamples: positiveInteger('--test-samples', values['test-samples']) ?? 10_000,
    json: values.json ?? false,
    kernels: values.kernels,
    scaling: values.scaling ?? false,
    epochs: positiveInteger('--epochs', values.epochs) ?? defaultEpochs,
    samples: positiveInteger('--samples', values.samples) ?? 60_000,
    threads: positiveInteger('--threads', values.threads) ?? null,
  };
}

/** `undefined` stays undefined; anything else must be a whole number ≥ 1. */
export function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 1)) throw new Error(`${flag} takes a whole number ≥ 1. Received: ${text}`);
  return value;
}

/** This process's peak memory and CPU time so far. */
export function processStats(): ProcessStats {
  const usage = process.resourceUsage();
  return {
    maxRssKiB: usage.maxRSS,
    peakRssMB: (usage.maxRSS * 1024) / 1e6,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    wallSeconds: process.uptime(),
  };
}

/** Reports progress: to the parent when run with --json, else straight to the terminal. */
export function progress(options: Pick<JobOptions, 'json'>, message: string): void {
  process.stderr.write(options.json ? `${PROGRESS_PREFIX}${message}\n` : `${message}\n`);
}

/** Prints a job's result in the form the options ask for. */
export function emitResult(options: Pick<JobOptions, 'json'>, result: JobResult): void {
  if (options.json) process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  else console.log(JSON.stringify(result, null, 2));
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A job's name in the report: 'keras-jax' for the seed model, 'cnn-keras-jax' for the CNN. */
export function jobName<T extends string>(model: BenchModel, name: T): T {
  return (model === 'seed' ? name : `${model}-${name}`) as T;
}
