/**
 * TensorFlow's tutorial "Basic regression: Predict fuel efficiency"
 * (tensorflow.org/tutorials/keras/regression), step by step on tinykeras,
 * on synthetic data shaped like the tutorial's Auto MPG dataset: 398 cars
 * with cylinders, displacement, horsepower, weight, acceleration, model
 * year and origin, and an MPG made from them by a fixed formula plus noise
 * (a seeded generator below, so every run sees the same cars). Each step's
 * Python is quoted above its TypeScript; the tutorial's plots are reduced to
 * the numbers they show.
 *
 *     npm run regression                    # 100 epochs per model, as the tutorial
 *     npm run regression -- --epochs 10     # a quick look
 *     npm run regression -- --seed 42       # other weights (the data stay the same)
 *
 * It ends as the tutorial does, with the test-set mean absolute error of
 * each model: the deep network on all features does best.
 */
import * as keras from 'tinykeras';
import { numberArg } from './args.js';

const epochs = numberArg('--epochs') ?? 100;
keras.utils.setRandomSeed(numberArg('--seed') ?? 0);

// ## The Auto MPG dataset
// raw_dataset = pd.read_csv(url, names=column_names, ...); dataset = raw_dataset.dropna()
// (here: 398 synthetic cars; the real file has 6 unknown horsepowers, which dropna removes)
const columns = ['MPG', 'Cylinders', 'Displacement', 'Horsepower', 'Weight', 'Acceleration', 'Model Year', 'Europe', 'Japan', 'USA'] as const;
const dataset = autoMpgLike(392, new keras.random.RandomGenerator(2024));

// dataset['Origin'] = dataset['Origin'].map({1: 'USA', 2: 'Europe', 3: 'Japan'})
// dataset = pd.get_dummies(dataset, columns=['Origin'], prefix='', prefix_sep='')
// (the generator writes the one-hot Europe, Japan and USA columns directly)

// train_dataset = dataset.sample(frac=0.8, random_state=0); test_dataset = dataset.drop(train_dataset.index)
const shuffled = shuffle(dataset, new keras.random.RandomGenerator(0));
const cut = Math.round(0.8 * shuffled.length);
const [trainDataset, testDataset] = [shuffled.slice(0, cut), shuffled.slice(cut)];

// train_dataset.describe().transpose()[['mean', 'std']]
console.log(table(['', 'mean', 'std'], columns.map((name, j) => {
  const values = trainDataset.map((row) => row[j]!);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return [name, mean.toFixed(6), std.toFixed(6)];
})));

// train_features = train_dataset.copy(); train_labels = train_features.pop('MPG')
const features = (rows: number[][]) => keras.tensor(rows.map((row) => row.slice(1)));
const labels = (rows: number[][]) => keras.tensor(rows.map((row) => [row[0]!]));
const [trainFeatures, testFeatures] = [features(trainDataset), features(testDataset)];
const [trainLabels, testLabels] = [labels(trainDataset), labels(testDataset)];

// ## Normalization
// normalizer = tf.keras.layers.Normalization(axis=-1)
// normalizer.adapt(np.array(train_features))
// print(normalizer.mean.numpy())
const normalizer = new keras.layers.Normalization({ axis: -1 });
normalizer.adapt(trainFeatures);
console.log('\nnormalizer.mean:', Array.from(normalizer.adaptMean!.data, (m) => m.toFixed(3)).join(' '));

// first = np.array(train_features[:1])
// print('First example:', first); print('Normalized:', normalizer(first).numpy())
const first = trainFeatures.sliceRows(0, 1);
console.log('First example:', Array.from(first.data).join(' '));
console.log('Normalized:', Array.from(normalizer.apply(first).data, (v) => v.toFixed(2)).join(' '));

const testResults: Record<string, number> = {};
/** Test-set mean absolute error: model.evaluate(test_features, test_labels, verbose=0). */
const maeOf = (model: keras.Sequential, x: keras.Tensor) => model.evaluate(x, testLabels, { verbose: 0 })[0]!;
/** The last epoch's loss and val_loss, which the tutorial's plot_loss(history) draws. */
const lastLosses = (history: keras.History) => `loss ${history.history.loss!.at(-1)!.toFixed(4)}, val_loss ${history.history.val_loss!.at(-1)!.toFixed(4)}`;

// ## Linear regression with one variable
// horsepower = np.array(train_features['Horsepower'])
// horsepower_normalizer = layers.Normalization(input_shape=[1,], axis=None)
// horsepower_normalizer.adapt(horsepower)
const horsepowerColumn = columns.indexOf('Horsepower') - 1;
const column = (x: keras.Tensor) => keras.tensor(Array.from({ length: x.shape[0]! }, (_, i) => [x.data[i * x.shape[1]! + horsepowerColumn]!]));
const [horsepower, testHorsepower] = [column(trainFeatures), column(testFeatures)];
const horsepowerNormalizer = new keras.layers.Normalization({ inputShape: [1], axis: null });
horsepowerNormalizer.adapt(horsepower);

// horsepower_model = tf.keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
// horsepower_model.summary()
const horsepowerModel = new keras.Sequential([horsepowerNormalizer, new keras.layers.Dense(1)]);
horsepowerModel.summary();

// horsepower_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss='mean_absolute_error')
// history = horsepower_model.fit(train_features['Horsepower'], train_labels, epochs=100, verbose=0, validation_split=0.2)
horsepowerModel.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 0.1 }), loss: 'mean_absolute_error' });
let history = await horsepowerModel.fit(horsepower, trainLabels, { epochs, verbose: 0, validationSplit: 0.2 });
console.log(`horsepower_model: ${lastLosses(history)}`);
testResults['horsepower_model'] = maeOf(horsepowerModel, testHorsepower);

