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
import { loadIdxDataset, type IdxDatasetData, type IdxDatasetSpec, type LoadDataOptions } from './idx-dataset.js';

/** Where the files are downloaded from (the mirror TensorFlow's tutorials and TensorFlow Datasets use). */
export const MNIST_ORIGIN = 'https://storage.googleapis.com/cvdf-datasets/mnist/';

/** The sha256 of each file, as TensorFlow Datasets publishes them (its mnist download checksums). */
export const MNIST_SHA256: Readonly<Record<string, string>> = Object.freeze({
  'train-images-idx3-ubyte.gz': '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  'train-labels-idx1-ubyte.gz': '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
});

const SPEC: IdxDatasetSpec = {
  title: 'MNIST',
  apiName: 'mnist',
  cacheSubdir: 'mnist',
  envPrefix: 'MNIST',
  defaultOrigin: MNIST_ORIGIN,
  sha256: MNIST_SHA256,
  system: null,
  classCount: 10,
};

/**
 * Loads MNIST: images as float32 tensors of raw pixel values 0-255,
 * [60000, 28, 28] and [10000, 28, 28]; labels 0-9, [60000] and [10000].
 * Same options, checks and errors as `fashionMnist.loadData`.
 */
export function loadData(options: LoadDataOptions = {}): Promise<IdxDatasetData> {
  return loadIdxDataset(SPEC, options);
}

/** `mnist.loadData()`, mirroring `keras.datasets.mnist`. */
export const mnist = Object.freeze({ loadData });
