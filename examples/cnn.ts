/**
 * TensorFlow's "Convolutional Neural Network" tutorial on tinykeras, with
 * Fashion-MNIST's 28×28 grey images instead of CIFAR-10's colour ones: three
 * Conv2D layers with max pooling between them find the features, two Dense
 * layers classify; 5 epochs, checked on the test set after each.
 *
 *     npm run cnn                          # seed 42, all 60,000 training images, 5 epochs
 *     npm run cnn -- --seed 7              # another (repeatable) run
 *     npm run cnn -- --epochs 1 --limit 2000 --test-limit 1000   # a quick look
 *     npm run cnn -- --simd                # the WebAssembly SIMD kernels (keras.config.setKernels)
 *     npm run cnn -- --dir my-figures      # where the figures go (default saved/cnn)
 *
 * Like the tutorial it prints the model's summary, Keras's line per epoch
 * (with the test set's loss and accuracy as validation) and the test
 * accuracy at the end; then the figures, as SVG: training-curves.svg, the
 * first conv layer's 32 filters (conv-filters.svg) and what they make of the
 * first test image (feature-maps.svg). `fit` picks its executor itself; the
 * run says which one trained and why.
 */
import * as keras from 'tinykeras';
import { numberArg, simdAsked, stringArg } from './args.js';

const seed = numberArg('--seed') ?? 42;
const epochs = numberArg('--epochs') ?? 5;
const limit = numberArg('--limit') ?? 60_000;
const testLimit = numberArg('--test-limit') ?? 10_000;
const dir = stringArg('--dir') ?? 'saved/cnn';
keras.utils.setRandomSeed(seed);
// Before any model is built, so its weights are made where the SIMD kernels read them.
if (simdAsked()) await keras.config.setKernels('simd');
console.log(`Seed ${seed}, kernels: ${keras.config.kernels()}`);

// Conv2D wants images with a channels axis: [n, 28, 28, 1], pixels scaled to [0, 1].
const [[trainImages, trainLabels], [testImages, testLabels]] = await keras.datasets.fashionMnist.loadData();
const classNames = keras.datasets.fashionMnist.classNames;
const asImages = (images: keras.Tensor, n: number) => images.sliceRows(0, n).div(255).reshape([n, 28, 28, 1]);
const nTrain = Math.min(limit, trainImages.shape[0]!);
const nTest = Math.min(testLimit, testImages.shape[0]!);
const x = asImages(trainImages, nTrain);
const y = trainLabels.sliceRows(0, nTrain);
const xTest = asImages(testImages, nTest);
const yTest = testLabels.sliceRows(0, nTest);

// The convolutional base: Conv2D and MaxPooling2D layers, as in the tutorial.
const model = new keras.Sequential();
model.add(new keras.layers.Conv2D(32, [3, 3], { activation: 'relu', inputShape: [28, 28, 1] }));
model.add(new keras.layers.MaxPooling2D([2, 2]));
model.add(new keras.layers.Conv2D(64, [3, 3], { activation: 'relu' }));
model.add(new keras.layers.MaxPooling2D([2, 2]));
model.add(new keras.layers.Conv2D(64, [3, 3], { activation: 'relu' }));
// The classifier on top: the 3×3×64 features flattened, then Dense layers; 10 logits out.
model.add(new keras.layers.Flatten());
model.add(new keras.layers.Dense(64, { activation: 'relu' }));
model.add(new keras.layers.Dense(10));
model.summary();

model.compile({
  optimizer: 'adam',
  loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  metrics: ['accuracy'],
});
console.log(`Training on ${nTrain} images, validating on ${nTest} test images.`);
const history = await model.fit(x, y, { epochs, validationData: [xTest, yTest] });
const { executor, threads, reason } = history.params;
console.log(`Trained by the ${executor} executor on ${threads} thread${threads === 1 ? '' : 's'}${reason ? ` (${reason})` : ''}.`);

const [, testAcc] = model.evaluate(xTest, yTest, { verbose: 2 });
console.log(testAcc);

// The figures. The feature maps are the first conv layer's output for the first test image.
const { writeCnnFigures } = await import('../plots/figures.js');
const firstConv = model.layers[0]!;
const figures = await writeCnnFigures(dir, {
  history,
  kernel: firstConv.getWeights()[0]!,
  featureMaps: firstConv.apply(xTest.sliceRows(0, 1)),
  imageCaption: `test image 0 (${classNames[yTest.data[0]!]})`,
});
console.log(`Figures: ${figures.join(', ')}`);
