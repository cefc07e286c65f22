/**
 * fit's and evaluate's sample weights, checked, as one [N] tensor per
 * output: `sampleWeight` (one weight per sample, for every output, or a
 * list with one array per output), or fit's `classWeight`, a dict
 * class → weight turned into sample weights as Keras does: each sample
 * weighs its class's weight (1 for a class the dict does not name), its
 * class read from its target (an integer label, a 0/1 target rounded, or a
 * one-hot row's argmax). Keras refuses both together, and classWeight for a
 * model of several outputs; so does this.
 */
import { Tensor } from '../tensor/tensor.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { toTensor, type DataLike } from './inputs.js';

/** One weight per sample, [N], per output; or null when fit or evaluate has none. */
export type SampleWeights = Tensor[] | null;

/** A class index → its weight, as Keras's class_weight: { 0: 1, 1: 5 }. */
export type ClassWeight = { readonly [classIndex: number]: number };

/** `sampleWeight` (fit, evaluate, validationData's third entry) or `classWeight` (fit) as sample weights for targets `y`. */
export function prepareSampleWeights(
  sampleWeight: DataLike | readonly DataLike[] | undefined,
  classWeight: ClassWeight | undefined,
  y: readonly Tensor[],
  where: string,
  argName = 'sampleWeight',
): SampleWeights {
  if (sampleWeight !== undefined && sampleWeight !== null && classWeight !== undefined && classWeight !== null) {
    throw new ValueError(`${where}: give sampleWeight or classWeight, not both (Keras refuses both too); for both, multiply the class weights into sampleWeight.`);
  }
  if (classWeight !== undefined && classWeight !== null) return [classWeightsToSampleWeights(classWeight, y, where)];
  if (sampleWeight === undefined || sampleWeight === null) return null;
  // A list of arrays (tensors, or nested arrays when there is one per output) gives each output its own.
  const perOutput = y.length > 1 && Array.isArray(sampleWeight) && sampleWeight.length === y.length && sampleWeight.every((w) => w instanceof Tensor || Array.isArray(w));
  const given = perOutput ? (sampleWeight as readonly DataLike[]) : y.map(() => sampleWeight as DataLike);
  return given.map((w, k) => checkedWeights(w, y[k]!.shape[0]!, where, perOutput ? `${argName}[${k}]` : argName));
}

/** One weight per sample ([N], or [N, 1] taken as [N]), each a finite number. */
function checkedWeights(value: DataLike, samples: number, where: string, argName: string): Tensor {
  const w = toTensor(value, argName, where);
  if (!((w.rank === 1 || (w.rank === 2 && w.shape[1] === 1)) && w.shape[0] === samples)) {
    throw new ShapeError(
      `${where}: ${argName} must hold one weight per sample, shape [${samples}]. Received: ${argName}.shape=[${w.shape.join(', ')}]`,
    );
  }
  const bad = w.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ValueError(`${where}: ${argName} must hold finite numbers. Received: ${argName}[${bad}]=${w.data[bad]}`);
  return w.rank === 1 ? w : new Tensor(w.data, [samples]);
}

/** Each sample's class weight, its class read from its target as Keras does. */
function classWeightsToSampleWeights(classWeight: ClassWeight, y: readonly Tensor[], where: string): Tensor {
  if (y.length !== 1) throw new ValueError(`${where}: classWeight is only supported for models with a single output (as in Keras); give sampleWeight per output instead.`);
  if (typeof classWeight !== 'object' || Array.isArray(classWeight) || classWeight instanceof Tensor) {
    throw new ValueError(`${where}: classWeight must be a dict from class index to weight, such as { 0: 1, 1: 5 }. Received: classWeight=${describeValue(classWeight)}`);
  }
  const weights = new Map<number, number>();
  for (const [key, weight] of Object.entries(classWeight)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || typeof weight !== 'number' || !Number.isFinite(weight)) {
      throw new ValueError(
        `${where}: classWeight maps class indices (integers ≥ 0) to finite weights, such as { 0: 1, 1: 5 }. Received: classWeight[${JSON.stringify(key)}]=${describeValue(weight)}`,
      );
    }
    weights.set(index, weight);
  }
  const labels = y[0]!;
  const n = labels.shape[0]!;
  const width = labels.rank > 1 ? labels.size / n : 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // A row of several values (one-hot) names its class by argmax; one value (a label, or a 0/1 target) by rounding.
    let cls = 0;
    if (width > 1) for (let j = 1; j < width; j++) cls = labels.data[i * width + j]! > labels.data[i * width + cls]! ? j : cls;
    else cls = roundHalfToEven(labels.data[i]!);
    out[i] = weights.get(cls) ?? 1;
  }
  return new Tensor(out, [n]);
}

/** The nearest integer, ties to even, as NumPy's round (Keras rounds labels with it): 0.5 → 0, 1.5 → 2. */
function roundHalfToEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
