/**
 * TensorFlow's tutorial "Overfit and underfit"
 * (tensorflow.org/tutorials/keras/overfit_and_underfit) on tinykeras: four
 * models of growing size (Tiny, Small, Medium, Large, Dense layers with
 * 'elu'), then the Large one held back by L2 weight regularization, by
 * Dropout(0.5), and by both. Every model trains with the tutorial's setup:
 * Adam on an InverseTimeDecay schedule, binary crossentropy from logits
 * with the `binary_crossentropy` metric and accuracy, and EarlyStopping on
 * `val_binary_crossentropy` with patience 200. Each step's Python is quoted
 * above its TypeScript.
 *
 *     npm run overfit-underfit                        # 40 epochs per model, seed 0, figures in saved/overfit-underfit
 *     npm run overfit-underfit -- --epochs 200        # a longer look at the overfitting
 *     npm run overfit-underfit -- --units 512         # the tutorial's Large width (slower: 16 times the work)
 *     npm run overfit-underfit -- --seed 7 --dir figs
 *
 * It prints each model's summary and, at the end, a table of the final
 * training and validation binary crossentropy, and writes the tutorial's
 * two figures as SVG: sizes.svg (Tiny, Small, Medium, Large) and
 * regularizers.svg (Tiny, L2, Dropout, Combined), training solid and
 * validation dashed.
 *
 * What differs from the tutorial, and why:
 * - The data. The tutorial reads 11,000 rows of the Higgs dataset (28
 *   features, a 2.6 GB download). tinykeras has no Higgs loader, so
 *   `higgsLike` below makes a seeded synthetic binary task with 28 features:
 *   the label is drawn with probability sigmoid(f(x)) from a fixed formula f
 *   of five features, the other 23 are noise. As on Higgs, no model gets
 *   far: predicting f's sign is right for 75% of these rows; and the noisy
 *   labels and noise features are what a large model memorizes.
 * - The size. 1,000 training and 1,000 validation rows (the tutorial: 10,000
 *   and 1,000), batches of 100 (the tutorial: 500), so STEPS_PER_EPOCH is 10
 *   (the tutorial's 20) and the schedule's decay_steps, STEPS_PER_EPOCH·1000,
 *   keeps its meaning: the rate halves after 1,000 epochs. Fewer rows make
 *   overfitting show in tens of epochs instead of thousands.
 * - The epochs. The tutorial allows 10,000 and lets EarlyStopping end each
 *   run; here 40 by default (`--epochs`), enough for the Medium and Large
 *   models to overfit plainly. EarlyStopping is kept, and the table says
 *   when it stopped a run.
 * - The Large width. 128 units by default instead of 512 (`--units 512` for
 *   the tutorial's): still over 100 times the Tiny model's parameters
 *   (53,377 against 481), for a sixteenth of the work per epoch. With this
 *   little data and these few epochs, L2(0.001) alone slows the Large
 *   model's overfitting without stopping it; Dropout holds it back.
 * - The figures: tfdocs's HistoryPlotter smooths the curves (smoothing_std=10)
 *   and the tutorial sets ylim [0.5, 0.7]; these draw each epoch's value as
 *   it is. tfdocs's EpochDots and the TensorBoard callback are replaced by a
 *   small callback that prints a dot per epoch and the logs every 10 epochs
 *   (tinykeras has no TensorBoard writer).
 * - Its `tf.data` pipeline (shuffle, repeat, batch, steps_per_epoch) is
 *   `fit(x, y, { batchSize })` on tensors, which shuffles each epoch too.
 */
import * as keras from 'tinykeras';
import { numberArg, stringArg } from './args.js';

const { layers, regularizers } = keras;
const maxEpochs = numberArg('--epochs') ?? 40;
const seed = numberArg('--seed') ?? 0;
const largeUnits = numberArg('--units') ?? 128;
const dir = stringArg('--dir') ?? 'saved/overfit-underfit';
keras.utils.setRandomSeed(seed);

// ## The Higgs dataset (here: a seeded synthetic one, see higgsLike below)
// FEATURES = 28
// N_VALIDATION = int(1e3); N_TRAIN = int(1e4); BATCH_SIZE = 500; STEPS_PER_EPOCH = N_TRAIN//BATCH_SIZE
const FEATURES = 28;
const N_VALIDATION = 1000;
const N_TRAIN = 1000;
const BATCH_SIZE = 100;
const STEPS_PER_EPOCH = N_TRAIN / BATCH_SIZE;
// validate_ds = packed_ds.take(N_VALIDATION).cache(); train_ds = packed_ds.skip(N_VALIDATION).take(N_TRAIN).cache()
const [features, labels] = higgsLike(N_VALIDATION + N_TRAIN, new keras.random.RandomGenerator(2024));
const [xVal, yVal] = [features.sliceRows(0, N_VALIDATION), labels.sliceRows(0, N_VALIDATION)];
const [xTrain, yTrain] = [features.sliceRows(N_VALIDATION, N_VALIDATION + N_TRAIN), labels.sliceRows(N_VALIDATION, N_VALIDATION + N_TRAIN)];
console.log(`Seed ${seed}: ${N_TRAIN} training and ${N_VALIDATION} validation rows of ${FEATURES} features, up to ${maxEpochs} epochs per model.`);

