/**
 * TensorFlow's tutorial "Basic classification: Classify images of clothing"
 * (tensorflow.org/tutorials/keras/classification), step by step on
 * tinykeras. Each step's Python is quoted above its TypeScript; the plots
 * are drawn as text, and as SVG figures in saved/basic-classification/
 * (training-curves.svg, predictions.svg, confusion-matrix.svg), by the same
 * plot specs as the playground's.
 *
 *     npm run basic-classification                 # 10 epochs, as the tutorial
 *     npm run basic-classification -- --epochs 1   # a quick look
 *     npm run basic-classification -- --seed 42    # repeatable, bit for bit
 */
import * as keras from 'tinykeras';
import { numberArg } from './args.js';

const epochs = numberArg('--epochs') ?? 10;
const seed = numberArg('--seed');
if (seed !== undefined) keras.utils.setRandomSeed(seed);

// ## Import the Fashion MNIST dataset
// fashion_mnist = tf.keras.datasets.fashion_mnist
// (train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()
const fashionMnist = keras.datasets.fashionMnist;
let [[trainImages, trainLabels], [testImages, testLabels]] = await fashionMnist.loadData();

// class_names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
//                'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
const classNames = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

// ## Explore the data
heading('Explore the data');
console.log('train_images.shape:', shape(trainImages)); // (60000, 28, 28)
console.log('len(train_labels):', trainLabels.shape[0]); // 60000
console.log('train_labels:', abbreviated(trainLabels)); // [9 0 0 ... 3 0 5]
console.log('test_images.shape:', shape(testImages)); // (10000, 28, 28)
console.log('len(test_labels):', testLabels.shape[0]); // 10000

// ## Preprocess the data
// plt.imshow(train_images[0]); plt.colorbar()   (the pixel values fall in the range 0 to 255)
heading('The first training image (pixel values 0-255)');
drawImage(trainImages.row(0));
console.log(`min ${Math.min(...trainImages.row(0).data)}, max ${Math.max(...trainImages.row(0).data)}`);

// train_images = train_images / 255.0
// test_images = test_images / 255.0
trainImages = trainImages.div(255);
testImages = testImages.div(255);

// The first 25 training images with their class names (the tutorial's 5×5 grid).
heading('The first 25 training images');
for (let row = 0; row < 5; row++) {
  console.log(Array.from({ length: 5 }, (_, col) => classNames[trainLabels.data[row * 5 + col]!]!.padEnd(13)).join('').trimEnd());
}

// ## Build the model
// model = tf.keras.Sequential([
//     tf.keras.layers.Flatten(input_shape=(28, 28)),
//     tf.keras.layers.Dense(128, activation='relu'),
//     tf.keras.layers.Dense(10)
// ])
const model = new keras.Sequential([
  new keras.layers.Flatten({ inputShape: [28, 28] }),
  new keras.layers.Dense(128, { activation: 'relu' }),
  new keras.layers.Dense(10),
]);

// model.compile(optimizer='adam',
//               loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
//               metrics=['accuracy'])
model.compile({
  optimizer: 'adam',
  loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  metrics: ['accuracy'],
});

// ## Train the model
// model.fit(train_images, train_labels, epochs=10)
heading('Train the model');
const history = await model.fit(trainImages, trainLabels, { epochs });

// ## Evaluate accuracy
// test_loss, test_acc = model.evaluate(test_images,  test_labels, verbose=2)
// print('\nTest accuracy:', test_acc)
const [testLoss, testAcc] = model.evaluate(testImages, testLabels, { verbose: 2 });
console.log('\nTest accuracy:', testAcc);

// ## Make predictions
// probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
// predictions = probability_model.predict(test_images)
const probabilityModel = new keras.Sequential([model, new keras.layers.Softmax()]);
const predictions = probabilityModel.predict(testImages);

