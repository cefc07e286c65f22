/**
 * Matrix product C = op(A) · op(B), where op(X) is X or Xᵀ by the transpose
 * flags. The flags are folded into the kernel's loops, so nothing is ever
 * transposed in memory, and the backward pass is two more products:
 *
 *     C = A·B      →  dA = dC·Bᵀ,   dB = Aᵀ·dC
 *
 * With flags, work on A' = op(A) and B' = op(B) and transpose back:
 *     dA = transA ? B'·dCᵀ : dC·B'ᵀ
 *     dB = transB ? dCᵀ·A' : A'ᵀ·dC
 * Each of these is one `gemm` call with the right flags, accumulating
 * straight into the gradient buffers.
 */
import { gradBuffer, record } from '../autograd.js';
import { kernels } from '../kernels/index.js';
import { requireTensor, Tensor } from '../tensor.js';
import { checkTypedOptions } from '../../utils/options.js';
import { ShapeError } from '../../errors.js';

export interface MatmulOptions {
  /** Use Aᵀ instead of A. */
  transposeA?: boolean;
  /** Use Bᵀ instead of B. */
  transposeB?: boolean;
}

/** op(a) · op(b) for 2-D tensors. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  requireTensor(a, 'matmul');
  requireTensor(b, 'matmul');
  checkTypedOptions('matmul', options, { transposeA: 'boolean', transposeB: 'boolean' });
  const transA = options.transposeA ?? false;
  const transB = options.transposeB ?? false;
  if (a.rank !== 2 || b.rank !== 2) {
    throw new ShapeError(
      `matmul: both operands must be 2-D matrices. Received: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
    );
  }
  const [M, K] = transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [Kb, N] = transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (K !== Kb) {
    throw new ShapeError(
      `matmul: the inner dimensions must match, but op(A) is ${M}×${K} and op(B) is ${Kb}×${N} ` +
        `(A: [${a.shape.join(', ')}]${transA ? ' transposed' : ''}, B: [${b.shape.join(', ')}]${transB ? ' transposed' : ''}).`,
    );
  }
  const C = new Float32Array(M * N);
  kernels.gemm({ transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: a.data, b: b.data, c: C, accumulate: false });

  return record(new Tensor(C, [M, N]), 'matmul', [a, b], (dC) => {
    if (a.requiresGrad) {
      // dA has A's stored shape: M×K, or K×M when transA.
      if (transA) kernels.gemm({ transposeA: transB, transposeB: true, m: K, n: M, k: N, a: b.data, b: dC, c: gradBuffer(a), accumulate: true });
      else kernels.gemm({ transposeA: false, transposeB: !transB, m: M, n: K, k: N, a: dC, b: b.data, c: gradBuffer(a), accumulate: true });
    }
    if (b.requiresGrad) {
      // dB has B's stored shape: K×N, or N×K when transB.
      if (transB) kernels.gemm({ transposeA: true, transposeB: transA, m: N, n: K, k: M, a: dC, b: a.data, c: gradBuffer(b), accumulate: true });
      else kernels.gemm({ transposeA: !transA, transposeB: false, m: K, n: N, k: M, a: a.data, b: dC, c: gradBuffer(b), accumulate: true });
    }
  });
}
