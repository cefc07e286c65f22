/**
 * Shifting each image of a channels-last batch x [N, H, W, C] by its own
 * (dy, dx) pixels, which need not be whole numbers:
 *
 *     y[n, i, j, c] = x[n, i − dy, j − dx, c]      read between pixels by interpolation
 *
 * That is the affine map [a0 a1 a2; b0 b1 b2] = [1 0 −dx; 0 1 −dy], so the
 * interpolation, the fill modes and the backward pass are affine.ts's.
 */
import { affineTransformImages, AFFINE_SIZE, type FillMode, type Interpolation } from './affine.js';
import { requireTensor, type Tensor } from '../tensor.js';
import { ShapeError } from '../../errors.js';

export type { FillMode, Interpolation } from './affine.js';

/** Each image n shifted down by shifts[2n] and right by shifts[2n + 1] pixels. */
export function translateImages(x: Tensor, shifts: Float32Array, fillMode: FillMode, fillValue: number, interpolation: Interpolation): Tensor {
  requireTensor(x, 'translateImages');
  if (x.rank !== 4 || shifts.length !== 2 * x.shape[0]!) {
    throw new ShapeError(`translateImages: expects images [batch, height, width, channels] and a (dy, dx) pair per image. Received: shape=[${x.shape.join(', ')}], ${shifts.length} shift values`);
  }
  const N = x.shape[0]!;
  const transforms = new Float32Array(AFFINE_SIZE * N);
  for (let n = 0; n < N; n++) transforms.set([1, 0, -shifts[2 * n + 1]!, 0, 1, -shifts[2 * n]!], AFFINE_SIZE * n);
  return affineTransformImages(x, transforms, fillMode, fillValue, interpolation);
}
