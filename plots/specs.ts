/**
 * The pictures of a training run, as Vega-Lite specs: one definition of
 * each figure, drawn by the playground (to canvas, live) and by Node (to SVG
 * files, see figures.ts). The figures are the Keras tutorial's: the training
 * curves, an image with its predicted class (`plot_image`), the bar chart of
 * its ten probabilities (`plot_value_array`), and the confusion matrix.
 *
 * Each function returns a plain JSON spec. Data comes inline, or, for the
 * curves, from named data sets ('batches', 'epochs') that the page streams
 * points into as they arrive.
 */
import type { TopLevelSpec } from 'vega-lite';

type Spec = TopLevelSpec;
/** A spec that can sit inside a concat (no $schema, no top-level config). */
type UnitSpec = Record<string, unknown>;

/** The specs are written as plain objects (Vega-Lite's types are stricter than the JSON they describe); checked by compiling them in the tests. */
function asSpec(spec: Record<string, unknown>): Spec {
  return spec as unknown as Spec;
}

export const COLORS = {
  training: '#4c78a8',
  validation: '#e45756',
  correct: '#1f6fb4',
  wrong: '#d62728',
  other: '#9aa3ad',
  ink: '#1d2430',
  grid: '#e6e9ee',
};

/** Shared looks: the page's font, quiet axes, no chart border. */
export const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelColor: COLORS.ink, titleColor: COLORS.ink, gridColor: COLORS.grid, domainColor: '#8a94a3', tickColor: '#8a94a3', labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600 },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom' },
  title: { fontSize: 13, fontWeight: 600, color: COLORS.ink, anchor: 'start' },
  background: 'white',
};

/** One point of a training curve; `epoch` may be fractional (batches trained ÷ batches per epoch). */
export interface CurveRow {
  epoch: number;
  loss: number;
  accuracy: number;
}

export interface CurveData {
  /** Training values, per batch (smoothed) in the page, per epoch from a History. */
  training: CurveRow[];
  /** Validation values, one per epoch. */
  validation: CurveRow[];
  /** The legend's name for the training line. */
  trainingLabel?: string;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * Loss and accuracy against epochs, side by side, training as a line and
 * validation as points joined by a line (`arrange`: side by side, or one
 * above the other on narrow screens; `epochs` fixes the x axis to the
 * planned run, so the curves grow into it). With `data` omitted the two series
 * read the named data sets 'batches' and 'epochs' (rows of CurveRow).
 */
export function trainingCurvesSpec(size: Size, data?: CurveData, arrange: 'row' | 'column' = 'row', epochs?: number): Spec {
  const trainingLabel = data?.trainingLabel ?? 'training (smoothed)';
  const series = [trainingLabel, 'validation'];
  const color = { scale: { domain: series, range: [COLORS.training, COLORS.validation] }, legend: { title: null } };
  const panel = (field: 'loss' | 'accuracy', title: string): UnitSpec => ({
    width: size.width,
    height: size.height,
    title,
    layer: [
      {
        data: data ? { values: data.training } : { name: 'batches' },
        mark: { type: 'line', strokeWidth: 1.8, clip: true, interpolate: 'monotone' },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1 }, scale: epochs ? { domain: [0, epochs], nice: false } : {} },
          y: { field, type: 'quantitative', title: field === 'loss' ? 'Loss' : 'Accuracy', scale: { zero: false } },
          color: { datum: trainingLabel, ...color },
        },
      },
      {
        data: data ? { values: data.validation } : { name: 'epochs' },
        mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 1.8, strokeDash: [5, 3] },
        encoding: {
          x: { field: 'epoch', type: 'quantitative' },
          y: { field, type: 'quantitative' },
          color: { datum: 'validation', ...color },
          tooltip: [
            { field: 'epoch', type: 'quantitative', title: 'Epoch', format: '.2f' },
            { field, type: 'quantitative', format: '.4f' },
          ],
        },
      },
    ],
  });
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    // Redraw at the new size when streamed data widens an axis's labels.
    autosize: { type: 'pad', resize: true },
    [arrange === 'row' ? 'hconcat' : 'vconcat']: [panel('loss', 'Loss'), panel('accuracy', 'Accuracy')],
    resolve: { scale: { color: 'shared' } },
  });
}

