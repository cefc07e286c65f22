/**
 * The real-Keras oracle: runs a Python script of test/keras/python/ in the
 * venv that scripts/keras-venv.mjs builds (Keras 3 on TensorFlow or JAX),
 * hands it a JSON input on stdin and returns the JSON it prints as its last
 * line of stdout. Cases compare tinykeras's numbers with what it returns.
 *
 *     const out = runKeras<{ y: number[][] }>('dense_forward', { x, kernel, bias }, { backend: 'jax' });
 *
 * Scripts read `json.load(sys.stdin)` and end with `print(json.dumps(result))`;
 * python/common.py has helpers (float32 arrays in, nested lists out).
 */
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type KerasBackend = 'tensorflow' | 'jax';

export const VENV = process.env.TINYKERAS_KERAS_VENV ?? join(homedir(), '.cache', 'tinykeras', 'keras-venv');
const PYTHON = join(VENV, 'bin', 'python');
const SCRIPTS = resolve(__dirname, 'python');

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
    env: {
      ...process.env,
      KERAS_BACKEND: backend,
      TF_CPP_MIN_LOG_LEVEL: '3',
      CUDA_VISIBLE_DEVICES: '',
      PYTHONPATH: SCRIPTS,
      PYTHONHASHSEED: '0',
    },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${script}.py (${backend}) exited with ${result.status ?? result.signal}:\n${result.stderr.slice(-4000)}`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

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