// ## Training procedure
// lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=STEPS_PER_EPOCH*1000, decay_rate=1, staircase=False)
// def get_optimizer(): return tf.keras.optimizers.Adam(lr_schedule)
const lrSchedule = new keras.optimizers.schedules.InverseTimeDecay(0.001, { decaySteps: STEPS_PER_EPOCH * 1000, decayRate: 1, staircase: false });
const getOptimizer = () => new keras.optimizers.Adam({ learningRate: lrSchedule });

// def get_callbacks(name):
//   return [tfdocs.modeling.EpochDots(), tf.keras.callbacks.EarlyStopping(monitor='val_binary_crossentropy', patience=200), tf.keras.callbacks.TensorBoard(logdir/name)]
const getCallbacks = () => [epochDots(10), new keras.callbacks.EarlyStopping({ monitor: 'val_binary_crossentropy', patience: 200 })];

// def compile_and_fit(model, name, optimizer=None, max_epochs=10000):
//   model.compile(optimizer=optimizer, loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
//                 metrics=[tf.keras.metrics.BinaryCrossentropy(from_logits=True, name='binary_crossentropy'), 'accuracy'])
//   model.summary()
//   history = model.fit(train_ds, steps_per_epoch=STEPS_PER_EPOCH, epochs=max_epochs, validation_data=validate_ds, callbacks=get_callbacks(name), verbose=0)
const stoppedAt: Record<string, number> = {};
async function compileAndFit(model: keras.Sequential, name: string, optimizer = getOptimizer()): Promise<keras.History> {
  model.compile({
    optimizer,
    loss: new keras.losses.BinaryCrossentropy({ fromLogits: true }),
    metrics: [new keras.metrics.BinaryCrossentropy({ fromLogits: true, name: 'binary_crossentropy' }), 'accuracy'],
  });
  console.log(`\n${name}`);
  model.summary();
  const history = await model.fit(xTrain, yTrain, { batchSize: BATCH_SIZE, epochs: maxEpochs, validationData: [xVal, yVal], callbacks: getCallbacks(), verbose: 0 });
  stoppedAt[name] = history.epoch.length;
  return history;
}

// ## Demonstrate overfitting
// tiny_model = tf.keras.Sequential([layers.Dense(16, activation='elu', input_shape=(FEATURES,)), layers.Dense(1)])
// size_histories['Tiny'] = compile_and_fit(tiny_model, 'sizes/Tiny')
const sizeHistories: Record<string, keras.History> = {};
const tinyModel = new keras.Sequential([new layers.Dense(16, { activation: 'elu', inputShape: [FEATURES] }), new layers.Dense(1)]);
sizeHistories['Tiny'] = await compileAndFit(tinyModel, 'Tiny');

// small_model = tf.keras.Sequential([layers.Dense(16, activation='elu', input_shape=(FEATURES,)), layers.Dense(16, activation='elu'), layers.Dense(1)])
const smallModel = new keras.Sequential([
  new layers.Dense(16, { activation: 'elu', inputShape: [FEATURES] }),
  new layers.Dense(16, { activation: 'elu' }),
  new layers.Dense(1),
]);
sizeHistories['Small'] = await compileAndFit(smallModel, 'Small');

// medium_model = tf.keras.Sequential([layers.Dense(64, activation='elu', input_shape=(FEATURES,)), layers.Dense(64, activation='elu'), layers.Dense(64, activation='elu'), layers.Dense(1)])
const mediumModel = new keras.Sequential([
  new layers.Dense(64, { activation: 'elu', inputShape: [FEATURES] }),
  new layers.Dense(64, { activation: 'elu' }),
  new layers.Dense(64, { activation: 'elu' }),
  new layers.Dense(1),
]);
sizeHistories['Medium'] = await compileAndFit(mediumModel, 'Medium');

// large_model = tf.keras.Sequential([layers.Dense(512, activation='elu', input_shape=(FEATURES,)), layers.Dense(512, activation='elu') x 3, layers.Dense(1)])
// (here largeUnits wide: 128 unless --units)
/** The Large model's four hidden layers, each made by `hidden(i)`, with `after` (Dropout) behind each when given; then Dense(1). */
function largeModel(hidden: (i: number) => keras.layers.Dense, after?: () => keras.layers.Layer): keras.Sequential {
  const model = new keras.Sequential();
  for (let i = 0; i < 4; i++) {
    model.add(hidden(i));
    if (after) model.add(after());
  }
  model.add(new layers.Dense(1));
  return model;
}
const inputShapeIfFirst = (i: number) => (i === 0 ? { inputShape: [FEATURES] } : {});
sizeHistories['Large'] = await compileAndFit(largeModel((i) => new layers.Dense(largeUnits, { activation: 'elu', ...inputShapeIfFirst(i) })), 'Large');

// ## Strategies to prevent overfitting
// regularizer_histories['Tiny'] = size_histories['Tiny']
const regularizerHistories: Record<string, keras.History> = { Tiny: sizeHistories['Tiny'] };

