/**
 * The arguments the image layers share, read the way Keras reads them: a
 * size given as one integer or as [height, width], a padding name, the
 * data format (channels last only), and initializers as Keras writes them
 * in a config.
 */
import type { Padding } from '../tensor/ops/window.js';
import type { Initializer } from './initializers.js';
import { toSnakeCase } from './naming.js';
import { describeValue, ValueError } from '../errors.js';

/** One integer n (meaning [n, n]) or [height, width], as Keras's kernel_size, strides, pool_size. */
export type IntPair = number | readonly [number, number];

/** `value` as [height, width] of integers ≥ `min`; a ValueError naming `name` otherwise. */
export function intPair(value: unknown, name: string, where: string, min = 1): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => Number.isInteger(d) && d >= min)) {
    throw new ValueError(
      `${where}: ${name} must be an integer ≥ ${min} or a list of 2 such integers [height, width]. Received: ${name}=${describeValue(value)}`,
    );
  }
  return [pair[0], pair[1]];
}

/** 'valid' or 'same' (any letter case, as Keras accepts). */
export function paddingName(value: unknown, where: string): Padding {
  const name = typeof value === 'string' ? value.toLowerCase() : value;
  if (name !== 'valid' && name !== 'same') {
    throw new ValueError(`${where}: padding must be 'valid' or 'same'. Received: padding=${describeValue(value)}`);
  }
  return name;
}

/** Only channels-last images ([batch, height, width, channels]) are supported; null means the default. */
export function checkChannelsLast(value: unknown, where: string): void {
  if (value !== undefined && value !== null && value !== 'channels_last') {
    throw new ValueError(`${where}: only dataFormat 'channels_last' is supported (images as [batch, height, width, channels]). Received: dataFormat=${describeValue(value)}`);
  }
}

/**
 * An initializer as a config holds it: a name ('glorot_uniform'), a Keras
 * object ({ class_name: 'GlorotUniform', config: {…} }) → its snake_case
 * name, or a function, kept as it is.
 */
export function initializerFromConfig(value: unknown, fallback: string): string | Initializer {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' || typeof value === 'function') return value as string | Initializer;
  if (typeof value === 'object' && typeof (value as { class_name?: unknown }).class_name === 'string') {
    // TF.js spells the LeCun pair 'LeCunUniform'; Keras 'LecunUniform'.
    return toSnakeCase((value as { class_name: string }).class_name.replace(/^LeCun/, 'Lecun'));
  }
  throw new ValueError(`an initializer must be a name, a Keras object { class_name, config } or a function. Received: ${describeValue(value)}`);
}

/** The config entry of an initializer: its name, or null for a function (which has no Keras name). */
export function initializerConfig(initializer: string | Initializer): string | null {
  return typeof initializer === 'string' ? toSnakeCase(initializer) : null;
}

/** The options every layer takes, read from a Keras config: name, trainable, and the input shape from batch_input_shape (TF.js, Keras 2) or batch_shape (Keras 3). */
export function layerArgsFromConfig(config: Record<string, unknown>): { name?: string; trainable?: boolean; inputShape?: number[] } {
  const args: { name?: string; trainable?: boolean; inputShape?: number[] } = {};
  if (config.name !== undefined) args.name = config.name as string;
  if (config.trainable !== undefined) args.trainable = config.trainable as boolean;
  const shape = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(shape)) args.inputShape = shape.slice(1) as number[];
  return args;
}
