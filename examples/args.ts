/** The examples' command-line flags: `--epochs 1`, `--seed 42`, `--dir path`, `--simd`. */
import { setFlagsFromString } from 'node:v8';

/** The value after `flag`, or undefined when the flag is absent. */
export function stringArg(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** The integer after `flag`, or undefined when the flag is absent. */
export function numberArg(flag: string): number | undefined {
  const i = process.argv.indexOf(flag);
  if (i < 0) return undefined;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value)) throw new Error(`${flag} takes an integer. Received: ${process.argv[i + 1]}`);
  return value;
}

/**
 * Whether `--simd` was given (the WebAssembly SIMD kernels). If so, on
 * Node 20 and 21 it also turns on relaxed SIMD, which those versions keep
 * behind a V8 flag and Node 22+ and browsers have on: the SIMD tier's
 * matrix products then do each multiply-add as one fused instruction
 * (docs/performance.md). It must run before the tier is first selected.
 */
export function simdAsked(): boolean {
  const asked = process.argv.includes('--simd');
  if (asked && Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return asked;
}
