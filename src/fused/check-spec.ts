/**
 * The check of a layer's fused description (`Layer.fusedSpec()`, see
 * src/layers/fused-spec.ts) before the executor runs on it. A custom layer
 * may return one; the executor then reads and writes its kernel by the
 * sizes the description states, so a description whose weights do not have
 * those sizes would read past them or train the wrong numbers. It is
 * rejected with a ValueError naming the layer and the field instead.
 */
import type { FusedLayerSpec } from '../layers/fused-spec.js';
import { ACTIVATION_KINDS } from '../tensor/kernels/index.js';
import { RandomGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { describeValue, ValueError } from '../errors.js';

/** The activations the fused step computes: the element-wise kernels, and softmax on the output. */
const FUSED_ACTIVATIONS: readonly string[] = [...ACTIVATION_KINDS, 'softmax'];

/** `spec` as a FusedLayerSpec or null; throws a ValueError saying what is wrong with it. */
export function checkFusedSpec(spec: unknown, layer: { readonly name: string; readonly className: string }): FusedLayerSpec | null {
  if (spec === null) return null;
  const where = `Layer "${layer.name}" (${layer.className}): fusedSpec()`;
  const bad = (field: string, expected: string, value: unknown) =>
    new ValueError(`${where} returned a description whose ${field} must be ${expected}. Received: ${field}=${describeValue(value)}`);
  if (typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ValueError(`${where} must return null or a description { kind: 'dense' | 'conv2d' | 'pool2d' | 'flatten' | 'activation' | 'dropout' | 'nested', … }. Received: ${describeValue(spec)}`);
  }
  const s = spec as Record<string, unknown>;
  if (typeof s.name !== 'string') throw bad('name', 'a string', s.name);
  switch (s.kind) {
    case 'flatten':
      return spec as FusedLayerSpec;
    case 'dense':
      checkDense(s, bad);
      return spec as FusedLayerSpec;
    case 'conv2d':
      checkConv2D(s, bad);
      return spec as FusedLayerSpec;
    case 'pool2d':
      if (s.mode !== 'max' && s.mode !== 'avg') throw bad('mode', "'max' or 'avg'", s.mode);
      checkWindow(s, ['poolSize', 'strides'], bad);
      return spec as FusedLayerSpec;
    case 'activation':
      if (typeof s.activation !== 'string' || !FUSED_ACTIVATIONS.includes(s.activation)) throw bad('activation', `one of ${FUSED_ACTIVATIONS.join(', ')}`, s.activation);
      return spec as FusedLayerSpec;
    case 'dropout':
      if (typeof s.rate !== 'number' || !(s.rate >= 0 && s.rate < 1)) throw bad('rate', 'a number in [0, 1)', s.rate);
      if (s.generator !== null && !(s.generator instanceof RandomGenerator)) throw bad('generator', 'null or a RandomGenerator', s.generator);
      return spec as FusedLayerSpec;
    case 'nested': {
      if (typeof s.trainable !== 'boolean') throw bad('trainable', 'true or false', s.trainable);
      const inner = s.layers;
      if (!Array.isArray(inner) || !inner.every((l) => typeof l === 'object' && l !== null && typeof (l as { fusedSpec?: unknown }).fusedSpec === 'function')) {
        throw bad('layers', 'an array of layers', inner);
      }
      return spec as FusedLayerSpec;
    }
    default:
      throw bad('kind', "one of 'dense', 'conv2d', 'pool2d', 'flatten', 'activation', 'dropout', 'nested'", s.kind);
  }
}

/** A Dense description: its sizes, flags and weights agree. */
function checkDense(s: Record<string, unknown>, bad: (field: string, expected: string, value: unknown) => ValueError): void {
  if (typeof s.trainable !== 'boolean') throw bad('trainable', 'true or false', s.trainable);
  if (typeof s.useBias !== 'boolean') throw bad('useBias', 'true or false', s.useBias);
  if (!Number.isInteger(s.units) || (s.units as number) <= 0) throw bad('units', 'a positive integer', s.units);
  if (typeof s.activation !== 'string' || !FUSED_ACTIVATIONS.includes(s.activation)) throw bad('activation', `one of ${FUSED_ACTIVATIONS.join(', ')}`, s.activation);
  checkWeights(s, 2, 'inputs', s.units as number, bad);
}

/** A Conv2D description: its sizes, window, flags and weights agree. */
function checkConv2D(s: Record<string, unknown>, bad: (field: string, expected: string, value: unknown) => ValueError): void {
  if (typeof s.trainable !== 'boolean') throw bad('trainable', 'true or false', s.trainable);
  if (typeof s.useBias !== 'boolean') throw bad('useBias', 'true or false', s.useBias);
  if (!Number.isInteger(s.filters) || (s.filters as number) <= 0) throw bad('filters', 'a positive integer', s.filters);
  if (typeof s.activation !== 'string' || !FUSED_ACTIVATIONS.includes(s.activation)) throw bad('activation', `one of ${FUSED_ACTIVATIONS.join(', ')}`, s.activation);
  checkWindow(s, ['strides', 'dilationRate'], bad);
  checkWeights(s, 4, 'kernelHeight, kernelWidth, inChannels', s.filters as number, bad);
}

/** The window's [height, width] pairs (`pairs`) of positive integers, and its padding. */
function checkWindow(s: Record<string, unknown>, pairs: readonly string[], bad: (field: string, expected: string, value: unknown) => ValueError): void {
  for (const field of pairs) {
    const pair = s[field];
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => Number.isInteger(d) && d > 0)) throw bad(field, '[height, width] of positive integers', pair);
  }
  if (s.padding !== 'valid' && s.padding !== 'same') throw bad('padding', "'valid' or 'same'", s.padding);
}

/** kernel: null (not built) or float32 of rank `rank` ending in `units`; bias: [units] when useBias, else null. */
function checkWeights(s: Record<string, unknown>, rank: number, leading: string, units: number, bad: (field: string, expected: string, value: unknown) => ValueError): void {
  if (s.kernel === null) return;
  const kernel = s.kernel;
  if (!(kernel instanceof Tensor) || kernel.dtype !== 'float32' || kernel.rank !== rank || kernel.shape[rank - 1] !== units) {
    throw bad('kernel', `null (not built) or a float32 tensor of shape [${leading}, ${units}]`, kernel);
  }
  const bias = s.bias;
  const biasOk = s.useBias ? bias instanceof Tensor && bias.dtype === 'float32' && bias.rank === 1 && bias.shape[0] === units : bias === null;
  if (!biasOk) throw bad('bias', s.useBias ? `a float32 tensor of shape [${units}] (useBias is true)` : 'null (useBias is false)', bias);
}
