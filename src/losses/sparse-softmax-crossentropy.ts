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
import { Tensor } from '../tensor/tensor.js';

/** Per-sample losses, shape [N], for logits [N, C] and integer labels [N]. */
export function sparseSoftmaxCrossEntropyWithLogits(logits: Tensor, labels: Tensor): Tensor {
  const [N, C] = [logits.shape[0]!, logits.shape[1]!];
  const Z = logits.data;
  const probabilities = new Float32Array(N * C);
  const losses = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    const row = n * C;
    let max = -Infinity;
    for (let j = 0; j < C; j++) max = Math.max(max, Z[row + j]!);
    let sum = 0;
    for (let j = 0; j < C; j++) {
      const e = Math.exp(Z[row + j]! - max);
      probabilities[row + j] = e;
      sum += e;
    }
    for (let j = 0; j < C; j++) probabilities[row + j]! /= sum;
    losses[n] = max + Math.log(sum) - Z[row + labels.data[n]!]!;
  }
  return record(new Tensor(losses, [N]), 'sparseSoftmaxCrossEntropyWithLogits', [logits], (dLoss) => {
    const dZ = gradBuffer(logits);
    for (let n = 0; n < N; n++) {
      const row = n * C;
      const g = dLoss[n]!;
      for (let j = 0; j < C; j++) dZ[row + j]! += g * probabilities[row + j]!;
      dZ[row + labels.data[n]!]! -= g;
    }
  });
}
