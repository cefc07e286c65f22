/**
 * The IDX datasets tinykeras loads, as specs (idx-format.ts): names,
 * origins, published checksums, classes. Pure data, shared by the Node
 * loaders (fashion-mnist.ts, mnist.ts) and the browser's (idx-dataset-web.ts).
 */
import type { IdxDatasetSpec } from './idx-format.js';

/** Fashion-MNIST's ten classes, indexed by label: `CLASS_NAMES[9]` is 'Ankle boot'. */
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

/** Where Keras downloads Fashion-MNIST from; each file's URL is this plus its name. */
export const DEFAULT_ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';

/** The sha256 of each official Fashion-MNIST file, checked after every download. */
export const FILE_SHA256: Readonly<Record<string, string>> = Object.freeze({
  'train-images-idx3-ubyte.gz': 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
  'train-labels-idx1-ubyte.gz': '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
  't10k-images-idx3-ubyte.gz': 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
  't10k-labels-idx1-ubyte.gz': '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
});

/** The size in bytes of each official Fashion-MNIST file (Debian's copies are 23-24 bytes smaller: their gzip headers drop the file name). */
export const FILE_SIZES: Readonly<Record<string, number>> = Object.freeze({
  'train-images-idx3-ubyte.gz': 26_421_880,
  'train-labels-idx1-ubyte.gz': 29_515,
  't10k-images-idx3-ubyte.gz': 4_422_102,
  't10k-labels-idx1-ubyte.gz': 5_148,
});

/** Where the Debian package `dataset-fashion-mnist` installs the files. */
export const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_SPEC: IdxDatasetSpec = Object.freeze({
  title: 'Fashion-MNIST',
  apiName: 'fashionMnist',
  cacheSubdir: 'fashion-mnist',
  envPrefix: 'FASHION_MNIST',
  defaultOrigin: DEFAULT_ORIGIN,
  sha256: FILE_SHA256,
  sizes: FILE_SIZES,
  system: { dir: DEBIAN_DIR, debianPackage: 'dataset-fashion-mnist' },
  classCount: CLASS_NAMES.length,
});

/** Where MNIST is downloaded from (the mirror TensorFlow's tutorials and TensorFlow Datasets use). */
export const MNIST_ORIGIN = 'https://storage.googleapis.com/cvdf-datasets/mnist/';

/** The sha256 of each MNIST file, as TensorFlow Datasets publishes them (its mnist download checksums). */
export const MNIST_SHA256: Readonly<Record<string, string>> = Object.freeze({
  'train-images-idx3-ubyte.gz': '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  'train-labels-idx1-ubyte.gz': '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
});

/** The size in bytes of each MNIST file. */
export const MNIST_SIZES: Readonly<Record<string, number>> = Object.freeze({
  'train-images-idx3-ubyte.gz': 9_912_422,
  'train-labels-idx1-ubyte.gz': 28_881,
  't10k-images-idx3-ubyte.gz': 1_648_877,
  't10k-labels-idx1-ubyte.gz': 4_542,
});

/** Debian has no MNIST package, so there is no system directory. */
export const MNIST_SPEC: IdxDatasetSpec = Object.freeze({
  title: 'MNIST',
  apiName: 'mnist',
  cacheSubdir: 'mnist',
  envPrefix: 'MNIST',
  defaultOrigin: MNIST_ORIGIN,
  sha256: MNIST_SHA256,
  sizes: MNIST_SIZES,
  system: null,
  classCount: 10,
});
