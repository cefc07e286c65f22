/**
 * The seed job on PyTorch (CPU), `--threads 1|2`: runs
 * bench/peers/pytorch-seed-job.py with the first Python that imports torch
 * (bench/lib/python.ts) and passes its figures on in the protocol of
 * bench/lib/protocol.ts. Peak memory and CPU time are the Python process's
 * own, measured by the script.
 *
 * The thread count is pinned for BLAS too: `torch.set_num_threads` alone
 * leaves OpenBLAS (and OpenMP, MKL) on every core, so the peer process gets
 * OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS = --threads.
 *
 *     npx tsx bench/jobs/pytorch.ts --threads 1 --epochs 1 --samples 10000 [--model cnn]
 */
import { findTorchPython, PYTHON_CANDIDATES, runPythonPeer } from '../lib/python.js';
import { parseJobOptions } from '../lib/protocol.js';

const options = parseJobOptions(1);
const threads = options.threads ?? 1;
const python = findTorchPython();
if (python === null) throw new Error(`PyTorch is unavailable: \`import torch\` failed with ${PYTHON_CANDIDATES.join(', ')}.`);
const pinned = String(threads);
const env = { ...process.env, OPENBLAS_NUM_THREADS: pinned, OMP_NUM_THREADS: pinned, MKL_NUM_THREADS: pinned };
const args = ['--threads', pinned, '--epochs', String(options.epochs), '--samples', String(options.samples), '--model', options.model, '--test-samples', String(options.testSamples)];
await runPythonPeer(python, 'pytorch-seed-job.py', args, options, env);
