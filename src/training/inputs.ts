/**
 * Accepting and checking the data users pass to fit/evaluate/predict, before
 * any kernel sees it: tensors or nested arrays (which become float32 tensors,
 * as Keras casts float64 input to floatx), with one sample per row, finite
 * values, and samples of the shape the model was built for.
 */
import type { BatchShape } from '../layers/layer.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { tensor } from '../tensor/creation.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';
import { describeValue, RuntimeError, ShapeError, ValueError } from '../errors.js';

export type DataLike = Tensor | NestedArray;

export function toTensor(value: DataLike, argName: string, where: string): Tensor {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) return tensor(value);
  const hint = ArrayBuffer.isView(value)
    ? ` A flat typed array has no sample shape: wrap it with its shape, for example new Tensor(data, [n, 28, 28]).`
    : '';
  throw new ValueError(
    `${where}: ${argName} must be a Tensor or nested arrays of numbers.${hint} Received: ${argName}=${describeValue(value)}`,
  );
}

/** Throws unless x holds at least one sample (a first, batch, dimension of size ≥ 1). */
function requireSamples(x: Tensor, argName: string, where: string): void {
  if (x.rank === 0 || x.shape[0] === 0) {
    throw new ValueError(
      `${where}: ${argName} is empty; it needs at least one sample along its first (batch) dimension. ` +
        `Received: ${argName}.shape=[${x.shape.join(', ')}]`,
    );
  }
}

/** Throws unless y holds as many samples (rows) as x, which has some; `lossName` says what y feeds. */
function requireSameSampleCount(x: Tensor, y: Tensor, where: string, lossName?: string): void {
  if (y.rank === 0 || x.shape[0] !== y.shape[0]) {
    const feeds = lossName ? ` (the loss '${lossName}' takes one target per sample)` : '';
    throw new ShapeError(
      `${where}: x has ${x.shape[0]} samples but y has ${y.rank === 0 ? 'no batch dimension' : `${y.shape[0]} targets`}${feeds}; ` +
        `x and y must have the same number of samples (first dimension). Received: x.shape=[${x.shape.join(', ')}], y.shape=[${y.shape.join(', ')}]`,
    );
  }
}

/** Where in a tensor a flat index falls: [3, 14, 2] for a [n, 28, 28] tensor. */
export function multiIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis]!;
    flat = Math.floor(flat / shape[axis]!);
  }
  return index;
}

/** Largest |value| above which `checkValues` suggests normalising (pixel values reach 255). */
export const LARGE_INPUT = 100;

/** Layers that scale the model's inputs (Rescaling(1 / 255), an adapted Normalization): large raw inputs are then expected. */
const SCALING_LAYERS = new Set(['Normalization', 'Rescaling']);

/** Tensors already checked, so that evaluating the same data every epoch does not rescan or re-warn. */
const checkedValues = new WeakSet<Float32Array>();

/**
 * Throws on the first NaN or ±Infinity in `x`, naming its index, and warns
 * (once per array) when values reach beyond ±LARGE_INPUT: unnormalised inputs
 * are the usual reason a loss turns into NaN.
 */
export function checkValues(x: Tensor, argName: string, where: string, warn: (message: string) => void = console.warn): void {
  const data = x.data;
  if (checkedValues.has(data)) return;
  let min = Infinity;
  let max = -Infinity;
  // v·0 is 0 for every finite v and NaN for ±Infinity and NaN: one sum tells whether all are finite.
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    nonFinite += v * 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (nonFinite !== 0) {
    const i = data.findIndex((v) => !Number.isFinite(v));
    const at = multiIndex(i, x.shape).join(', ');
    throw new ValueError(
      `${where}: ${argName} contains ${data[i]} at index [${at}]; the data must be finite numbers. ` +
        `Received: ${argName}[${at}]=${data[i]}`,
    );
  }
  checkedValues.add(data);
  if (Math.max(-min, max) > LARGE_INPUT) {
    const pixels = min >= 0 && max <= 255 ? ' Pixel values 0-255 are usually divided by 255.' : '';
    warn(
      `${where}: ${argName} has values in [${min}, ${max}]. Networks train best on inputs of order 1; ` +
        `large inputs can make the loss overflow to NaN. Consider normalising ${argName}.${pixels}`,
    );
  }
}

