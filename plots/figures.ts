/**
 * The tutorial's figures of a trained model, written as SVG files (Node):
 *
 *   training-curves.svg    loss and accuracy per epoch (and validation, if fit had it)
 *   predictions.svg        the first test images with predicted class and probability bars
 *   confusion-matrix.svg   the confusion matrix over the test set, with per-class accuracy
 *
 * The same specs (specs.ts) draw the playground's charts. A CNN's figures
 * (`writeCnnFigures`, examples/cnn.ts) are the curves and:
 *
 *   conv-filters.svg       the first conv layer's filters, each a small heat map of its weights
 *   feature-maps.svg       what those filters make of one test image
 *
 * Several runs compared (`writeComparisonFigures`, examples/overfit-underfit.ts):
 * one metric of each, training and validation, in one figure per group of runs.
 *
 *     const history = await model.fit(x, y, { epochs: 5 });
 *     const probabilities = model.predict(xTest);
 *     await writeFigures('saved/fashion-mnist', { history, images: testImages, labels: testLabels, probabilities });
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { argmax, channelGridSpec, comparisonCurvesSpec, confusionMatrixSpec, predictionGridSpec, trainingCurvesSpec, type ChannelStack, type ComparisonRow, type CurveRow, type GridItem } from './specs.js';
import { renderSvg } from './render.js';

/** A tensor or anything with the same two fields. */
interface ArrayWithShape {
  data: ArrayLike<number>;
  shape: readonly number[];
  /** A tensor's values as stored (a uint8 tensor's bytes), read instead of `data` when present: no float32 copy. */
  values?: ArrayLike<number>;
}

export interface FigureData {
  /** What fit returned (keras.callbacks.History): `history.loss[e]`, `history.accuracy[e]`, and `val_` ones if any. */
  history: { epoch: readonly number[]; history: Record<string, readonly number[]> };
  /** The test images, [n, 28, 28]: pixel values 0-255 as loaded, or scaled to [0, 1]. */
  images: ArrayWithShape;
  /** The test labels, n class indices. */
  labels: ArrayWithShape | ArrayLike<number>;
  /** model.predict(images): [n, classes] probabilities. */
  probabilities: ArrayWithShape;
  /** The class names, by label. */
  classNames: readonly string[];
  /** How many test images the prediction figure shows (15, as in the tutorial). */
  gridSize?: number;
}

export const FIGURE_FILES = ['training-curves.svg', 'predictions.svg', 'confusion-matrix.svg'] as const;

/** Writes the three figures into `dir` (created if missing) and returns their paths. */
export async function writeFigures(dir: string, figures: FigureData): Promise<string[]> {
  const svgs = await figureSvgs(figures);
  return writeSvgs(dir, Object.fromEntries(FIGURE_FILES.map((name) => [name, svgs[name]])));
}

/** The three figures as SVG text, by file name. */
export async function figureSvgs(figures: FigureData): Promise<Record<(typeof FIGURE_FILES)[number], string>> {
  const { images, probabilities, classNames } = figures;
  const labels = 'data' in figures.labels ? figures.labels.data : figures.labels;
  const n = probabilities.shape[0]!;
  const k = probabilities.shape[1]!;
  if (images.shape[0] !== n || labels.length !== n || k !== classNames.length) {
    throw new Error(
      `writeFigures: expected ${n} images and ${n} labels for ${n} rows of probabilities over ${classNames.length} classes. ` +
        `Received: images [${images.shape.join(', ')}], ${labels.length} labels, probabilities [${probabilities.shape.join(', ')}].`,
    );
  }

  const curves = historyCurvesSpec(figures.history);

  const imageValues = images.values ?? images.data;
  const pixelsPerImage = imageValues.length / n;
  let max = 0;
  for (let i = 0; i < Math.min(imageValues.length, 100_000); i++) max = Math.max(max, imageValues[i]!);
  const scale = max <= 1 ? 255 : 1;
  const items: GridItem[] = [];
  for (let i = 0; i < Math.min(figures.gridSize ?? 15, n); i++) {
    const pixels = Array.from({ length: pixelsPerImage }, (_, j) => imageValues[i * pixelsPerImage + j]! * scale);
    items.push({ pixels, probabilities: Array.from({ length: k }, (_, c) => probabilities.data[i * k + c]!), label: labels[i]! });
  }

  const counts = new Array<number>(k * k).fill(0);
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: k }, (_, c) => probabilities.data[i * k + c]!);
    counts[labels[i]! * k + argmax(row)]!++;
  }

  return {
    'training-curves.svg': await renderSvg(curves),
    'predictions.svg': await renderSvg(predictionGridSpec(items, classNames)),
    'confusion-matrix.svg': await renderSvg(confusionMatrixSpec(counts, classNames, 360)),
  };
}

