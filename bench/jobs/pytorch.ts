/**
 * The seed job on PyTorch (CPU), `--threads 1|2`: runs
 * bench/peers/pytorch-seed-job.py with the first Python that imports torch
 * (bench/lib/python.ts) and passes its figures on in the protocol of
 * bench/lib/protocol.ts. Peak memory and CPU time are the Python process's
 * own, measured by the script.
 *
 *     npx tsx bench/jobs/pytorch.ts --threads 1 --epochs 1 --samples 10000
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from '../lib/python.js';
import { emitResult, parseJobOptions, PROGRESS_PREFIX, progress, RESULT_PREFIX, type PytorchJobResult } from '../lib/protocol.js';

const options = parseJobOptions(1);
const threads = options.threads ?? 1;
const python = findTorchPython();
if (python === null) throw new Error('PyTorch is unavailable: `python3 -c "import torch"` failed with python3 and /usr/bin/python3.');

const script = join(dirname(fileURLToPath(import.meta.url)), '../peers/pytorch-seed-job.py');
const args = [script, '--json', '--threads', String(threads), '--epochs', String(options.epochs), '--samples', String(options.samples)];
progress(options, `${python} bench/peers/pytorch-seed-job.py ${args.slice(1).join(' ')}`);
const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
if (code !== 0 || line === undefined) throw new Error(`pytorch-seed-job.py exited with ${code}${line === undefined ? ', no result line' : ''}`);
emitResult(options, JSON.parse(line.slice(RESULT_PREFIX.length)) as PytorchJobResult);
