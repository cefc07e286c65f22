/**
 * `npm run bench`: tinykeras's benchmark report, in one run on one machine.
 *
 * 1. Kernels, on both tiers (plain TypeScript and WebAssembly SIMD): `gemm`
 *    GFLOP/s on the seed model's five matrix products, and the step's
 *    element-wise kernels (bias + relu, relu backward, bias gradient, softmax
 *    crossentropy, Adam) in elements per second (bench/jobs/kernels.ts).
 * 2. The seed job on tinykeras, on each kernel tier (tinykeras-js,
 *    tinykeras-simd): Fashion-MNIST, 784-128-10, adam, batch 32: seconds per
 *    epoch (mean and best), ms per step, test loss and accuracy, predict and
 *    evaluate times for the 10,000 test images, peak resident memory, and a
 *    thread-scaling row: one more epoch on 1 thread and on 2
 *    (bench/jobs/tinykeras.ts).
 * 3. The same job on PyTorch's CPU backend with 1 and 2 threads, and on
 *    real Keras 3 with TensorFlow and with JAX (its defaults: all cores, XLA),
 *    with the Python of the real-Keras venv (`npm run test:keras` builds it),
 *    else python3 or /usr/bin/python3 (bench/lib/python.ts; a peer whose
 *    modules no Python imports is skipped, and said so): bench/jobs/pytorch.ts,
 *    bench/jobs/keras.ts, bench/peers/*.py; and on TF.js's `wasm` and `cpu`
 *    backends (bench/jobs/tfjs.ts); with the ratios (their seconds ÷ ours)
 *    per epoch, for predict and for evaluate.
 * 4. The seed program as users run it, `npm run fashion-mnist`, on each tier:
 *    peak RSS of the whole program and its startup time to the first epoch
 *    (bench/jobs/program.ts); and the TensorFlow quickstart model (with
 *    Dropout, bench/jobs/quickstart.ts) beside the seed model.
 * 5. The CNN job (`--only cnn`): TensorFlow's CNN tutorial model
 *    (bench/lib/models.ts), batch 32, one epoch of the first 10,000 images
 *    and predict of the 10,000 test images, on tinykeras's two tiers (with
 *    the same thread-scaling row, and the executor fit chose), PyTorch on 1
 *    and 2 threads (BLAS pinned to them) and Keras 3 on TensorFlow and JAX,
 *    with the ratios; and its conv kernels in GFLOP/s per pass and tier
 *    (forward, input gradient, kernel gradient: bench/jobs/conv-kernels.ts)
 *    beside each tier's arithmetic peak, measured in the same run.
 *
 * Every job runs in a child process of its own (`node --import tsx
 * bench/jobs/<job>.ts --json`), one after the other, so that peak memory and
 * JIT state are not shared and the jobs do not compete for cores; the child
 * prints its figures as one JSON line (bench/lib/protocol.ts). While a job
 * runs, the machine-wide CPU time is watched: when other processes used a
 * noticeable share of the cores, the report says so, since that disturbs the
 * timings.
 *
 * The table goes to stdout (progress to stderr), and the same figures as
 * JSON to bench/results/<ISO timestamp>.json and bench/results/latest.json,
 * each written to a temporary file first and renamed. (In the file name the
 * timestamp's colons become dashes, which every file system accepts.)
 *
 *     npm run bench                              # everything: ≈ 5-6 minutes on 2 cores
 *     npm run bench -- --only kernels            # kernels,ours,pytorch,keras,tfjs-wasm,tfjs-cpu,program,quickstart,cnn (comma-separated)
 *     npm run bench -- --only cnn --cnn-samples 10000
 *     npm run bench -- --only cnn --cnn-samples 64 --cnn-test-samples 64    # a smoke run
 *     npm run bench -- --epochs 1 --samples 10000
 *     npm run bench -- --peer-epochs 2 --threads 2
 *
 * Options: --epochs N (ours, default 5), --peer-epochs N (PyTorch, Keras and TF.js, default 1),
 * --samples N (first N training images, default 60000), --only LIST,
 * --threads N (passed to our fit as `threads: N`), --cnn-samples N (the CNN job's training
 * images, default 10000), --cnn-epochs N (everyone's, default 1), --cnn-test-samples N (the test
 * images it evaluates and predicts, default all 10000; fewer only for smoke runs).
 *
 * Nothing here asserts anything about speed: it measures and reports.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ratio, sig3, table } from './lib/format.js';
import { findKerasPython, findTorchPython, PYTHON_CANDIDATES } from './lib/python.js';
import {
  JOB_NAMES,
  PROGRESS_PREFIX,
  RESULT_PREFIX,
  positiveInteger,
  type JobName,
  type JobResult,
  type KerasJobResult,
  type KernelsJobResult,
  type ConvKernelResult,
  type ConvKernelsJobResult,
  type ProgramJobResult,
  type PytorchJobResult,
  type QuickstartJobResult,
  type SeedJobFigures,
  type TfjsJobResult,
  type TinykerasJobResult,
} from './lib/protocol.js';

/**
 * Node 20 and 21 keep relaxed SIMD (the SIMD tier's fused multiply-add,
 * src/tensor/kernels/simd/gemm-kernels.ts) behind a V8 flag; Node 22+ and
 * browsers have it on. The jobs run with it on, as a current engine does.
 */
