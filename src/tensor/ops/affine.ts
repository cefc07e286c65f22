/**
 * Resampling each image of a channels-last batch x [N, H, W, C] through its
 * own affine map, Keras's `ops.image.affine_transform`: the output pixel at
 * column j, row i reads the input at the point
 *
 *     column = a0·j + a1·i + a2
 *     row    = b0·j + b1·i + b2           y[n, i, j, c] = x[n, row, column, c]
 *
 * given per image as [a0, a1, a2, b0, b1, b2] (Keras's 8-number transform
 * without its projective c0, c1, which are 0 for rotations, zooms and shifts).
 * The point falls between pixels, so it is read by interpolation:
 *
 *     'bilinear'  with r0 = ⌊row⌋, fr = row − r0 (and c0, fc for the column):
 *                 (1−fr)(1−fc)·x[r0, c0] + (1−fr)fc·x[r0, c0+1] + fr(1−fc)·x[r0+1, c0] + fr·fc·x[r0+1, c0+1]
 *     'nearest'   the pixel at the rounded point (half away from zero, as JAX rounds)
 *
 * and each of those pixel indices that falls outside the image is brought
 * back in by the fill mode, index by index, as SciPy's and JAX's
 * map_coordinates do:
 *
 *     reflect   d c b a | a b c d | d c b a     (the edge pixel repeats)
 *     mirror      d c b | a b c d | c b a       (it does not)
 *     wrap      a b c d | a b c d | a b c d
 *     nearest   a a a a | a b c d | d d d d
 *     constant  k k k k | a b c d | k k k k     (k = fillValue)
 *
 * Each output is a weighted sum of input values, so the backward pass is the
 * transposed sampling: each output gradient, times the same weights, is
 * added to the same pixels (the constant fill takes no gradient).
 */
import { gradBuffer, record } from '../autograd.js';
import { requireTensor, Tensor } from '../tensor.js';
import { ShapeError } from '../../errors.js';

export type FillMode = 'reflect' | 'mirror' | 'wrap' | 'nearest' | 'constant';
export type Interpolation = 'bilinear' | 'nearest';

/** Numbers per image in `affineTransformImages`'s transforms: [a0, a1, a2, b0, b1, b2]. */
export const AFFINE_SIZE = 6;

/** The pixel an index outside [0, size) stands for under `mode`, or -1 for constant fill. */
export function fillIndex(index: number, size: number, mode: FillMode): number {
  if (index >= 0 && index < size) return index;
  switch (mode) {
    case 'constant':
      return -1;
    case 'nearest':
      return index < 0 ? 0 : size - 1;
    case 'wrap':
      return ((index % size) + size) % size;
    case 'reflect': {
      const m = ((index % (2 * size)) + 2 * size) % (2 * size);
      return m < size ? m : 2 * size - 1 - m;
    }
    case 'mirror': {
      if (size === 1) return 0;
      const period = 2 * size - 2;
      const m = ((index % period) + period) % period;
      return m < size ? m : period - m;
    }
  }
}

/**
 * Along one axis of `size` pixels, the (up to two) pixels a float32
 * coordinate reads and their weights, written into `taps` at `at` as
 * [index0, weight0, index1, weight1] (index -1: the fill value).
 */
function writeTaps(point: number, size: number, mode: FillMode, interpolation: Interpolation, taps: Float64Array, at: number): void {
  if (interpolation === 'nearest') {
    const nearest = Math.sign(point) * Math.round(Math.abs(point));
    taps[at] = fillIndex(nearest, size, mode);
    taps[at + 1] = 1;
    taps[at + 2] = -1;
    taps[at + 3] = 0;
  } else {
    const lower = Math.floor(point);
    const upperWeight = Math.fround(point - lower);
    taps[at] = fillIndex(lower, size, mode);
    taps[at + 1] = Math.fround(1 - upperWeight);
    taps[at + 2] = fillIndex(lower + 1, size, mode);
    taps[at + 3] = upperWeight;
  }
}