// ## Linear regression with multiple inputs
// linear_model = tf.keras.Sequential([normalizer, layers.Dense(units=1)])
// linear_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss='mean_absolute_error')
// history = linear_model.fit(train_features, train_labels, epochs=100, verbose=0, validation_split=0.2)
const linearModel = new keras.Sequential([normalizer, new keras.layers.Dense(1)]);
linearModel.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 0.1 }), loss: 'mean_absolute_error' });
history = await linearModel.fit(trainFeatures, trainLabels, { epochs, verbose: 0, validationSplit: 0.2 });
console.log(`linear_model: ${lastLosses(history)}`);
testResults['linear_model'] = maeOf(linearModel, testFeatures);

// ## Regression with a deep neural network (DNN)
// def build_and_compile_model(norm):
//   model = keras.Sequential([norm, layers.Dense(64, activation='relu'), layers.Dense(64, activation='relu'), layers.Dense(1)])
//   model.compile(loss='mean_absolute_error', optimizer=tf.keras.optimizers.Adam(0.001))
//   return model
function buildAndCompileModel(norm: keras.layers.Normalization): keras.Sequential {
  const model = new keras.Sequential([
    norm,
    new keras.layers.Dense(64, { activation: 'relu' }),
    new keras.layers.Dense(64, { activation: 'relu' }),
    new keras.layers.Dense(1),
  ]);
  model.compile({ loss: 'mean_absolute_error', optimizer: new keras.optimizers.Adam(0.001) });
  return model;
}

// dnn_horsepower_model = build_and_compile_model(horsepower_normalizer)
// history = dnn_horsepower_model.fit(train_features['Horsepower'], train_labels, validation_split=0.2, verbose=0, epochs=100)
const dnnHorsepowerModel = buildAndCompileModel(horsepowerNormalizer);
history = await dnnHorsepowerModel.fit(horsepower, trainLabels, { epochs, verbose: 0, validationSplit: 0.2 });
console.log(`dnn_horsepower_model: ${lastLosses(history)}`);
testResults['dnn_horsepower_model'] = maeOf(dnnHorsepowerModel, testHorsepower);

// dnn_model = build_and_compile_model(normalizer)
// history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0, epochs=100)
// dnn_model.summary()  (after fit here: the model has no input shape, so fit builds it from the data)
const dnnModel = buildAndCompileModel(normalizer);
history = await dnnModel.fit(trainFeatures, trainLabels, { epochs, verbose: 0, validationSplit: 0.2 });
dnnModel.summary();
console.log(`dnn_model: ${lastLosses(history)}`);
testResults['dnn_model'] = maeOf(dnnModel, testFeatures);

// ## Performance
// pd.DataFrame(test_results, index=['Mean absolute error [MPG]']).T
console.log(`\n${table(['', 'Mean absolute error [MPG]'], Object.entries(testResults).map(([name, mae]) => [name, mae.toFixed(6)]))}`);

// test_predictions = dnn_model.predict(test_features).flatten()
const testPredictions = dnnModel.predict(testFeatures).data;
console.log('\nFirst test cars, true MPG vs predicted:');
for (let i = 0; i < 5; i++) console.log(`  ${testLabels.data[i]!.toFixed(1)}  ${testPredictions[i]!.toFixed(1)}`);

// ---------------------------------------------------------------- helpers

/**
 * `n` cars like the Auto MPG dataset's (1970-82 cars: MPG 9-47, 3-8
 * cylinders, 68-455 cubic inches, 46-230 hp, 1,600-5,100 lb), each row
 * [MPG, Cylinders, Displacement, Horsepower, Weight, Acceleration, Model
 * Year, Europe, Japan, USA]. The MPG is a fixed formula of weight,
 * horsepower, year and origin, plus noise of 1.5 MPG: 90,000 / (weight +
 * 12·horsepower) + 0.7·(year − 70) + 1.5 (Japan) or 1 (Europe). It is not
 * linear in the features, which is why the deep network beats the linear
 * model, as on the real data.
 */
function autoMpgLike(n: number, random: InstanceType<typeof keras.random.RandomGenerator>): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const origin = random.uniform() < 0.62 ? 'USA' : random.uniform() < 0.5 ? 'Europe' : 'Japan';
    const cylinders = origin === 'USA' ? [4, 6, 8][random.int(3)]! : random.uniform() < 0.85 ? 4 : 6;
    const displacement = Math.round(cylinders * (origin === 'USA' ? 40 : 28) * (0.85 + 0.3 * random.uniform()));
    const horsepower = Math.round(25 + 0.42 * displacement + 8 * random.normal());
    const weight = Math.round(1300 + 8 * displacement + 180 * random.normal());
    const acceleration = Math.round(10 * (22 - horsepower / 18 + weight / 2000 + random.normal())) / 10;
    const year = 70 + random.int(13);
    // Fuel use grows with weight and power, so MPG falls as their inverse; newer cars do better.
    const mpg = 90000 / (weight + 12 * horsepower) + 0.7 * (year - 70) + (origin === 'Japan' ? 1.5 : origin === 'Europe' ? 1 : 0) + 1.5 * random.normal();
    rows.push([Math.round(10 * Math.max(9, mpg)) / 10, cylinders, displacement, horsepower, weight, acceleration, year, +(origin === 'Europe'), +(origin === 'Japan'), +(origin === 'USA')]);
  }
  return rows;
}

/** The rows in a random order (Fisher-Yates). */
function shuffle<T>(items: readonly T[], random: InstanceType<typeof keras.random.RandomGenerator>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A right-aligned text table, as pandas prints a DataFrame. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
