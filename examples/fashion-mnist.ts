/**
 * The classic Keras clothing classifier, on tinykeras: train a small
 * network on Fashion-MNIST for 5 epochs, evaluate it on the test set, and
 * classify the first test image.
 *
 *     npm run fashion-mnist                 # unseeded, like Keras
 *     npm run fashion-mnist -- --seed 42    # repeatable, bit for bit
 *     npm run fashion-mnist -- --epochs 1
 *     npm run fashion-mnist -- --save my-model   # where to save it (default saved/fashion-mnist)
 *     npm run fashion-mnist -- --simd       # the WebAssembly SIMD kernels (keras.config.setKernels)
 *     npm run fashion-mnist -- --startup    # print the time from start to the first epoch
 *
 * The trained model is saved in TF.js's format (model.json + weights.bin,
 * with the optimizer's state); `npm run fashion-mnist:load` loads it back
 * and evaluates it again. The tutorial's figures go next to it, as SVG:
 * training-curves.svg, predictions.svg and confusion-matrix.svg.
 */
import * as keras from 'tinykeras';
import { numberArg, simdAsked, stringArg } from './args.js';

const seed = numberArg('--seed');
const epochs = numberArg('--epochs') ?? 5;
const saveDir = stringArg('--save') ?? 'saved/fashion-mnist';
if (seed !== undefined) keras.utils.setRandomSeed(seed);
// Before any model is built, so its weights are made where the SIMD kernels read them.
if (simdAsked()) await keras.config.setKernels('simd');
const startup = process.argv.includes('--startup');

// 60,000 training and 10,000 test images of 28×28 pixels (0-255), labels 0-9.
const [[trainImages, trainLabels], [testImages, testLabels]] = await keras.datasets.fashionMnist.loadData();
const classNames = keras.datasets.fashionMnist.classNames;

// The model reads pixels scaled to [0, 1], as in the Keras tutorial: `images.div(255)`,
// made where it is used (trainOn, evaluate, predict), so that no float32 copy outlives
// its use (the training set's is 188 MB, the test set's 31 MB; the loaded uint8 images 55 MB).

// 784 inputs → 128 relu units → 10 class probabilities.
const model = new keras.Sequential([
  new keras.layers.Flatten({ inputShape: [28, 28] }),
  new keras.layers.Dense(128, { activation: 'relu' }),
  new keras.layers.Dense(10, { activation: 'softmax' }),
]);
model.summary();

model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
const firstEpochCallback = {
  // process.uptime(): seconds since the process started, so node's and tsx's start count too.
  onEpochBegin: (epoch: number) => {
    if (startup && epoch === 0) console.log(`Startup: ${(process.uptime() * 1000).toFixed(0)} ms to the first epoch (kernels: ${keras.config.kernels()})`);
  },
};
const history = await trainOn(trainImages, trainLabels);

const [testLoss, testAcc] = model.evaluate(testImages.div(255), testLabels);
console.log('\nTest loss:', testLoss);
console.log('Test accuracy:', testAcc);

// Class probabilities for every test image; the most likely class of the first.
const predictions = model.predict(testImages.div(255));
const first = predictions.row(0);
const predicted = keras.ops.argmax(first).item();
console.log(
  `\nFirst test image: predicted ${classNames[predicted]} (class ${predicted}) ` +
    `with probability ${first.data[predicted]!.toFixed(4)}; the label is ${classNames[testLabels.data[0]!]}.`,
);

// Save it for later: TF.js's tf.loadLayersModel reads this too.
await model.save(saveDir);
console.log(`Saved the model to ${saveDir}/ (model.json + the weights file it names, with the optimizer's state); npm run fashion-mnist:load evaluates it again.`);

// The tutorial's pictures, drawn by the same plot specs as the playground's. Imported
// here, not at the top: the plotting library is large, and training does not need it.
const { writeFigures } = await import('../plots/figures.js');
const figures = await writeFigures(saveDir, { history, images: testImages, labels: testLabels, probabilities: predictions, classNames });
console.log(`Figures: ${figures.join(', ')}`);

/**
 * Fits the model on the training images scaled to [0, 1]. The scaled copy
 * (60,000 × 784 float32s, 188 MB) is a local of this function, so it is
 * freed once training is done: the figures at the end need memory of their own.
 */
async function trainOn(images: keras.Tensor, labels: keras.Tensor): Promise<keras.callbacks.History> {
  const x = images.div(255);
  return model.fit(x, labels, { epochs, callbacks: startup ? [firstEpochCallback] : [] });
}
