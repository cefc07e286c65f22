/**
 * The optimizer's variables as Keras stores them, in `optimizer/vars/<i>` of
 * a `.keras` / `.weights.h5` file and in `optimizer_weights` of a legacy
 * `.h5` file:
 *
 *     Keras 3       iteration (int64, []), learning_rate (float32, []), then per
 *                   trainable variable, in model.trainable_variables order, its
 *                   slots: Adam's momentum (m) and velocity (v) side by side,
 *                   SGD's momentum; SGD without momentum has none
 *     Keras 2       iter (int64, []), then the slots slot by slot: every
 *                   variable's m, then every variable's v ('Adam/dense/kernel/m:0')
 *
 * A Keras 3 optimizer that was never built (compiled, not trained) holds
 * iteration and learning_rate alone; the slots are zeros then, as they are
 * for a fresh optimizer here. Keras's learning rate is restored too: a
 * callback may have changed it, and training resumes with the rate Keras had.
 *
 * Reading checks every entry before anything changes, like
 * optimizer-state.ts does for TF.js's layout, and returns the function that
 * installs them.
 */
import type { Optimizer } from '../../optim/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatError } from './bytes.js';
import type { WeightToWrite } from './keras-archive.js';
import type { WeightArray } from './weights-tree.js';

/** An optimizer variable as read from a file; `name` says what it is in messages ('optimizer/vars/3', 'adam/iteration'). */
export interface OptimizerEntry extends WeightArray {
  name: string;
}

/** Keras 3's optimizer variables for `variables` (the model's trainable weights): iteration, learning_rate, then each variable's slots. */
export function kerasOptimizerVariables(optimizer: Optimizer, variables: readonly Tensor[]): WeightToWrite[] {
  const out: WeightToWrite[] = [
    { shape: [], data: BigInt64Array.of(BigInt(optimizer.iterations)) },
    { shape: [], data: Float32Array.of(optimizer.learningRate) },
  ];
  for (const variable of variables) {
    const slots = optimizer.peekSlots(variable);
    // A variable not updated yet has no slots: its state is zeros.
    for (let s = 0; s < optimizer.slotCount; s++) out.push({ shape: [...variable.shape], data: slots?.[s] ?? new Float32Array(variable.size) });
  }
  for (const value of optimizer.kerasTrailingScalars()) out.push({ shape: [], data: Float32Array.of(value) });
  return out;
}

/**
 * Checks that `entries` (the file's optimizer variables, in file order) fit
 * `optimizer` for `variables`, and returns the function that installs them.
 * Nothing changes until it is called, so a bad file leaves the optimizer as
 * it was.
 */
