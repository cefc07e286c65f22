/**
 * The fused op under sparse categorical crossentropy on logits z (one row per
 * sample, label y):
 *
 *     lossₙ = log Σⱼ e^(zₙⱼ) − zₙ,yₙ        (computed as m + log Σⱼ e^(zₙⱼ − m))
 *     dzₙⱼ  = gₙ · (softmax(zₙ)ⱼ − [j = yₙ])
 *
 * Fused because the backward is then one subtraction per element, exact and
 * stable: no probability is ever rounded to 0 and then logged. This is
 * TensorFlow's `sparse_softmax_cross_entropy_with_logits`, which Keras uses
 * when a model ends in softmax.
 */
import { gradBuffer, record } from '../tensor/autograd.js';
import { kernels } from '../tensor/kernels/index.js';
import { Tensor } from '../tensor/tensor.js';

/** Per-sample losses, shape [N], for logits [N, C] and integer labels [N]. */
export function sparseSoftmaxCrossEntropyWithLogits(logits: Tensor, labels: Tensor): Tensor {
  const [N, C] = [logits.shape[0]!, logits.shape[1]!];
  // The same kernel as the fused executor: per-row losses, and
  // G = softmax(z) − onehot(y), the gradient of each row's loss.
  const losses = new Float32Array(N);
  const G = new Float32Array(N * C);
  kernels.softmaxCrossEntropy({
    logits: logits.data, labels: labels.data, classes: C, rowStart: 0, rowEnd: N,
    scale: 1, grad: G, totals: new Float64Array(2), rowLosses: losses,
  });
  return record(new Tensor(losses, [N]), 'sparseSoftmaxCrossEntropyWithLogits', [logits], (dLoss) => {
    const dZ = gradBuffer(logits);
    for (let n = 0; n < N; n++) {
      const g = dLoss[n]!;
      for (let j = n * C; j < (n + 1) * C; j++) dZ[j]! += g * G[j]!;
    }
  });
}
