/**
 * The seed job on PyTorch (CPU), `--threads 1|2`: runs
 * bench/peers/pytorch-seed-job.py with the first Python that imports torch
 * (bench/lib/python.ts) and passes its figures on in the protocol of
 * bench/lib/protocol.ts. Peak memory and CPU time are the Python process's
 * own, measured by the script.
 *
 *     npx tsx bench/jobs/pytorch.ts --threads 1 --epochs 1 --samples 10000
 */
import { findTorchPython, PYTHON_CANDIDATES, runPythonPeer } from '../lib/python.js';
import { parseJobOptions } from '../lib/protocol.js';

const options = parseJobOptions(1);
const threads = options.threads ?? 1;
const python = findTorchPython();
if (python === null) throw new Error(`PyTorch is unavailable: \`import torch\` failed with ${PYTHON_CANDIDATES.join(', ')}.`);
await runPythonPeer(python, 'pytorch-seed-job.py', ['--threads', String(threads), '--epochs', String(options.epochs), '--samples', String(options.samples)], options);