/**
 * Throws a ShapeError unless x's samples have the shape the model was built
 * for, in Keras's words ("Input 0 of layer … is incompatible with the layer:
 * expected shape=(None, 28, 28), found shape=(60000, 784)"), with a hint for
 * the usual mistakes: the batch counted inside `inputShape`, a single sample
 * without its batch dimension, or flattened samples.
 */
export function checkModelInput(modelName: string, firstLayer: string, expected: BatchShape, x: Tensor, where: string): void {
  const found = x.shape;
  const fits = found.length === expected.length && expected.every((d, i) => d === null || d === found[i]);
  if (fits) return;
  throw new ShapeError(
    `${where}: Input 0 of layer "${firstLayer}" (the first layer of model "${modelName}") is incompatible with the layer: ` +
      `expected shape=${formatShape(expected)}, found shape=${formatShape(found)}.${inputShapeHint(expected, found)}`,
  );
}

function inputShapeHint(expected: BatchShape, found: readonly number[]): string {
  const sample = expected.slice(1);
  const sampleShape = `[${sample.join(', ')}]`;
  const sameDims = (a: readonly (number | null)[], b: readonly (number | null)[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (sameDims(found, sample)) {
    const single = `wrap it in an array ([x]) or reshape it to [1, ${sample.join(', ')}]`;
    // [60000, 784] against inputShape [60000, 784] could be either mistake; say both.
    return found.length === 1
      ? ` x has the shape of one sample, without its batch dimension: ${single}.`
      : ` x has the shape of one sample. Either it is one sample without its batch dimension: ${single}. ` +
          `Or inputShape counts the batch: it is the shape of one sample, without the batch dimension (for this x: inputShape: [${found.slice(1).join(', ')}]).`;
  }
  // Either mistake, or both, may fit the shapes; each that does gets its hint.
  const hints: string[] = [];
  if (expected.length === found.length + 1 && sameDims(expected.slice(2), found.slice(1))) {
    hints.push(
      ` The model's samples have shape ${sampleShape}, one dimension more than the data's: it looks like inputShape counts ` +
        `the batch. inputShape is the shape of one sample, without the batch dimension: use inputShape: [${found.slice(1).join(', ')}].`,
    );
  }
  if (sample.every((d) => d !== null) && found.length >= 1) {
    const perSample = sizeOf(sample as number[]);
    if (found.length === 1) {
      const n = found[0]! / perSample;
      hints.push(
        Number.isInteger(n)
          ? ` x is flat (1-D): its first dimension must count samples. Reshape it to [${n}, ${sample.join(', ')}].`
          : ` x is flat (1-D): its first dimension must count samples, each of shape ${sampleShape}.`,
      );
    } else if (sizeOf(found.slice(1)) === perSample) {
      hints.push(` Each sample holds the expected ${perSample} values but in shape [${found.slice(1).join(', ')}]: reshape x to [${found[0]}, ${sample.join(', ')}].`);
    }
  }
  if (hints.length > 0) return hints.join(' Or:');
  return ` Each sample must have shape ${sampleShape}; the first dimension counts samples.`;
}

/** What `prepareData` needs of the model. */
interface ModelForData {
  readonly name: string;
  readonly layers: readonly { readonly name: string; readonly className: string }[];
  readonly builtInputShape: BatchShape | null;
  computeOutputShape(inputShape: BatchShape): BatchShape;
}

/**
 * Every check fit/evaluate/predict run on their data, in the order a user
 * would fix things: a model with layers, tensors, matching sample counts,
 * samples of the model's input shape, finite values (with a warning for
 * unnormalised ones), and targets the loss can read (`loss` given).
 * A model not yet built is built from x by fit; evaluate and predict pass
 * `requireBuilt`, since an unbuilt model has no trained weights to run.
 */
export function prepareData(
  model: ModelForData,
  xLike: DataLike,
  yLike: DataLike | null,
  where: string,
  options: { loss?: { name: string; checkTargets?(y: Tensor, outputShape: BatchShape): void }; requireBuilt?: boolean; xName?: string; yName?: string } = {},
): [Tensor, Tensor | null] {
  const [xName, yName] = [options.xName ?? 'x', options.yName ?? 'y'];
  if (model.layers.length === 0) throw new RuntimeError(`${where}: model "${model.name}" has no layers; add some first.`);
  const expected = model.builtInputShape;
  if (expected === null && options.requireBuilt) {
    throw new RuntimeError(
      `${where}: model "${model.name}" has not been built, so its weights do not exist yet and its input shape is unknown. ` +
        'Give the first layer an inputShape (for example new Flatten({ inputShape: [28, 28] })), or train it with fit() first.',
    );
  }
  const x = toTensor(xLike, xName, where);
  requireSamples(x, xName, where);
  if (options.loss && (yLike === null || yLike === undefined)) {
    // A loss needs targets: fit and evaluate pass one; predict, which takes no labels, does not.
    throw new ValueError(`${where}: ${yName} is required: the targets the loss compares the predictions with. Received: ${yName}=${describeValue(yLike)}`);
  }
  const y = yLike === null ? null : toTensor(yLike, yName, where);
  if (y) requireSameSampleCount(x, y, where, options.loss?.name);
  if (expected !== null) checkModelInput(model.name, model.layers[0]!.name, expected, x, where);
  // A model that starts with a Normalization or Rescaling layer scales its inputs itself: no warning about their size.
  checkValues(x, xName, where, SCALING_LAYERS.has(model.layers[0]!.className) ? () => {} : undefined);
  if (y) checkValues(y, yName, where, () => {});
  if (y && options.loss?.checkTargets) {
    options.loss.checkTargets(y, model.computeOutputShape(expected ?? [null, ...x.shape.slice(1)]));
  }
  return [x, y];
}

/**
 * Runs `check` (a prepareData of the validation data) so that every error it
 * throws says it is about the validation data: a shape or label error that
 * names only "y" would send the reader to the training labels.
 */
export function aboutValidationData<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ValueError) || error.message.includes('validationData')) throw error;
    const ErrorClass = error.constructor as typeof ValueError;
    const inner = error.message.startsWith(`${where}: `) ? error.message.slice(where.length + 2) : error.message;
    throw new ErrorClass(`${where}: in validationData: ${inner}`, { cause: error });
  }
}

