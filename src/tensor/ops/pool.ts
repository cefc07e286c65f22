/**
 * 2-D max and average pooling of channels-last images x [N, H, W, C], each
 * channel on its own (the loops and their formulas: kernels/pool.ts):
 *
 *     maxPool2d:  y = max over each window       dx at the window's largest value += dy
 *     avgPool2d:  y = mean over each window      dx at each window position += dy / count
 *
 * Windows are poolSize [PH, PW] moved by strides [SH, SW], with padding
 * 'valid' or 'same' by the rules of window.ts; padded positions never count.
 */
import { gradBuffer, record } from '../autograd.js';
import { avgPool, avgPoolBackward, kernels } from '../kernels/index.js';
import { requireTensor, Tensor } from '../tensor.js';
import { windowGeometry, type Padding } from './window.js';

export interface Pool2dOptions {
  /** [height, width] of the window. */
  poolSize: readonly [number, number];
  /** [height, width] steps; the pool size by default (windows side by side). */
  strides?: readonly [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
}

function geometry(x: Tensor, options: Pool2dOptions, where: string) {
  requireTensor(x, where);
  return windowGeometry(x.shape, {
    kernel: options.poolSize,
    strides: options.strides ?? options.poolSize,
    dilation: [1, 1],
    padding: options.padding ?? 'valid',
  }, where);
}

/** The largest value of each window, per channel. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = geometry(x, options, 'maxPool2d');
  const Y = new Float32Array(g.batch * g.outHeight * g.outWidth * g.channels);
  const winners = new Int32Array(Y.length);
  kernels.maxPool(x.data, g, Y, winners);
  return record(new Tensor(Y, [g.batch, g.outHeight, g.outWidth, g.channels]), 'maxPool2d', [x], (dY) => {
    kernels.maxPoolBackward(dY, winners, gradBuffer(x));
  });
}

/** The mean of each window's positions inside the image, per channel. */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = geometry(x, options, 'avgPool2d');
  const Y = new Float32Array(g.batch * g.outHeight * g.outWidth * g.channels);
  avgPool(x.data, g, Y);
  return record(new Tensor(Y, [g.batch, g.outHeight, g.outWidth, g.channels]), 'avgPool2d', [x], (dY) => {
    avgPoolBackward(dY, g, gradBuffer(x));
  });
}
