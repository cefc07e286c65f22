/**
 * Shifting each image of a channels-last batch x [N, H, W, C] by its own
 * (dy, dx) pixels, which need not be whole numbers:
 *
 *     y[n, i, j, c] = x[n, i − dy, j − dx, c]      read between pixels by interpolation
 *
 * 'bilinear' interpolation weighs the four pixels around a point by
 * closeness: with r = i − dy, r0 = ⌊r⌋, fr = r − r0 (and the same for
 * columns), the value is (1−fr)(1−fc)·x[r0, c0] + (1−fr)fc·x[r0, c0+1]
 * + fr(1−fc)·x[r0+1, c0] + fr·fc·x[r0+1, c0+1]; 'nearest' takes the pixel
 * at the rounded point. A pixel index that falls outside the image is
 * brought back in by the fill mode, as SciPy's and JAX's map_coordinates do:
 *
 *     reflect   d c b a | a b c d | d c b a     (the edge pixel repeats)
 *     mirror      d c b | a b c d | c b a       (it does not)
 *     wrap      a b c d | a b c d | a b c d
 *     nearest   a a a a | a b c d | d d d d
 *     constant  k k k k | a b c d | k k k k     (k = fillValue)
 *
 * Each output is a weighted sum of input values, so the backward pass adds
 * each output gradient, times the same weights, to the same pixels
 * (constant fill takes no gradient).
 */
import { gradBuffer, record } from '../autograd.js';
import { requireTensor, Tensor } from '../tensor.js';
import { ShapeError } from '../../errors.js';

export type FillMode = 'reflect' | 'mirror' | 'wrap' | 'nearest' | 'constant';
export type Interpolation = 'bilinear' | 'nearest';

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
 * Along one axis of `size` pixels shifted by `shift`: for each output
 * position, its (up to two) source pixels and their weights, as
 * [index0, weight0, index1, weight1] (index -1: the fill value).
 */
function axisTaps(size: number, shift: number, mode: FillMode, interpolation: Interpolation): Float64Array {
  const taps = new Float64Array(size * 4);
  for (let o = 0; o < size; o++) {
    const point = Math.fround(o - shift);
    if (interpolation === 'nearest') {
      // Round half away from zero, as JAX does.
      const nearest = Math.sign(point) * Math.round(Math.abs(point));
      taps.set([fillIndex(nearest, size, mode), 1, -1, 0], o * 4);
    } else {
      const lower = Math.floor(point);
      const upperWeight = Math.fround(point - lower);
      taps.set([fillIndex(lower, size, mode), Math.fround(1 - upperWeight), fillIndex(lower + 1, size, mode), upperWeight], o * 4);
    }
  }
  return taps;
}

/** Each image n shifted down by shifts[2n] and right by shifts[2n + 1] pixels. */
export function translateImages(x: Tensor, shifts: Float32Array, fillMode: FillMode, fillValue: number, interpolation: Interpolation): Tensor {
  requireTensor(x, 'translateImages');
  if (x.rank !== 4 || shifts.length !== 2 * x.shape[0]!) {
    throw new ShapeError(`translateImages: expects images [batch, height, width, channels] and a (dy, dx) pair per image. Received: shape=[${x.shape.join(', ')}], ${shifts.length} shift values`);
  }
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const rows = Array.from({ length: N }, (_, n) => axisTaps(H, shifts[2 * n]!, fillMode, interpolation));
  const cols = Array.from({ length: N }, (_, n) => axisTaps(W, shifts[2 * n + 1]!, fillMode, interpolation));
  const X = x.data;
  const Y = new Float32Array(x.size);
  /** Calls visit(outputIndex, inputIndex or -1, weight) for the four taps of every output value. */
  const eachTap = (visit: (out: number, from: number, weight: number) => void) => {
    for (let n = 0; n < N; n++) {
      const R = rows[n]!;
      const K = cols[n]!;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const out = ((n * H + i) * W + j) * C;
          for (let a = 0; a < 2; a++) {
            const r = R[i * 4 + 2 * a]!;
            const wr = R[i * 4 + 2 * a + 1]!;
            for (let b = 0; b < 2; b++) {
              const k = K[j * 4 + 2 * b]!;
              const weight = Math.fround(wr * K[j * 4 + 2 * b + 1]!);
              if (weight === 0) continue;
              const from = r < 0 || k < 0 ? -1 : ((n * H + r) * W + k) * C;
              visit(out, from, weight);
            }
          }
        }
      }
    }
  };
  eachTap((out, from, weight) => {
    for (let c = 0; c < C; c++) Y[out + c]! += weight * (from < 0 ? fillValue : X[from + c]!);
  });
  return record(new Tensor(Y, x.shape), 'translateImages', [x], (dY) => {
    const dX = gradBuffer(x);
    eachTap((out, from, weight) => {
      if (from < 0) return;
      for (let c = 0; c < C; c++) dX[from + c]! += weight * dY[out + c]!;
    });
  });
}
