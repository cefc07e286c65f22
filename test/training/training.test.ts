import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';

const { Dense, Flatten } = keras.layers;

/**
 * A small learnable problem: 3 classes of points in 4-D, each class a
 * Gaussian blob around its own centre.
 */
function blobs(n: number, seed: number): [keras.Tensor, keras.Tensor] {
  const rng = new (class {
    s = seed;
    next() {
      this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
      return this.s / 2 ** 32;
    }
  })();
  const centres = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0]];
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    y[i] = label;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = centres[label]![j]! + (rng.next() - 0.5);
  }
  return [new keras.Tensor(x, [n, 4]), new keras.Tensor(y, [n])];
}

function smallModel(): keras.Sequential {
  return new keras.Sequential([new Dense(8, { activation: 'relu', inputShape: [4] }), new Dense(3, { activation: 'softmax' })]);
}

beforeEach(() => keras.utils.clearSession());

describe('fit', () => {
  it('learns a separable problem and returns a History of running epoch means', async () => {
    keras.utils.setRandomSeed(0);
    const [x, y] = blobs(300, 1);
    const model = smallModel();
    model.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 0.02 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 5, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy']);
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(history.history.loss!.length).toBe(5);
    expect(history.history.loss![4]!).toBeLessThan(history.history.loss![0]!);
    expect(history.history.accuracy![4]!).toBeGreaterThan(0.95);
    const [loss, accuracy] = model.evaluate(x, y, { verbose: 0 });
    expect(loss).toBeLessThan(0.3);
    expect(accuracy).toBeGreaterThan(0.95);
  });

  it('repeats bit for bit under the same seed, and differs under another', async () => {
    const train = async (seed: number) => {
      keras.utils.clearSession();
      keras.utils.setRandomSeed(seed);
      const [x, y] = blobs(100, 2);
      const model = smallModel();
      model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      const history = await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
      return { loss: history.history.loss!, weights: model.getWeights().map((w) => Array.from(w.data)) };
    };
    const a = await train(7);
    const b = await train(7);
    const c = await train(8);
    expect(b).toEqual(a);
    expect(c.loss).not.toEqual(a.loss);
  });

  it('weighs the short last batch by its size in the epoch mean', async () => {
    // 10 samples at batch 4: batches of 4, 4 and 2. The epoch loss must be the
    // sample-weighted mean of the per-batch losses, which onBatchEnd reports as running means.
    keras.utils.setRandomSeed(0);
    const [x, y] = blobs(10, 3);
    const model = smallModel();
    model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 0 + 1e-9 }), loss: 'sparse_categorical_crossentropy' });
    const running: number[] = [];
    const history = await model.fit(x, y, {
      batchSize: 4,
      shuffle: false,
      verbose: 0,
      callbacks: { onBatchEnd: (_b, logs) => void running.push(logs.loss!) },
    });
    expect(running.length).toBe(3);
    // Recover per-batch losses from the running means: m_k = Σ n_i l_i / Σ n_i.
    const sizes = [4, 4, 2];
    const perBatch = running.map((m, k) => {
      const seenBefore = sizes.slice(0, k).reduce((s, v) => s + v, 0);
      const prevMean = k === 0 ? 0 : running[k - 1]!;
      return (m * (seenBefore + sizes[k]!) - prevMean * seenBefore) / sizes[k]!;
    });
    const weighted = (perBatch[0]! * 4 + perBatch[1]! * 4 + perBatch[2]! * 2) / 10;
    expect(history.history.loss![0]).toBeCloseTo(weighted, 6);
    // With a learning rate of ~0 the epoch loss is just the model's loss on all 10 samples.
    expect(history.history.loss![0]).toBeCloseTo(model.evaluate(x, y, { verbose: 0 })[0]!, 5);
  });

  it('validates on the last samples with validationSplit and logs val_ metrics', async () => {
    keras.utils.setRandomSeed(0);
    const [x, y] = blobs(100, 4);
    const model = smallModel();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    let trainSamples = 0;
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 10,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: { onBatchEnd: () => void (trainSamples += 10) },
    });
    expect(trainSamples).toBe(2 * 80);
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    const [valLoss] = model.evaluate(x.sliceRows(80, 100), y.sliceRows(80, 100), { verbose: 0 });
    expect(history.history.val_loss![1]).toBeCloseTo(valLoss!, 5);
  });

  it('calls callbacks in Keras order and stops early', async () => {
    keras.utils.setRandomSeed(0);
    const [x, y] = blobs(30, 5);
    const model = smallModel();
    model.compile({ optimizer: new keras.optimizers.SGD({ learningRate: 1e-9 }), loss: 'sparse_categorical_crossentropy' });
    const events: string[] = [];
    const early = new keras.callbacks.EarlyStopping({ monitor: 'loss', patience: 1, minDelta: 0.1 });
    const history = await model.fit(x, y, {
      epochs: 10,
      batchSize: 30,
      verbose: 0,
      callbacks: [
        {
          onTrainBegin: () => void events.push('trainBegin'),
          onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
          onBatchEnd: (b) => void events.push(`batchEnd ${b}`),
          onEpochEnd: (e) => void events.push(`epochEnd ${e}`),
          onTrainEnd: () => void events.push('trainEnd'),
        },
        early,
      ],
    });
    // Loss cannot improve by 0.1 with lr≈0: epoch 0 sets the best, epoch 1 waits out patience 1 and stops.
    expect(history.epoch).toEqual([0, 1]);
    expect(early.stoppedEpoch).toBe(1);
    expect(events).toEqual(['trainBegin', 'epochBegin 0', 'batchEnd 0', 'epochEnd 0', 'epochBegin 1', 'batchEnd 0', 'epochEnd 1', 'trainEnd']);
  });

  it('prints the epoch header and one tf.keras line per epoch when not on a terminal', async () => {
    keras.utils.setRandomSeed(0);
    const [x, y] = blobs(64, 6);
    const model = smallModel();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const written: string[] = [];
    const stdout = process.stdout;
    const originalWrite = stdout.write;
    const originalTTY = stdout.isTTY;
    stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof stdout.write;
    (stdout as { isTTY: boolean }).isTTY = false;
    try {
      await model.fit(x, y, { epochs: 2 });
    } finally {
      stdout.write = originalWrite;
      (stdout as { isTTY: boolean | undefined }).isTTY = originalTTY;
    }
    const text = written.join('');
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines.length).toBe(4);
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(/^2\/2 \[==============================\] - \d+s \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    expect(lines[2]).toBe('Epoch 2/2');
  });

  it('refuses to train before compile, and bad arguments', async () => {
    const [x, y] = blobs(10, 7);
    const model = smallModel();
    await expect(model.fit(x, y)).rejects.toThrow(/must be compiled/);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await expect(model.fit(x, y, { epochs: 0 })).rejects.toThrow(/epochs must be a positive integer. Received: epochs=0/);
    await expect(model.fit(x, y, { batchSize: 1.5 })).rejects.toThrow(/batchSize=1.5/);
    await expect(model.fit(x, y, { validationSplit: 1 })).rejects.toThrow(/validationSplit must be a number in \[0, 1\)/);
    await expect(model.fit(x, y.sliceRows(0, 5))).rejects.toThrow(/same number of samples/);
  });
});

