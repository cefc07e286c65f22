/**
 * The seed program as a user runs it, `npm run fashion-mnist`
 * (examples/fashion-mnist.ts: load, 5 epochs, evaluate, predict, save),
 * imported into this job process so that the process's peak resident memory
 * is the whole program's. The example prints the time from process start to
 * its first epoch with --startup; this job reads that line.
 *
 *     npx tsx bench/jobs/program.ts --epochs 1 --kernels simd
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitResult, parseJobOptions, processStats, progress, type ProgramJobResult } from '../lib/protocol.js';

const options = parseJobOptions(5);
const saveDir = mkdtempSync(join(tmpdir(), 'tinykeras-bench-program-'));
// The example reads its own flags from process.argv.
process.argv.push('--epochs', String(options.epochs), '--seed', '1', '--startup', '--save', saveDir, ...(options.kernels === 'simd' ? ['--simd'] : []));

// Its lines go to stderr (stdout carries only this job's result line); startup and accuracy are read from them.
let startupMs = Number.NaN;
let testAccuracy = Number.NaN;
const log = console.log;
console.log = (...args: unknown[]) => {
  const text = args.map(String).join(' ');
  startupMs = Number(/^Startup: (\d+) ms/.exec(text)?.[1] ?? startupMs);
  if (text.startsWith('Test accuracy:')) testAccuracy = Number(args[1]);
  process.stderr.write(`${text}\n`);
};
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => process.stderr.write(chunk, ...rest)) as typeof process.stdout.write;
try {
  await import('../../examples/fashion-mnist.js');
} finally {
  console.log = log;
  process.stdout.write = write;
  rmSync(saveDir, { recursive: true, force: true });
}
progress(options, `startup ${startupMs} ms, test accuracy ${testAccuracy}`);

const result: ProgramJobResult = {
  job: `program-${options.kernels}`,
  kernels: options.kernels,
  epochs: options.epochs,
  startupMs,
  testAccuracy,
  ...processStats(),
};
emitResult(options, result);
