/**
 * Loads the model that `npm run fashion-mnist` trained and saved, and
 * evaluates it on the same 10,000 test images: the test accuracy printed is
 * the one the training run printed, to the last digit.
 *
 *     npm run fashion-mnist:load
 *     npm run fashion-mnist:load -- --from my-model
 */
import * as keras from 'tinykeras';

const from = stringArg('--from') ?? 'saved/fashion-mnist';

// model.json gives the layers and compile settings, weights.bin the weights.
const model = await keras.models.loadModel(from);
model.summary();

const [, [testImages, testLabels]] = await keras.datasets.fashionMnist.loadData();
const [testLoss, testAcc] = model.evaluate(testImages.div(255), testLabels);
console.log('\nTest loss:', testLoss);
console.log('Test accuracy:', testAcc);

function stringArg(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : process.argv[i + 1];
}
