/**
 * The figures the examples write: three SVG files each, well-formed, drawn
 * from a real (tiny) training run's History and predictions; and for the
 * CNN, examples/cnn.ts itself run on a few images for one epoch.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { CNN_FIGURE_FILES, FIGURE_FILES, writeCnnFigures, writeFigures } from '../../plots/figures.js';
import { seedModel, useTempDir } from '../support/helpers.js';
import { requireFashionMnist } from '../support/requirements.js';
import { xmlElements } from '../support/xml.js';

describe('writeFigures', () => {
  const dir = useTempDir('figures');

  it('writes the training curves, the prediction grid and the confusion matrix as valid SVG', async () => {
    keras.utils.setRandomSeed(7);
    const n = 40;
    const images = keras.random.uniform([n, 28, 28], 0, 255);
    const labels = keras.tensor(Array.from({ length: n }, (_, i) => i % 10));
    const model = seedModel();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(images.div(255), labels, { epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 0 });
    const probabilities = model.predict(images.div(255), { verbose: 0 });

    const paths = await writeFigures(dir(), { history, images, labels, probabilities, classNames: keras.datasets.fashionMnist.classNames, gridSize: 6 });
    expect(paths.map((p) => p.split('/').pop())).toEqual([...FIGURE_FILES]);

    const [curves, grid, confusion] = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
    for (const svg of [curves!, grid!, confusion!]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(xmlElements(svg)[0]).toBe('svg');
    }
    // Each figure says what it shows, with its axes titled.
    expect(curves).toContain('Loss');
    expect(curves).toContain('Epoch');
    expect(curves).toContain('validation');
    expect(grid).toContain('Probability');
    expect(grid.match(/\(\w[\w/ -]*\)<\/text>/g)?.length).toBe(6); // six captions "Pred NN% (True)"
    expect(confusion).toContain('True class');
    expect(confusion).toContain('Predicted class');
    expect(confusion).toContain('Per-class accuracy');
  });

  it('says what does not match instead of drawing nonsense', async () => {
    const images = keras.ops.zeros([4, 28, 28]);
    await expect(
      writeFigures(dir(), {
        history: { epoch: [], history: {} },
        images,
        labels: [0, 1, 2],
        probabilities: keras.ops.zeros([4, 10]),
        classNames: keras.datasets.fashionMnist.classNames,
      }),
    ).rejects.toThrow(/expected 4 images and 4 labels/);
  });
});

describe('writeCnnFigures and examples/cnn.ts', () => {
  const dir = useTempDir('cnn-figures');

  it('npm run cnn on 96 images for one epoch prints what the tutorial prints and writes the three figures as valid SVG', async () => {
    requireFashionMnist({ available: process.env.FASHION_MNIST_DIR !== undefined, how: 'set FASHION_MNIST_DIR to a directory holding its four files' });
    const root = resolve(__dirname, '../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=tinykeras-source', '--import', 'tsx', 'examples/cnn.ts', '--limit', '96', '--test-limit', '32', '--epochs', '1', '--seed', '3', '--dir', dir()],
      { cwd: root, timeout: 240_000 },
    );
    expect(stdout).toContain('Seed 3, kernels: js');
    expect(stdout).toMatch(/conv2d_2 \(Conv2D\)\s+\(None, 3, 3, 64\)\s+36928/);
    expect(stdout).toContain('Total params: 93,322');
    expect(stdout).toMatch(/3\/3 \[=+\] - .* - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}/);
    expect(stdout).toMatch(/Trained by the (fused|autograd) executor on \d+ threads?/);
    // evaluate(verbose 2), then the accuracy alone, as the tutorial's print(test_acc).
    expect(stdout).toMatch(/1\/1 - .* - loss: \d\.\d{4} - accuracy: \d\.\d{4}.*\n(0|1|0\.\d+)\n/);

    const [curves, filters, maps] = await Promise.all(CNN_FIGURE_FILES.map((name) => readFile(join(dir(), name), 'utf8')));
    for (const svg of [curves!, filters!, maps!]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(xmlElements(svg)[0]).toBe('svg');
    }
    expect(curves).toContain('validation');
    expect(filters).toContain("The first conv layer's 32 filters (3×3 weights each)");
    expect(maps).toMatch(/What the 32 filters make of test image 0 \(\w[\w/ -]*\)/);
    // Each of the 32 panels is numbered.
    for (const svg of [filters!, maps!]) expect(svg).toContain('>32</text>');
  });

  it('draws one panel per filter, 9 cells each, and refuses a kernel on colour images', async () => {
    const kernel = new keras.Tensor(Float32Array.from({ length: 9 * 4 }, (_, i) => (i % 7) - 3), [3, 3, 1, 4]);
    const maps = new keras.Tensor(Float32Array.from({ length: 5 * 5 * 4 }, (_, i) => i % 3), [1, 5, 5, 4]);
    const history = { epoch: [0], history: { loss: [1], accuracy: [0.5] } };
    const paths = await writeCnnFigures(dir(), { history, kernel, featureMaps: maps, imageCaption: 'a test' });
    expect(paths.map((p) => p.split('/').pop())).toEqual([...CNN_FIGURE_FILES]);
    const [filters, featureMaps] = await Promise.all(paths.slice(1).map((p) => readFile(p, 'utf8')));
    const cells = (svg: string) => svg.match(/aria-roledescription="rect mark"/g)?.length;
    // 4 filters × 9 weights; 4 maps × 25 activations less the 34 zeros (left out: the white background).
    expect([cells(filters!), cells(featureMaps!)]).toEqual([36, 66]);
    expect(featureMaps).toContain('What the 4 filters make of a test');
    await expect(writeCnnFigures(dir(), { history, kernel: new keras.Tensor(new Float32Array(9 * 3 * 2), [3, 3, 3, 2]), featureMaps: maps, imageCaption: '' })).rejects.toThrow(/\[kh, kw, 1, filters\]/);
  });
});
