/**
 * Fashion-MNIST, the way `keras.datasets.fashion_mnist.load_data()` gives it:
 * 60,000 training and 10,000 test greyscale images of clothing, 28×28 pixels,
 * each labelled with one of ten classes (see `CLASS_NAMES`).
 *
 *   const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData();
 *
 * The data is four IDX files (see idx.ts), gzipped. `loadData` looks for
 * them in several places before it downloads anything; see `loadData` for
 * the order. Reading files needs Node.js; nothing here imports a Node module
 * at load time, so importing the library in a browser still works.
 */
import { Tensor } from '../tensor/tensor.js';
import { parseIdx, type IdxArray } from './idx.js';
import * as files from './node-files.js';
import { Progbar } from '../training/progbar.js';

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

type FileKey = keyof typeof FILE_NAMES;
const FILE_KEYS = Object.keys(FILE_NAMES) as FileKey[];

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

const IMAGE_SIZE = 28;
const CLASS_COUNT = CLASS_NAMES.length;

/** Options for `loadData`. All are optional. */
export interface LoadDataOptions {
  /** A directory holding the four files; looked at first. */
  dir?: string;
  /**
   * The directory downloads are cached in, holding the files directly.
   * Default: `$KERAS_HOME/datasets/fashion-mnist` if KERAS_HOME is set, else
   * `~/.keras/datasets/fashion-mnist`, the same place Keras uses.
   */
  cacheDir?: string;
  /** Whether to download the files when no directory has them. Default: true. */
  download?: boolean;
  /** Whether to print download messages and a progress bar. Default: true, as Keras does. */
  verbose?: boolean;
  /** Base URL to download from. Default: `$FASHION_MNIST_ORIGIN`, else `DEFAULT_ORIGIN`. */
  origin?: string;
  /** Expected sha256 per file name, overriding `FILE_SHA256` (for serving test files). */
  fileHashes?: Readonly<Record<string, string>>;
  /** Where the Debian package's files are looked for. Default: `DEBIAN_DIR`. */
  systemDir?: string;
}

/** `[[trainImages, trainLabels], [testImages, testLabels]]`, as Keras returns it. */
export type FashionMnistData = [[Tensor, Tensor], [Tensor, Tensor]];

/**
 * Loads Fashion-MNIST.
 *
 * Images come as float32 tensors of raw pixel values 0-255, shape
 * [60000, 28, 28] for training and [10000, 28, 28] for test (scale them to
 * 0-1 yourself, as Keras users do). Labels are float32 tensors of integers
 * 0-9, shapes [60000] and [10000].
 *
 * Looks for the four files, gzipped or not, in this order, and uses the first
 * directory that has all four:
 *   1. `options.dir`
 *   2. the directory in the environment variable FASHION_MNIST_DIR
 *   3. the cache directory (`options.cacheDir`, or Keras's cache)
 *   4. /usr/share/datasets/fashion-mnist (`apt-get install dataset-fashion-mnist`)
 *   5. otherwise downloads them into the cache directory, verifying each one,
 *      unless `options.download` is false.
 *
 * @throws Error naming the file when a file is truncated or corrupt, and an
 *   Error listing every place tried when no place has the data.
 */
export async function loadData(options: LoadDataOptions = {}): Promise<FashionMnistData> {
  if (!files.isNode()) {
    throw new Error(
      'fashionMnist.loadData() reads files, so it needs Node.js. In a browser, fetch the four ' +
        'IDX files yourself and decode them with parseIdx().',
    );
  }
  const cacheDir = options.cacheDir ?? (await files.kerasCacheDir('datasets', 'fashion-mnist'));
  const places: Array<{ label: string; dir: string | undefined; unsetReason: string }> = [
    { label: 'the `dir` option', dir: options.dir, unsetReason: 'not given' },
    { label: 'FASHION_MNIST_DIR', dir: files.environmentVariable('FASHION_MNIST_DIR'), unsetReason: 'not set' },
    { label: 'the cache directory', dir: cacheDir, unsetReason: '' },
    { label: 'the Debian package directory', dir: options.systemDir ?? DEBIAN_DIR, unsetReason: '' },
  ];

  // One line per place tried, saying why it did not work, for the final error.
  const tried: string[] = [];
  for (const { label, dir, unsetReason } of places) {
    if (dir === undefined) {
      tried.push(`${label}: ${unsetReason}`);
      continue;
    }
    const found = await findDatasetFiles(dir);
    if (typeof found === 'string') {
      tried.push(`${label} (${dir}): ${found}`);
      continue;
    }
    // All four files are here: from now on a broken file is an error, not a reason to look elsewhere.
    return readDataset(found);
  }

  const origin = withTrailingSlash(options.origin ?? files.environmentVariable('FASHION_MNIST_ORIGIN') ?? DEFAULT_ORIGIN);
  if (options.download === false) {
    tried.push(`downloading from ${origin}: turned off by \`download: false\``);
  } else {
    try {
      await downloadMissingFiles(cacheDir, origin, { ...FILE_SHA256, ...options.fileHashes }, options.verbose ?? true);
    } catch (error) {
      tried.push(`downloading from ${origin} into ${cacheDir}: ${files.messageOf(error)}`);
      throw new Error(notFoundMessage(tried), { cause: error });
    }
    const downloaded = await findDatasetFiles(cacheDir);
    if (typeof downloaded !== 'string') return readDataset(downloaded);
    tried.push(`downloading into ${cacheDir}: the files were downloaded but then not found: ${downloaded}`);
  }
  throw new Error(notFoundMessage(tried));
}

/** `fashionMnist.loadData()` and `fashionMnist.classNames`, mirroring `keras.datasets.fashion_mnist`. */
export const fashionMnist = Object.freeze({ loadData, classNames: CLASS_NAMES });

