/**
 * What the oracle cases share: models described once as plain data that
 * both tinykeras (`buildModel`) and the Python scripts (common.py's
 * build_model) build, and synthetic Fashion-MNIST-like images.
 */
import * as keras from '../../src/index.js';
import { pack, type Packed } from './packed.js';

/** A layer as plain data, the same keys for tinykeras and for python/common.py. */
export type LayerSpec =
  | { kind: 'Dense'; units: number; activation?: keras.ActivationName }
  | { kind: 'Flatten' }
  | { kind: 'Dropout'; rate: number; seed?: number }
  | { kind: 'Activation'; activation: keras.ActivationName }
  | { kind: 'ReLU'; maxValue?: number; negativeSlope?: number; threshold?: number }
  | { kind: 'Softmax'; axis?: number };

export function buildLayer(spec: LayerSpec): InstanceType<typeof keras.layers.Layer> {
  switch (spec.kind) {
    case 'Dense': return new keras.layers.Dense(spec.units, { activation: spec.activation });
    case 'Flatten': return new keras.layers.Flatten();
    case 'Dropout': return new keras.layers.Dropout({ rate: spec.rate });
    case 'Activation': return new keras.layers.Activation(spec.activation);
    case 'ReLU': return new keras.layers.ReLU({ maxValue: spec.maxValue, negativeSlope: spec.negativeSlope, threshold: spec.threshold });
    case 'Softmax': return new keras.layers.Softmax({ axis: spec.axis });
  }
}

/** An InputLayer of `inputShape`, then the layers; built, so its weights exist. */
export function buildModel(inputShape: readonly number[], layers: readonly LayerSpec[]): keras.Sequential {
  return new keras.Sequential([keras.Input({ shape: [...inputShape] }), ...layers.map(buildLayer)]);
}

/** A model's weights, packed for the scripts. */
export function packWeights(model: keras.Sequential): Packed[] {
  return model.getWeights().map((w) => pack(w.data, w.shape));
}

/** The seed model: Flatten(28×28) → Dense(128, relu) → Dense(10, softmax), under sparse crossentropy. */
export const SEED_LAYERS: LayerSpec[] = [{ kind: 'Flatten' }, { kind: 'Dense', units: 128, activation: 'relu' }, { kind: 'Dense', units: 10, activation: 'softmax' }];
/** The tutorial's logits model: the same with a linear output, under sparse crossentropy from logits. */
export const LOGITS_LAYERS: LayerSpec[] = [{ kind: 'Flatten' }, { kind: 'Dense', units: 128, activation: 'relu' }, { kind: 'Dense', units: 10 }];

/**
 * `count` 28×28 images in [0, 1] in steps of 1/255 (pixels as Fashion-MNIST
 * stores them, scaled) and labels 0-9: each class a blurred random
 * silhouette, each image that silhouette shifted by a pixel or two, with
 * its brightness varied and noise added, so classes overlap a little and
 * some predictions are close calls, as in Fashion-MNIST.
 */
export function syntheticImages(count: number, seed: number): { x: Float32Array; y: Float32Array } {
  const side = 28;
  const templates = Array.from({ length: 10 }, (_, c) => classTemplate(new keras.random.RandomGenerator(1000 + c), side));
  const random = new keras.random.RandomGenerator(seed);
  const x = new Float32Array(count * side * side);
  const y = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const label = random.int(10);
    y[n] = label;
    const [dr, dc] = [random.int(5) - 2, random.int(5) - 2];
    const brightness = 0.5 + 0.5 * random.uniform();
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const [sr, sc] = [r - dr, c - dc];
        const inside = sr >= 0 && sr < side && sc >= 0 && sc < side;
        const value = (inside ? templates[label]![sr * side + sc]! * brightness : 0) + 0.25 * random.normal();
        x[n * side * side + r * side + c] = Math.round(255 * Math.min(1, Math.max(0, value))) / 255;
      }
    }
  }
  return { x, y };
}

/** A class's silhouette: a few random ellipses, in [0, 1]. */
function classTemplate(random: InstanceType<typeof keras.random.RandomGenerator>, side: number): Float32Array {
  const image = new Float32Array(side * side);
  for (let k = 0; k < 4; k++) {
    const [cr, cc] = [6 + random.uniform() * 16, 6 + random.uniform() * 16];
    const [ar, ac] = [2 + random.uniform() * 8, 2 + random.uniform() * 8];
    const level = 0.4 + 0.6 * random.uniform();
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        if (((r - cr) / ar) ** 2 + ((c - cc) / ac) ** 2 <= 1) image[r * side + c] = Math.max(image[r * side + c]!, level);
      }
    }
  }
  return image;
}
