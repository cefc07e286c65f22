/** Dense's forward pass against real Keras 3 on the same weights, on both of Keras's backends. */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { relativeL2, runKeras, type KerasBackend } from './oracle.js';

describe('Dense against real Keras', () => {
  keras.utils.setRandomSeed(7);
  const x = keras.random.normal([5, 6]);
  const layer = new keras.layers.Dense(4, { activation: 'relu' });
  const y = layer.apply(x) as keras.Tensor;
  const [kernel, bias] = layer.getWeights();
  const input = { x: x.toArray(), kernel: kernel!.toArray(), bias: bias!.toArray(), activation: 'relu' };
  const run = (backend: KerasBackend) => runKeras<{ y: number[][]; backend: string }>('dense_forward', input, { backend });

  it('gives Keras-TensorFlow\'s outputs within Keras\'s own TensorFlow-vs-JAX spread', () => {
    const tf = run('tensorflow');
    const jax = run('jax');
    expect([tf.backend, jax.backend]).toEqual(['tensorflow', 'jax']);
    const spread = relativeL2(jax.y.flat(), tf.y.flat());
    expect(relativeL2(Array.from(y.data), tf.y.flat())).toBeLessThanOrEqual(Math.max(4 * spread, 1e-7));
  });
});
