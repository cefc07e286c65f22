/**
 * Fashion-MNIST in the browser: the four gzipped IDX files fetched from the
 * playground's own origin (the dev server's dataset plugin serves them),
 * decompressed with the browser's DecompressionStream and decoded by the
 * library's IDX reader.
 *
 * This is the one place to switch to the browser package's
 * `keras.datasets.fashionMnist.loadData({ origin })` once it exists.
 */
import * as keras from 'tinykeras';
import { parseIdx } from '../../src/data/idx.js';

export interface FashionMnist {
  trainImages: keras.Tensor;
  trainLabels: keras.Tensor;
  testImages: keras.Tensor;
  testLabels: keras.Tensor;
}

const DATA_URL = '/data/fashion-mnist/';

async function fetchIdx(name: string): Promise<{ shape: number[]; data: Uint8Array }> {
  const response = await fetch(DATA_URL + name);
  if (!response.ok || response.body === null) {
    const detail = response.ok ? 'an empty response' : `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    throw new Error(`Could not load ${name} from ${DATA_URL}. Received: ${detail}`);
  }
  const unzipped = response.body.pipeThrough(new DecompressionStream('gzip'));
  const bytes = new Uint8Array(await new Response(unzipped).arrayBuffer());
  return parseIdx(bytes, name);
}

function toTensor({ shape, data }: { shape: number[]; data: Uint8Array }): keras.Tensor {
  return keras.tensor(data, shape);
}

export async function loadFashionMnist(): Promise<FashionMnist> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(fetchIdx),
  );
  return {
    trainImages: toTensor(trainImages!),
    trainLabels: toTensor(trainLabels!),
    testImages: toTensor(testImages!),
    testLabels: toTensor(testLabels!),
  };
}
