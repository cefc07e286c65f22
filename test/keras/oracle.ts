/**
 * The real-Keras oracle: runs a Python script of test/keras/python/ in the
 * venv that scripts/keras-venv.mjs builds (Keras 3 on TensorFlow or JAX),
 * hands it a JSON input on stdin and returns the JSON it prints as its last
 * line of stdout. Cases compare tinykeras's numbers with what it returns.
 *
 *     const out = runKeras<{ y: number[][] }>('dense_forward', { x, kernel, bias }, { backend: 'jax' });
 *
 * Scripts read `json.load(sys.stdin)` and end with `print(json.dumps(result))`;
 * python/common.py has helpers (float32 arrays in, nested lists out; packed
 * arrays, `pack`/`unpack` here, for large ones).
 *
 * The tolerance rule (docs/keras-oracle.md): tinykeras is compared with
 * Keras on TensorFlow, and may be as far from it as Keras on JAX is, times
 * at most 4 (`withinSpread`); where the two Keras backends agree exactly,
 * a few float32 ulps (`FLOAT32_FLOOR`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect } from 'vitest';

export type KerasBackend = 'tensorflow' | 'jax';

export const VENV = process.env.TINYKERAS_KERAS_VENV ?? join(homedir(), '.cache', 'tinykeras', 'keras-venv');
const PYTHON = join(VENV, 'bin', 'python');
const SCRIPTS = resolve(__dirname, 'python');

/**
 * Whether the venv exists. scripts/keras-venv.mjs builds it before the suite
 * runs, and fails under CI when it cannot; elsewhere (no wheel store) the
 * cases are skipped, with its message saying why.
 */
export const kerasAvailable = existsSync(PYTHON);

/** `describe`, skipped where there is no Keras venv. */
export const describeKeras: typeof describe.skip = kerasAvailable ? describe : describe.skip;

export interface RunKerasOptions {
  backend?: KerasBackend;
  /** Seconds before the script is stopped (default 240: importing TensorFlow alone takes seconds). */
  timeoutSeconds?: number;
}

/** Runs test/keras/python/<script>.py with `input` as JSON on stdin; returns its last stdout line, parsed. */
export function runKeras<T>(script: string, input: unknown, options: RunKerasOptions = {}): T {
  const backend = options.backend ?? 'tensorflow';
  const result = spawnSync(PYTHON, [join(SCRIPTS, `${script}.py`)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: (options.timeoutSeconds ?? 240) * 1000,
    env: scriptEnvironment(backend),
  });
  if (result.error) throw result.error;
  return lastLine<T>(script, backend, result.status, result.signal, result.stdout, result.stderr);
}

/**
 * `runKeras` without blocking: the test worker keeps answering vitest while
 * Keras trains (a blocked worker misses vitest's calls after a minute).
 */
export function runKerasAsync<T>(script: string, input: unknown, options: RunKerasOptions = {}): Promise<T> {
  const backend = options.backend ?? 'tensorflow';
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, [join(SCRIPTS, `${script}.py`)], { env: scriptEnvironment(backend), stdio: ['pipe', 'pipe', 'pipe'] });
    const [stdout, stderr]: string[][] = [[], []];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill(), (options.timeoutSeconds ?? 240) * 1000);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      try {
        resolvePromise(lastLine<T>(script, backend, status, signal, stdout.join(''), stderr.join('')));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

function scriptEnvironment(backend: KerasBackend): NodeJS.ProcessEnv {
  return { ...process.env, KERAS_BACKEND: backend, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '', PYTHONPATH: SCRIPTS, PYTHONHASHSEED: '0' };
}

function lastLine<T>(script: string, backend: KerasBackend, status: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string): T {
  if (status !== 0) throw new Error(`${script}.py (${backend}) exited with ${status ?? signal}:\n${stderr.slice(-4000)}`);
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!, (_key, value: unknown) => (typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value)) as T;
}

/** The strings python/common.py writes for the numbers JSON cannot hold. */
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A script's output on both backends: Keras on TensorFlow (the reference) and on JAX (the yardstick). */
export interface BothBackends<T> {
  tensorflow: T;
  jax: T;
}

