/**
 * One training run under a seed, the way the fused-executor tests compare
 * executors: the same data, the same initial weights (seed 11), Adam at
 * 0.01, batches of 16, on the executor and kernel tier asked for. Two runs
 * that differ only in executor, threads or tier must then give the same
 * weights (bit for bit on the JS tier).
 */
import * as keras from '../../src/index.js';

export interface SeededRun {
  make: () => keras.Sequential;
  /** The training data, made after clearSession (so its draws are the same every run). */
  data: () => [keras.Tensor, keras.Tensor];
  fromLogits: boolean;
  runEagerly?: boolean;
  threads?: number;
  tier?: keras.KernelTier;
  epochs?: number;
}

export async function trainUnderSeed({ make, data, fromLogits, runEagerly = false, threads = 1, tier = 'js', epochs = 3 }: SeededRun) {
  await keras.config.setKernels(tier);
  keras.utils.clearSession();
  const [x, y] = data();
  keras.utils.setRandomSeed(11);
  const m = make();
  const loss = new keras.losses.SparseCategoricalCrossentropy({ fromLogits });
  // jitCompile: true throws rather than fall back, so a fused run is known to be one.
  m.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 0.01 }), loss, metrics: ['accuracy'], runEagerly, jitCompile: runEagerly ? 'auto' : true });
  const history = await m.fit(x, y, { epochs, batchSize: 16, verbose: 0, threads });
  return {
    loss: history.history.loss!,
    accuracy: history.history.accuracy!,
    weights: m.getWeights().map((w) => Array.from(w.data)),
    params: history.params,
    // The next draw of the global generator: equal only if both executors drew the same number of uniforms.
    nextDraw: keras.random.uniform([1]).data[0],
    model: m,
    x,
    y,
  };
}
