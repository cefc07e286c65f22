/**
 * The seed job's data, the same for every implementation benchmarked:
 * Fashion-MNIST through tinykeras's loader, the first `samples` training
 * images, and every pixel divided by 255 (as the Keras tutorial does).
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

export async function loadSeedData(samples: number): Promise<SeedData> {
  const [[trainImages, trainLabels], [testImages, testLabels]] = await keras.datasets.fashionMnist.loadData({ verbose: false });
  const available = trainImages.shape[0]!;
  if (samples > available) throw new Error(`--samples ${samples}: the training set has only ${available} images.`);
  return {
    x: trainImages.sliceRows(0, samples).div(255),
    y: trainLabels.sliceRows(0, samples),
    xTest: testImages.div(255),
    yTest: testLabels,
  };
}