const RELAXED_SIMD = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_DIR = dirname(BENCH_DIR);
const RESULTS_DIR = join(BENCH_DIR, 'results');
/** Other processes busy on average on more than this many cores during a job: say that its timings may be disturbed. */
const NOISY_CORES = 0.2;

interface Options {
  epochs: number;
  peerEpochs: number;
  samples: number;
  only: JobName[];
  threads: number | null;
  cnnSamples: number;
  cnnEpochs: number;
  cnnTestSamples: number;
}

interface Machine {
  cpu: string;
  cores: number;
  totalMemoryGiB: number;
  node: string;
  platform: string;
  arch: string;
  osRelease: string;
  loadAverageAtStart: number[];
}

/** A finished child: its figures, and how busy the rest of the machine was meanwhile. */
interface JobRun<T extends JobResult> {
  result: T;
  /** Wall time of the child process, from spawn to exit, in seconds. */
  wallSeconds: number;
  /** Average number of cores other processes kept busy while the job ran. */
  otherCoresBusy: number;
}

interface Report {
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  options: Options;
  kernels: JobRun<KernelsJobResult> | null;
  seedJob: {
    'tinykeras-js': JobRun<TinykerasJobResult> | null;
    'tinykeras-simd': JobRun<TinykerasJobResult> | null;
    'pytorch-1': JobRun<PytorchJobResult> | null;
    'pytorch-2': JobRun<PytorchJobResult> | null;
    'keras-tensorflow': JobRun<KerasJobResult> | null;
    'keras-jax': JobRun<KerasJobResult> | null;
    'tfjs-wasm': JobRun<TfjsJobResult> | null;
    'tfjs-cpu': JobRun<TfjsJobResult> | null;
  };
  /** The seed program itself (examples/fashion-mnist.ts), per kernel tier: peak RSS and startup. */
  program: { js: JobRun<ProgramJobResult> | null; simd: JobRun<ProgramJobResult> | null };
  quickstart: JobRun<QuickstartJobResult> | null;
  /** Per tier of ours, their seconds ÷ ours: above 1 means tinykeras is faster. evaluate only where the peer times it. */
  speedups: Speedups;
  /** The CNN tutorial's model: the same figures as the seed job's, by implementation. */
  cnnJob: Record<Ours | CnnPeer, JobRun<TinykerasJobResult | PytorchJobResult | KerasJobResult> | null>;
  cnnSpeedups: Speedups;
  cnnKernels: JobRun<ConvKernelsJobResult> | null;
  failures: { job: JobName; message: string }[];
  notes: string[];
}

type Peer = 'pytorch-1' | 'pytorch-2' | 'keras-tensorflow' | 'keras-jax' | 'tfjs-wasm' | 'tfjs-cpu';
type CnnPeer = Exclude<Peer, 'tfjs-wasm' | 'tfjs-cpu'>;
type Ours = 'tinykeras-js' | 'tinykeras-simd';
type Speedups = Partial<Record<Ours, Partial<Record<Peer, { perEpoch: number; predict: number; evaluate?: number }>>>>;
const OURS: readonly Ours[] = ['tinykeras-js', 'tinykeras-simd'];
const PEERS: readonly Peer[] = ['pytorch-1', 'pytorch-2', 'keras-tensorflow', 'keras-jax', 'tfjs-wasm', 'tfjs-cpu'];
const CNN_PEERS: readonly CnnPeer[] = ['pytorch-1', 'pytorch-2', 'keras-tensorflow', 'keras-jax'];
/** The flags (each followed by its value) that jobArguments sets per job size. */
const SIZE_FLAGS = ['--epochs', '--samples'];

const options = parseOptions();
const startedAt = new Date();
const machine = describeMachine();
console.log(machineLine(machine));

