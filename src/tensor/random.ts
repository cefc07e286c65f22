/**
 * Seeded pseudo-random numbers: one generator for the whole library, so that
 * `setRandomSeed(42)` makes initial weights, shuffling and therefore a whole
 * training run repeat bit for bit.
 *
 * The generator is xoshiro128** (Blackman & Vigna), seeded through splitmix32:
 * small, fast on 32-bit integer arithmetic, and statistically sound.
 */
import { describeValue, ValueError } from '../errors.js';

export class RandomGenerator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** A second normal sample left over from the last Box-Muller pair. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** Resets the state from a 32-bit seed (splitmix32 spreads it over 128 bits). */
  seed(seed: number): void {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = null;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1), with 32 bits of randomness. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal N(0, 1) by the Box-Muller transform. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    // 1 - uniform() lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** An integer in [0, n), without modulo bias worth noticing for n < 2^20. */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fills `out` with a uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(out: Int32Array | Uint32Array): void {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Unseeded by default, like Keras: a fresh run gives fresh weights. */
let globalGenerator = new RandomGenerator((Math.random() * 2 ** 32) >>> 0);

/** The generator that initializers and shuffling draw from. */
export function getGlobalGenerator(): RandomGenerator {
  return globalGenerator;
}

/**
 * Makes everything random in tinykeras repeat: initial weights, the
 * shuffling in `fit`, and the random tensor constructors. Keras's
 * `keras.utils.set_random_seed`.
 */
export function setRandomSeed(seed: number): void {
  if (!Number.isInteger(seed)) {
    throw new ValueError(`setRandomSeed: the seed must be an integer. Received: seed=${describeValue(seed)}`);
  }
  globalGenerator = new RandomGenerator(seed);
}