/** fit's History as the training-curves figure: loss and accuracy per epoch, and validation's when fit had it. */
function historyCurvesSpec(fitHistory: FigureData['history']) {
  const { history } = fitHistory;
  const rows = (prefix: string): CurveRow[] =>
    (history[`${prefix}loss`] ?? []).map((loss, e) => ({ epoch: e + 1, loss, accuracy: history[`${prefix}accuracy`]?.[e] ?? NaN }));
  return trainingCurvesSpec({ width: 300, height: 220 }, { training: rows(''), validation: rows('val_'), trainingLabel: 'training' });
}

export interface CnnFigureData {
  /** What fit returned. */
  history: FigureData['history'];
  /** The first Conv2D layer's kernel, [kh, kw, 1, filters] (one input channel: grey images). */
  kernel: ChannelStack;
  /** That layer's output for one image, [1, height, width, filters] or [height, width, filters]. */
  featureMaps: ChannelStack;
  /** Which image the feature maps are of, for the title ("test image 0: Ankle boot"). */
  imageCaption: string;
}

export const CNN_FIGURE_FILES = ['training-curves.svg', 'conv-filters.svg', 'feature-maps.svg'] as const;

/** Writes a CNN's three figures into `dir` (created if missing) and returns their paths. */
export async function writeCnnFigures(dir: string, figures: CnnFigureData): Promise<string[]> {
  const { kernel, featureMaps } = figures;
  if (kernel.shape.length !== 4 || kernel.shape[2] !== 1) {
    throw new Error(`writeCnnFigures: expected the kernel of a conv layer on one-channel images, [kh, kw, 1, filters]. Received: shape [${kernel.shape.join(', ')}]`);
  }
  const maps = featureMaps.shape.length === 4 ? { data: featureMaps.data, shape: featureMaps.shape.slice(1) } : featureMaps;
  const filters = kernel.shape[3]!;
  const svgs: Record<(typeof CNN_FIGURE_FILES)[number], string> = {
    'training-curves.svg': await renderSvg(historyCurvesSpec(figures.history)),
    'conv-filters.svg': await renderSvg(channelGridSpec(kernel, `The first conv layer's ${filters} filters (${kernel.shape[0]}×${kernel.shape[1]} weights each)`, 'weights', 40)),
    'feature-maps.svg': await renderSvg(channelGridSpec(maps, `What the ${filters} filters make of ${figures.imageCaption} (after relu)`, 'activations', 64)),
  };
  return writeSvgs(dir, svgs);
}

export interface ComparisonFigure {
  /** The figure's title. */
  title: string;
  /** The History key drawn: `metric` for training and `val_${metric}` for validation ('binary_crossentropy'). */
  metric: string;
  /** What fit returned for each model, by the model's name in the legend. */
  histories: Record<string, FigureData['history']>;
}

/** Writes one comparison figure per entry of `figures` (file name → figure) into `dir` (created if missing); returns the paths. */
export async function writeComparisonFigures(dir: string, figures: Record<string, ComparisonFigure>): Promise<string[]> {
  const svgs: Record<string, string> = {};
  for (const [file, { title, metric, histories }] of Object.entries(figures)) {
    const rows: ComparisonRow[] = [];
    for (const [model, { history }] of Object.entries(histories)) {
      for (const split of ['training', 'validation'] as const) {
        const values = history[split === 'training' ? metric : `val_${metric}`];
        if (values === undefined) {
          throw new Error(`writeComparisonFigures: ${file}: the history of "${model}" has no "${split === 'training' ? metric : `val_${metric}`}". Received keys: ${Object.keys(history).join(', ')}`);
        }
        values.forEach((value, e) => rows.push({ model, split, epoch: e + 1, value }));
      }
    }
    svgs[file] = await renderSvg(comparisonCurvesSpec(rows, Object.keys(histories), metric, title, { width: 420, height: 260 }));
  }
  return writeSvgs(dir, svgs);
}

/** Writes each SVG into `dir` (created if missing), in order; returns the paths. */
async function writeSvgs(dir: string, svgs: Record<string, string>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [name, svg] of Object.entries(svgs)) {
    const path = join(dir, name);
    await writeFile(path, svg);
    paths.push(path);
  }
  return paths;
}
