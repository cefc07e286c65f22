/**
 * examples/overfit-underfit.ts run small (2 epochs, a Large width of 8) and
 * the comparison figures it writes: one line per model and split, the
 * legend in the models' order, and a clear error for a missing History key.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeComparisonFigures } from '../../plots/figures.js';
import { useTempDir } from '../support/helpers.js';
import { xmlElements } from '../support/xml.js';

/** The drawn lines of a Vega SVG: one path per (model, split) series. */
const lineMarks = (svg: string) => svg.match(/aria-roledescription="line mark"/g)?.length ?? 0;

describe('examples/overfit-underfit.ts', () => {
  const dir = useTempDir('overfit-underfit');

  it('trains the seven models for 2 epochs, prints their summaries and the final table, and writes the two figures', async () => {
    const root = resolve(__dirname, '../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=tinykeras-source', '--import', 'tsx', 'examples/overfit-underfit.ts', '--epochs', '2', '--units', '8', '--seed', '3', '--dir', dir()],
      { cwd: root, timeout: 240_000 },
    );
    expect(stdout).toContain('Seed 3: 1000 training and 1000 validation rows of 28 features, up to 2 epochs per model.');
    // The tutorial's sizes: Tiny 28→16→1, Small 28→16→16→1, Medium 28→64→64→64→1; Large here 4 × 8 units.
    const totals = [...stdout.matchAll(/Total params: ([\d,]+)/g)].map((m) => m[1]);
    expect(totals).toEqual(['481', '753', '10,241', '457', '457', '457', '457']);
    expect(stdout.match(/\(Dropout\)/g)?.length).toBe(8); // four in Dropout, four in Combined
    // EpochDots: the logs of epoch 0, with the metric the tutorial names binary_crossentropy, then a dot per epoch.
    expect(stdout).toMatch(/Epoch: 0, loss:\d\.\d{4}, binary_crossentropy:\d\.\d{4}, accuracy:\d\.\d{4}, val_loss:\d\.\d{4}, val_binary_crossentropy:\d\.\d{4}, val_accuracy:\d\.\d{4}\n\.\.\n/);
    // The L2 model's loss holds its penalty on top of the crossentropy.
    const l2 = stdout.slice(stdout.indexOf('\nL2\n')).match(/Epoch: 0, loss:(\d\.\d{4}), binary_crossentropy:(\d\.\d{4})/)!;
    expect(Number(l2[1])).toBeGreaterThan(Number(l2[2]));
    // The closing table: one row per model, with its epochs and three numbers.
    expect(stdout).toContain('model     epochs  binary_crossentropy  val_binary_crossentropy  val_accuracy');
    for (const name of ['Tiny', 'Small', 'Medium', 'Large', 'L2', 'Dropout', 'Combined']) {
      expect(stdout).toMatch(new RegExp(`\\n${name} +2 +\\d\\.\\d{4} +\\d\\.\\d{4} +\\d\\.\\d{4}\\n`));
    }

    const [sizes, regularizers] = await Promise.all(['sizes.svg', 'regularizers.svg'].map((name) => readFile(join(dir(), name), 'utf8')));
    for (const svg of [sizes!, regularizers!]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(xmlElements(svg)[0]).toBe('svg');
      expect(svg).toContain('binary_crossentropy');
      expect(lineMarks(svg)).toBe(8); // four models, training and validation each
    }
    expect(sizes).toContain('Model size');
    for (const name of ['Tiny', 'Small', 'Medium', 'Large']) expect(sizes).toContain(`>${name}</text>`);
    for (const name of ['Tiny', 'L2', 'Dropout', 'Combined']) expect(regularizers).toContain(`>${name}</text>`);
    expect(stdout).toContain(`Figures: ${join(dir(), 'sizes.svg')}, ${join(dir(), 'regularizers.svg')}`);
  });
});

describe('writeComparisonFigures', () => {
  const dir = useTempDir('comparison-figures');

  it('draws a training and a validation line per model and names what a History lacks', async () => {
    const history = (offset: number) => ({ epoch: [0, 1, 2], history: { bce: [0.7 - offset, 0.6 - offset, 0.5 - offset], val_bce: [0.7, 0.65, 0.7] } });
    const [path] = await writeComparisonFigures(dir(), { 'two.svg': { title: 'Two runs', metric: 'bce', histories: { first: history(0), second: history(0.1) } } });
    const svg = await readFile(path!, 'utf8');
    expect(lineMarks(svg)).toBe(4);
    expect(svg).toContain('Two runs');
    expect(svg.indexOf('>first</text>')).toBeLessThan(svg.indexOf('>second</text>'));
    await expect(
      writeComparisonFigures(dir(), { 'bad.svg': { title: '', metric: 'accuracy', histories: { first: history(0) } } }),
    ).rejects.toThrow(/"first" has no "accuracy"\. Received keys: bce, val_bce/);
  });
});
