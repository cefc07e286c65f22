/**
 * The Python peers of `npm run bench` (PyTorch, Keras): which Python runs
 * them, and running a peer script in the job protocol (bench/lib/protocol.ts).
 *
 * The Python is the real-Keras venv first (scripts/keras-venv.mjs builds it
 * for `npm run test:keras`: Keras 3, TensorFlow, JAX, and torch where the
 * wheel store has it), then `python3` on the PATH, then Debian's
 * `/usr/bin/python3` (where `apt-get install python3-torch` puts it).
 * Nothing is installed here; without a Python that imports a peer's
 * modules the peer is skipped and the report says so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitResult, PROGRESS_PREFIX, progress, RESULT_PREFIX, type JobOptions, type JobResult } from './protocol.js';

/** The venv of scripts/keras-venv.mjs (the same rule: $TINYKERAS_KERAS_VENV, else ~/.cache/tinykeras/keras-venv). */
export const KERAS_VENV_PYTHON = join(process.env.TINYKERAS_KERAS_VENV ?? join(homedir(), '.cache', 'tinykeras', 'keras-venv'), 'bin', 'python');
export const PYTHON_CANDIDATES = [KERAS_VENV_PYTHON, 'python3', '/usr/bin/python3'] as const;

/** The first candidate for which `python -c "import <modules>"` succeeds, or null. */
export function findPython(modules: string): string | null {
  for (const python of PYTHON_CANDIDATES) {
    const run = spawnSync(python, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 120_000 });
    if (run.status === 0) return python;
  }
  return null;
}

/** A Python with PyTorch, or null. */
export function findTorchPython(): string | null {
  return findPython('torch');
}

/** A Python with Keras 3 and both backends the bench runs it on, or null. */
export function findKerasPython(): string | null {
  return findPython('keras, tensorflow, jax');
}

/**
 * Runs bench/peers/<script> with `python` and `args` (plus --json), echoes
 * its progress lines, and emits its result line as this job's result.
 */
export async function runPythonPeer(python: string, script: string, args: string[], options: JobOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = join(dirname(fileURLToPath(import.meta.url)), '../peers', script);
  const fullArgs = [path, '--json', ...args];
  progress(options, `${python} bench/peers/${script} ${args.join(' ')}`);
  const child = spawn(python, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  let pending = ''; // a line may arrive in two chunks
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith(PROGRESS_PREFIX)) progress(options, line.slice(PROGRESS_PREFIX.length));
      else if (line.trim() !== '') process.stderr.write(`${line}\n`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (code !== 0 || line === undefined) throw new Error(`${script} exited with ${code}${line === undefined ? ', no result line' : ''}`);
  emitResult(options, JSON.parse(line.slice(RESULT_PREFIX.length)) as JobResult);
}