// l2_model = tf.keras.Sequential([layers.Dense(512, activation='elu', kernel_regularizer=regularizers.l2(0.001), input_shape=(FEATURES,)), ... x 4, layers.Dense(1)])
// regularizer_histories['l2'] = compile_and_fit(l2_model, "regularizers/l2")
const l2Model = largeModel((i) => new layers.Dense(largeUnits, { activation: 'elu', kernelRegularizer: regularizers.l2(0.001), ...inputShapeIfFirst(i) }));
regularizerHistories['L2'] = await compileAndFit(l2Model, 'L2');

// dropout_model = tf.keras.Sequential([layers.Dense(512, activation='elu', input_shape=(FEATURES,)), layers.Dropout(0.5), ... x 4, layers.Dense(1)])
const dropoutModel = largeModel((i) => new layers.Dense(largeUnits, { activation: 'elu', ...inputShapeIfFirst(i) }), () => new layers.Dropout(0.5));
regularizerHistories['Dropout'] = await compileAndFit(dropoutModel, 'Dropout');

// combined_model = tf.keras.Sequential([layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation='elu', input_shape=(FEATURES,)), layers.Dropout(0.5), ... x 4, layers.Dense(1)])
const combinedModel = largeModel(
  (i) => new layers.Dense(largeUnits, { kernelRegularizer: regularizers.l2(0.0001), activation: 'elu', ...inputShapeIfFirst(i) }),
  () => new layers.Dropout(0.5),
);
regularizerHistories['Combined'] = await compileAndFit(combinedModel, 'Combined');

// The numbers the tutorial's plots show: each model's last binary crossentropy, on training and on validation data.
// (For L2 and Combined, `loss` also holds the weight penalty, which is why the tutorial watches binary_crossentropy.)
const rows = Object.entries({ ...sizeHistories, ...regularizerHistories }).map(([name, history]) => {
  const last = (key: string) => history.history[key]!.at(-1)!;
  const epochs = stoppedAt[name]!;
  return [name, String(epochs) + (epochs < maxEpochs ? ' (stopped early)' : ''), last('binary_crossentropy').toFixed(4), last('val_binary_crossentropy').toFixed(4), last('val_accuracy').toFixed(4)];
});
console.log(`\n${table(['model', 'epochs', 'binary_crossentropy', 'val_binary_crossentropy', 'val_accuracy'], rows)}`);

// plotter = tfdocs.plots.HistoryPlotter(metric='binary_crossentropy', smoothing_std=10)
// plotter.plot(size_histories); plotter.plot(regularizer_histories)
const { writeComparisonFigures } = await import('../plots/figures.js');
const figures = await writeComparisonFigures(dir, {
  'sizes.svg': { title: 'Model size: binary crossentropy per epoch', metric: 'binary_crossentropy', histories: sizeHistories },
  'regularizers.svg': { title: 'Regularizers on the Large model: binary crossentropy per epoch', metric: 'binary_crossentropy', histories: regularizerHistories },
});
console.log(`\nFigures: ${figures.join(', ')}`);

// ---------------------------------------------------------------- helpers

/**
 * `n` rows of a binary task shaped like the Higgs dataset's: 28 features
 * drawn from N(0, 1), and a label that is 1 with probability sigmoid(f(x)),
 *
 *     f(x) = x₀·x₁ + sin(2·x₂) + x₃ − ½·x₄² + ½
 *
 * The other 23 features carry nothing. The labels are random around f (no
 * model can beat the accuracy of predicting f's sign), so a model that
 * drives the training loss towards 0 has learned the noise: that is the
 * overfitting the tutorial shows.
 */
function higgsLike(n: number, random: InstanceType<typeof keras.random.RandomGenerator>): [keras.Tensor, keras.Tensor] {
  const x = new Float32Array(n * FEATURES);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * FEATURES, (i + 1) * FEATURES);
    for (let j = 0; j < FEATURES; j++) row[j] = random.normal();
    const f = row[0]! * row[1]! + Math.sin(2 * row[2]!) + row[3]! - 0.5 * row[4]! ** 2 + 0.5;
    y[i] = random.uniform() < 1 / (1 + Math.exp(-f)) ? 1 : 0;
  }
  return [new keras.Tensor(x, [n, FEATURES]), new keras.Tensor(y, [n, 1])];
}

/**
 * tfdocs's EpochDots: a dot per epoch, and every `reportEvery` epochs the
 * epoch's logs (the tutorial's prints every 100 of its 10,000 epochs).
 */
function epochDots(reportEvery: number): keras.callbacks.CallbackHooks {
  return {
    onEpochEnd(epoch, logs) {
      if (epoch % reportEvery === 0) {
        const values = Object.entries(logs).map(([key, value]) => `${key}:${Number(value).toFixed(4)}`);
        process.stdout.write(`\nEpoch: ${epoch}, ${values.join(', ')}\n`);
      }
      process.stdout.write('.');
    },
    onTrainEnd() {
      process.stdout.write('\n');
    },
  };
}

/** A left-aligned first column, the rest right-aligned, as pandas prints a DataFrame. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