/** Data for a model of several inputs or outputs: one tensor (or nested array) per input, as a list or a dict by name. */
export type DataStructure = DataLike | readonly DataLike[] | { readonly [name: string]: DataLike };

/** What `prepareLists` needs of the model: prepareData's, and a Functional model's inputs and outputs. */
interface ModelForLists extends ModelForData {
  readonly graphIO?: {
    readonly inputNames: readonly string[];
    readonly inputShapes: readonly BatchShape[];
    readonly outputNames: readonly string[];
    readonly outputShapes: readonly BatchShape[];
  };
}

/**
 * prepareData for any model: the data as one tensor per input (x) and per
 * output (y). A Sequential takes one of each, checked by prepareData; a
 * Functional model takes a list in input (output) order or a dict by name,
 * and each tensor gets the same checks, named ("x.image", "y[1]").
 */
export function prepareLists(
  model: ModelForLists,
  xLike: DataStructure,
  yLike: DataStructure | null,
  where: string,
  options: { losses?: readonly { name: string; checkTargets?(y: Tensor, outputShape: BatchShape): void }[]; requireBuilt?: boolean; xName?: string; yName?: string } = {},
): [Tensor[], Tensor[] | null] {
  const io = model.graphIO;
  if (!io) {
    const loss = options.losses?.[0];
    const [x, y] = prepareData(model, xLike as DataLike, yLike as DataLike | null, where, { ...options, ...(loss ? { loss } : {}) });
    return [[x], y === null ? null : [y]];
  }
  const [xName, yName] = [options.xName ?? 'x', options.yName ?? 'y'];
  const xs = splitByName(xLike, io.inputNames, 'input', xName, where);
  if (options.losses && (yLike === null || yLike === undefined)) {
    throw new ValueError(`${where}: ${yName} is required: the targets the loss compares the predictions with. Received: ${yName}=${describeValue(yLike)}`);
  }
  const ys = yLike === null ? null : splitByName(yLike, io.outputNames, 'output', yName, where);
  const x = xs.map(({ value, label }) => toTensor(value, label, where));
  x.forEach((t, i) => requireSamples(t, xs[i]!.label, where));
  const y = ys?.map(({ value, label }) => toTensor(value, label, where)) ?? null;
  const n = x[0]!.shape[0]!;
  [...x.map((t, i) => [t, xs[i]!.label] as const), ...(y ?? []).map((t, i) => [t, ys![i]!.label] as const)].forEach(([t, label]) => {
    if (t.rank === 0 || t.shape[0] !== n) {
      throw new ShapeError(
        `${where}: ${xs[0]!.label} has ${n} samples but ${label} has ${t.rank === 0 ? 'no batch dimension' : t.shape[0]}; ` +
          `every input and target must have the same number of samples (first dimension). Received: ${label}.shape=[${t.shape.join(', ')}]`,
      );
    }
  });
  x.forEach((t, i) => {
    checkModelInput(model.name, io.inputNames[i]!, io.inputShapes[i]!, t, where);
    checkValues(t, xs[i]!.label, where);
  });
  y?.forEach((t, k) => {
    checkValues(t, ys![k]!.label, where, () => {});
    options.losses?.[k]?.checkTargets?.(t, io.outputShapes[k]!);
  });
  return [x, y];
}

