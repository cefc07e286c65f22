/**
 * Fashion-MNIST, the way `keras.datasets.fashion_mnist.load_data()` gives it:
 * 60,000 training and 10,000 test greyscale images of clothing, 28×28 pixels,
 * each labelled with one of ten classes (see `CLASS_NAMES`).
 *
 *   const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData();
 *
 * The files, their checksums and where Debian installs them; the lookup,
 * verification, download and caching are the shared IDX loader's
 * (idx-dataset.ts, see `loadIdxDataset` for the order of the places tried).
 */
import { loadIdxDataset, type IdxDatasetData, type IdxDatasetSpec, type LoadDataOptions } from './idx-dataset.js';

export { FILE_NAMES, DEFAULT_DOWNLOAD_TIMEOUT_MS, type LoadDataOptions } from './idx-dataset.js';
export type FashionMnistData = IdxDatasetData;

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

/** Where Keras downloads the files from; each file's URL is this plus its name. */
export const DEFAULT_ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';

/** The sha256 of each official file, checked after every download. */
export const FILE_SHA256: Readonly<Record<string, string>> = Object.freeze({
  'train-images-idx3-ubyte.gz': 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
  'train-labels-idx1-ubyte.gz': '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
  't10k-images-idx3-ubyte.gz': 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
  't10k-labels-idx1-ubyte.gz': '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
});

/** Where the Debian package `dataset-fashion-mnist` installs the files. */
export const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

const SPEC: IdxDatasetSpec = {
  title: 'Fashion-MNIST',
  apiName: 'fashionMnist',
  cacheSubdir: 'fashion-mnist',
  envPrefix: 'FASHION_MNIST',
  defaultOrigin: DEFAULT_ORIGIN,
  sha256: FILE_SHA256,
  system: { dir: DEBIAN_DIR, debianPackage: 'dataset-fashion-mnist' },
  classCount: CLASS_NAMES.length,
};

/**
 * Loads Fashion-MNIST: images as float32 tensors of raw pixel values 0-255,
 * [60000, 28, 28] and [10000, 28, 28]; labels 0-9, [60000] and [10000].
 * Looks in `options.dir`, FASHION_MNIST_DIR, the cache
 * (~/.keras/datasets/fashion-mnist), /usr/share/datasets/fashion-mnist, and
 * only then downloads; see `loadIdxDataset` for the details and errors.
 */
export function loadData(options: LoadDataOptions = {}): Promise<FashionMnistData> {
  return loadIdxDataset(SPEC, options);
}

/** `fashionMnist.loadData()` and `fashionMnist.classNames`, mirroring `keras.datasets.fashion_mnist`. */
export const fashionMnist = Object.freeze({ loadData, classNames: CLASS_NAMES });
