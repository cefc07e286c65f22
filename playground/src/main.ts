/**
 * The playground page: the settings and their program, training in a worker
 * with live curves, and after every epoch what the model learned.
 *
 * Test hook: `?autostart=1&epochs=N&samples=M` trains at once on the first M
 * training images for N epochs (`&model=cnn` the CNN, `&kernels=js` without SIMD); when training ends the element with
 * data-testid="test-accuracy" holds the test accuracy as a plain number.
 * Other settings keep their defaults, the random seed (1) included, so the
 * hook's run repeats bit for bit; `&seed=random` starts from fresh weights.
 */
import * as keras from 'tinykeras';
import { configFromQuery, DEFAULT_CONFIG, type PlaygroundConfig } from './config.js';
import { Controls } from './controls.js';
import { barsChart, confusionChart, CurvesChart } from './charts.js';
import { drawFeatureMap, drawFilter, drawImage, drawWeights, pixelCanvas } from './pictures.js';
import { artifactsFromFiles, downloadModel, loadFromIndexedDb, saveToIndexedDb } from './model-files.js';
import type { Evaluation, FromWorker, ToWorker } from './protocol.js';
import { argmax, predictionCaption } from '../../plots/specs.js';

const classNames = keras.datasets.fashionMnist.classNames;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const buttons = {
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  download: $<HTMLButtonElement>('download'),
  saveIdb: $<HTMLButtonElement>('save-idb'),
  loadIdb: $<HTMLButtonElement>('load-idb'),
};
const errorBox = $<HTMLParagraphElement>('error');
const statusLine = $<HTMLParagraphElement>('status');
const filesStatus = $<HTMLParagraphElement>('files-status');
const progress = $<HTMLPreElement>('progress');
const testAccuracy = $<HTMLSpanElement>('test-accuracy');

const query = new URLSearchParams(location.search);
let initial: PlaygroundConfig = DEFAULT_CONFIG;
let queryError: string | null = null;
try {
  initial = configFromQuery(query);
} catch (error) {
  queryError = (error as Error).message;
}
const controls = new Controls(initial);
const curves = new CurvesChart($('curves'));
const bars = barsChart($('bars'), classNames);
const confusion = confusionChart($('confusion'), classNames);
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

let latest: Evaluation | null = null;
let selected = 0;
let hasModel = false;
let trainingConfig: PlaygroundConfig | null = null;
let epochSeconds: number[] = [];
let waitingForArtifacts: ((artifacts: keras.ModelArtifacts) => void) | null = null;

type State = 'idle' | 'training' | 'stopping' | 'done' | 'stopped' | 'error';
function setState(state: State): void {
  document.body.dataset.state = state;
  const busy = state === 'training' || state === 'stopping';
  controls.disabled = busy;
  buttons.train.disabled = busy;
  buttons.stop.disabled = state !== 'training';
  buttons.resume.disabled = busy || !hasModel || trainingConfig === null;
  buttons.download.disabled = busy || !hasModel;
  buttons.saveIdb.disabled = busy || !hasModel;
  buttons.loadIdb.disabled = busy;
  // The hook's element says "finished" by existing: it carries its test id only once training has ended.
  if (busy) testAccuracy.removeAttribute('data-testid');
  else if (latest !== null) testAccuracy.dataset.testid = 'test-accuracy';
}

function showError(message: string | null): void {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? '';
}

// A message about the settings goes when they are fixed; one from training stays until the next action.
let settingsError = false;
controls.form.addEventListener('invalid-settings', (event) => {
  settingsError = true;
  showError((event as CustomEvent<string>).detail);
});
controls.form.addEventListener('valid', () => {
  if (settingsError) showError(null);
  settingsError = false;
});

controls.form.addEventListener('submit', (event) => {
  event.preventDefault();
  let config: PlaygroundConfig;
  try {
    config = controls.read();
  } catch (error) {
    showError((error as Error).message);
    return;
  }
  showError(null);
  start(config);
});

function start(config: PlaygroundConfig): void {
  trainingConfig = config;
  epochSeconds = [];
  void curves.reset(config.epochs);
  progress.textContent = '';
  statusLine.textContent = 'Starting…';
  setState('training');
  send({ type: 'train', config });
}

