/**
 * Mirroring chosen images of a channels-last batch x [N, H, W, C]:
 *
 *     horizontal:  y[n, i, j, c] = x[n, i, W − 1 − j, c]     (left ↔ right)
 *     vertical:    y[n, i, j, c] = x[n, H − 1 − i, j, c]     (top ↔ bottom)
 *
 * for the samples n with flips[n] = 1; the others are copied unchanged.
 * Every output value comes from exactly one input value, so the backward
 * pass sends each gradient back along the same map: dx[source] += dy.
 */
import { gradBuffer, record } from '../autograd.js';
import { requireTensor, Tensor } from '../tensor.js';
import { ShapeError } from '../../errors.js';

export function flipImages(x: Tensor, flips: Uint8Array, horizontal: boolean, vertical: boolean): Tensor {
  requireTensor(x, 'flipImages');
  if (x.rank !== 4 || flips.length !== x.shape[0]) {
    throw new ShapeError(`flipImages: expects images [batch, height, width, channels] and one flag per image. Received: shape=[${x.shape.join(', ')}], ${flips.length} flags`);
  }
  const [N, H, W, C] = x.shape as [number, number, number, number];
  // source[p] is the input position output position p reads.
  const source = new Int32Array(x.size);
  let p = 0;
  for (let n = 0; n < N; n++) {
    const flipH = flips[n] === 1 && horizontal;
    const flipV = flips[n] === 1 && vertical;
    for (let i = 0; i < H; i++) {
      const si = flipV ? H - 1 - i : i;
      for (let j = 0; j < W; j++) {
        const sj = flipH ? W - 1 - j : j;
        const from = ((n * H + si) * W + sj) * C;
        for (let c = 0; c < C; c++) source[p++] = from + c;
      }
    }
  }
  const X = x.data;
  const Y = new Float32Array(x.size);
  for (let q = 0; q < Y.length; q++) Y[q] = X[source[q]!]!;
  return record(new Tensor(Y, x.shape), 'flipImages', [x], (dY) => {
    const dX = gradBuffer(x);
    for (let q = 0; q < dY.length; q++) dX[source[q]!]! += dY[q]!;
  });
}
