/**
 * The activations a layer can name: each a function of a tensor, built from
 * the ops (which carry their own gradients).
 */
import type { Tensor } from '../tensor/tensor.js';
import { ownEntry } from '../utils/registry.js';
import { suggestClosest } from '../utils/suggest.js';
import { describeValue, ValueError } from '../errors.js';

export type ActivationName =
  | 'relu' | 'softmax' | 'sigmoid' | 'tanh' | 'linear'
  | 'elu' | 'selu' | 'leaky_relu' | 'softplus' | 'swish' | 'silu' | 'gelu';
export type Activation = (x: Tensor) => Tensor;

const ACTIVATIONS: Record<ActivationName, Activation> = {
  relu: (x) => x.relu(),
  softmax: (x) => x.softmax(-1),
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  linear: (x) => x,
  elu: (x) => x.elu(),
  selu: (x) => x.selu(),
  leaky_relu: (x) => x.leakyRelu(),
  softplus: (x) => x.softplus(),
  swish: (x) => x.swish(),
  silu: (x) => x.swish(),
  gelu: (x) => x.gelu(),
};

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

/** The activation named `name`; null or undefined mean linear, as in Keras. */
export function getActivation(name: ActivationName | null | undefined, where: string): Activation {
  const activation = typeof (name ?? 'linear') === 'string' ? ownEntry(ACTIVATIONS, name ?? 'linear') : undefined;
  if (!activation) {
    throw new ValueError(
      `${where}: unknown activation ${describeValue(name)}.${typeof name === 'string' ? suggestClosest(name, ACTIVATION_NAMES) : ''} ` +
        `Valid activations: ${ACTIVATION_NAMES.join(', ')}.`,
    );
  }
  return activation;
}
