/**
 * The `threads` option of fit, checked: a positive integer, and at most a
 * few threads per core. More threads than cores only adds switching (each
 * worker spins on a shared step), and `threads: 1000` would start a thousand
 * workers, each with its own copy of the engine.
 */
import { describeValue, ValueError } from '../errors.js';

/** Threads allowed per core; the limit is never below MIN_THREAD_LIMIT. */
export const THREADS_PER_CORE = 4;
const MIN_THREAD_LIMIT = 8;

/**
 * Throws a ValueError unless `threads` is a positive integer within
 * THREADS_PER_CORE × `cores` (the machine's, as the thread platform counts them).
 */
export function checkThreadCount(threads: unknown, where: string, cores: number): void {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads <= 0) {
    throw new ValueError(`${where}: threads must be a positive integer. Received: threads=${describeValue(threads)}`);
  }
  const limit = Math.max(MIN_THREAD_LIMIT, THREADS_PER_CORE * cores);
  if (threads > limit) {
    throw new ValueError(
      `${where}: threads must be at most ${limit} (${THREADS_PER_CORE} per core on this machine's ${cores} cores); ` +
        `more threads than cores only slow training down. Leave threads out to use every core. Received: threads=${threads}`,
    );
  }
}
