/**
 * The arguments the image layers share, read the way Keras reads them: a
 * size given as one integer or as [height, width], a padding name, the
 * data format (channels last only). What every layer's config holds is
 * read in config.ts.
 */
import type { Padding } from '../tensor/ops/window.js';
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
