/**
 * MNIST, the way `keras.datasets.mnist.load_data()` gives it: 60,000 training
 * and 10,000 test greyscale images of handwritten digits, 28×28 pixels,
 * labelled 0-9.
 *
 *   const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData();
 *
 * Keras downloads one `mnist.npz`; tinykeras reads the four classic gzipped
 * IDX files instead (the same images and labels, in the format Fashion-MNIST
 * also uses), through the shared IDX loader (idx-dataset.ts): looked for in
 * `dir`, MNIST_DIR, the cache (~/.keras/datasets/mnist), then downloaded from
 * Google's mirror of the files and checked against the sha256 that
 * TensorFlow Datasets publishes for them. Debian has no MNIST package, so
 * there is no system directory.
 */
import { loadIdxDataset, type IdxDatasetData, type LoadDataOptions } from './idx-dataset.js';
import { MNIST_SPEC } from './dataset-specs.js';

export { MNIST_ORIGIN, MNIST_SHA256 } from './dataset-specs.js';

/**
 * Loads MNIST: images as uint8 tensors of raw pixel values 0-255,
 * [60000, 28, 28] and [10000, 28, 28]; labels 0-9, [60000] and [10000].
 * Same options, checks and errors as `fashionMnist.loadData`.
 */
export function loadData(options: LoadDataOptions = {}): Promise<IdxDatasetData> {
  return loadIdxDataset(MNIST_SPEC, options);
}

/** `mnist.loadData()`, mirroring `keras.datasets.mnist`. */
export const mnist = Object.freeze({ loadData });