/** The data for each of `names`, from a list in order, a dict by name, or (one name) the data itself. */
function splitByName(value: DataStructure, names: readonly string[], kind: 'input' | 'output', argName: string, where: string): { value: DataLike; label: string }[] {
  const listed = `${names.length} ${kind}${names.length === 1 ? '' : 's'} (${names.join(', ')})`;
  // With one input, a nested array is that input's data; a list of tensors is a list of one per input.
  if (names.length === 1 && (value instanceof Tensor || (Array.isArray(value) && !isListOfData(value)))) return [{ value: value as DataLike, label: argName }];
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new ValueError(
        `${where}: the model has ${listed}, so ${argName} must be a list of ${names.length} tensors (or a dict by name). ` +
          `Received: a list of ${value.length}`,
      );
    }
    // Array.from visits a sparse list's holes (map would skip them), so that each is checked as data.
    return Array.from(value, (v, i) => ({ value: v as DataLike, label: `${argName}[${i}]` }));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Tensor) && !ArrayBuffer.isView(value)) {
    const dict = value as Record<string, DataLike>;
    const unknownKey = Object.keys(dict).find((k) => !names.includes(k));
    if (unknownKey !== undefined) throw new ValueError(`${where}: ${argName} names ${kind} "${unknownKey}", which the model does not have; it has ${listed}.`);
    const missing = names.find((name) => !Object.hasOwn(dict, name));
    if (missing !== undefined) throw new ValueError(`${where}: ${argName} gives no data for ${kind} "${missing}"; the model has ${listed}.`);
    return names.map((name) => ({ value: dict[name]!, label: `${argName}.${name}` }));
  }
  throw new ValueError(`${where}: the model has ${listed}; ${argName} must be a list of ${names.length} tensors or a dict by name. Received: ${argName}=${describeValue(value)}`);
}

/** Whether a list holds tensors (one per input), rather than being one nested array of numbers. */
function isListOfData(value: readonly unknown[]): boolean {
  return value.length > 0 && Array.from(value).every((v) => v instanceof Tensor);
}
