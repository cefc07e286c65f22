/**
 * ProgressCallback: what a UI needs to draw training progress, computed
 * from fit's callback hooks and handed to one function. Keras's printed
 * output and the logs (History, CSVLogger) are unchanged by it.
 *
 *   await model.fit(x, y, {
 *     epochs: 5,
 *     callbacks: [new keras.callbacks.ProgressCallback((p) => {
 *       bar.value = p.fraction;
 *       label.textContent = `epoch ${p.epoch + 1}/${p.epochs}, loss ${p.logs.loss?.toFixed(4)}, ` +
 *         `${Math.round(p.samplesPerSecond)} samples/s`;
 *     })],
 *   });
 */
import { Callback } from './callbacks.js';
import type { Logs } from './logs.js';
import { ValueError, describeValue } from '../errors.js';

/** One progress report: after every batch (`phase: 'batch'`) and after every epoch, validation included (`'epoch'`). */
export interface TrainingProgress {
  phase: 'batch' | 'epoch';
  /** The epoch, 0-based, and how many fit runs (as `epochs`, so counting from `initialEpoch`'s start). */
  epoch: number;
  epochs: number;
  /** The batch just finished, 0-based, and the batches per epoch. */
  batch: number;
  steps: number;
  /** Training samples done this epoch, and per epoch. */
  samplesSeen: number;
  samples: number;
  /** Training samples per second this epoch so far (validation time excluded). */
  samplesPerSecond: number;
  /** Seconds since this epoch began. */
  elapsedSeconds: number;
  /** The share of the whole fit done, 0 to 1 (epochs and batches, for a progress bar). */
  fraction: number;
  /**
   * The logs: after a batch, the running means over the epoch so far (loss
   * and each metric, as the progress bar shows them); after an epoch, the
   * epoch's values, with the `val_` ones when validating.
   */
  logs: Logs;
}

export class ProgressCallback extends Callback {
  private currentEpoch = 0;
  private epochStart = 0;
  private trainingSeconds = 0;
  private samplesSeen = 0;

  constructor(private readonly onProgress: (progress: TrainingProgress) => void | Promise<void>) {
    super();
    if (typeof onProgress !== 'function') {
      throw new ValueError(`ProgressCallback: expected a function to call with each progress report. Received: ${describeValue(onProgress)}`);
    }
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
    this.epochStart = performance.now();
    this.samplesSeen = 0;
    this.trainingSeconds = 0;
  }

  override onBatchEnd(batch: number, logs: Logs): void | Promise<void> {
    const { samples = 0, batchSize = 0 } = this.params;
    this.samplesSeen = Math.min((batch + 1) * batchSize, samples);
    this.trainingSeconds = this.elapsed();
    return this.report('batch', batch, logs);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void | Promise<void> {
    return this.report('epoch', this.params.steps - 1, logs);
  }

  private elapsed(): number {
    return (performance.now() - this.epochStart) / 1000;
  }

  private report(phase: TrainingProgress['phase'], batch: number, logs: Logs): void | Promise<void> {
    const { epochs, steps, samples } = this.params;
    const epoch = this.currentEpoch;
    return this.onProgress({
      phase,
      epoch,
      epochs,
      batch,
      steps,
      samplesSeen: this.samplesSeen,
      samples: samples ?? 0,
      samplesPerSecond: this.trainingSeconds > 0 ? this.samplesSeen / this.trainingSeconds : 0,
      elapsedSeconds: this.elapsed(),
      fraction: epochs > 0 && steps > 0 ? Math.min(1, (epoch + (batch + 1) / steps) / epochs) : 0,
      logs: { ...logs },
    });
  }
}
