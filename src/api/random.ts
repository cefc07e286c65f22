/**
 * `keras.random`: tensors of random values, drawn from the global generator
 * (seeded by `keras.utils.setRandomSeed`) or from a `RandomGenerator` of
 * your own, which repeats its draws for a seed.
 *
 *     keras.random.uniform([2, 3]);              // in [0, 1)
 *     keras.random.normal([2, 3], 0, 0.05);      // mean 0, standard deviation 0.05
 */
export { randomUniform as uniform, randomNormal as normal } from '../tensor/creation.js';
export { RandomGenerator } from '../tensor/random.js';
