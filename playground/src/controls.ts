/**
 * The settings form: filled from a PlaygroundConfig, read back into one, and
 * the program text beside it kept up to date as the controls change.
 */
import { CHOICES, checkConfig, DEFAULT_LEARNING_RATES, programText, type PlaygroundConfig } from './config.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function fillSelect(select: HTMLSelectElement, values: readonly (string | number)[], format: (v: string | number) => string = String): void {
  select.replaceChildren(...values.map((v) => new Option(format(v), String(v))));
}

/** Makes sure `value` is one of the select's options (a URL may ask for a size the list does not offer). */
function ensureOption(select: HTMLSelectElement, value: number, format: (v: number) => string): void {
  if (![...select.options].some((o) => o.value === String(value))) {
    const options = [...select.options].map((o) => Number(o.value)).concat(value).sort((a, b) => a - b);
    fillSelect(select, options, (v) => format(Number(v)));
  }
}

const thousands = (v: number) => v.toLocaleString('en-US');

export class Controls {
  readonly form = $<HTMLFormElement>('controls');
  private readonly fieldset = $<HTMLFieldSetElement>('settings');
  private readonly model = $<HTMLSelectElement>('model');
  private readonly filters = $<HTMLSelectElement>('filters');
  private readonly kernels = $<HTMLSelectElement>('kernels');
  private readonly units = $<HTMLSelectElement>('units');
  private readonly activation = $<HTMLSelectElement>('activation');
  private readonly dropout = $<HTMLInputElement>('dropout');
  private readonly dropoutValue = $<HTMLOutputElement>('dropout-value');
  private readonly optimizer = $<HTMLSelectElement>('optimizer');
  private readonly learningRate = $<HTMLInputElement>('learning-rate');
  private readonly batchSize = $<HTMLSelectElement>('batch-size');
  private readonly epochs = $<HTMLInputElement>('epochs');
  private readonly samples = $<HTMLSelectElement>('samples');
  private readonly seed = $<HTMLInputElement>('seed');
  private readonly program = $<HTMLElement>('program').querySelector('code')!;

  constructor(config: PlaygroundConfig) {
    fillSelect(this.model, CHOICES.model, (v) => (v === 'dense' ? 'Dense (the tutorial)' : 'CNN (Conv2D 3×3 → MaxPooling2D)'));
    fillSelect(this.filters, CHOICES.filters);
    fillSelect(this.kernels, CHOICES.kernels, (v) => (v === 'simd' ? 'WebAssembly SIMD' : 'plain JavaScript'));
    fillSelect(this.units, CHOICES.hiddenUnits);
    fillSelect(this.activation, CHOICES.activation);
    fillSelect(this.optimizer, CHOICES.optimizer, (v) => (v === 'adam' ? 'Adam' : 'SGD'));
    fillSelect(this.batchSize, CHOICES.batchSize);
    fillSelect(this.samples, CHOICES.samples, (v) => thousands(Number(v)));
    this.set(config);
    this.form.addEventListener('input', (event) => {
      if (event.target === this.optimizer) this.learningRate.value = String(DEFAULT_LEARNING_RATES[this.optimizer.value as PlaygroundConfig['optimizer']]);
      this.showProgram();
    });
    $<HTMLButtonElement>('copy').addEventListener('click', () => this.copy());
  }

  set(config: PlaygroundConfig): void {
    ensureOption(this.units, config.hiddenUnits, String);
    ensureOption(this.filters, config.filters, String);
    this.model.value = config.model;
    this.filters.value = String(config.filters);
    this.kernels.value = config.kernels;
    ensureOption(this.batchSize, config.batchSize, String);
    ensureOption(this.samples, config.samples, thousands);
    this.units.value = String(config.hiddenUnits);
    this.activation.value = config.activation;
    this.dropout.value = String(config.dropout);
    this.optimizer.value = config.optimizer;
    this.learningRate.value = String(config.learningRate);
    this.batchSize.value = String(config.batchSize);
    this.epochs.value = String(config.epochs);
    this.samples.value = String(config.samples);
    this.seed.value = config.seed === null ? '' : String(config.seed);
    this.showProgram();
  }

  /** The settings as the controls show them; throws if one is out of range. */
  read(): PlaygroundConfig {
    return checkConfig({
      model: this.model.value as PlaygroundConfig['model'],
      filters: Number(this.filters.value),
      kernels: this.kernels.value as PlaygroundConfig['kernels'],
      hiddenUnits: Number(this.units.value),
      activation: this.activation.value as PlaygroundConfig['activation'],
      dropout: Number(this.dropout.value),
      optimizer: this.optimizer.value as PlaygroundConfig['optimizer'],
      learningRate: Number(this.learningRate.value),
      batchSize: Number(this.batchSize.value),
      epochs: Number(this.epochs.value),
      samples: Number(this.samples.value),
      seed: this.seed.value.trim() === '' ? null : Number(this.seed.value),
    });
  }

  set disabled(value: boolean) {
    this.fieldset.disabled = value;
  }

  private showProgram(): void {
    this.dropoutValue.value = Number(this.dropout.value).toFixed(2);
    // The filters belong to the CNN; the dense model has none to choose.
    this.filters.disabled = this.model.value !== 'cnn';
    try {
      this.program.textContent = programText(this.read());
      this.form.dispatchEvent(new CustomEvent('valid'));
    } catch (error) {
      this.form.dispatchEvent(new CustomEvent('invalid-settings', { detail: (error as Error).message }));
    }
  }

  private async copy(): Promise<void> {
    const button = $<HTMLButtonElement>('copy');
    const text = this.program.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      // No clipboard permission (an http page, an old browser): select the code so Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(this.program);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => (button.textContent = 'Copy'), 2000);
  }
}
