/**
 * The seed job on TF.js (wasm backend) under several seeds: an independent
 * implementation's spread of test accuracy, to compare with ours
 * (bench/seed-spread.ts) on the same data and machine.
 *
 *     npx tsx bench/tfjs-seed-spread.ts --seeds 1-10 --epochs 5
 */
import * as keras from '../src/index.js';
import { runTfjsSeedJob } from './peers/tfjs-seed-job.js';

const [first, last] = (argValue('--seeds') ?? '1-3').split('-').map(Number) as [number, number];
const epochs = Number(argValue('--epochs') ?? 5);
const [[trainImages, trainLabels], [testImages, testLabels]] = await keras.datasets.fashionMnist.loadData();
const data = { x: trainImages.div(255).data, y: trainLabels.data, xTest: testImages.div(255).data, yTest: testLabels.data };
const accuracies: number[] = [];
for (let seed = first; seed <= (last ?? first); seed++) {
  const r = await runTfjsSeedJob('wasm', data, { epochs, seed });
  accuracies.push(r.testAccuracy);
  console.log(`tfjs-wasm seed ${String(seed).padStart(3)}  test loss ${r.testLoss.toFixed(4)} acc ${r.testAccuracy.toFixed(4)}  ${r.secondsPerEpoch.toFixed(1)} s/epoch`);
}
const sorted = [...accuracies].sort((a, b) => a - b);
console.log(`${accuracies.length} seeds: min ${sorted[0]!.toFixed(4)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(4)}, max ${sorted.at(-1)!.toFixed(4)}`);

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