/** Each image n resampled through the affine map transforms[6n .. 6n + 6] (see the header). */
export function affineTransformImages(x: Tensor, transforms: Float32Array, fillMode: FillMode, fillValue: number, interpolation: Interpolation): Tensor {
  requireTensor(x, 'affineTransformImages');
  if (x.rank !== 4 || transforms.length !== AFFINE_SIZE * x.shape[0]!) {
    throw new ShapeError(
      `affineTransformImages: expects images [batch, height, width, channels] and ${AFFINE_SIZE} transform values [a0, a1, a2, b0, b1, b2] per image. Received: shape=[${x.shape.join(', ')}], ${transforms.length} transform values`,
    );
  }
  const [N, H, W, C] = x.shape as [number, number, number, number];
  // Per output pixel, its row taps then its column taps: 8 numbers.
  const taps = new Float64Array(N * H * W * 8);
  for (let n = 0; n < N; n++) {
    const [a0, a1, a2, b0, b1, b2] = transforms.subarray(AFFINE_SIZE * n, AFFINE_SIZE * (n + 1)) as unknown as number[];
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        // In float32, as Keras's backends compute the point.
        const column = Math.fround(Math.fround(Math.fround(a0! * j) + Math.fround(a1! * i)) + a2!);
        const row = Math.fround(Math.fround(Math.fround(b0! * j) + Math.fround(b1! * i)) + b2!);
        const at = ((n * H + i) * W + j) * 8;
        writeTaps(row, H, fillMode, interpolation, taps, at);
        writeTaps(column, W, fillMode, interpolation, taps, at + 4);
      }
    }
  }
  /** Calls visit(outputIndex, inputIndex or -1, weight) for the four taps of every output pixel. */
  const eachTap = (visit: (out: number, from: number, weight: number) => void) => {
    for (let n = 0; n < N; n++) {
      for (let p = 0; p < H * W; p++) {
        const at = (n * H * W + p) * 8;
        const out = (n * H * W + p) * C;
        for (let a = 0; a < 2; a++) {
          const r = taps[at + 2 * a]!;
          const wr = taps[at + 2 * a + 1]!;
          for (let b = 0; b < 2; b++) {
            const k = taps[at + 4 + 2 * b]!;
            const weight = Math.fround(wr * taps[at + 4 + 2 * b + 1]!);
            if (weight === 0) continue;
            visit(out, r < 0 || k < 0 ? -1 : ((n * H + r) * W + k) * C, weight);
          }
        }
      }
    }
  };
  const X = x.data;
  const Y = new Float32Array(x.size);
  eachTap((out, from, weight) => {
    for (let c = 0; c < C; c++) Y[out + c]! += weight * (from < 0 ? fillValue : X[from + c]!);
  });
  return record(new Tensor(Y, x.shape), 'affineTransformImages', [x], (dY) => {
    const dX = gradBuffer(x);
    eachTap((out, from, weight) => {
      if (from < 0) return;
      for (let c = 0; c < C; c++) dX[from + c]! += weight * dY[out + c]!;
    });
  });
}

/**
 * Keras's rotation matrix about the image's center: a counter-clockwise turn
 * by `degrees` (as Keras 3 builds it for RandomRotation), with
 * cx = (W − 1)/2, cy = (H − 1)/2:
 *
 *     a0 = cos θ   a1 = −sin θ   a2 = cx − cx·a0 − cy·a1
 *     b0 = sin θ   b1 =  cos θ   b2 = cy − cx·b0 − cy·b1
 */
export function rotationTransform(degrees: number, height: number, width: number, into: Float32Array, at: number): void {
  const f = Math.fround;
  const theta = f(f(degrees) * f(Math.PI / 180));
  const cos = f(Math.cos(theta));
  const sin = f(Math.sin(theta));
  const cx = f(0.5 * (width - 1));
  const cy = f(0.5 * (height - 1));
  into[at] = cos;
  into[at + 1] = -sin;
  into[at + 2] = f(f(cx - f(cx * cos)) - f(cy * -sin));
  into[at + 3] = sin;
  into[at + 4] = cos;
  into[at + 5] = f(f(cy - f(cx * sin)) - f(cy * cos));
}

/**
 * Keras's zoom matrix about the image's center: the output reads a region
 * zx times as wide and zy times as tall (zoom > 1 zooms out), with the same
 * centre:
 *
 *     a0 = zx   a2 = (W − 1)/2 · (1 − zx)
 *     b1 = zy   b2 = (H − 1)/2 · (1 − zy)      (a1 = b0 = 0)
 */
export function zoomTransform(zoomHeight: number, zoomWidth: number, height: number, width: number, into: Float32Array, at: number): void {
  const f = Math.fround;
  into[at] = zoomWidth;
  into[at + 1] = 0;
  into[at + 2] = f(f((width - 1) / 2) * f(1 - zoomWidth));
  into[at + 3] = 0;
  into[at + 4] = zoomHeight;
  into[at + 5] = f(f((height - 1) / 2) * f(1 - zoomHeight));
}
