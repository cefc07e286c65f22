/**
 * ModelCheckpoint: saves the model during training, as Keras's callback does:
 * after every epoch (or every `saveFreq` batches), or only when the monitored
 * value improves (`saveBestOnly`).
 *
 *     new ModelCheckpoint('checkpoints/epoch-{epoch:02d}-{val_loss:.3f}')
 *     new ModelCheckpoint('best-model', { monitor: 'val_accuracy', saveBestOnly: true })
 *
 * The path may hold Python-style fields: `{epoch}` (1-based, as Keras names
 * files) and any log key, with a format such as `:02d` or `:.4f`, filled as
 * Python's `str.format` fills them (src/utils/python-format.ts): the epoch is
 * an int, a log value a float (`{loss}` is `repr(loss)`, `{loss:d}` an error). A full save
 * is a directory (model.json + weights.bin, TF.js's format) with the
 * optimizer's state, so `loadModel` resumes training from it; with
 * `saveWeightsOnly` the path must end in `.weights.h5` (Keras 3's weights
 * file, as Keras requires) or `.weights.json` (TF.js's). Every file is
 * written atomically (see src/saving), so a checkpoint is never half-written.
 */
import { describeValue, ValueError } from '../errors.js';
import { Callback } from './callbacks.js';
import type { Logs } from './logs.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { ownEntry } from '../utils/registry.js';
import { formatSpec, parseFormatSpec, type FormatSpec } from '../utils/python-format.js';
import { printStyle } from '../utils/print-style.js';

export interface ModelCheckpointArgs {
  /** The log key compared for saveBestOnly; 'val_loss' by default. */
  monitor?: string;
  /** 1 prints a line for each save (Keras's messages); 0 (default) is silent. */
  verbose?: 0 | 1;
  /** Save only when `monitor` improves on the best so far; false by default. */
  saveBestOnly?: boolean;
  /** Save the weights alone (path ending in .weights.h5 or .weights.json); false by default. */
  saveWeightsOnly?: boolean;
  /** 'min', 'max', or 'auto' (default): maximise a monitor containing "acc", minimise anything else. */
  mode?: 'auto' | 'min' | 'max';
  /** 'epoch' (default), or a number of batches between saves. */
  saveFreq?: 'epoch' | number;
  /** The best value to beat at the start, for saveBestOnly; none by default. */
  initialValueThreshold?: number;
  /** Store the optimizer's state with full saves, so training resumes exactly; true by default. */
  includeOptimizer?: boolean;
}

const CHECKPOINT_OPTIONS = {
  monitor: 'string', verbose: 'number', saveBestOnly: 'boolean', saveWeightsOnly: 'boolean', mode: 'string', saveFreq: 'any', initialValueThreshold: 'number', includeOptimizer: 'boolean',
} satisfies Record<keyof ModelCheckpointArgs, OptionKind>;

/** What the callback needs of the model: Sequential's save methods. */
interface SavableModel {
  save(path: string, options?: { includeOptimizer?: boolean }): Promise<unknown>;
  saveWeights(path: string): Promise<unknown>;
}

export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: 0 | 1;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  readonly includeOptimizer: boolean;
  /** +1 when larger is better. */
  private readonly direction: 1 | -1;
  /** The best monitored value so far. */
  best: number;
  /** Whether `best` holds a value (a threshold given, or a save made): Keras 3 prints "None" before. */
  private hasBest: boolean;
  private batchesSinceSave = 0;
  private epoch = 0;

  constructor(filepath: string, args: ModelCheckpointArgs = {}) {
    super();
    if (typeof filepath !== 'string' || filepath === '') {
      throw new ValueError(`ModelCheckpoint: filepath must be a non-empty string. Received: filepath=${describeValue(filepath)}`);
    }
    checkTypedOptions('ModelCheckpoint', args, CHECKPOINT_OPTIONS);
    checkFilepathTemplate(filepath);
    this.filepath = filepath;
    this.monitor = args.monitor ?? 'val_loss';
    this.verbose = args.verbose ?? 0;
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.includeOptimizer = args.includeOptimizer ?? true;
    this.saveFreq = args.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new ValueError(`ModelCheckpoint: saveFreq must be 'epoch' or a positive integer number of batches. Received: saveFreq=${describeValue(args.saveFreq)}`);
    }
    if (this.saveWeightsOnly && !filepath.endsWith('.weights.json') && !filepath.endsWith('.weights.h5')) {
      throw new ValueError(
        `ModelCheckpoint: with saveWeightsOnly the filepath must end in ".weights.h5" (Keras 3's weights file) or ".weights.json" ` +
          `(TF.js's; the weights go beside it, in .weights.bin). ` +
          `Received: filepath=${describeValue(filepath)}`,
      );
    }
    const mode = args.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      throw new ValueError(`ModelCheckpoint: mode must be 'auto', 'min' or 'max'. Received: mode=${describeValue(mode)}`);
    }
    this.direction = mode === 'max' || (mode === 'auto' && (this.monitor.includes('acc') || this.monitor.startsWith('fmeasure'))) ? 1 : -1;
    this.best = args.initialValueThreshold ?? -this.direction * Infinity;
    this.hasBest = args.initialValueThreshold !== undefined;
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    if (++this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    await this.saveModel(this.epoch, logs, batch);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.saveModel(epoch, logs);
  }

  private async saveModel(epoch: number, logs: Logs, batch?: number): Promise<void> {
    const path = formatFilepath(this.filepath, epoch, logs, batch);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`Can save best model only with ${this.monitor} available, skipping.`);
        return;
      }
      const improved = this.direction > 0 ? current > this.best : current < this.best;
      // tf.keras 2 starts from ±inf; Keras 3 from None, which it prints as such.
      const bestText = this.hasBest || printStyle() === 'tfkeras2' ? fixed5(this.best) : 'None';
      if (!improved) {
        if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestText}`);
        return;
      }
      if (this.verbose > 0) {
        console.log(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestText} to ${fixed5(current)}, saving model to ${path}`);
      }
      this.best = current;
      this.hasBest = true;
    } else if (this.verbose > 0) {
      console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    }
    const model = this.model as unknown as Partial<SavableModel> | null;
    if (typeof model?.save !== 'function' || typeof model.saveWeights !== 'function') {
      throw new ValueError('ModelCheckpoint: the model being trained cannot be saved (it has no save/saveWeights methods).');
    }
    if (this.saveWeightsOnly) await model.saveWeights(path);
    else await model.save(path, { includeOptimizer: this.includeOptimizer });
  }
}

