/**
 * The figures the example writes next to the saved model: three SVG files,
 * well-formed, drawn from a real (tiny) training run's History and predictions.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { FIGURE_FILES, writeFigures } from '../../plots/figures.js';
import { seedModel, useTempDir } from '../support/helpers.js';
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
