/**
 * The seed job's data, the same for every implementation benchmarked:
 * Fashion-MNIST through tinykeras's loader, the first `samples` training
 * images, and every pixel divided by 255 (as the Keras tutorial does);
 * [n, 28, 28] for the seed model, [n, 28, 28, 1] for the CNN (`channels`);
 * the first `testSamples` test images (all 10,000 but in smoke runs).
 */
import * as keras from '../../src/index.js';

export interface SeedData {
  /** [samples, 28, 28] training images in [0, 1]. */
  x: keras.Tensor;
  /** [samples] labels 0-9. */
  y: keras.Tensor;
  /** [10000, 28, 28] test images in [0, 1]. */
  xTest: keras.Tensor;
  /** [10000] test labels. */
  yTest: keras.Tensor;
}

export async function loadSeedData(samples: number, channels = false, testSamples = 10_000): Promise<SeedData> {
  const [[trainImages, trainLabels], [testImages, testLabels]] = await keras.datasets.fashionMnist.loadData({ verbose: false });
  const available = trainImages.shape[0]!;
  if (samples > available) throw new Error(`--samples ${samples}: the training set has only ${available} images.`);
  const images = (t: keras.Tensor) => (channels ? t.div(255).reshape([t.shape[0]!, 28, 28, 1]) : t.div(255));
  return {
    x: images(trainImages.sliceRows(0, samples)),
    y: trainLabels.sliceRows(0, samples),
    xTest: images(testImages.sliceRows(0, Math.min(testSamples, testImages.shape[0]!))),
    yTest: testLabels.sliceRows(0, Math.min(testSamples, testLabels.shape[0]!)),
  };
}