// predictions[0]; np.argmax(predictions[0]); test_labels[0]
heading('Make predictions');
console.log('predictions[0]:', formatRow(predictions.row(0)));
console.log('np.argmax(predictions[0]):', keras.ops.argmax(predictions.row(0)).item());
console.log('test_labels[0]:', testLabels.data[0]);

// ## Verify predictions: plot_image and plot_value_array for images 0 and 12, then the first 15.
heading('Verify predictions (predicted, confidence, true label; the bars are the 10 probabilities)');
for (const i of [0, 12]) plotPrediction(i, predictions.row(i), testLabels.data[i]!);
console.log('');
for (let i = 0; i < 15; i++) plotPrediction(i, predictions.row(i), testLabels.data[i]!);

// ## Use the trained model
// img = test_images[1]
// print(img.shape)
// img = (np.expand_dims(img,0))
// print(img.shape)
heading('Use the trained model');
let img = testImages.row(1);
console.log(shape(img)); // (28, 28)
img = keras.ops.expandDims(img, 0);
console.log(shape(img)); // (1, 28, 28)

// predictions_single = probability_model.predict(img)
// print(predictions_single)
// np.argmax(predictions_single[0])
const predictionsSingle = probabilityModel.predict(img);
console.log(`[${formatRow(predictionsSingle.row(0))}]`);
plotPrediction(1, predictionsSingle.row(0), testLabels.data[1]!);
console.log('np.argmax(predictions_single[0]):', keras.ops.argmax(predictionsSingle.row(0)).item());

// The tutorial's figures as files any image viewer opens. Imported here, not at the
// top: the plotting library is large, and training does not need it.
const figureDir = 'saved/basic-classification';
const { writeFigures } = await import('../plots/figures.js');
const figures = await writeFigures(figureDir, { history, images: testImages, labels: testLabels, probabilities: predictions, classNames });
console.log(`\nFigures: ${figures.join(', ')}`);

console.log(`\nTest loss ${testLoss!.toFixed(4)}, test accuracy ${testAcc!.toFixed(4)} after ${epochs} epochs (the tutorial reports about 0.88).`);

// ---------------------------------------------------------------- printing helpers

function heading(title: string): void {
  console.log(`\n## ${title}`);
}

/** A shape as Python prints a tuple: (60000, 28, 28). */
function shape(t: keras.Tensor): string {
  return `(${t.shape.join(', ')})`;
}

/** The first and last three values, as NumPy abbreviates a long array. */
function abbreviated(t: keras.Tensor): string {
  const d = Array.from(t.data);
  return `[${d.slice(0, 3).join(' ')} ... ${d.slice(-3).join(' ')}]`;
}

function formatRow(t: keras.Tensor): string {
  return Array.from(t.data, (v) => v.toExponential(2)).join(' ');
}

/** A 28×28 image in shades of text, two characters a pixel so it keeps its proportions. */
function drawImage(image: keras.Tensor): void {
  const shades = ' .:-=+*#%@';
  const [height, width] = image.shape as [number, number];
  for (let r = 0; r < height; r++) {
    let line = '';
    for (let c = 0; c < width; c++) line += shades[Math.min(9, Math.floor((image.data[r * width + c]! / 256) * 10))]!.repeat(2);
    console.log(line.trimEnd());
  }
}

/**
 * plot_image and plot_value_array as one line: the predicted class, its
 * probability and the true class (marked wrong when they differ), then a bar
 * per class whose height is its probability.
 */
function plotPrediction(i: number, probabilities: keras.Tensor, trueLabel: number): void {
  const predicted = keras.ops.argmax(probabilities).item();
  const bars = ' ▁▂▃▄▅▆▇█';
  const chart = Array.from(probabilities.data, (p) => bars[Math.round(p * 8)]).join('');
  const verdict = predicted === trueLabel ? '' : '  ← wrong';
  const label = `${classNames[predicted]} ${(100 * probabilities.data[predicted]!).toFixed(0)}% (${classNames[trueLabel]})`;
  console.log(`${String(i).padStart(2)}: ${label.padEnd(34)} |${chart}|${verdict}`);
}
