/**
 * weights.bin: the values of every manifest entry, back to back, in manifest
 * order, with no header and no padding. Each value is 4 bytes, little-endian:
 *
 *     float32  IEEE 754 single precision   (every model weight, Adam's m and v)
 *     int32    two's complement            (the optimizer's iteration count)
 *
 * so an entry of shape [784, 128] takes 784·128·4 = 401,408 bytes, and the
 * file's length is exactly the sum over the manifest. That sum is the check
 * that catches a truncated or padded file: the bytes carry no other structure.
 *
 * Values are read and written through a DataView with littleEndian = true, so
 * the file is the same on any machine.
 */
import { describeValue, FileFormatError, excerpt } from '../errors.js';
import { joinBuffers, type WeightSpec } from './artifacts.js';

export type WeightDtype = 'float32' | 'int32';

/** A named array of values with its shape: one manifest entry together with its data. */
export interface NamedWeight {
  name: string;
  shape: readonly number[];
  dtype: WeightDtype;
  values: Float32Array | Int32Array;
  /** 'optimizer' for optimizer state, as TF.js marks it; absent for model weights. */
  group?: string;
}

const BYTES_PER_VALUE: Record<WeightDtype, number> = { float32: 4, int32: 4 };
const DTYPES = Object.keys(BYTES_PER_VALUE) as WeightDtype[];

/** The manifest entries and the bytes of weights.bin for `weights`, in order. */
export function encodeWeights(weights: readonly NamedWeight[]): { specs: WeightSpec[]; data: ArrayBuffer } {
  const specs: WeightSpec[] = [];
  let bytes = 0;
  for (const w of weights) bytes += w.values.length * BYTES_PER_VALUE[w.dtype];
  const data = new ArrayBuffer(bytes);
  const view = new DataView(data);
  let offset = 0;
  for (const w of weights) {
    const spec: WeightSpec = { name: w.name, shape: [...w.shape], dtype: w.dtype };
    if (w.group !== undefined) spec.group = w.group;
    specs.push(spec);
    const { values } = w;
    if (w.dtype === 'float32') for (let i = 0; i < values.length; i++, offset += 4) view.setFloat32(offset, values[i]!, true);
    else for (let i = 0; i < values.length; i++, offset += 4) view.setInt32(offset, values[i]!, true);
  }
  return { specs, data };
}

/**
 * Splits the bytes of weights.bin into one array per manifest entry, after
 * checking every entry (name, shape, dtype) and the total length. Throws a
 * FileFormatError before returning anything if a single check fails.
 *
 * @param manifestSource names the file that holds the manifest (model.json).
 * @param dataSource names the file(s) that hold the bytes (weights.bin).
 */
export function decodeWeights(
  specs: readonly WeightSpec[] | undefined,
  data: ArrayBuffer | ArrayBuffer[] | undefined,
  manifestSource: string,
  dataSource: string,
): NamedWeight[] {
  if (!Array.isArray(specs)) {
    throw new FileFormatError(manifestSource, `${manifestSource}: no weightsManifest, so no weights to load. Received: weightSpecs=${describeValue(specs)}`);
  }
  const checked = checkSpecs(specs, manifestSource);
  const buffer = joinBuffers(data);
  const expected = byteLengthOf(checked);
  if (buffer.byteLength !== expected) {
    throw new FileFormatError(dataSource, byteCountMessage(dataSource, expected, checked.length, buffer.byteLength));
  }

  const view = new DataView(buffer);
  let offset = 0;
  return checked.map(({ spec, name, shape, dtype, size }) => {
    const values = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
    if (dtype === 'float32') for (let i = 0; i < size; i++, offset += 4) values[i] = view.getFloat32(offset, true);
    else for (let i = 0; i < size; i++, offset += 4) values[i] = view.getInt32(offset, true);
    const weight: NamedWeight = { name, shape, dtype, values };
    if (spec.group !== undefined) weight.group = spec.group;
    return weight;
  });
}

/**
 * The number of bytes the manifest entries `specs` declare, after checking
 * every entry: what the weights files must hold together, known before any
 * of them is read.
 */
export function manifestByteLength(specs: readonly WeightSpec[], manifestSource: string): number {
  return byteLengthOf(checkSpecs(specs, manifestSource));
}

/** The message for weights files whose total length differs from what the manifest declares. */
export function byteCountMessage(dataSource: string, expected: number, weightCount: number, received: number): string {
  return (
    `${dataSource}: expected ${expected} bytes for ${weightCount} weights in the manifest. ` +
    `Received: ${received} bytes. The file is ${received < expected ? 'truncated' : 'longer than its manifest says'}, ` +
    'or belongs to another model.json.'
  );
}

function byteLengthOf(checked: readonly { dtype: WeightDtype; size: number }[]): number {
  return checked.reduce((n, e) => n + e.size * BYTES_PER_VALUE[e.dtype], 0);
}

/** Checks every entry and that names are unique. */
function checkSpecs(specs: readonly WeightSpec[], manifestSource: string) {
  const seen = new Set<string>();
  return specs.map((spec, i) => {
    const entry = checkSpec(spec, `${manifestSource}: weightsManifest entry ${i}`, manifestSource);
    if (seen.has(entry.name)) {
      throw new FileFormatError(manifestSource, `${manifestSource}: the weight name ${excerpt(entry.name)} appears twice in weightsManifest; names must be unique.`);
    }
    seen.add(entry.name);
    return entry;
  });
}

/** Checks one manifest entry's fields, naming the entry and the field on failure. */
function checkSpec(spec: WeightSpec, where: string, source: string) {
  if (typeof spec !== 'object' || spec === null) throw new FileFormatError(source, `${where} must be an object with name, shape and dtype. Received: ${describeValue(spec)}`);
  const { name, shape, dtype } = spec;
  if (typeof name !== 'string' || name === '') {
    throw new FileFormatError(source, `${where}: name must be a non-empty string. Received: name=${describeValue(name)}`);
  }
  const at = `${where} ('${name}')`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new FileFormatError(source, `${at}: shape must be a list of non-negative integers. Received: shape=${describeValue(shape)}`);
  }
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES_PER_VALUE, dtype)) {
    throw new FileFormatError(source, `${at}: unsupported dtype; tinykeras reads ${DTYPES.join(' and ')} weights. Received: dtype=${describeValue(dtype)}`);
  }
  if (spec.quantization !== undefined && spec.quantization !== null) {
    throw new FileFormatError(
      source,
      `${at}: the weight is quantized, which tinykeras does not read; convert the model without quantization. ` +
        `Received: quantization=${JSON.stringify(spec.quantization)}`,
    );
  }
  const size = shape.reduce((n: number, d: number) => n * d, 1);
  // 2^31 values (8 GiB) is past any typed array and any real weight; it also keeps the sums below exact.
  if (!(size < 2 ** 31)) {
    throw new FileFormatError(source, `${at}: the shape holds more values than any weight can (2^31). Received: shape=${describeValue(shape)}`);
  }
  return { spec, name, shape: shape as number[], dtype: dtype as WeightDtype, size };
}
