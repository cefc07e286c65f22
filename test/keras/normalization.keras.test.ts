/**
 * keras.layers.Normalization against real Keras 3 (python/normalization.py):
 * adapt's mean and variance, the weights' names, and the outputs, plain and
 * inverted, adapted and given, per feature and with axis null, within the
 * oracle's tolerance rule (docs/keras-oracle.md).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { describeKeras, DistanceLog, pack, runKerasOnBoth, unpack, type BothBackends, type Packed } from './oracle.js';

interface Case { name: string; adapt?: Float32Array; adaptShape?: number[]; mean?: number | number[]; variance?: number | number[]; axis: -1 | null; invert?: boolean }
interface Output { backend: string; results: Record<string, { mean?: Packed; variance?: Packed; weights: string[]; y: Packed }> }

const random = new keras.random.RandomGenerator(31);
// Features on very different scales and offsets, as the regression tutorial's (displacement in the hundreds, acceleration near 15).
const SCALES = [1, 50, 0.01, 1000, 3];
const OFFSETS = [0, 200, -1, 3000, 15];
function features(rows: number): Float32Array {
  return Float32Array.from({ length: rows * 5 }, (_, i) => OFFSETS[i % 5]! + SCALES[i % 5]! * random.normal());
}
const ADAPT = features(300);
const X = features(20);

const CASES: Case[] = [
  { name: 'adapted', adapt: ADAPT, axis: -1 },
  { name: 'adapted, inverted', adapt: ADAPT, axis: -1, invert: true },
  { name: 'adapted, axis null', adapt: ADAPT, axis: null },
  { name: 'given per feature', mean: [1, 2, 3, 4, 5], variance: [0.5, 100, 1e-4, 0, 9], axis: -1 },
  { name: 'given numbers, inverted', mean: 3, variance: 2, axis: -1, invert: true },
];

describeKeras('Normalization against real Keras', () => {
  const log = new DistanceLog('normalization.keras.test.ts');
  let keras3: BothBackends<Output>;
  beforeAll(async () => {
    keras3 = await runKerasOnBoth<Output>('normalization', {
      cases: CASES.map(({ adapt, ...c }) => ({ ...c, ...(adapt ? { adapt: pack(adapt, [adapt.length / 5, 5]) } : {}), x: pack(X, [20, 5]) })),
    });
  }, 300_000);
  afterAll(() => log.print());

  it("adapts to Keras's mean and variance, names its weights as Keras, and gives Keras's outputs", () => {
    for (const c of CASES) {
      keras.utils.clearSession();
      const layer = new keras.layers.Normalization({ axis: c.axis, invert: c.invert ?? false, ...(c.mean !== undefined ? { mean: c.mean, variance: c.variance } : {}) });
      const [tf, jax] = [keras3.tensorflow.results[c.name]!, keras3.jax.results[c.name]!];
      if (c.adapt) {
        layer.adapt(new keras.Tensor(c.adapt, [c.adapt.length / 5, 5]));
        log.withinSpread(`${c.name}: mean`, layer.adaptMean!.data, { tensorflow: unpack(tf.mean!), jax: unpack(jax.mean!) });
        log.withinSpread(`${c.name}: variance`, layer.adaptVariance!.data, { tensorflow: unpack(tf.variance!), jax: unpack(jax.variance!) });
      }
      const y = layer.apply(new keras.Tensor(X, [20, 5])).data;
      log.withinSpread(`${c.name}: outputs`, y, { tensorflow: unpack(tf.y), jax: unpack(jax.y) });
      expect(layer.weights.map((w) => w.name), c.name).toEqual(tf.weights);
    }
  });
});
