/**
 * TensorFlow's "TensorFlow 2 quickstart for beginners"
 * (tensorflow.org/tutorials/quickstart/beginner), line by line on
 * tinykeras: MNIST digits, a model with Dropout, the loss called directly,
 * 5 epochs, evaluation, and a probability model. Each Python line is quoted
 * above its TypeScript.
 *
 *     npm run quickstart                         # finds or downloads MNIST
 *     npm run quickstart -- --dir path/to/mnist  # the four IDX files you have
 *     npm run quickstart -- --epochs 1 --seed 42
 *
 * Debian has no MNIST package. `mnist.loadData()` looks in `--dir`, then
 * $MNIST_DIR, then ~/.keras/datasets/mnist, and only then downloads the four
 * files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
 * t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz), checking each
 * download's sha256.
 */
import * as keras from 'tinykeras';
import { numberArg, stringArg } from './args.js';

const epochs = numberArg('--epochs') ?? 5;
const seed = numberArg('--seed');
const dir = stringArg('--dir');
if (seed !== undefined) keras.utils.setRandomSeed(seed);

// ## Load a dataset
// mnist = tf.keras.datasets.mnist
// (x_train, y_train), (x_test, y_test) = mnist.load_data()
// x_train, x_test = x_train / 255.0, x_test / 255.0
const mnist = keras.datasets.mnist;
let [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData(dir === undefined ? {} : { dir });
[xTrain, xTest] = [xTrain.div(255), xTest.div(255)];

// ## Build a machine learning model
// model = tf.keras.models.Sequential([
//   tf.keras.layers.Flatten(input_shape=(28, 28)),
//   tf.keras.layers.Dense(128, activation='relu'),
//   tf.keras.layers.Dropout(0.2),
//   tf.keras.layers.Dense(10)
// ])
const model = new keras.models.Sequential([
  new keras.layers.Flatten({ inputShape: [28, 28] }),
  new keras.layers.Dense(128, { activation: 'relu' }),
  new keras.layers.Dropout(0.2),
  new keras.layers.Dense(10),
]);

// predictions = model(x_train[:1]).numpy()
// predictions
const predictions = model.apply(xTrain.sliceRows(0, 1));
console.log('predictions:', predictions.toArray());

// tf.nn.softmax(predictions).numpy()
console.log('softmax:', keras.ops.softmax(predictions).toArray());

// loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
// loss_fn(y_train[:1], predictions).numpy()
const lossFn = new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true });
console.log('loss:', lossFn.call(yTrain.sliceRows(0, 1), predictions).item(), '(untrained: close to -ln(1/10) = 2.3)');

// model.compile(optimizer='adam', loss=loss_fn, metrics=['accuracy'])
model.compile({ optimizer: 'adam', loss: lossFn, metrics: ['accuracy'] });

// ## Train and evaluate your model
// model.fit(x_train, y_train, epochs=5)
await model.fit(xTrain, yTrain, { epochs });

// model.evaluate(x_test,  y_test, verbose=2)
const [testLoss, testAcc] = model.evaluate(xTest, yTest, { verbose: 2 });

// probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
// probability_model(x_test[:5])
const probabilityModel = new keras.Sequential([model, new keras.layers.Softmax()]);
const probabilities = probabilityModel.apply(xTest.sliceRows(0, 5));
for (let i = 0; i < 5; i++) {
  const row = probabilities.row(i);
  const digit = keras.ops.argmax(row).item();
  console.log(`x_test[${i}]: digit ${digit} with probability ${row.data[digit]!.toFixed(4)} (label ${yTest.data[i]})`);
}

console.log(`\nTest loss ${testLoss!.toFixed(4)}, test accuracy ${testAcc!.toFixed(4)} after ${epochs} epochs (the quickstart reports about 0.98).`);