const report: Report = {
  startedAt: startedAt.toISOString(),
  finishedAt: '',
  machine,
  options,
  kernels: null,
  seedJob: {
    'tinykeras-js': null, 'tinykeras-simd': null, 'pytorch-1': null, 'pytorch-2': null, 'keras-tensorflow': null, 'keras-jax': null, 'tfjs-wasm': null, 'tfjs-cpu': null,
  },
  program: { js: null, simd: null },
  quickstart: null,
  speedups: {},
  cnnJob: { 'tinykeras-js': null, 'tinykeras-simd': null, 'pytorch-1': null, 'pytorch-2': null, 'keras-tensorflow': null, 'keras-jax': null },
  cnnSpeedups: {},
  cnnKernels: null,
  failures: [],
  notes: [],
};

const wantsPytorch = options.only.some((job) => job.includes('pytorch'));
const torchPython = wantsPytorch ? findTorchPython() : null;
if (wantsPytorch && torchPython === null) {
  report.notes.push(`PyTorch peer skipped: \`import torch\` fails with ${PYTHON_CANDIDATES.join(', ')} (npm run test:keras builds the venv; Debian: apt-get install python3-torch libopenblas0-pthread).`);
}
const wantsKeras = options.only.some((job) => job.includes('keras'));
const kerasPython = wantsKeras ? findKerasPython() : null;
if (wantsKeras && kerasPython === null) {
  report.notes.push(`Keras peer skipped: \`import keras, tensorflow, jax\` fails with ${PYTHON_CANDIDATES.join(', ')} (npm run test:keras builds the venv from a wheel store).`);
}

for (const job of JOB_NAMES) {
  if (!options.only.includes(job)) continue;
  if (job.includes('pytorch') && torchPython === null) continue;
  if (job.includes('keras') && kerasPython === null) continue;
  try {
    const run = await runJob(job, jobArguments(job));
    if (run.otherCoresBusy > NOISY_CORES) {
      report.notes.push(
        `${job}: other processes kept ${run.otherCoresBusy.toFixed(2)} of ${machine.cores} cores busy on average; its timings may be disturbed.`,
      );
    }
    storeRun(report, run);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    report.failures.push({ job, message });
    process.stderr.write(`${job} failed:\n${message}\n`);
  }
}

report.speedups = speedupsOf(report.seedJob, PEERS);
report.cnnSpeedups = speedupsOf(report.cnnJob, CNN_PEERS);
report.finishedAt = new Date().toISOString();

console.log(formatReport(report).join('\n'));
const written = writeResults(report, startedAt);
console.log(`\nResults: ${written.map((path) => path.slice(REPO_DIR.length + 1)).join(', ')}`);
process.exitCode = report.failures.length > 0 ? 1 : 0;

// ---------------------------------------------------------------------------

