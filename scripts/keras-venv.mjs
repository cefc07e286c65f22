#!/usr/bin/env node
/**
 * Makes sure the Python environment the real-Keras oracle suite runs in
 * exists: Keras 3, TensorFlow (CPU), JAX, h5py and numpy, installed offline
 * from the machine's wheel store (/opt/pypi/files), once, into a cache
 * folder outside the source tree (with PyTorch too, which `npm run bench`
 * runs from the same venv: bench/lib/python.ts):
 *
 *     $TINYKERAS_KERAS_VENV, or ~/.cache/tinykeras/keras-venv
 *
 * Prints the venv's python path on the last line. Where the wheel store is
 * missing (a user's machine) it says so and exits 1 under CI (CI installs
 * everything it needs), 0 elsewhere, so `npm run test:keras` is skipped
 * with a message on a machine that cannot run it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const WHEELS = process.env.TINYKERAS_WHEELS ?? '/opt/pypi/files';
export const VENV = process.env.TINYKERAS_KERAS_VENV ?? join(homedir(), '.cache', 'tinykeras', 'keras-venv');
export const PYTHON = join(VENV, 'bin', 'python');
const PACKAGES = ['tensorflow-cpu', 'jax', 'jaxlib', 'h5py', 'torch'];
const IMPORTS = 'import keras, tensorflow, jax, h5py, numpy';

function ready() {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', IMPORTS], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

if (!ready()) {
  if (!existsSync(WHEELS)) {
    console.error(`keras-venv: no wheel store at ${WHEELS}; the real-Keras oracle suite needs it (set TINYKERAS_WHEELS to another folder of wheels).`);
    process.exit(process.env.CI ? 1 : 0);
  }
  console.error(`keras-venv: installing Keras, TensorFlow and JAX from ${WHEELS} into ${VENV} (once, about a minute)…`);
  run('python3', ['-m', 'venv', VENV]);
  run(PYTHON, ['-m', 'pip', 'install', '-q', '--no-index', '--find-links', WHEELS, ...PACKAGES]);
  if (!ready()) {
    console.error(`keras-venv: ${VENV} was built but cannot import keras, tensorflow, jax and h5py.`);
    process.exit(1);
  }
}
console.log(PYTHON);