/** Python's f"{x:.5f}", which Keras's messages use: `0.12346`, `inf`, `nan`. */
function fixed5(x: number): string {
  return formatSpec(x, '.5f', 'float');
}

/** A field of a checkpoint path: `{epoch:02d}` has name 'epoch' and spec '02d'. */
const FIELD = /\{(\w+)(?::([^}]*))?\}/g;

/**
 * Fills Python-style fields in a checkpoint path, as Keras's
 * `filepath.format(epoch=epoch + 1, **logs)`: `{epoch}` is the 1-based epoch
 * (an int), any other name a log value (a float), each with an optional
 * format: `{epoch:02d}` → "03", `{val_loss:.2f}` → "0.35", `{loss}` → "0.5".
 * A save every `saveFreq` batches also has `{batch}`, the 1-based batch
 * (an int), unless the logs have a value of that name.
 */
export function formatFilepath(template: string, epoch: number, logs: Logs, batch?: number): string {
  const integers: Record<string, number> = { epoch: epoch + 1 };
  if (batch !== undefined && ownEntry(logs, 'batch') === undefined) integers.batch = batch + 1;
  return template.replace(FIELD, (field, name: string, spec: string | undefined) => {
    const value = ownEntry(integers, name) ?? ownEntry(logs, name);
    if (value === undefined) {
      throw new ValueError(
        `ModelCheckpoint: failed to format the filepath "${template}": the field ${field} names no log value. ` +
          `Available: ${[...Object.keys(integers), ...Object.keys(logs)].join(', ')}`,
      );
    }
    return formatSpec(value, parseSpec(name, spec ?? '', template), ownEntry(integers, name) !== undefined ? 'int' : 'float');
  });
}

/** The widest field and the most digits a checkpoint name may ask for: names are for file systems, 255 bytes at most. */
const MAX_FIELD_WIDTH = 64;
const MAX_PRECISION = 20;

/**
 * Checks every field of a checkpoint path template before training starts,
 * so that a bad format fails at once, not at the end of the first epoch:
 * the spec must be one of Python's for decimal numbers (such as 02d, .4f,
 * .2e, or none), valid for an int (the epoch, the batch) or a float (a log value), with
 * a width of at most 64 and at most 20 digits after the point.
 */
export function checkFilepathTemplate(template: string): void {
  for (const [, name, spec] of template.matchAll(FIELD)) {
    const parsed = parseSpec(name!, spec ?? '', template);
    const integer = name === 'epoch' || name === 'batch';
    try {
      formatSpec(0, parsed, integer ? 'int' : 'float');
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      const kind = integer ? `the ${name}, an integer` : 'a log value, a float';
      throw new ValueError(`ModelCheckpoint: the format "${spec}" of {${name}} in filepath "${template}" does not fit ${kind} (Python says: ${error.message}); use forms such as 02d for the epoch, .4f or .2e for log values.`);
    }
  }
}

function parseSpec(name: string, spec: string, template: string): FormatSpec {
  let parsed: FormatSpec;
  try {
    parsed = parseFormatSpec(spec);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new ValueError(`ModelCheckpoint: unsupported format "${spec}" of {${name}} in filepath "${template}"; use forms such as 02d, .4f or .2e.`);
  }
  if (parsed.width > MAX_FIELD_WIDTH || (parsed.precision ?? 0) > MAX_PRECISION) {
    throw new ValueError(
      `ModelCheckpoint: the format "${spec}" in filepath "${template}" asks for more than a file name can hold; ` +
        `expected a width of at most ${MAX_FIELD_WIDTH} and at most ${MAX_PRECISION} digits after the point. Received: width=${parsed.width}, precision=${parsed.precision ?? 'none'}`,
    );
  }
  return parsed;
}