/** Per tier of ours and per peer, their seconds ÷ ours (per epoch, predict, and evaluate where the peer times it). */
function speedupsOf<P extends Peer>(runs: Partial<Record<Ours | P, { result: SeedJobFigures & { evaluateSeconds?: number } } | null>>, peers: readonly P[]): Speedups {
  const speedups: Speedups = {};
  for (const tier of OURS) {
    const ours = runs[tier]?.result;
    for (const peer of peers) {
      const theirs = runs[peer]?.result;
      if (ours && theirs) {
        (speedups[tier] ??= {})[peer] = {
          perEpoch: theirs.secondsPerEpoch / ours.secondsPerEpoch,
          predict: theirs.predictSeconds / ours.predictSeconds,
          ...(theirs.evaluateSeconds !== undefined && ours.evaluateSeconds !== undefined ? { evaluate: theirs.evaluateSeconds / ours.evaluateSeconds } : {}),
        };
      }
    }
  }
  return speedups;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string' },
      'peer-epochs': { type: 'string' },
      samples: { type: 'string' },
      only: { type: 'string' },
      threads: { type: 'string' },
      'cnn-samples': { type: 'string' },
      'cnn-epochs': { type: 'string' },
      'cnn-test-samples': { type: 'string' },
    },
    strict: true,
  });
  const samples = positiveInteger('--samples', values.samples) ?? 60_000;
  if (samples > 60_000) throw new Error(`--samples: the Fashion-MNIST training set has 60000 images. Received: ${samples}`);
  const aliases: Record<string, JobName[]> = {
    kernels: ['kernels'],
    ours: ['tinykeras-js', 'tinykeras-simd'],
    tinykeras: ['tinykeras-js', 'tinykeras-simd'],
    'tinykeras-js': ['tinykeras-js'],
    'tinykeras-simd': ['tinykeras-simd'],
    program: ['program-js', 'program-simd'],
    'program-js': ['program-js'],
    'program-simd': ['program-simd'],
    quickstart: ['quickstart'],
    pytorch: ['pytorch-1', 'pytorch-2'],
    'pytorch-1': ['pytorch-1'],
    'pytorch-2': ['pytorch-2'],
    keras: ['keras-tensorflow', 'keras-jax'],
    'keras-tensorflow': ['keras-tensorflow'],
    'keras-jax': ['keras-jax'],
    'tfjs-wasm': ['tfjs-wasm'],
    'tfjs-cpu': ['tfjs-cpu'],
    cnn: ['cnn-kernels', 'cnn-tinykeras-js', 'cnn-tinykeras-simd', 'cnn-pytorch-1', 'cnn-pytorch-2', 'cnn-keras-tensorflow', 'cnn-keras-jax'],
    'cnn-kernels': ['cnn-kernels'],
    'cnn-ours': ['cnn-tinykeras-js', 'cnn-tinykeras-simd'],
    'cnn-tinykeras-js': ['cnn-tinykeras-js'],
    'cnn-tinykeras-simd': ['cnn-tinykeras-simd'],
    'cnn-pytorch': ['cnn-pytorch-1', 'cnn-pytorch-2'],
    'cnn-keras': ['cnn-keras-tensorflow', 'cnn-keras-jax'],
    'cnn-keras-tensorflow': ['cnn-keras-tensorflow'],
    'cnn-keras-jax': ['cnn-keras-jax'],
  };
  const only = (values.only ?? 'kernels,ours,pytorch,keras,tfjs-wasm,tfjs-cpu,program,quickstart,cnn').split(',').flatMap((name) => {
    const jobs = aliases[name.trim()];
    if (!jobs) throw new Error(`--only: unknown job '${name}'. Valid: ${Object.keys(aliases).join(', ')} (comma-separated).`);
    return jobs;
  });
  return {
    epochs: positiveInteger('--epochs', values.epochs) ?? 5,
    peerEpochs: positiveInteger('--peer-epochs', values['peer-epochs']) ?? 1,
    samples,
    only: [...new Set(only)],
    threads: positiveInteger('--threads', values.threads) ?? null,
    cnnSamples: Math.min(positiveInteger('--cnn-samples', values['cnn-samples']) ?? 10_000, 60_000),
    cnnEpochs: positiveInteger('--cnn-epochs', values['cnn-epochs']) ?? 1,
    cnnTestSamples: Math.min(positiveInteger('--cnn-test-samples', values['cnn-test-samples']) ?? 10_000, 10_000),
  };
}

function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    totalMemoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    osRelease: os.release(),
    loadAverageAtStart: os.loadavg(),
  };
}

function machineLine(m: Machine): string {
  return `Machine: ${m.cpu}, ${m.cores} cores, ${m.totalMemoryGiB.toFixed(1)} GiB, node ${m.node} (${m.platform} ${m.arch})`;
}

/** The child's script and command-line arguments for one job. */
function jobArguments(job: JobName): string[] {
  const samples = ['--samples', String(options.samples)];
  switch (job) {
    case 'kernels':
      return [join(BENCH_DIR, 'jobs/kernels.ts')];
    case 'tinykeras-js':
    case 'tinykeras-simd':
      return [
        join(BENCH_DIR, 'jobs/tinykeras.ts'),
        '--kernels',
        job.slice('tinykeras-'.length),
        '--scaling',
        '--epochs',
        String(options.epochs),
        ...samples,
        ...(options.threads === null ? [] : ['--threads', String(options.threads)]),
      ];
    case 'program-js':
    case 'program-simd':
      return [join(BENCH_DIR, 'jobs/program.ts'), '--kernels', job.slice('program-'.length), '--epochs', String(options.epochs)];
    case 'quickstart':
      return [join(BENCH_DIR, 'jobs/quickstart.ts'), '--epochs', String(options.peerEpochs), ...samples];
    case 'pytorch-1':
    case 'pytorch-2':
      return [join(BENCH_DIR, 'jobs/pytorch.ts'), '--threads', job.slice('pytorch-'.length), '--epochs', String(options.peerEpochs), ...samples];
    case 'keras-tensorflow':
    case 'keras-jax':
      return [join(BENCH_DIR, 'jobs/keras.ts'), '--backend', job.slice('keras-'.length), '--epochs', String(options.peerEpochs), ...samples];
    case 'tfjs-wasm':
    case 'tfjs-cpu':
      return [join(BENCH_DIR, 'jobs/tfjs.ts'), '--backend', job.slice('tfjs-'.length), '--epochs', String(options.peerEpochs), ...samples];
    case 'cnn-kernels':
      return [join(BENCH_DIR, 'jobs/conv-kernels.ts')];
    case 'cnn-tinykeras-js':
    case 'cnn-tinykeras-simd':
    case 'cnn-pytorch-1':
    case 'cnn-pytorch-2':
    case 'cnn-keras-tensorflow':
    case 'cnn-keras-jax': {
      // The seed job's script and settings (tier, threads, backend), on the CNN's model and sizes.
      const [script, ...rest] = jobArguments(job.slice('cnn-'.length) as JobName);
      const kept = rest.filter((arg, i) => !SIZE_FLAGS.includes(arg) && !SIZE_FLAGS.includes(rest[i - 1]!));
      return [script!, ...kept, '--model', 'cnn', '--epochs', String(options.cnnEpochs), '--samples', String(options.cnnSamples), '--test-samples', String(options.cnnTestSamples)];
    }
  }
}

