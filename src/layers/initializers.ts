/**
 * Weight initializers, as Keras defines them. The variance-scaling family
 * (Glorot, He, LeCun) draws with a variance of scale / n, where n is the
 * fan-in, the fan-out or their mean:
 *
 *     uniform:  U[−limit, limit],  limit = √(3 · scale / n)
 *     normal:   truncated normal (cut at 2σ), σ = √(scale / n) / 0.87962566
 *               (the constant restores the variance lost to truncation)
 *
 * glorot_uniform (Dense's default kernel) is scale 1, n = (fan_in + fan_out)/2,
 * so limit = √(6 / (fan_in + fan_out)).
 */
import { randomUniform, zeros, full } from '../tensor/creation.js';
import { getGlobalGenerator } from '../tensor/random.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { ownEntry } from '../utils/registry.js';
import { suggestClosest } from '../utils/suggest.js';
import { describeValue, ValueError } from '../errors.js';

export type Initializer = (shape: Shape) => Tensor;

/** Fans of a weight shape: for a 2-D kernel [in, out], fan_in = in and fan_out = out. */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  // Convolution kernels: the receptive field multiplies both fans.
  const receptiveField = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2]! * receptiveField, fanOut: shape[shape.length - 1]! * receptiveField };
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';

export function varianceScaling(scale: number, mode: FanMode, distribution: 'uniform' | 'truncated_normal'): Initializer {
  return (shape) => {
    const { fanIn, fanOut } = computeFans(shape);
    const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / Math.max(1, n);
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return randomUniform(shape, -limit, limit);
    }
    return truncatedNormal(shape, Math.sqrt(variance) / 0.87962566103423978);
  };
}

/** Normal samples with standard deviation `stddev`, redrawn until within 2σ of 0. */
function truncatedNormal(shape: Shape, stddev: number): Tensor {
  const generator = getGlobalGenerator();
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    let z: number;
    do z = generator.normal();
    while (Math.abs(z) > 2);
    data[i] = z * stddev;
  }
  return new Tensor(data, shape);
}

const INITIALIZERS: Record<string, Initializer> = {
  glorot_uniform: varianceScaling(1, 'fan_avg', 'uniform'),
  glorot_normal: varianceScaling(1, 'fan_avg', 'truncated_normal'),
  he_uniform: varianceScaling(2, 'fan_in', 'uniform'),
  he_normal: varianceScaling(2, 'fan_in', 'truncated_normal'),
  lecun_uniform: varianceScaling(1, 'fan_in', 'uniform'),
  lecun_normal: varianceScaling(1, 'fan_in', 'truncated_normal'),
  zeros: (shape) => zeros(shape),
  ones: (shape) => full(shape, 1),
  random_uniform: (shape) => randomUniform(shape, -0.05, 0.05),
};

export const INITIALIZER_NAMES = Object.keys(INITIALIZERS);

/** An initializer from its Keras name (snake_case or camelCase) or a function. */
export function getInitializer(identifier: string | Initializer, where: string): Initializer {
  if (typeof identifier === 'function') return identifier;
  if (typeof identifier !== 'string') {
    throw new ValueError(`${where}: an initializer is a name (${INITIALIZER_NAMES.join(', ')}) or a function (shape) => Tensor. Received: ${describeValue(identifier)}`);
  }
  const initializer = ownEntry(INITIALIZERS, toKey(identifier));
  if (!initializer) {
    throw new ValueError(
      `${where}: unknown initializer '${identifier}'.${suggestClosest(identifier, INITIALIZER_NAMES)} ` +
        `Valid initializers: ${INITIALIZER_NAMES.join(', ')}.`,
    );
  }
  return initializer;
}

/**
 * Our initializer names → the Keras class TF.js knows them by, with the
 * config Keras writes. TF.js spells the LeCun pair 'LeCunNormal' /
 * 'LeCunUniform'; Keras spells 'LecunNormal'.
 */
const INITIALIZER_CLASSES: Record<string, { class_name: string; config: Record<string, unknown> }> = {
  glorot_uniform: { class_name: 'GlorotUniform', config: { seed: null } },
  glorot_normal: { class_name: 'GlorotNormal', config: { seed: null } },
  he_uniform: { class_name: 'HeUniform', config: { seed: null } },
  he_normal: { class_name: 'HeNormal', config: { seed: null } },
  lecun_uniform: { class_name: 'LeCunUniform', config: { seed: null } },
  lecun_normal: { class_name: 'LeCunNormal', config: { seed: null } },
  zeros: { class_name: 'Zeros', config: {} },
  ones: { class_name: 'Ones', config: {} },
  random_uniform: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
};

/**
 * The Keras config of an initializer: { class_name, config }. A custom
 * function has no Keras name: it is written as null, which loaders read as
 * the default.
 */
export function initializerConfig(identifier: string | Initializer): { class_name: string; config: Record<string, unknown> } | null {
  const known = typeof identifier === 'string' ? ownEntry(INITIALIZER_CLASSES, toKey(identifier)) : undefined;
  return known ? structuredClone(known) : null;
}

/**
 * A layer's config entry for an initializer (`kernel_initializer`, …):
 * initializerConfig(identifier), or, for a layer made by fromConfig, the
 * entry `key` as the config it was read from (`readFrom`) had it, so that
 * saving a loaded model writes back unchanged even an initializer tinykeras
 * does not have.
 */
export function initializerEntry(identifier: string | Initializer, readFrom: Readonly<Record<string, unknown>> | null, key: string): unknown {
  return readFrom === null ? initializerConfig(identifier) : structuredClone(readFrom[key] ?? null);
}

/**
 * The initializer a Keras config names, by its class ('GlorotUniform',
 * Keras's 'LecunNormal' too), or `fallback` for null and for one tinykeras
 * does not have.
 */
export function initializerFromConfig(config: unknown, fallback: string): string {
  const className = typeof config === 'object' && config !== null ? (config as { class_name?: unknown }).class_name : undefined;
  if (typeof className !== 'string') return fallback;
  const name = toKey(className).replace('le_cun_', 'lecun_');
  return Object.hasOwn(INITIALIZER_CLASSES, name) ? name : fallback;
}

/** 'GlorotUniform', 'glorotUniform', 'glorot_uniform' → 'glorot_uniform'. */
function toKey(identifier: string): string {
  return identifier.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
