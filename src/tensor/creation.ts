/**
 * Making tensors: from nested arrays or typed arrays, filled with a constant,
 * or random from the library's seeded generator (see random.ts).
 */
import { getGlobalGenerator, RandomGenerator } from './random.js';
import { checkShape, MAX_RANK, sizeOf, type Shape } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';
import { describeValue, ValueError } from '../errors.js';

/**
 * A tensor from a number, nested arrays (`[[1, 2], [3, 4]]`, shape inferred)
 * or flat values with an explicit shape (`tensor(float32Array, [2, 2])`).
 * Values are copied and stored as float32.
 */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: Shape): Tensor {
  const isArrayLike = Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView));
  if (typeof values !== 'number' && !isArrayLike) {
    throw new ValueError(`tensor: expected a number, nested arrays of numbers, or a typed array. Received: ${describeValue(values)}`);
  }
  if (shape !== undefined) {
    checkShape(shape, 'tensor');
    const flat = typeof values === 'number' ? [values] : flattenNested(values as NestedArray[]);
    return new Tensor(Float32Array.from(flat), shape);
  }
  if (typeof values === 'number') return new Tensor(Float32Array.of(values), []);
  if (!Array.isArray(values)) return new Tensor(Float32Array.from(values), [values.length]);
  return new Tensor(Float32Array.from(flattenNested(values)), inferNestedShape(values));
}

function inferNestedShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    if (shape.length === MAX_RANK) throw new ValueError(`tensor: the arrays are nested more than ${MAX_RANK} deep; a tensor has at most ${MAX_RANK} dimensions.`);
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0]!;
  }
  return shape;
}

function flattenNested(values: NestedArray[] | ArrayLike<number>): number[] {
  if (!Array.isArray(values)) return Array.from(values as ArrayLike<number>);
  const shape = inferNestedShape(values);
  const flat: number[] = [];
  const walk = (v: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') {
        throw new ValueError(`tensor: expected a number at ${path}. Received: ${path}=${describeValue(v)}${Array.isArray(v) ? ' (the nesting is ragged)' : ''}`);
      }
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ValueError(
        `tensor: the nested arrays are ragged: ${path} should be an array of length ${shape[depth]}. ` +
          `Received: ${Array.isArray(v) ? `an array of length ${v.length}` : describeValue(v)}`,
      );
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(values, 0, 'values');
  return flat;
}

/** All zeros. */
export function zeros(shape: Shape): Tensor {
  checkShape(shape, 'zeros');
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}

/** All ones. */
export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

/** Every element equal to `value`. */
export function full(shape: Shape, value: number): Tensor {
  checkShape(shape, 'full');
  if (typeof value !== 'number') throw new ValueError(`full: the fill value must be a number. Received: value=${describeValue(value)}`);
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}

/** Uniform samples in [minval, maxval), from the seeded generator. */
export function randomUniform(shape: Shape, minval = 0, maxval = 1, generator: RandomGenerator = getGlobalGenerator()): Tensor {
  checkRandomArgs('random.uniform', shape, minval, maxval, generator);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = minval + (maxval - minval) * generator.uniform();
  return new Tensor(data, shape);
}

/** Normal samples with the given mean and standard deviation, from the seeded generator. */
export function randomNormal(shape: Shape, mean = 0, stddev = 1, generator: RandomGenerator = getGlobalGenerator()): Tensor {
  checkRandomArgs('random.normal', shape, mean, stddev, generator);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + stddev * generator.normal();
  return new Tensor(data, shape);
}

function checkRandomArgs(where: string, shape: Shape, a: number, b: number, generator: RandomGenerator): void {
  checkShape(shape, where);
  if (typeof a !== 'number' || typeof b !== 'number') throw new ValueError(`${where}: the two parameters must be numbers. Received: ${describeValue(a)}, ${describeValue(b)}`);
  if (!(generator instanceof RandomGenerator)) throw new ValueError(`${where}: generator must be a RandomGenerator. Received: ${describeValue(generator)}`);
}