/**
 * Runs one job in a child Node process with tsx's loader (resolved from here,
 * so that it is found whatever the working directory), echoes its progress
 * lines to stderr and returns its result line, parsed.
 */
function runJob(job: JobName, args: string[]): Promise<JobRun<JobResult>> {
  const tsxLoader = import.meta.resolve('tsx');
  process.stderr.write(`Running ${job}…\n`);
  const busyBefore = machineBusyMs();
  const parentCpuBefore = process.cpuUsage();
  const started = performance.now();
  const child = spawn(process.execPath, [...RELAXED_SIMD, '--conditions=tinykeras-source', '--import', tsxLoader, ...args, '--json'], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });

  let stdout = '';
  const stderrLines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith(PROGRESS_PREFIX)) process.stderr.write(`  ${job}: ${line.slice(PROGRESS_PREFIX.length)}\n`);
      else stderrLines.push(line);
    }
  });

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending) stderrLines.push(pending);
      const wallSeconds = (performance.now() - started) / 1000;
      const resultLine = stdout
        .split('\n')
        .reverse()
        .find((line) => line.startsWith(RESULT_PREFIX));
      if (code !== 0 || resultLine === undefined) {
        const tail = stderrLines.filter((line) => line.trim() !== '').slice(-25).join('\n');
        reject(new Error(`exit ${signal ?? code}${resultLine === undefined ? ', no result line' : ''}\n${tail}`));
        return;
      }
      const result = JSON.parse(resultLine.slice(RESULT_PREFIX.length)) as JobResult;
      const parentCpu = process.cpuUsage(parentCpuBefore);
      const othersMs = machineBusyMs() - busyBefore - result.cpuSeconds * 1000 - (parentCpu.user + parentCpu.system) / 1000;
      resolve({ result, wallSeconds, otherCoresBusy: Math.max(0, othersMs / (wallSeconds * 1000)) });
    });
  });
}

/** CPU time, in ms, all cores have spent on anything but idling since boot. */
function machineBusyMs(): number {
  let busy = 0;
  for (const { times } of os.cpus()) busy += times.user + times.nice + times.sys + times.irq;
  return busy;
}

function storeRun(r: Report, run: JobRun<JobResult>): void {
  const { result } = run;
  switch (result.job) {
    case 'kernels':
      r.kernels = { ...run, result };
      break;
    case 'tinykeras-js':
    case 'tinykeras-simd':
      r.seedJob[result.job] = { ...run, result };
      break;
    case 'program-js':
    case 'program-simd':
      r.program[result.kernels] = { ...run, result };
      break;
    case 'quickstart':
      r.quickstart = { ...run, result };
      break;
    case 'pytorch-1':
    case 'pytorch-2':
      r.seedJob[result.job] = { ...run, result };
      break;
    case 'keras-tensorflow':
    case 'keras-jax':
      r.seedJob[result.job] = { ...run, result };
      break;
    case 'tfjs-wasm':
    case 'tfjs-cpu':
      r.seedJob[result.job] = { ...run, result };
      break;
    case 'cnn-kernels':
      r.cnnKernels = { ...run, result };
      break;
    case 'cnn-tinykeras-js':
    case 'cnn-tinykeras-simd':
    case 'cnn-pytorch-1':
    case 'cnn-pytorch-2':
    case 'cnn-keras-tensorflow':
    case 'cnn-keras-jax':
      r.cnnJob[result.job.slice('cnn-'.length) as Ours | CnnPeer] = { ...run, result };
      break;
  }
}

