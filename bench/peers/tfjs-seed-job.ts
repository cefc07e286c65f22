/**
 * The seed job on TensorFlow.js, for comparison in the same run: the same
 * model, optimizer, loss, batch size and data as ours. Used by the benchmarks
 * only (TF.js is a devDependency).
 *
 * Two differences are set to Keras's side where TF.js allows it: kernels are
 * glorot-uniform (TF.js's Dense defaults to glorot-normal), and the loss is
 * the same sparse categorical crossentropy. TF.js's Adam keeps its textbook
 * epsilon placement, and its shuffling uses Math.random (it cannot be seeded).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type TfjsBackend = 'cpu' | 'wasm';

export interface TfjsJobResult {
  backend: TfjsBackend;
  secondsPerEpoch: number;
  msPerStep: number;
  testLoss: number;
  testAccuracy: number;
  predictSeconds: number;
}

/** Selects a backend; the wasm files are read from the installed package. */
export async function useBackend(backend: TfjsBackend): Promise<void> {
  if (backend === 'wasm') {
    const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    setWasmPaths(`${dirname(packageJson)}/dist/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not start its ${backend} backend.`);
  await tf.ready();
}

/**
 * Trains Flatten → Dense(128, relu) → Dense(10, softmax) with Adam at batch
 * 32 on (x, y) and evaluates on the test set. Inputs are already scaled.
 */
export async function runTfjsSeedJob(
  backend: TfjsBackend,
  data: { x: Float32Array; y: Float32Array; xTest: Float32Array; yTest: Float32Array },
  options: { epochs: number; seed: number },
): Promise<TfjsJobResult> {
  await useBackend(backend);
  const n = data.y.length;
  const nTest = data.yTest.length;
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed + 1 }) }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor3d(data.x, [n, 28, 28]);
  const y = tf.tensor1d(data.y);
  const xTest = tf.tensor3d(data.xTest, [nTest, 28, 28]);
  const yTest = tf.tensor1d(data.yTest);

  const started = performance.now();
  await model.fit(x, y, { epochs: options.epochs, batchSize: 32, shuffle: true, verbose: 0 });
  const trainSeconds = (performance.now() - started) / 1000;

  const [lossTensor, accuracyTensor] = model.evaluate(xTest, yTest, { batchSize: 32 }) as tf.Scalar[];
  const testLoss = (await lossTensor!.data())[0]!;
  const testAccuracy = (await accuracyTensor!.data())[0]!;

  const predictStarted = performance.now();
  const predictions = model.predict(xTest, { batchSize: 32 }) as tf.Tensor;
  await predictions.data();
  const predictSeconds = (performance.now() - predictStarted) / 1000;

  tf.dispose([x, y, xTest, yTest, lossTensor!, accuracyTensor!, predictions]);
  model.dispose();
  const steps = Math.ceil(n / 32) * options.epochs;
  return {
    backend,
    secondsPerEpoch: trainSeconds / options.epochs,
    msPerStep: (trainSeconds * 1000) / steps,
    testLoss,
    testAccuracy,
    predictSeconds,
  };
}