export function planKerasOptimizerRestore(optimizer: Optimizer, variables: readonly Tensor[], entries: readonly OptimizerEntry[], fileName: string): () => void {
  if (entries.length === 0) return () => {};
  const slotNames = optimizer.slotNames;
  const slotCount = slotNames.length;
  const slotTotal = slotCount * variables.length;
  // Scalars Keras keeps after the slots (Nadam's u_product): checked, not read, as they follow from the step count.
  const trailing = optimizer.kerasTrailingScalars().length;
  // Iteration first; then a learning rate when the file is Keras 3's (a scalar float: no model weight is a scalar here).
  const hasLearningRate = entries.length >= 2 && entries[1]!.shape.length === 0;
  const head = hasLearningRate ? 2 : 1;
  const expected = `${optimizer.className}'s state for the ${variables.length} trainable weights: the iteration count, the learning rate, then ${slotCount > 0 ? `${slotNames.join(' and ')} for each weight` : 'nothing else'}${trailing > 0 ? `, then ${trailing} scalar${trailing > 1 ? 's' : ''} derived from the step count` : ''} (${2 + slotTotal + trailing} arrays; Keras 2 files have no learning rate; an optimizer that never trained has neither slots)`;
  if (entries.length !== head && entries.length !== head + slotTotal + trailing) {
    formatError(fileName, `the optimizer's variables do not fit this model's optimizer: expected ${expected}. Received: ${entries.length} arrays${entries.length > 0 ? ` (${entries.slice(0, 4).map(describeEntry).join(', ')}${entries.length > 4 ? ', …' : ''})` : ''}. Was the file saved with another optimizer or architecture?`);
  }
  const iterations = scalarValue(entries[0]!);
  if (entries[0]!.shape.length !== 0 || !Number.isSafeInteger(iterations) || iterations < 0) {
    formatError(fileName, `the optimizer's first variable ('${entries[0]!.name}') should be the iteration count, a non-negative integer of shape []. Received: ${describeEntry(entries[0]!)}, value ${iterations}.`);
  }
  let learningRate: number | null = null;
  if (hasLearningRate) {
    learningRate = scalarValue(entries[1]!);
    if (!isFloat(entries[1]!) || !(Number.isFinite(learningRate) && learningRate > 0)) {
      formatError(fileName, `the optimizer's second variable ('${entries[1]!.name}') should be the learning rate, a positive float. Received: ${describeEntry(entries[1]!)}, value ${learningRate}.`);
    }
  }
  const slots = entries.slice(head, head + slotTotal);
  for (const entry of entries.slice(head + slotTotal)) {
    if (!isFloat(entry) || entry.shape.length !== 0) {
      formatError(fileName, `the optimizer variable '${entry.name}' should be a float scalar that ${optimizer.className} keeps after the slots. Received: ${describeEntry(entry)}.`);
    }
  }
  const slotMajor = slotCount > 1 && isSlotMajor(slots, slotNames, variables.length);
  const slotValues = variables.map((variable, v) =>
    slotNames.map((slotName, s) => {
      const entry = slots[slotMajor ? s * variables.length + v : v * slotCount + s];
      if (entry === undefined) return null;
      if (!isFloat(entry) || entry.shape.length !== variable.shape.length || entry.shape.some((d, k) => d !== variable.shape[k])) {
        formatError(fileName, `the optimizer variable '${entry.name}' should be the ${slotName} of trainable weight ${v} ('${variable.name}'), a float array of shape [${variable.shape.join(', ')}]. Received: ${describeEntry(entry)}.`);
      }
      return toFloat32(entry.data);
    }),
  );
  return () => {
    optimizer.iterations = iterations;
    // Keras keeps the rate as a float32 variable: only a rate that differs in float32 replaces the one compile() set.
    if (learningRate !== null && Math.fround(optimizer.learningRate) !== learningRate) optimizer.learningRate = learningRate;
    variables.forEach((variable, v) => {
      const values = slotValues[v]!;
      if (slotCount === 0) return;
      const existing = optimizer.peekSlots(variable);
      // In place when the slots exist: a training executor may hold these very arrays.
      if (existing) existing.forEach((array, s) => (values[s] ? array.set(values[s]) : array.fill(0)));
      else if (values.every((x) => x !== null)) optimizer.setSlots(variable, values as Float32Array[]);
    });
  };
}

/**
 * Whether the slots are stored slot by slot (Keras 2: every m, then every v)
 * rather than variable by variable (Keras 3): told by the names, which say
 * each slot's kind ('Adam/dense/kernel/m:0' or '…_kernel_momentum').
 */
function isSlotMajor(slots: readonly OptimizerEntry[], slotNames: readonly string[], variableCount: number): boolean {
  if (variableCount < 2 || slots.length === 0) return false;
  const kinds = slots.map((entry) => slotKind(entry.name));
  return kinds.every((kind, i) => kind === slotNames[Math.floor(i / variableCount)]);
}

/** 'm' or 'v' for Adam's slots as Keras 2 and 3 name them ('…/m:0', 'm/…', '…_momentum'; '…/v:0', '…_velocity'), 'momentum' for SGD's, else null. */
function slotKind(name: string): string | null {
  const bare = name.replace(/:\d+$/, '');
  if (/velocity$|(^|\/)v$|(^|\/)v\//.test(bare)) return 'v';
  if (/(^|\/)m$|(^|\/)m\//.test(bare)) return 'm';
  if (/momentum$/.test(bare)) return /(^|\/)(adam|adamw|nadam|adamax)\//i.test(bare) ? 'm' : 'momentum';
  return null;
}

function scalarValue(entry: OptimizerEntry): number {
  const value = entry.data[0];
  return entry.data.length === 1 ? Number(value) : NaN;
}

function isFloat(entry: OptimizerEntry): boolean {
  return /^(b?float)(16|32|64)$/.test(entry.dtype);
}

function toFloat32(data: WeightArray['data']): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

function describeEntry(entry: OptimizerEntry): string {
  return `'${entry.name}' ${entry.dtype} [${entry.shape.join(', ')}]`;
}