/** The predicted class: the index of the largest probability. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The tutorial's caption: "Sandal 98% (Sandal)", the prediction, its probability and the true class. */
export function predictionCaption(probabilities: ArrayLike<number>, label: number, classNames: readonly string[]): string {
  const predicted = argmax(probabilities);
  return `${classNames[predicted]} ${Math.round(100 * probabilities[predicted]!)}% (${classNames[label]})`;
}

/**
 * The ten probabilities of one image as bars (the tutorial's
 * `plot_value_array`): the predicted class in red, the true class in blue
 * (so a right prediction is one blue bar), the rest grey.
 */
export function probabilityBarsUnit(probabilities: ArrayLike<number>, label: number, classNames: readonly string[], size: Size): UnitSpec {
  const predicted = argmax(probabilities);
  const values = classNames.map((name, c) => ({
    class: name,
    probability: probabilities[c]!,
    role: c === label ? 'true class' : c === predicted ? 'predicted, wrong' : 'other',
  }));
  return {
    width: size.width,
    height: size.height,
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      x: { field: 'class', type: 'nominal', sort: [...classNames], title: 'Class', axis: { labelAngle: -40 } },
      y: { field: 'probability', type: 'quantitative', scale: { domain: [0, 1] }, title: 'Probability', axis: { format: '.0%', tickCount: 5 } },
      color: {
        field: 'role',
        type: 'nominal',
        scale: { domain: ['true class', 'predicted, wrong', 'other'], range: [COLORS.correct, COLORS.wrong, COLORS.other] },
        legend: null,
      },
      tooltip: [
        { field: 'class', type: 'nominal', title: 'Class' },
        { field: 'probability', type: 'quantitative', title: 'Probability', format: '.2%' },
      ],
    },
  };
}

export function probabilityBarsSpec(probabilities: ArrayLike<number>, label: number, classNames: readonly string[], size: Size): Spec {
  const predicted = argmax(probabilities);
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: predictionCaption(probabilities, label, classNames), color: predicted === label ? COLORS.correct : COLORS.wrong },
    ...probabilityBarsUnit(probabilities, label, classNames, size),
  });
}

/**
 * One 28×28 image as a grid of grey squares (the tutorial's `plot_image`,
 * black ink on white), titled with the prediction, blue when right and red
 * when wrong. Zero pixels are left out: they are the white background.
 */
export function imageUnit(pixels: ArrayLike<number>, probabilities: ArrayLike<number>, label: number, classNames: readonly string[], side: number): UnitSpec {
  const values: { row: number; col: number; value: number }[] = [];
  for (let i = 0; i < 784; i++) if (pixels[i]! > 0) values.push({ row: Math.floor(i / 28), col: i % 28, value: pixels[i]! });
  const axis = Array.from({ length: 28 }, (_, i) => i);
  const right = argmax(probabilities) === label;
  return {
    width: side,
    height: side,
    title: { text: predictionCaption(probabilities, label, classNames), color: right ? COLORS.correct : COLORS.wrong, fontSize: 12, anchor: 'middle' },
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'col', type: 'ordinal', scale: { domain: axis, paddingInner: 0, paddingOuter: 0 }, axis: null },
      y: { field: 'row', type: 'ordinal', scale: { domain: axis, paddingInner: 0, paddingOuter: 0 }, axis: null },
      color: { field: 'value', type: 'quantitative', scale: { domain: [0, 255], range: ['#ffffff', '#000000'] }, legend: null },
    },
    view: { stroke: right ? '#c9d3df' : COLORS.wrong, strokeWidth: right ? 1 : 2 },
  };
}

export interface GridItem {
  pixels: ArrayLike<number>;
  probabilities: ArrayLike<number>;
  label: number;
}

