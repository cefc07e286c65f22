/**
 * What the optimizer oracle cases share (optimizers.keras.test.ts,
 * optimizers2.keras.test.ts): an optimizer run alone on fixed variables
 * with a fixed gradient per step, as python/common.py's
 * run_optimizer_steps runs it in Keras.
 */
import * as keras from '../../src/index.js';

/** Starting variables and `steps` gradients of varied sizes, a few exactly 0 (a weight no example touches). */
export function stepInputs(sizes: readonly number[], steps: number, seed: number): { variables0: Float32Array[]; gradients: Float32Array[][] } {
  keras.setRandomSeed(seed);
  const variables0 = sizes.map((n) => keras.randomNormal([n], 0, 0.01).data);
  const gradients = Array.from({ length: steps }, (_, t) =>
    sizes.map((n) => {
      const g = keras.randomNormal([n], 0, 10 ** (-(t % 4))).data;
      for (let i = t % 7; i < n; i += 13) g[i] = 0;
      return g;
    }),
  );
  return { variables0, gradients };
}

/** tinykeras's variables after each step, the arrays where `allocate` puts them (the SIMD tier's memory, or plain). */
export function runOptimizerSteps(
  optimizer: keras.optimizers.Optimizer,
  variables0: readonly Float32Array[],
  gradients: readonly (readonly Float32Array[])[],
  allocate: (n: number) => Float32Array,
): Float32Array[][] {
  const copy = (a: Float32Array) => { const b = allocate(a.length); b.set(a); return b; };
  const variables = variables0.map(copy);
  const slots = variables.map((v) => optimizer.newSlots(v.length).map(copy));
  const grads = variables.map((v) => allocate(v.length));
  const after: Float32Array[][] = [];
  for (const stepGradients of gradients) {
    optimizer.runStep((t) => {
      variables.forEach((v, i) => {
        grads[i]!.set(stepGradients[i]!);
        optimizer.updateRange(grads[i]!, v, slots[i]!, t, 0, v.length);
      });
    });
    after.push(variables.map((v) => v.slice()));
  }
  return after;
}