function formatReport(r: Report): string[] {
  const lines: string[] = [];
  if (r.kernels) {
    const k = r.kernels.result;
    const tiers = k.simdAvailable ? ['js', 'simd'] : ['js'];
    lines.push('', 'Kernels by tier (median of 9 timed runs after warm-up; GFLOP/s = 2·M·N·K per call)');
    const rows = [['', 'op(A) · op(B)', 'A zeros', ...tiers.map((t) => `${t} GFLOP/s`), ...tiers.map((t) => `${t} µs`), ...(k.simdAvailable ? ['simd ÷ js'] : [])]];
    const names = [...new Set(k.gemm.map((g) => g.name))];
    for (const name of names) {
      const byTier = tiers.map((t) => k.gemm.find((g) => g.name === name && g.tier === t)!);
      const g = byTier[0]!;
      rows.push([
        name, `${g.M}×${g.K} · ${g.K}×${g.N}`, `${Math.round(100 * g.aZeroFraction)}%`,
        ...byTier.map((x) => x.gflops.toFixed(2)), ...byTier.map((x) => sig3(x.microsecondsPerCall)),
        ...(k.simdAvailable ? [ratio(byTier[1]!.gflops / byTier[0]!.gflops)] : []),
      ]);
    }
    const elementNames = [...new Set(k.elementwise.map((e) => e.name))];
    rows.push(['', '', '', ...tiers.map((t) => `${t} M elem/s`), ...tiers.map((t) => `${t} µs`)]);
    for (const name of elementNames) {
      const byTier = tiers.map((t) => k.elementwise.find((e) => e.name === name && e.tier === t)!);
      rows.push([
        name, '', '',
        ...byTier.map((x) => sig3(x.elementsPerSecond / 1e6)), ...byTier.map((x) => sig3(x.microsecondsPerCall)),
        ...(k.simdAvailable ? [ratio(byTier[1]!.elementsPerSecond / byTier[0]!.elementsPerSecond)] : []),
      ]);
    }
    lines.push(...table(rows, ['left', 'right']));
    if (!k.simdAvailable) lines.push('  (WebAssembly SIMD is unavailable on this engine: JS tier only.)');
  }

  const jobs = [...OURS.map((tier) => r.seedJob[tier]), ...PEERS.map((peer) => r.seedJob[peer])].filter((run) => run !== null);
  const anyOurs = OURS.some((tier) => r.seedJob[tier] !== null);
  if (jobs.length > 0) {
    const epochsNote =
      anyOurs && PEERS.some((peer) => r.seedJob[peer] !== null) && r.options.epochs !== r.options.peerEpochs
        ? `tinykeras ${r.options.epochs} epochs, peers ${r.options.peerEpochs}`
        : `${jobs[0]!.result.epochs} epoch${jobs[0]!.result.epochs === 1 ? '' : 's'}`;
    const threadsNote = r.options.threads === null ? '' : `, fit threads ${r.options.threads}`;
    lines.push('', `Seed job (${epochsNote}, ${r.options.samples} samples, batch 32${threadsNote})`);
    const rows = [['', 'epochs', 's/epoch', 'best', 'ms/step', 'test loss', 'test acc', 'predict 10k', 'evaluate 10k', 'peak RSS', 'cores']];
    for (const { result: f } of jobs) rows.push(seedRow(f.job, f, f.peakRssMB));
    lines.push(...table(rows, ['left']));
    lines.push('  s/epoch: mean over the epochs; best: fastest epoch (timed per epoch by tinykeras, PyTorch and Keras);');
    lines.push('  predict: tinykeras, PyTorch and Keras best of 3, TF.js once; evaluate: best of 3 (all but TF.js);');
    lines.push('  pytorch-N: PyTorch on the CPU with torch.set_num_threads(N); keras-B: Keras 3 on backend B with its defaults');
    lines.push('  (every core, XLA), timed after one untimed step that compiles; peak RSS: whole process, data set included;');
    lines.push('  cores: CPU time ÷ wall time of training (TF.js: with evaluate and predict), every thread of the');
    lines.push('  process counted, V8\'s garbage collector and compiler included.');
  }

  lines.push(...scalingLines(OURS.map((tier) => [tier, r.seedJob[tier]?.result.scaling ?? null]), ''));

  const programs = [r.program.js, r.program.simd].filter((run) => run !== null);
  if (programs.length > 0) {
    lines.push('', `The seed program, npm run fashion-mnist (examples/fashion-mnist.ts, ${programs[0]!.result.epochs} epochs, evaluate, predict, save)`);
    const rows = [['kernels', 'peak RSS', 'startup', 'wall', 'test acc']];
    for (const { result: p } of programs) {
      rows.push([p.kernels, `${p.peakRssMB.toFixed(0)} MB`, `${p.startupMs.toFixed(0)} ms`, `${sig3(p.wallSeconds)} s`, p.testAccuracy.toFixed(4)]);
    }
    lines.push(...table(rows, ['left']));
    lines.push('  startup: process start (node and tsx included) to the first epoch; peak RSS: the whole process.');
  }

  const quick = r.quickstart?.result;
  if (quick) {
    lines.push('', `The quickstart model beside the seed model (${quick.kernels} kernels; seconds per epoch, mean)`);
    const rows = [['model', 'epochs', 's/epoch', 'test acc', 'trained by']];
    const seed = r.seedJob[`tinykeras-${quick.kernels}`]?.result;
    if (seed) rows.push(['seed: Dense 128 relu, Dense 10 softmax', String(seed.epochs), sig3(seed.secondsPerEpoch), seed.testAccuracy.toFixed(4), '']);
    rows.push(['quickstart: + Dropout 0.2, logits', String(quick.epochs), sig3(quick.secondsPerEpoch), quick.testAccuracy.toFixed(4), quick.executor]);
    lines.push(...table(rows, ['left', 'right', 'right', 'right', 'left']));
    if (seed) lines.push(`  quickstart ÷ seed time per epoch: ${ratio(quick.secondsPerEpoch / seed.secondsPerEpoch)} (the target: at most 1.11×, 90% of the seed model's speed)`);
  }

  lines.push(...speedupLines(r.speedups, ''));
  lines.push(...cnnLines(r));

  const notes = [...r.notes, ...r.failures.map((f) => `${f.job} FAILED: ${f.message.split('\n')[0]}`)];
  if (notes.length > 0) lines.push('', 'Notes:', ...notes.map((note) => `  - ${note}`));
  return lines;
}

