/**
 * Memory stays flat over a long run: trains the seed model for 50 epochs on
 * a 2,000-image subset of Fashion-MNIST, once on the fused executor (the
 * default) and once on autograd (compile's runEagerly), and prints the process's
 * memory after every 5th epoch, after a garbage collection.
 *
 *     npm run memory                      # both paths, 50 epochs each
 *     npm run memory -- --epochs 20 --path autograd
 *
 * "Flat" means: after the first 5 epochs (warm-up: JIT, the step's buffers,
 * the optimizer's slots), neither the heap nor RSS grows by 5 MB or more. A leak of
 * one batch-sized tensor per step would add ~6 MB per epoch here.
 */
import * as keras from 'tinykeras';

const epochs = numberArg('--epochs') ?? 50;
const pathArg = stringArg('--path');
const paths = pathArg ? [pathArg] : ['fused', 'autograd'];
const SUBSET = 2000;
const WARM_UP = 5;
const FLAT_MB = 5;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.log('(run with node --expose-gc, as `npm run memory` does, for exact heap figures)');

const [[images, labels]] = await keras.datasets.fashionMnist.loadData({ verbose: false });
const x = images.sliceRows(0, SUBSET).div(255);
const y = labels.sliceRows(0, SUBSET);

let allFlat = true;
for (const path of paths) {
  keras.utils.setRandomSeed(1);
  const model = new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: 'relu' }),
    new keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({
    optimizer: 'adam',
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
    runEagerly: path === 'autograd',
  });

  console.log(`\n${path} path: ${epochs} epochs on ${SUBSET} images (${Math.ceil(SUBSET / 32)} steps each)`);
  console.log('epoch   loss    heapUsed MB   rss MB   arrayBuffers MB');
  const samples: { epoch: number; heap: number; rss: number }[] = [];
  const started = performance.now();
  await model.fit(x, y, {
    epochs,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch: number, logs: keras.Logs) => {
        if ((epoch + 1) % 5 !== 0 && epoch !== 0) return;
        gc?.();
        const m = process.memoryUsage();
        const mb = (bytes: number) => bytes / 2 ** 20;
        samples.push({ epoch: epoch + 1, heap: mb(m.heapUsed), rss: mb(m.rss) });
        console.log(
          `${String(epoch + 1).padStart(5)}   ${logs['loss']!.toFixed(4)}  ${mb(m.heapUsed).toFixed(1).padStart(11)}  ` +
            `${mb(m.rss).toFixed(1).padStart(7)}  ${mb(m.arrayBuffers).toFixed(1).padStart(16)}`,
        );
      },
    },
  });
  const seconds = (performance.now() - started) / 1000;
  // Growth, not spread: the OS reclaiming pages (RSS going down) is fine.
  const afterWarmUp = samples.filter((s) => s.epoch >= WARM_UP);
  const growth = (key: 'heap' | 'rss') => Math.max(...afterWarmUp.map((s) => s[key])) - afterWarmUp[0]![key];
  const flat = growth('heap') < FLAT_MB && growth('rss') < FLAT_MB;
  allFlat &&= flat;
  console.log(
    `${path}: from epoch ${WARM_UP} to ${epochs}, heapUsed grew by at most ${growth('heap').toFixed(2)} MB and RSS by at most ` +
      `${growth('rss').toFixed(2)} MB: ${flat ? 'flat' : `NOT flat (more than ${FLAT_MB} MB)`}. ${seconds.toFixed(1)} s in all.`,
  );
}
process.exitCode = allFlat ? 0 : 1;

function numberArg(name: string): number | undefined {
  const value = stringArg(name);
  return value === undefined ? undefined : Number(value);
}

function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
