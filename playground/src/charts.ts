/**
 * The page's charts: the shared Vega-Lite specs (plots/specs.ts) drawn on
 * canvases. The training curves are one long-lived view that points are
 * streamed into, redrawn at most a few times a second so the page stays
 * smooth however fast the worker reports.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CurvePoint } from './protocol.js';
import { confusionMatrixSpec, probabilityBarsSpec, trainingCurvesSpec } from '../../plots/specs.js';

const REDRAW_EVERY_MS = 250;

async function draw(element: HTMLElement, spec: TopLevelSpec, previous: vega.View | null): Promise<vega.View> {
  previous?.finalize();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'canvas', container: element, hover: true });
  await view.runAsync();
  return view;
}

/** The width a chart may take in `element`, less `reserve` for axes and legends. */
function widthIn(element: HTMLElement, reserve: number, min: number): number {
  return Math.max(min, Math.floor(element.clientWidth - reserve));
}

export class CurvesChart {
  private view: vega.View | null = null;
  private batches: CurvePoint[] = [];
  private epochs: CurvePoint[] = [];
  private pending: { batches: CurvePoint[]; epochs: CurvePoint[] } = { batches: [], epochs: [] };
  private timer: number | null = null;
  private width = 0;
  private epochCount: number | undefined;

  constructor(private readonly element: HTMLElement) {}

  /** Draws the empty axes, or redraws everything at the element's current width. */
  async layout(force = false): Promise<void> {
    const width = this.element.clientWidth;
    if (this.view !== null && width === this.width && !force) return;
    this.width = width;
    const narrow = width < 640;
    const panelWidth = narrow ? widthIn(this.element, 80, 180) : widthIn(this.element, 190, 300) / 2;
    const spec = trainingCurvesSpec({ width: Math.floor(panelWidth), height: narrow ? 170 : 230 }, undefined, narrow ? 'column' : 'row', this.epochCount);
    this.view = await draw(this.element, spec, this.view);
    this.view.data('batches', this.batches.slice()).data('epochs', this.epochs.slice());
    await this.view.runAsync();
  }

  /** Forgets the points; the x axis spans `epochs` (or follows the data when undefined). */
  async reset(epochs?: number): Promise<void> {
    this.batches = [];
    this.epochs = [];
    this.pending = { batches: [], epochs: [] };
    await this.extend(epochs);
  }

  /** Keeps the points and widens the x axis to `epochs` (training resumed for more epochs). */
  async extend(epochs?: number): Promise<void> {
    this.epochCount = epochs;
    await this.layout(true);
  }

  addBatches(points: CurvePoint[]): void {
    this.batches.push(...points);
    this.pending.batches.push(...points);
    this.schedule();
  }

  addEpoch(point: CurvePoint): void {
    this.epochs.push(point);
    this.pending.epochs.push(point);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = window.setTimeout(() => {
      this.timer = null;
      const { batches, epochs } = this.pending;
      this.pending = { batches: [], epochs: [] };
      if (this.view === null) return;
      this.view
        .change('batches', vega.changeset().insert(batches))
        .change('epochs', vega.changeset().insert(epochs))
        .runAsync();
    }, REDRAW_EVERY_MS);
  }
}

/** A chart redrawn whole on each update (probability bars, confusion matrix). */
export class RedrawnChart<T> {
  private view: vega.View | null = null;
  private last: T | null = null;

  constructor(
    private readonly element: HTMLElement,
    private readonly specFor: (value: T, width: number) => TopLevelSpec,
  ) {}

  async show(value: T): Promise<void> {
    this.last = value;
    this.view = await draw(this.element, this.specFor(value, this.element.clientWidth), this.view);
  }

  async layout(): Promise<void> {
    if (this.last !== null) await this.show(this.last);
  }
}

export const barsChart = (element: HTMLElement, classNames: readonly string[]) =>
  new RedrawnChart<{ probabilities: ArrayLike<number>; label: number }>(element, ({ probabilities, label }, width) =>
    probabilityBarsSpec(probabilities, label, classNames, { width: Math.max(160, Math.min(360, width - 80)), height: 150 }),
  );

export const confusionChart = (element: HTMLElement, classNames: readonly string[]) =>
  new RedrawnChart<number[]>(element, (counts, width) =>
    // Beside: the matrix, the accuracies (0.35 of its side) and ~130 px of labels; below, on narrow screens: the matrix and its labels.
    width >= 480
      ? confusionMatrixSpec(counts, classNames, Math.min(400, Math.floor((width - 130) / 1.38)), 'row')
      : confusionMatrixSpec(counts, classNames, Math.max(180, width - 110), 'column'),
  );