/** The thread-scaling table of the runs that timed an epoch on 1 thread and on 2. */
function scalingLines(runs: [string, TinykerasJobResult['scaling']][], what: string): string[] {
  const rows = runs.flatMap(([name, scaling]) => {
    if (!scaling || scaling.length < 2) return [];
    const [one, two] = [scaling.find((s) => s.threads === 1)!, scaling.find((s) => s.threads === 2)!];
    return [[name, sig3(one.secondsPerEpoch), sig3(two.secondsPerEpoch), ratio(one.secondsPerEpoch / two.secondsPerEpoch)]];
  });
  if (rows.length === 0) return [];
  return ['', `${what}Thread scaling (one more epoch each, after the timed ones; fit threads: 1 and 2)`, ...table([['', '1 thread s', '2 threads s', 'speed-up'], ...rows], ['left'])];
}

/** "Their time ÷ ours" lines, per tier of ours. */
function speedupLines(speedups: Speedups, what: string): string[] {
  return Object.entries(speedups).flatMap(([tier, byPeer]) => {
    const parts = Object.entries(byPeer).map(
      ([peer, s]) => `${peer} ${ratio(s.perEpoch)} per epoch, ${ratio(s.predict)} predict${s.evaluate === undefined ? '' : `, ${ratio(s.evaluate)} evaluate`}`,
    );
    return ['', `${what}Their time ÷ ${tier}'s (above 1×: tinykeras is faster):`, ...parts.map((part) => `  ${part}`)];
  });
}

