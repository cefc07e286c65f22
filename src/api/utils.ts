/**
 * `keras.utils`: seeding, one-hot labels, forgetting layer names, the
 * gradient check, and drawing a model's graph.
 */
import { resetNameCounters } from '../utils/naming.js';

export { plotModel, type PlotModelOptions } from '../models/plot-model.js';

export { setRandomSeed } from '../tensor/random.js';
export { toCategorical } from '../data/to-categorical.js';
export { checkGradients, type GradCheckOptions, type GradCheckResult, type GradCheckMismatch } from '../tensor/gradcheck.js';

/**
 * Forgets the automatic layer-name counters, so the next Dense is "dense"
 * again (Keras's `keras.utils.clear_session`).
 */
export function clearSession(): void {
  resetNameCounters();
}