/** The tutorial's figure of test images: each image with its caption, beside the bars of its probabilities, `columns` pairs a row. */
export function predictionGridSpec(items: GridItem[], classNames: readonly string[], columns = 3): Spec {
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, concat: { spacing: 28 } },
    title: { text: 'Test images: predicted class, probability (true class); blue is right, red is wrong', fontSize: 14 },
    columns,
    concat: items.map((item) => ({
      hconcat: [
        imageUnit(item.pixels, item.probabilities, item.label, classNames, 112),
        probabilityBarsUnit(item.probabilities, item.label, classNames, { width: 150, height: 112 }),
      ],
      spacing: 10,
    })),
  });
}

/**
 * The confusion matrix: how many test images of each true class (rows) were
 * predicted as each class (columns), shaded by the fraction of the row; and
 * beside it each class's accuracy (the diagonal over the row's total).
 * `counts[t * k + p]` for k classes. `arrange` puts the accuracies beside the
 * matrix, or below it on narrow screens.
 */
export function confusionMatrixSpec(counts: ArrayLike<number>, classNames: readonly string[], side: number, arrange: 'row' | 'column' = 'row'): Spec {
  const k = classNames.length;
  const cells: { true: string; predicted: string; count: number; fraction: number }[] = [];
  const accuracy: { true: string; accuracy: number }[] = [];
  for (let t = 0; t < k; t++) {
    let total = 0;
    for (let p = 0; p < k; p++) total += counts[t * k + p]!;
    for (let p = 0; p < k; p++) {
      const count = counts[t * k + p]!;
      cells.push({ true: classNames[t]!, predicted: classNames[p]!, count, fraction: total === 0 ? 0 : count / total });
    }
    accuracy.push({ true: classNames[t]!, accuracy: total === 0 ? 0 : counts[t * k + t]! / total });
  }
  const order = [...classNames];
  const y = { field: 'true', type: 'nominal', sort: order, title: 'True class' };
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    [arrange === 'row' ? 'hconcat' : 'vconcat']: [
      {
        width: side,
        height: side,
        title: 'Confusion matrix (test set)',
        data: { values: cells },
        encoding: {
          x: { field: 'predicted', type: 'nominal', sort: order, title: 'Predicted class', axis: { labelAngle: -40, orient: 'bottom' } },
          y,
        },
        layer: [
          {
            mark: { type: 'rect' },
            encoding: {
              color: { field: 'fraction', type: 'quantitative', scale: { scheme: 'blues', domain: [0, 1] }, title: 'Share of the row', legend: { orient: 'bottom', format: '.0%', gradientLength: 160 } },
              tooltip: [
                { field: 'true', title: 'True class' },
                { field: 'predicted', title: 'Predicted' },
                { field: 'count', type: 'quantitative', title: 'Images' },
                { field: 'fraction', type: 'quantitative', title: 'Share of the row', format: '.1%' },
              ],
            },
          },
          {
            mark: { type: 'text', fontSize: Math.max(8, Math.min(11, side / 40)) },
            encoding: {
              text: { field: 'count', type: 'quantitative' },
              color: { condition: { test: 'datum.fraction > 0.5', value: 'white' }, value: COLORS.ink },
            },
          },
        ],
      },
      {
        width: arrange === 'row' ? Math.round(side * 0.35) : Math.round(side * 0.6),
        height: side,
        title: 'Per-class accuracy',
        data: { values: accuracy },
        encoding: {
          y: arrange === 'row' ? { ...y, axis: { labels: false, title: null, ticks: false } } : y,
          x: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'Accuracy', axis: { format: '.0%', tickCount: 3 } },
        },
        layer: [
          { mark: { type: 'bar', color: COLORS.training, cornerRadiusEnd: 2 } },
          {
            mark: { type: 'text', align: 'right', dx: -4, color: 'white', fontSize: 11 },
            encoding: { text: { field: 'accuracy', type: 'quantitative', format: '.0%' } },
          },
        ],
      },
    ],
    spacing: 8,
  });
}

/** Channels-last values [height, width, channels] (a conv kernel [kh, kw, 1, filters], or one image's feature maps). */
export interface ChannelStack {
  data: ArrayLike<number>;
  /** [height, width, channels], or [height, width, 1, channels] for a kernel with one input channel. */
  shape: readonly number[];
}