/** The CNN job's sections: its conv kernels by pass and tier, the training table, thread scaling and ratios. */
function cnnLines(r: Report): string[] {
  const lines: string[] = [];
  const k = r.cnnKernels?.result;
  if (k) {
    const tiers = k.simdAvailable ? ['js', 'simd'] : ['js'];
    const peaks = tiers.map((t) => `${t} ${(t === 'js' ? k.peakGflops.js : k.peakGflops.simd!).toFixed(1)}`).join(', ');
    lines.push('', `CNN conv kernels at batch 32 (median of 9 timed runs after warm-up; GFLOP/s = 2·M·K·F per pass; one thread's measured peak: ${peaks} GFLOP/s)`);
    const rows = [['layer', 'pass', 'road', 'M×K·K×F', ...tiers.map((t) => `${t} GFLOP/s`), ...tiers.map((t) => `${t} µs`), ...(k.simdAvailable ? ['simd ÷ js'] : []), ...tiers.map((t) => `${t} ÷ peak`)]];
    const keyOf = (c: ConvKernelResult): string => `${c.layer}|${c.pass}|${c.road ?? 'im2col'}`;
    const keys = [...new Set(k.conv.map(keyOf))];
    for (const key of keys) {
      const byTier = tiers.map((t) => k.conv.find((c) => keyOf(c) === key && c.tier === t)!);
      const c = byTier[0]!;
      rows.push([
        c.layer, c.pass, c.road ?? 'im2col', `${c.M}×${c.K}·${c.K}×${c.F}`,
        ...byTier.map((x) => x.gflops.toFixed(2)), ...byTier.map((x) => sig3(x.microsecondsPerCall)),
        ...(k.simdAvailable ? [ratio(byTier[1]!.gflops / byTier[0]!.gflops)] : []),
        ...byTier.map((x) => `${Math.round((100 * x.gflops) / (x.tier === 'js' ? k.peakGflops.js : k.peakGflops.simd!))}%`),
      ]);
    }
    lines.push(...table(rows, ['left', 'left', 'left']));
    lines.push('  forward: im2col + gemm; input gradient: transposed kernel copy + gemm + col2im (none for the first layer); kernel gradient: gemm;');
    lines.push('  winograd: F(4×4, 3×3), what the executors run for conv2d_1, each pass with its transforms: effective GFLOP/s');
    lines.push('  (the same 2·M·K·F flops), which may pass the peak since the road does 3-4× fewer multiply-adds;');
    lines.push(`  im2col, col2im and the gemm are the tier's own${k.fusedMultiplyAdd ? ' (the SIMD gemm with fused multiply-adds)' : ''}; one thread. Peak: independent`);
    lines.push('  multiply-adds on values in registers (bench/lib/peak.ts), the most the tier\'s arithmetic can do here.');
  }
  const jobs = [...OURS, ...CNN_PEERS].map((name) => r.cnnJob[name]).filter((run) => run !== null);
  if (jobs.length > 0) {
    const threadsNote = r.options.threads === null ? '' : `, fit threads ${r.options.threads}`;
    const test = r.options.cnnTestSamples === 10_000 ? '10k' : String(r.options.cnnTestSamples);
    lines.push('', `CNN job (TensorFlow's CNN tutorial model, ${r.options.cnnEpochs} epoch${r.options.cnnEpochs === 1 ? '' : 's'}, ${r.options.cnnSamples} samples, batch 32${threadsNote})`);
    const rows = [['', 'epochs', 's/epoch', 'best', 'ms/step', 'test loss', 'test acc', `predict ${test}`, `evaluate ${test}`, 'peak RSS', 'cores']];
    for (const { result: f } of jobs) rows.push(seedRow(f.job, f, f.peakRssMB));
    lines.push(...table(rows, ['left']));
    for (const tier of OURS) {
      const ours = r.cnnJob[tier]?.result;
      if (ours && 'executor' in ours) lines.push(`  cnn-${tier} trained by: ${ours.executor}`);
    }
    lines.push('  timed as the seed job; pytorch-N: OPENBLAS/OMP/MKL_NUM_THREADS=N besides torch.set_num_threads(N).');
  }
  lines.push(...scalingLines(OURS.map((tier) => {
    const ours = r.cnnJob[tier]?.result;
    return [`cnn-${tier}`, ours && 'scaling' in ours ? ours.scaling : null];
  }), 'CNN '));
  lines.push(...speedupLines(r.cnnSpeedups, 'CNN: '));
  return lines;
}

function seedRow(name: string, f: SeedJobFigures, peakRssMB: number): string[] {
  return [
    name,
    String(f.epochs),
    sig3(f.secondsPerEpoch),
    f.bestSecondsPerEpoch === null ? '-' : sig3(f.bestSecondsPerEpoch),
    sig3(f.msPerStep),
    f.testLoss.toFixed(4),
    f.testAccuracy.toFixed(4),
    `${sig3(f.predictSeconds)} s`,
    'evaluateSeconds' in f ? `${sig3(f.evaluateSeconds as number)} s` : '-',
    `${peakRssMB.toFixed(0)} MB`,
    f.coresUsed.toFixed(2),
  ];
}

/** Writes the report as <timestamp>.json and latest.json, each through a temporary file and a rename. */
function writeResults(r: Report, at: Date): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(r, null, 2)}\n`;
  const paths = [join(RESULTS_DIR, `${at.toISOString().replaceAll(':', '-')}.json`), join(RESULTS_DIR, 'latest.json')];
  for (const path of paths) {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, json);
    renameSync(temporary, path);
  }
  return paths;
}