describe('evaluate and predict', () => {
  it('predict returns probabilities for every sample, in order, whatever the batch size', () => {
    keras.utils.setRandomSeed(0);
    const model = new keras.Sequential([new Flatten({ inputShape: [2, 3] }), new Dense(4, { activation: 'softmax' })]);
    const x = keras.random.normal([70, 2, 3]);
    const all = model.predict(x, { batchSize: 70, verbose: 0 });
    const batched = model.predict(x, { verbose: 0 });
    expect(batched.shape).toEqual([70, 4]);
    for (let i = 0; i < batched.size; i++) expect(batched.data[i]).toBeCloseTo(all.data[i]!, 6);
    for (let r = 0; r < 70; r++) expect(batched.row(r).sum().item()).toBeCloseTo(1, 5);
  });

  it('evaluate returns [loss, accuracy] as numbers, or a dict', () => {
    const model = new keras.Sequential([new Dense(2, { activation: 'softmax', inputShape: [2], kernelInitializer: 'zeros' })]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    // Zero weights → uniform probabilities → loss ln 2; argmax ties pick class 0 → accuracy = share of label 0.
    const x = keras.tensor([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const y = keras.tensor([0, 1, 1, 1]);
    const [loss, accuracy] = model.evaluate(x, y, { verbose: 0 });
    expect(loss).toBeCloseTo(Math.LN2, 6);
    expect(accuracy).toBe(0.25);
    expect(model.evaluate(x, y, { verbose: 0, returnDict: true })).toEqual({ loss, accuracy });
  });
});
