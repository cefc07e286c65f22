/**
 * What an IDX image dataset (Fashion-MNIST, MNIST) is, independent of where
 * its files come from: the spec that tells one dataset from another, the four
 * published file names, and the checks every loader applies to the decoded
 * arrays. Pure (no Node or browser API), shared by the Node loader
 * (idx-dataset.ts) and the browser's (idx-dataset-web.ts).
 */
import { Tensor } from '../tensor/tensor.js';
import type { IdxArray } from './idx.js';
import { FileFormatError, ValueError, describeValue } from '../errors.js';
import { suggestClosest } from '../utils/suggest.js';
import { isPlainObject } from '../utils/options.js';

/** What sets one IDX dataset apart from another. */
export interface IdxDatasetSpec {
  /** The name in messages: 'Fashion-MNIST'. */
  readonly title: string;
  /** The name of its loader in messages: 'fashionMnist'. */
  readonly apiName: string;
  /** The cache's subdirectory under ~/.keras/datasets: 'fashion-mnist'. */
  readonly cacheSubdir: string;
  /** The prefix of its environment variables: FASHION_MNIST gives FASHION_MNIST_DIR and FASHION_MNIST_ORIGIN. */
  readonly envPrefix: string;
  /** The base URL each file's name is appended to. */
  readonly defaultOrigin: string;
  /** The published sha256 of each `.gz` file. */
  readonly sha256: Readonly<Record<string, string>>;
  /** The published size in bytes of each `.gz` file: a download stops past it. */
  readonly sizes: Readonly<Record<string, number>>;
  /** Where a system package installs the files, and that package's name; null when there is none. */
  readonly system: { readonly dir: string; readonly debianPackage: string } | null;
  /** The number of classes: every label must be below it. */
  readonly classCount: number;
}

/** The four files, under the names they are published with. */
export const FILE_NAMES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
});

export type FileKey = keyof typeof FILE_NAMES;
export const FILE_KEYS = Object.keys(FILE_NAMES) as FileKey[];

export const IMAGE_SIZE = 28;

/** The largest IDX files read: 2^17 images of 28×28 (twice Fashion-MNIST's 60,000), and as many labels. */
export const MAX_IMAGES_BYTES = 16 + 2 ** 17 * IMAGE_SIZE * IMAGE_SIZE;
export const MAX_LABELS_BYTES = 8 + 2 ** 17;

/**
 * The most bytes a download of file `name` may bring: its published size
 * when the expected sha256 is the published one (so a server that sends
 * more is stopped there, not after it has filled memory or a disk), else
 * (files of the user's, given by `fileHashes`) the largest IDX file read,
 * plus gzip's worst-case overhead for data that does not compress.
 */
export function downloadByteLimit(spec: IdxDatasetSpec, name: string, sha256: string): number {
  if (spec.sha256[name]?.toLowerCase() === sha256.toLowerCase() && spec.sizes[name] !== undefined) return spec.sizes[name]!;
  const raw = name === FILE_NAMES.trainImages || name === FILE_NAMES.testImages ? MAX_IMAGES_BYTES : MAX_LABELS_BYTES;
  return raw + Math.ceil(raw / 1000) + 1024;
}

/** `[[trainImages, trainLabels], [testImages, testLabels]]`, as Keras returns it. */
export type IdxDatasetData = [[Tensor, Tensor], [Tensor, Tensor]];

/** The `fileHashes` option: an object whose every entry names one of the four files and is a sha256. */
export function checkFileHashes(spec: IdxDatasetSpec, fileHashes: unknown): void {
  if (fileHashes === undefined) return;
  if (!isPlainObject(fileHashes)) {
    throw new ValueError(`${spec.apiName}.loadData: fileHashes must be an object { fileName: sha256 }. Received: fileHashes=${describeValue(fileHashes)}`);
  }
  for (const [name, hash] of Object.entries(fileHashes)) checkFileHash(spec, name, hash);
}

/** A `fileHashes` entry must name one of the four files and be a sha256: 64 hex digits. */
function checkFileHash(spec: IdxDatasetSpec, name: string, hash: unknown): void {
  const fileNames: readonly string[] = Object.values(FILE_NAMES);
  if (!fileNames.includes(name)) {
    throw new ValueError(
      `${spec.apiName}.loadData: fileHashes has an entry for an unknown file.${suggestClosest(name, fileNames)} ` +
        `Expected one of: ${fileNames.join(', ')}. Received: '${name}'`,
    );
  }
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) {
    throw new ValueError(
      `${spec.apiName}.loadData: fileHashes['${name}'] must be a sha256, 64 hex digits. Received: ${describeValue(hash)}`,
    );
  }
}

/** The error for a labels file that does not have one label per image, or null when it does. */
export function labelCountError(images: IdxArray, imagesPath: string, labels: IdxArray, labelsPath: string): FileFormatError | null {
  const imageCount = images.shape[0]!;
  const labelCount = labels.shape[0]!;
  if (imageCount === labelCount) return null;
  return new FileFormatError(
    labelsPath,
    `${labelsPath}: expected one label per image of ${imagesPath}, so ${imageCount} labels. ` +
      `Received: ${labelCount} labels.`,
  );
}

/**
 * Images as a 'uint8' tensor over the file's own bytes (a quarter of float32's
 * memory, as Keras keeps them; `images.div(255)` gives float32 values in
 * [0, 1]), and labels as float32 class indices.
 */
export function toTensors(images: IdxArray, labels: IdxArray): [Tensor, Tensor] {
  return [new Tensor(images.data, images.shape), new Tensor(new Float32Array(labels.data), labels.shape)];
}

/** Checks a decoded file against the role `key` gives it: images (count, 28, 28), or labels below `classCount`. */
export function checkDatasetArray(key: FileKey, array: IdxArray, path: string, classCount: number): void {
  if (key === 'trainImages' || key === 'testImages') checkImages(array, path);
  else checkLabels(array, path, classCount);
}

function checkImages(images: IdxArray, path: string): void {
  const [, height, width] = images.shape;
  if (images.shape.length !== 3 || height !== IMAGE_SIZE || width !== IMAGE_SIZE) {
    throw new FileFormatError(
      path,
      `${path}: expected images of shape (count, ${IMAGE_SIZE}, ${IMAGE_SIZE}). ` +
        `Received: shape (${images.shape.join(', ')}).`,
    );
  }
}

function checkLabels(labels: IdxArray, path: string, classCount: number): void {
  if (labels.shape.length !== 1) {
    throw new FileFormatError(path, `${path}: expected labels of shape (count,). Received: shape (${labels.shape.join(', ')}).`);
  }
  const index = labels.data.findIndex((label) => label >= classCount);
  if (index !== -1) {
    throw new FileFormatError(
      path,
      `${path}: expected every label to be a class index 0-${classCount - 1}. ` +
        `Received: ${labels.data[index]} at index ${index}.`,
    );
  }
}

/** The error for a file whose sha256 is not the one expected (published, or given in `fileHashes`). */
export function checksumError(path: string, expected: string, actual: string, byteLength: number): FileFormatError {
  return new FileFormatError(
    path,
    `${path}: the file does not match its published checksum; expected sha256 ${expected}. ` +
      `Received: sha256 ${actual} (${byteLength} bytes).`,
  );
}
