/**
 * Running means of the loss and metrics over an epoch: what `fit` shows in
 * its progress bar and stores in History, and what `evaluate` returns.
 * Each batch's value is weighted by its number of samples, so a short last
 * batch counts for exactly what it holds (Keras's Mean with sample_weight).
 */

/** Metric name → value, as passed to callbacks: { loss: 0.49, accuracy: 0.83 }. */
export type Logs = Record<string, number>;

export class RunningMeans {
  private readonly totals: number[];
  private count = 0;

  /** `names` in display order: the loss first, then the metrics. */
  constructor(readonly names: readonly string[]) {
    this.totals = names.map(() => 0);
  }

  /** Adds one batch: `values[i]` is the batch mean of `names[i]` over `batchSize` samples. */
  update(values: readonly number[], batchSize: number): void {
    for (let i = 0; i < this.totals.length; i++) this.totals[i]! += values[i]! * batchSize;
    this.count += batchSize;
  }

  /** The means so far, in display order. */
  results(prefix = ''): Logs {
    const logs: Logs = {};
    this.names.forEach((name, i) => (logs[prefix + name] = this.count === 0 ? 0 : this.totals[i]! / this.count));
    return logs;
  }
}
