/** The examples' command-line flags: `--epochs 1`, `--seed 42`, `--dir path`. */

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