buttons.stop.addEventListener('click', () => {
  setState('stopping');
  statusLine.textContent = 'Stopping after this batch…';
  send({ type: 'stop' });
});
buttons.resume.addEventListener('click', () => {
  if (trainingConfig === null) return;
  const epochs = Number(($('epochs') as HTMLInputElement).value);
  // Resume may train further than planned: the Epochs field says how far.
  if (Number.isInteger(epochs) && epochs > 0) trainingConfig = { ...trainingConfig, epochs };
  showError(null);
  setState('training');
  void curves.extend(trainingConfig.epochs);
  send({ type: 'resume', epochs: trainingConfig.epochs });
});

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'status':
      statusLine.textContent = message.text;
      break;
    case 'started':
      statusLine.textContent = `${message.resumed ? 'Resumed' : 'Training'}: ${message.config.samples.toLocaleString('en-US')} images, ${message.stepsPerEpoch} batches an epoch.`;
      break;
    case 'progress':
      progress.textContent = message.line;
      progress.scrollTop = progress.scrollHeight;
      curves.addBatches(message.batches);
      break;
    case 'epoch': {
      curves.addEpoch(message.validation);
      epochSeconds.push(message.seconds);
      const mean = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
      $('seconds-per-epoch').textContent = mean.toFixed(1);
      statusLine.textContent = `Epoch ${message.epoch}/${trainingConfig?.epochs ?? '?'} took ${message.seconds.toFixed(1)} s; validation accuracy ${message.validation.accuracy.toFixed(4)}.`;
      break;
    }
    case 'evaluation':
      hasModel = true;
      showEvaluation(message.evaluation);
      break;
    case 'finished':
      statusLine.textContent = message.stopped
        ? `Stopped after ${message.epochsDone} of ${message.epochs} epochs. Resume goes on from there.`
        : `Done: ${message.epochs} epoch${message.epochs === 1 ? '' : 's'}${epochSeconds.length ? `, ${$('seconds-per-epoch').textContent} s an epoch` : ''}.`;
      setState(message.stopped ? 'stopped' : 'done');
      break;
    case 'exported':
      waitingForArtifacts?.(message.artifacts);
      waitingForArtifacts = null;
      break;
    case 'imported':
      controls.set(message.config);
      trainingConfig = message.config;
      epochSeconds = [];
      void curves.reset();
      progress.textContent = '';
      filesStatus.textContent = `Loaded ${message.source}; measuring it on the test set…`;
      break;
    case 'error': {
      const wasTraining = document.body.dataset.state === 'training' || document.body.dataset.state === 'stopping';
      showError(message.message);
      filesStatus.textContent = '';
      setState(hasModel ? 'stopped' : 'error');
      if (wasTraining) statusLine.textContent = 'Training stopped on an error; see the message under the controls.';
      break;
    }
  }
};
worker.onerror = (event) => {
  showError(`The training worker failed: ${event.message}`);
  setState('error');
};

function showEvaluation(evaluation: Evaluation): void {
  latest = evaluation;
  testAccuracy.textContent = evaluation.testAccuracy.toFixed(4);
  $('test-loss').textContent = evaluation.testLoss.toFixed(4);
  const trained = Number.isInteger(evaluation.epoch) ? `After epoch ${evaluation.epoch}` : `After ${evaluation.epoch.toFixed(2)} epochs`;
  $('evaluated-after').textContent = evaluation.epoch > 0 ? `${trained}, on the 10,000 test images.` : 'The loaded model, on the 10,000 test images.';
  if (filesStatus.textContent?.startsWith('Loaded')) {
    filesStatus.textContent = filesStatus.textContent.replace('; measuring it on the test set…', `: test accuracy ${evaluation.testAccuracy.toFixed(4)}.`);
  }
  if (document.body.dataset.state !== 'training' && document.body.dataset.state !== 'stopping') setState('done');
  showGrid(evaluation);
  showSelected();
  void confusion.show(evaluation.confusion);
  showWeights(evaluation);
}

function showGrid(evaluation: Evaluation): void {
  const grid = $('grid');
  const count = evaluation.gridLabels.length;
  if (grid.children.length !== count) {
    grid.replaceChildren(
      ...Array.from({ length: count }, (_, i) => {
        const item = document.createElement('button');
        item.type = 'button';
        item.setAttribute('role', 'listitem');
        item.dataset.index = String(i);
        item.append(pixelCanvas(`Test image ${i + 1}`), document.createElement('span'));
        item.addEventListener('click', () => {
          selected = i;
          showSelected();
        });
        return item;
      }),
    );
  }
  [...grid.children].forEach((child, i) => {
    const item = child as HTMLButtonElement;
    const probabilities = evaluation.gridProbabilities.subarray(i * 10, i * 10 + 10);
    const label = evaluation.gridLabels[i]!;
    const right = argmax(probabilities) === label;
    drawImage(item.querySelector('canvas')!, evaluation.gridImages, i * 784);
    const caption = item.querySelector('span')!;
    caption.textContent = predictionCaption(probabilities, label, classNames);
    caption.className = right ? 'caption-right' : 'caption-wrong';
    item.classList.toggle('wrong', !right);
    item.setAttribute('aria-label', `Test image ${i + 1}: ${caption.textContent}${right ? '' : ', wrong'}`);
    item.setAttribute('aria-pressed', String(i === selected));
  });
}

