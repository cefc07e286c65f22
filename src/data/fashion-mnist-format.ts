/**
 * What Fashion-MNIST is, independent of where its files come from: the
 * classes, the four published files and their checksums, and the checks
 * every loader applies to the decoded arrays. Pure (no Node or browser
 * API), shared by the Node loader (fashion-mnist.ts) and the browser's
 * (fashion-mnist-web.ts).
 */
import { Tensor } from '../tensor/tensor.js';
import type { IdxArray } from './idx.js';
import { FileFormatError, ValueError, describeValue } from '../errors.js';
import { suggestClosest } from '../utils/suggest.js';

/** The ten classes, indexed by label: `CLASS_NAMES[9]` is 'Ankle boot'. */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** The four files, under the names they are published with. */
export const FILE_NAMES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
});

export type FileKey = keyof typeof FILE_NAMES;
export const FILE_KEYS = Object.keys(FILE_NAMES) as FileKey[];

/** Where Keras downloads the files from; each file's URL is this plus its name. */
export const DEFAULT_ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';

/** The sha256 of each official file, checked after every download. */
export const FILE_SHA256: Readonly<Record<string, string>> = Object.freeze({
  'train-images-idx3-ubyte.gz': 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
  'train-labels-idx1-ubyte.gz': '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
  't10k-images-idx3-ubyte.gz': 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
  't10k-labels-idx1-ubyte.gz': '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
});

export const IMAGE_SIZE = 28;
export const CLASS_COUNT = CLASS_NAMES.length;

/** `[[trainImages, trainLabels], [testImages, testLabels]]`, as Keras returns it. */
export type FashionMnistData = [[Tensor, Tensor], [Tensor, Tensor]];

/** A `fileHashes` entry must name one of the four files and be a sha256: 64 hex digits. */
export function checkFileHash(name: string, hash: unknown): void {
  const fileNames: readonly string[] = Object.values(FILE_NAMES);
  if (!fileNames.includes(name)) {
    throw new ValueError(
      `fashionMnist.loadData: fileHashes has an entry for an unknown file.${suggestClosest(name, fileNames)} ` +
        `Expected one of: ${fileNames.join(', ')}. Received: '${name}'`,
    );
  }
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) {
    throw new ValueError(
      `fashionMnist.loadData: fileHashes['${name}'] must be a sha256, 64 hex digits. Received: ${describeValue(hash)}`,
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

export function checkImages(images: IdxArray, path: string): void {
  const [, height, width] = images.shape;
  if (images.shape.length !== 3 || height !== IMAGE_SIZE || width !== IMAGE_SIZE) {
    throw new FileFormatError(
      path,
      `${path}: expected images of shape (count, ${IMAGE_SIZE}, ${IMAGE_SIZE}). ` +
        `Received: shape (${images.shape.join(', ')}).`,
    );
  }
}

export function checkLabels(labels: IdxArray, path: string): void {
  if (labels.shape.length !== 1) {
    throw new FileFormatError(path, `${path}: expected labels of shape (count,). Received: shape (${labels.shape.join(', ')}).`);
  }
  const index = labels.data.findIndex((label) => label >= CLASS_COUNT);
  if (index !== -1) {
    throw new FileFormatError(
      path,
      `${path}: expected every label to be a class index 0-${CLASS_COUNT - 1}. ` +
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
