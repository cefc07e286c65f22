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
import { loadIdxDataset, type IdxDatasetData, type LoadDataOptions } from './idx-dataset.js';
import { CLASS_NAMES, FASHION_MNIST_SPEC } from './dataset-specs.js';

export { FILE_NAMES, DEFAULT_DOWNLOAD_TIMEOUT_MS, type LoadDataOptions } from './idx-dataset.js';
export { CLASS_NAMES, DEFAULT_ORIGIN, FILE_SHA256, DEBIAN_DIR } from './dataset-specs.js';
export type FashionMnistData = IdxDatasetData;

/**
 * Loads Fashion-MNIST: images as uint8 tensors of raw pixel values 0-255,
 * [60000, 28, 28] and [10000, 28, 28]; labels 0-9, [60000] and [10000].
 * Looks in `options.dir`, FASHION_MNIST_DIR, the cache
 * (~/.keras/datasets/fashion-mnist), /usr/share/datasets/fashion-mnist, and
 * only then downloads; see `loadIdxDataset` for the details and errors.
 */
export function loadData(options: LoadDataOptions = {}): Promise<FashionMnistData> {
  return loadIdxDataset(FASHION_MNIST_SPEC, options);
}

/** `fashionMnist.loadData()` and `fashionMnist.classNames`, mirroring `keras.datasets.fashion_mnist`. */
export const fashionMnist = Object.freeze({ loadData, classNames: CLASS_NAMES });