function showSelected(): void {
  if (latest === null) return;
  const probabilities = latest.gridProbabilities.slice(selected * 10, selected * 10 + 10);
  const label = latest.gridLabels[selected]!;
  $('selected-heading').textContent = `Test image ${selected + 1}: its ten probabilities`;
  drawImage($<HTMLCanvasElement>('selected-image'), latest.gridImages, selected * 784);
  [...$('grid').children].forEach((child, i) => child.setAttribute('aria-pressed', String(i === selected)));
  void bars.show({ probabilities, label });
  showFeatureMaps();
}

/** The CNN's feature maps of the selected test image, one canvas per filter; hidden for the dense model. */
function showFeatureMaps(): void {
  const conv = latest?.conv ?? null;
  $('maps-block').hidden = conv === null;
  if (conv === null) return;
  $('maps-heading').textContent = `What the filters find in test image ${selected + 1}`;
  const container = $('feature-maps');
  if (container.children.length !== conv.filters || (container.firstElementChild as HTMLCanvasElement | null)?.width !== conv.size) {
    container.replaceChildren(...Array.from({ length: conv.filters }, (_, f) => pixelCanvas(`Feature map of filter ${f + 1}`, conv.size)));
  }
  [...container.children].forEach((canvas, f) => drawFeatureMap(canvas as HTMLCanvasElement, conv.featureMaps, conv.size, conv.filters, selected, f));
}

/** The dense model's hidden-unit weights as 28×28 pictures, or the CNN's 3×3 filters. */
function showWeights(evaluation: Evaluation): void {
  const container = $('weights');
  const { conv } = evaluation;
  $('weights-heading').textContent = conv === null ? 'What the hidden units look for' : 'What the filters look for';
  $('weights-hint').hidden = conv !== null;
  $('filters-hint').hidden = conv === null;
  const count = conv === null ? evaluation.hiddenUnits : conv.filters;
  const size = conv === null ? 28 : 3;
  if (container.children.length !== count || (container.firstElementChild as HTMLCanvasElement | null)?.width !== size) {
    const label = conv === null ? 'Weights into hidden unit' : 'Conv2D filter';
    container.replaceChildren(...Array.from({ length: count }, (_, i) => pixelCanvas(`${label} ${i + 1}`, size)));
  }
  [...container.children].forEach((canvas, i) => {
    if (conv === null) drawWeights(canvas as HTMLCanvasElement, evaluation.firstLayerKernel, evaluation.hiddenUnits, i);
    else drawFilter(canvas as HTMLCanvasElement, conv.kernel, 3, conv.filters, i);
  });
}

/** The trained model's artifacts, from the worker. */
function requestArtifacts(): Promise<keras.ModelArtifacts> {
  return new Promise((resolve) => {
    waitingForArtifacts = resolve;
    send({ type: 'export' });
  });
}

async function fileAction(action: () => Promise<string>): Promise<void> {
  try {
    filesStatus.textContent = await action();
  } catch (error) {
    filesStatus.textContent = '';
    showError((error as Error).message);
  }
}

buttons.download.addEventListener('click', () =>
  fileAction(async () => {
    await downloadModel(await requestArtifacts());
    return 'Downloaded fashion-mnist-playground.json and fashion-mnist-playground.weights.bin.';
  }),
);
buttons.saveIdb.addEventListener('click', () =>
  fileAction(async () => {
    await saveToIndexedDb(await requestArtifacts());
    return 'Saved in this browser (IndexedDB). "Load from this browser" brings it back, also after a reload.';
  }),
);
buttons.loadIdb.addEventListener('click', () =>
  fileAction(async () => {
    const stored = await loadFromIndexedDb();
    if (stored === null) return 'Nothing saved in this browser yet: train a model and press "Save in this browser".';
    send({ type: 'import', artifacts: stored.artifacts, source: `the model saved in this browser on ${new Date(stored.savedAt).toLocaleString()}` });
    return 'Loading…';
  }),
);
$<HTMLInputElement>('load-files').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const files = [...(input.files ?? [])];
  input.value = '';
  void fileAction(async () => {
    const artifacts = await artifactsFromFiles(files);
    showError(null);
    send({ type: 'import', artifacts, source: files.map((f) => f.name).join(' + ') }, );
    return 'Loading…';
  });
});

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => void Promise.all([curves.layout(), bars.layout(), confusion.layout()]), 200);
});

setState('idle');
await curves.layout();
if (queryError !== null) showError(queryError);
else if (query.get('autostart') === '1') start(initial);
