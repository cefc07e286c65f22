/**
 * The seed job (Flatten → Dense(128, relu) → Dense(10, softmax), Adam,
 * batch 32) trained under many seeds, to see the spread of test accuracy.
 * Prints one line per seed and a summary; run two at once to use both cores:
 *
 *     npx tsx bench/seed-spread.ts --seeds 1-12 --epochs 5
 *     npx tsx bench/seed-spread.ts --seeds 13-24 --epochs 5
 */
import * as keras from '../src/index.js';

const [first, last] = (argValue('--seeds') ?? '1-5').split('-').map(Number) as [number, number];
const epochs = Number(argValue('--epochs') ?? 5);

const [[trainImages, trainLabels], [testImages, testLabels]] = await keras.datasets.fashionMnist.loadData();
const x = trainImages.div(255);
const xTest = testImages.div(255);
const accuracies: number[] = [];

for (let seed = first; seed <= (last ?? first); seed++) {
  keras.utils.clearSession();
  keras.utils.setRandomSeed(seed);
  const model = new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: 'relu' }),
    new keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  const history = await model.fit(x, trainLabels, { epochs, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  const [testLoss, testAccuracy] = model.evaluate(xTest, testLabels, { verbose: 0 });
  accuracies.push(testAccuracy!);
  const train = history.history;
  console.log(
    `seed ${String(seed).padStart(3)}  train loss ${train.loss!.at(-1)!.toFixed(4)} acc ${train.accuracy!.at(-1)!.toFixed(4)}  ` +
      `test loss ${testLoss!.toFixed(4)} acc ${testAccuracy!.toFixed(4)}  ${(seconds / epochs).toFixed(1)} s/epoch`,
  );
}

const sorted = [...accuracies].sort((a, b) => a - b);
const mean = accuracies.reduce((s, v) => s + v, 0) / accuracies.length;
console.log(
  `${accuracies.length} seeds: test accuracy min ${sorted[0]!.toFixed(4)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(4)}, ` +
    `mean ${mean.toFixed(4)}, max ${sorted.at(-1)!.toFixed(4)}`,
);

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
