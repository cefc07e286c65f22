/**
 * Dense as the fused executor runs it (the layer: src/layers/dense.ts), for
 * rows r of a batch, kernel W [inputDim, units], bias b:
 *
 *     forward    Z[r] = A[r] · W + b;   A'[r] = f(Z[r])
 *     backward   dZ[r] = dA'[r] ⊙ f'(A'[r]);   dA[r] = dZ[r] · Wᵀ
 *     weights    dW[p] = A[:, p]ᵀ · dZ;   db = Σ_r dZ[r];   θ ← rule(θ, dθ)   (weight-shares.ts, as Conv2D's)
 *
 * The forward rows (DenseForward) serve training (step.ts) and inference
 * (forward-block.ts) alike: written once, so the two cannot drift apart.
 */
import { kernels, type GemmArgs } from '../../tensor/kernels/index.js';
import type { OutputDerivativeKind } from '../../tensor/kernels/index.js';
import type { ActivationName } from '../../layers/activations.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ForwardRows, OpKind, OpRows, RowsContext } from './kind.js';
import { KernelAndBiasShares } from './weight-shares.js';

/**
 * One Dense layer as the executor runs it. `W` is how its weights are held:
 * the model's tensors in a plan, their arrays in a step or a forward pass
 * (plain data, which worker threads receive).
 */
export interface DenseOp<W = Tensor> {
  readonly kind: 'dense';
  readonly name: string;
  readonly trainable: boolean;
  readonly inputDim: number;
  readonly units: number;
  readonly activation: ActivationName;
  /** The model's own weights: the executor reads and updates them in place. */
  readonly kernel: W;
  readonly bias: W | null;
}

/**
 * One thread's forward rows of a Dense layer: Z[r] = A[r] · W + b, then
 * A'[r] = f(Z[r]) in place, for rows from the thread's first, r0. The
 * product's arguments are made once; a call changes only the row count.
 */
class DenseForward implements ForwardRows {
  private readonly product: GemmArgs;

  constructor(
    private readonly op: DenseOp<Float32Array>,
    input: Float32Array,
    private readonly output: Float32Array,
    private readonly r0: number,
  ) {
    this.product = {
      transposeA: false, transposeB: false, m: 0, n: op.units, k: op.inputDim,
      a: input.subarray(r0 * op.inputDim), b: op.kernel, c: output.subarray(r0 * op.units), accumulate: false,
    };
  }

  /** With `logits`, a softmax is left out (the loss, or evaluate, works from the logits). */
  run(rows: number, logits: boolean): void {
    const { op, product, output, r0 } = this;
    const units = op.units;
    product.m = rows;
    kernels.gemm(product);
    if (op.bias) kernels.addBias(output, op.bias, r0, r0 + rows, units);
    if (op.activation === 'softmax') {
      if (!logits) kernels.softmaxRows(output, r0, r0 + rows, units);
    } else {
      kernels.activate(op.activation, output, output, r0 * units, (r0 + rows) * units);
    }
  }
}

/** One thread's part of a Dense layer in the training step. */
class DenseRows implements OpRows {
  private readonly forwardRows: DenseForward;
  /** dA = dZ · Wᵀ into the input's gradient; null for the first layer (the batch needs no gradient). */
  private readonly backwardArgs: GemmArgs | null;
  /** dW = Aᵀ · dZ and db = Σ dZ: this thread's shares of them, and their update. */
  private readonly shares: KernelAndBiasShares;

  constructor(
    private readonly op: DenseOp<Float32Array>,
    private readonly at: RowsContext,
    optimizer: Optimizer,
  ) {
    const { input, inputGradient, output, gradient, r0 } = at;
    const { inputDim, units, kernel } = op;
    this.forwardRows = new DenseForward(op, input, output, r0);
    this.backwardArgs = inputGradient === null ? null : {
      transposeA: false, transposeB: true, m: 0, n: inputDim, k: units,
      a: gradient.subarray(r0 * units), b: kernel, c: inputGradient.subarray(r0 * inputDim), accumulate: false,
    };
    this.shares = new KernelAndBiasShares(input, inputDim, units, kernel, op.bias, at, optimizer);
  }

  forward(_r0: number, rows: number): void {
    // The output layer's softmax (or the logits' identity) belongs to the fused loss.
    this.forwardRows.run(rows, this.at.isOutput);
  }

  backward(r0: number, rows: number): void {
    const { units, activation } = this.op;
    // The loss wrote dZ of the output layer itself.
    if (!this.at.isOutput) {
      const dA = this.at.gradient;
      kernels.activationGradient(activation as OutputDerivativeKind, this.at.output, dA, dA, r0 * units, (r0 + rows) * units);
    }
    if (this.backwardArgs) {
      this.backwardArgs.m = rows;
      kernels.gemm(this.backwardArgs);
    }
  }

  weights(batchSize: number, t: number): void {
    this.shares.update(batchSize, t);
  }
}

export const denseKind: OpKind<DenseOp<Float32Array>, DenseOp> = {
  inputWidth: (op) => op.inputDim,
  width: (op) => op.units,
  work: (op) => op.inputDim * op.units,
  weights: (op) => (op.bias === null ? [op.kernel] : [op.kernel, op.bias]),
  onThreads: (op) => ({ ...op, kernel: op.kernel.data, bias: op.bias?.data ?? null }),
  inPlace: false,
  ownBuffers: () => [],
  forwardScratch: () => [],
  rows: (op, at, optimizer) => new DenseRows(op, at, optimizer),
  inInference: true,
  forward: (op, input, output, r0) => new DenseForward(op, input, output, r0),
};