/**
 * The path of each file in `dir`, preferring the `.gz` as published; or, when
 * the directory does not have all four, a sentence saying what is missing.
 */
async function findDatasetFiles(dir: string): Promise<Record<FileKey, string> | string> {
  const kind = await files.pathKind(dir);
  if (kind === 'missing') return 'the directory does not exist';
  if (kind !== 'directory') return 'not a directory';

  const found: Partial<Record<FileKey, string>> = {};
  const missing: string[] = [];
  for (const key of FILE_KEYS) {
    const gzName = FILE_NAMES[key];
    const path = await files.findFile(dir, [gzName, withoutGz(gzName)]);
    if (path === null) missing.push(gzName);
    else found[key] = path;
  }
  if (missing.length === FILE_KEYS.length) return 'none of the four files is there';
  if (missing.length > 0) return `missing ${missing.join(', ')} (or the same without .gz)`;
  return found as Record<FileKey, string>;
}

/** Reads and checks the four files, and turns them into tensors. */
async function readDataset(paths: Record<FileKey, string>): Promise<FashionMnistData> {
  const [train, test] = await Promise.all([
    readSplit(paths.trainImages, paths.trainLabels),
    readSplit(paths.testImages, paths.testLabels),
  ]);
  return [train, test];
}

/** Reads one images file and its labels file, checking that they belong together. */
async function readSplit(imagesPath: string, labelsPath: string): Promise<[Tensor, Tensor]> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  checkImages(images, imagesPath);
  checkLabels(labels, labelsPath);
  const imageCount = images.shape[0]!;
  const labelCount = labels.shape[0]!;
  if (imageCount !== labelCount) {
    throw new Error(
      `${labelsPath}: expected one label per image of ${imagesPath}, so ${imageCount} labels. ` +
        `Received: ${labelCount} labels.`,
    );
  }
  // new Float32Array(uint8Array) converts each byte to a float: 255 stays 255.
  return [new Tensor(new Float32Array(images.data), images.shape), new Tensor(new Float32Array(labels.data), labels.shape)];
}

/** Reads an IDX file, gunzipping it first when its name ends in .gz. */
async function readIdxFile(path: string): Promise<IdxArray> {
  const stored = await files.readFileBytes(path);
  const bytes = path.endsWith('.gz') ? await files.gunzipBytes(stored, path) : stored;
  return parseIdx(bytes, path);
}

function checkImages(images: IdxArray, path: string): void {
  const [, height, width] = images.shape;
  if (images.shape.length !== 3 || height !== IMAGE_SIZE || width !== IMAGE_SIZE) {
    throw new Error(
      `${path}: expected images of shape (count, ${IMAGE_SIZE}, ${IMAGE_SIZE}). ` +
        `Received: shape (${images.shape.join(', ')}).`,
    );
  }
}

function checkLabels(labels: IdxArray, path: string): void {
  if (labels.shape.length !== 1) {
    throw new Error(`${path}: expected labels of shape (count,). Received: shape (${labels.shape.join(', ')}).`);
  }
  const index = labels.data.findIndex((label) => label >= CLASS_COUNT);
  if (index !== -1) {
    throw new Error(
      `${path}: expected every label to be a class index 0-${CLASS_COUNT - 1}. ` +
        `Received: ${labels.data[index]} at index ${index}.`,
    );
  }
}

/** Downloads each file the cache lacks, printing Keras-style progress when verbose. */
async function downloadMissingFiles(
  cacheDir: string,
  origin: string,
  hashes: Readonly<Record<string, string>>,
  verbose: boolean,
): Promise<void> {
  for (const key of FILE_KEYS) {
    const fileName = FILE_NAMES[key];
    if ((await files.findFile(cacheDir, [fileName, withoutGz(fileName)])) !== null) continue;
    const url = origin + fileName;
    if (verbose) console.log(`Downloading data from ${url}`);
    const progress = verbose ? downloadProgress() : undefined;
    try {
      await files.downloadFile(url, cacheDir, fileName, { sha256: hashes[fileName]!, onProgress: progress?.update });
    } finally {
      progress?.finish();
    }
  }
}

/**
 * A download progress bar counted in bytes, as Keras's `get_file` draws it:
 *
 *   29515/29515 [==============================] - 0s 0us/step
 *
 * The bar is made on the first chunk, once the total size (or its absence)
 * is known. `finish` draws the final line when the bar did not reach its
 * target by itself: the size was unknown, or the download failed.
 */
function downloadProgress(): {
  update: (receivedBytes: number, totalBytes: number | null) => void;
  finish: () => void;
} {
  let bar: Progbar | null = null;
  let received = 0;
  let finished = false;
  return {
    update(receivedBytes, totalBytes) {
      bar ??= new Progbar(totalBytes);
      received = receivedBytes;
      finished = totalBytes !== null && receivedBytes >= totalBytes;
      bar.update(receivedBytes);
    },
    finish() {
      if (bar !== null && !finished) bar.update(received, [], true);
    },
  };
}

/** The error for "no place had the data": every place tried, then how to fix it. */
function notFoundMessage(tried: readonly string[]): string {
  return [
    'Could not load the Fashion-MNIST dataset. Tried, in order:',
    ...tried.map((line, i) => `  ${i + 1}. ${line}`),
    'To fix this, do one of:',
    '  - install the Debian package: apt-get install dataset-fashion-mnist',
    `  - put the four files (${Object.values(FILE_NAMES).join(', ')}) in a directory ` +
      'and set FASHION_MNIST_DIR to it, or pass it as `dir`',
    '  - allow the download (the default, `download: true`) on a machine with internet access',
  ].join('\n');
}

function withoutGz(fileName: string): string {
  return fileName.replace(/\.gz$/, '');
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
