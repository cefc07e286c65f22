/**
 * Zero padding of channels-last images x [N, H, W, C]:
 *
 *     y [N, top + H + bottom, left + W + right, C],  y[n, top + i, left + j, c] = x[n, i, j, c], zeros elsewhere
 *
 * The backward pass reads the gradient of the inner block back out:
 * dx[n, i, j, c] += dy[n, top + i, left + j, c].
 */
import { gradBuffer, record } from '../autograd.js';
import { requireTensor, Tensor } from '../tensor.js';
import { checkValueCount } from './window.js';
import { ShapeError } from '../../errors.js';

/** [[top, bottom], [left, right]] rows and columns of zeros. */
export type Padding2D = readonly [readonly [number, number], readonly [number, number]];

export function zeroPad2d(x: Tensor, padding: Padding2D): Tensor {
  requireTensor(x, 'zeroPad2d');
  if (x.rank !== 4) {
    throw new ShapeError(`zeroPad2d: expects a batch of images of shape [batch, height, width, channels]. Received: shape=[${x.shape.join(', ')}]`);
  }
  const [[top, bottom], [left, right]] = padding;
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const OH = top + H + bottom;
  const OW = left + W + right;
  checkValueCount(N * OH * OW * C, 'zeroPad2d', `the padded batch [${N}, ${OH}, ${OW}, ${C}]`);
  const Y = new Float32Array(N * OH * OW * C);
  const X = x.data;
  const rowLength = W * C;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < H; i++) {
      const from = (n * H + i) * rowLength;
      Y.set(X.subarray(from, from + rowLength), ((n * OH + top + i) * OW + left) * C);
    }
  }
  return record(new Tensor(Y, [N, OH, OW, C]), 'zeroPad2d', [x], (dY) => {
    const dX = gradBuffer(x);
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < H; i++) {
        const to = (n * H + i) * rowLength;
        const from = ((n * OH + top + i) * OW + left) * C;
        for (let j = 0; j < rowLength; j++) dX[to + j]! += dY[from + j]!;
      }
    }
  });
}