/** Runs the script once per backend, both at once (one process each: a group of cases, not a case, per process). */
export async function runKerasOnBoth<T>(script: string, input: unknown, options: Omit<RunKerasOptions, 'backend'> = {}): Promise<BothBackends<T>> {
  const [tensorflow, jax] = await Promise.all([
    runKerasAsync<T>(script, input, { ...options, backend: 'tensorflow' }),
    runKerasAsync<T>(script, input, { ...options, backend: 'jax' }),
  ]);
  return { tensorflow, jax };
}

export { pack, unpack, type Packed } from './packed.js';

/** Relative L2 distance ‖a − b‖ / ‖b‖ over flat arrays (0 when both are zero). */
export function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeL2: lengths ${a.length} and ${b.length} differ`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}

/** The arrays of a list, end to end (all the weights of a model as one vector). */
export function concat(arrays: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a as ArrayLike<number>, at);
    at += a.length;
  }
  return out;
}

/** The factor on Keras's own TensorFlow-vs-JAX spread that tinykeras may use. */
export const SPREAD_FACTOR = 4;
/** Where Keras's two backends agree exactly: 4 float32 ulps, relative (4 · 2⁻²³). */
export const FLOAT32_FLOOR = 4 * 2 ** -23;

/** Expects a measured distance within its bound. */
export function expectWithin(row: Distance): void {
  expect(row.tinykeras, `${row.what}: tinykeras vs Keras-TF ${row.tinykeras.toExponential(2)}, Keras-JAX vs Keras-TF ${row.spread.toExponential(2)}`).toBeLessThanOrEqual(row.bound);
}

/** One measured comparison, for the printed table. */
export interface Distance {
  what: string;
  /** relative L2 of tinykeras vs Keras-TensorFlow */
  tinykeras: number;
  /** relative L2 of Keras-JAX vs Keras-TensorFlow */
  spread: number;
  bound: number;
}

/**
 * Collects a test file's comparisons and prints them as a table at the end,
 * so the distances can be quoted (docs/keras-oracle.md).
 */
export class DistanceLog {
  readonly rows: Distance[] = [];
  constructor(readonly title: string) {}

  /**
   * Expects `ours` within SPREAD_FACTOR × the TF-vs-JAX spread of Keras-TF
   * (at least `floor`), records the distances, and returns them.
   */
  withinSpread(what: string, ours: ArrayLike<number>, keras: BothBackends<ArrayLike<number>>, floor = FLOAT32_FLOOR): Distance {
    const row = this.measure(what, ours, keras, floor);
    expectWithin(row);
    return row;
  }

  /** Measures and records like `withinSpread`, without the expectation yet (`expectWithin` it later). */
  measure(what: string, ours: ArrayLike<number>, keras: BothBackends<ArrayLike<number>>, floor = FLOAT32_FLOOR): Distance {
    const tinykeras = relativeL2(ours, keras.tensorflow);
    const spread = relativeL2(keras.jax, keras.tensorflow);
    const row = { what, tinykeras, spread, bound: Math.max(SPREAD_FACTOR * spread, floor) };
    this.rows.push(row);
    return row;
  }

  /** Records a row measured elsewhere (counts, say). */
  record(row: Distance): void {
    this.rows.push(row);
  }

  print(): void {
    if (this.rows.length === 0) return;
    const width = Math.max(...this.rows.map((r) => r.what.length), 4);
    const fmt = (x: number) => (Number.isInteger(x) && x >= 1 ? String(x) : x === 0 ? '0' : x.toExponential(1)).padStart(9);
    const lines = [
      `${this.title}: relative L2 to Keras 3 + TensorFlow (bound = max(${SPREAD_FACTOR} × spread, floor))`,
      `${'case'.padEnd(width)}  tinykeras  TF-vs-JAX      bound`,
      ...this.rows.map((r) => `${r.what.padEnd(width)}  ${fmt(r.tinykeras)}  ${fmt(r.spread)}  ${fmt(r.bound)}`),
    ];
    console.log(lines.join('\n'));
  }
}