/**
 * Each channel of a stack as a small heat map, `columns` to a row, numbered
 * from 1: a conv layer's filters, or the feature maps it makes of one image.
 *
 *   'weights'      one colour scale for all, blue below zero, red above,
 *                  symmetric about 0 (how strongly each pixel counts, and which way)
 *   'activations'  each map scaled to its own largest value, white 0 to black
 *                  (where in the image that filter responds); zeros left out
 */
export function channelGridSpec(stack: ChannelStack, title: string, kind: 'weights' | 'activations', side: number, columns = 8): Spec {
  const [height, width] = stack.shape as [number, number];
  const channels = stack.shape[stack.shape.length - 1]!;
  if (stack.data.length !== height * width * channels) {
    throw new Error(`channelGridSpec: expected ${height}×${width}×${channels} values for shape [${stack.shape.join(', ')}]. Received: ${stack.data.length} values`);
  }
  const values: { channel: number; row: number; col: number; value: number }[] = [];
  let largest = 0;
  for (let i = 0; i < stack.data.length; i++) largest = Math.max(largest, Math.abs(stack.data[i]!));
  for (let c = 0; c < channels; c++) {
    let channelLargest = 0;
    for (let p = 0; p < height * width; p++) channelLargest = Math.max(channelLargest, Math.abs(stack.data[p * channels + c]!));
    for (let p = 0; p < height * width; p++) {
      const v = stack.data[p * channels + c]!;
      if (kind === 'activations' && v === 0) continue;
      values.push({ channel: c + 1, row: Math.floor(p / width), col: p % width, value: kind === 'weights' ? v : v / channelLargest });
    }
  }
  const color =
    kind === 'weights'
      ? { field: 'value', type: 'quantitative', scale: { scheme: 'redblue', reverse: true, domain: [-largest, largest] }, title: 'Weight', legend: { orient: 'bottom', gradientLength: 160, format: '.2f' } }
      : { field: 'value', type: 'quantitative', scale: { domain: [0, 1], range: ['#ffffff', '#000000'] }, title: 'Activation ÷ its map’s largest', legend: { orient: 'bottom', gradientLength: 160, format: '.1f', titleLimit: 320 } };
  const cells = (size: number) => ({ field: '', type: 'ordinal', scale: { domain: Array.from({ length: size }, (_, i) => i), paddingInner: 0, paddingOuter: 0 }, axis: null });
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, facet: { spacing: 6 }, header: { labelFontSize: 10, labelPadding: 2 } },
    title,
    data: { values },
    columns,
    facet: { field: 'channel', type: 'ordinal', title: null },
    spec: {
      width: side,
      height: Math.round((side * height) / width),
      view: { stroke: '#c9d3df' },
      mark: { type: 'rect' },
      encoding: { x: { ...cells(width), field: 'col' }, y: { ...cells(height), field: 'row' }, color },
    },
  });
}

/** One point of a model comparison: a model's metric at an epoch, on training or validation data. */
export interface ComparisonRow {
  model: string;
  split: 'training' | 'validation';
  epoch: number;
  value: number;
}

/**
 * One metric of several training runs against epochs (the figure of
 * tfdocs's HistoryPlotter in the "Overfit and underfit" tutorial): a colour
 * per model, training solid and validation dashed, so a model overfits where
 * its dashed line turns up while its solid one keeps falling. `models` gives
 * the legend's order.
 */
export function comparisonCurvesSpec(rows: ComparisonRow[], models: readonly string[], metric: string, title: string, size: Size): Spec {
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title,
    width: size.width,
    height: size.height,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.8, clip: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
      color: { field: 'model', type: 'nominal', sort: [...models], title: 'Model', scale: { scheme: 'tableau10' } },
      strokeDash: { field: 'split', type: 'nominal', sort: ['training', 'validation'], title: null, scale: { domain: ['training', 'validation'], range: [[1, 0], [5, 3]] } },
      detail: [{ field: 'model' }, { field: 'split' }],
      tooltip: [
        { field: 'model', type: 'nominal', title: 'Model' },
        { field: 'split', type: 'nominal', title: 'Data' },
        { field: 'epoch', type: 'quantitative', title: 'Epoch' },
        { field: 'value', type: 'quantitative', title: metric, format: '.4f' },
      ],
    },
  });
}
