/**
 * The optimizer's state as manifest entries, laid out the way TF.js writes
 * and reads its own, so that either library can resume the other's training:
 *
 *     iter                   int32, shape []      the number of steps taken
 *     Adam:  <weight>/m      float32, per trainable weight, in order,
 *            then <weight>/v for each trainable weight
 *     SGD with momentum:  <weight>/momentum per trainable weight
 *     SGD without momentum: iter alone
 *     RMSprop: velocity (then momentum, then average_gradient, when used);
 *     Adagrad: accumulator; AdamW: m, v; Nadam: momentum, velocity
 *     (each slot for every trainable weight before the next slot)
 *
 * Every entry carries `group: 'optimizer'`, which is how TF.js tells them
 * from model weights. The entries follow the model weights in the same
 * weightsManifest group and the same weights.bin.
 *
 * Like TF.js, reading matches entries by position, not by name (TF.js's own
 * names depend on variable-name deduplication). Adam's m and v mean the same
 * in both libraries, so TF.js resumes from a tinykeras file (with its own
 * epsilon placement, see adam.ts). TF.js's SGD has no momentum, and rejects a
 * file that holds SGD momentum state.
 */
import { FileFormatError } from '../errors.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { NamedWeight } from './weights-bin.js';

/** The optimizer's state for `variables` (the model's trainable weights), in TF.js's order, each named after `nameOf` its variable. */
export function optimizerWeights(optimizer: Optimizer, variables: readonly Tensor[], nameOf: (variable: Tensor) => string = (v) => v.name): NamedWeight[] {
  const iterations: NamedWeight = { name: 'iter', shape: [], dtype: 'int32', values: Int32Array.of(optimizer.iterations), group: 'optimizer' };
  // Slot-major: every weight's m, then every weight's v.
  const slots = optimizer.slotNames.flatMap((slotName, s) =>
    variables.map((variable): NamedWeight => ({
      name: `${nameOf(variable)}/${slotName}`,
      shape: variable.shape,
      dtype: 'float32',
      // A variable not updated yet has no slots: its state is the slots' initial values (zeros but for Adagrad).
      values: optimizer.peekSlots(variable)?.[s] ?? new Float32Array(variable.size).fill(optimizer.slotInitialValue(s)),
      group: 'optimizer',
    })),
  );
  return [iterations, ...slots];
}

/**
 * Checks that `entries` (the file's optimizer group) fit `optimizer` and
 * `variables`, and returns the function that installs them. Nothing changes
 * until that function is called, so a bad file leaves the optimizer as it was.
 *
 * Accepts the iteration count alone too: TF.js writes no slots before the
 * first step, and zeros are what a fresh optimizer starts from.
 */
export function planOptimizerRestore(
  optimizer: Optimizer,
  variables: readonly Tensor[],
  entries: readonly NamedWeight[],
  source: string,
): () => void {
  if (entries.length === 0) return () => {};
  const slotNames = optimizer.slotNames;
  const full = 1 + slotNames.length * variables.length;
  if (entries.length !== 1 && entries.length !== full) {
    throw new FileFormatError(
      source,
      `${source}: the optimizer state (weights with group 'optimizer') must hold the iteration count, then ` +
        `${slotNames.length > 0 ? `${slotNames.join(' and ')} for each of the ${variables.length} trainable weights` : 'nothing else'}: ` +
        `${full} entries for ${optimizer.className}. Received: ${entries.length} entries`,
    );
  }
  const [iter] = entries as [NamedWeight];
  const iterations = iter.values[0];
  if (iter.shape.length !== 0 || iterations === undefined || !Number.isInteger(iterations) || iterations < 0) {
    throw new FileFormatError(
      source,
      `${source}: the first optimizer entry ('${iter.name}') must be the iteration count, a non-negative integer of ` +
        `shape []. Received: shape=[${iter.shape.join(', ')}], value=${iterations}`,
    );
  }
  const slotValues = variables.map((variable, v) =>
    slotNames.map((slotName, s) => {
      const entry = entries[1 + s * variables.length + v];
      if (entry === undefined) return new Float32Array(variable.size).fill(optimizer.slotInitialValue(s));
      if (entry.dtype !== 'float32' || entry.shape.length !== variable.shape.length || entry.shape.some((d, k) => d !== variable.shape[k])) {
        throw new FileFormatError(
          source,
          `${source}: optimizer entry '${entry.name}' should be the ${slotName} of '${variable.name}', a float32 ` +
            `array of shape [${variable.shape.join(', ')}]. Received: dtype=${entry.dtype}, shape=[${entry.shape.join(', ')}]`,
        );
      }
      return entry.values as Float32Array;
    }),
  );
  return () => {
    optimizer.iterations = iterations;
    variables.forEach((variable, v) => {
      if (slotNames.length > 0) optimizer.setSlots(variable, slotValues[v]!);
    });
  };
}
