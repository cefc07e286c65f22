/**
 * Dropout as the fused executor runs it (the layer: src/layers/dropout.ts),
 * with the mask M drawn for the whole batch before the rows phase (step.ts's
 * MaskDrawer, in the order the autograd path draws it):
 *
 *     forward    D[r] = A[r] ⊙ M[r]
 *     backward   dA[r] = dD[r] ⊙ M[r]      (in place: the gradient at its input is the one at its output)
 *     weights    none
 *
 * Inference leaves it out: there it is the identity.
 */
import { allocateFloat32 } from '../../tensor/storage.js';
import { kernels } from '../../tensor/kernels/index.js';
import type { RandomGenerator } from '../../tensor/random.js';
import type { OpKind, OpRows, RowsContext } from './kind.js';
import { RuntimeError } from '../../errors.js';

/** One Dropout layer: a mask per training step on the outputs of the op before it, `units` per row. */
export interface DropoutOp {
  readonly kind: 'dropout';
  readonly name: string;
  readonly rate: number;
  readonly units: number;
  /**
   * The layer's own generator, or null for the global one (read at each
   * draw, so setRandomSeed is seen); null on worker threads, which draw nothing.
   */
  readonly generator: RandomGenerator | null;
}

/** One thread's part of a Dropout layer in the training step. */
class DropoutRows implements OpRows {
  constructor(
    private readonly units: number,
    private readonly at: RowsContext,
  ) {}

  forward(r0: number, rows: number): void {
    const { input, own, output } = this.at;
    kernels.applyMask(input, own[0]!, output, r0 * this.units, (r0 + rows) * this.units);
  }

  backward(r0: number, rows: number): void {
    const { gradient, own } = this.at;
    kernels.applyMask(gradient, own[0]!, gradient, r0 * this.units, (r0 + rows) * this.units);
  }

  weights(): void {}
}

export const dropoutKind: OpKind<DropoutOp, DropoutOp> = {
  inputWidth: (op) => op.units,
  width: (op) => op.units,
  work: () => 0,
  weights: () => [],
  onThreads: (op) => ({ ...op, generator: null }),
  inPlace: true,
  ownBuffers: (op, maxBatch) => [allocateFloat32(maxBatch * op.units)],
  forwardScratch: () => [],
  rows: (op, at) => new DropoutRows(op.units, at),
  inInference: false,
  forward: () => {
    throw new RuntimeError('Dropout is the identity outside training: predict and evaluate leave it out of their ops.');
  },
};
