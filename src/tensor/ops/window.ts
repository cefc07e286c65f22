/**
 * The size rules of a sliding window (convolution, pooling) along one axis
 * of `size` values, with a window of `kernel` taps `dilation` apart, moved
 * `stride` at a time. The window spans (kernel − 1)·dilation + 1 values:
 *
 *     'valid' (no padding):  out = ⌊(size − span) / stride⌋ + 1
 *     'same':                out = ⌈size / stride⌉, padded with
 *                            total = max((out − 1)·stride + span − size, 0)
 *                            before = ⌊total / 2⌋, after = total − before
 *
 * 'same' is TensorFlow's rule, which Keras follows: an odd total puts the
 * extra row or column at the bottom or right.
 */
import type { WindowGeometry } from '../kernels/index.js';
import { ShapeError } from '../../errors.js';

export type Padding = 'valid' | 'same';

/** A 2-D window: [height, width] pairs. */
export interface Window2D {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  dilation: readonly [number, number];
  padding: Padding;
}

/** The most values an image op makes in one array: 2³⁰ float32s (4 GiB, under every engine's typed-array limit). */
const MAX_VALUES = 2 ** 30;

/** Throws a ShapeError naming `where` when an array of `count` values (`what`) would be too large to make. */
export function checkValueCount(count: number, where: string, what: string): void {
  if (!(count <= MAX_VALUES)) {
    throw new ShapeError(
      `${where}: ${what} would hold ${count.toLocaleString('en-US')} values, more than one array can ` +
        `(${MAX_VALUES.toLocaleString('en-US')}). Use a smaller batch or smaller images.`,
    );
  }
}

/** The output length along one axis (may be ≤ 0 under 'valid' when the window is longer than the input). */
export function outputLength(size: number, kernel: number, stride: number, dilation: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(size / stride);
  const span = (kernel - 1) * dilation + 1;
  return Math.floor((size - span) / stride) + 1;
}

/** The padding placed before the first value along one axis ('same'; 0 under 'valid'). */
export function paddingBefore(size: number, kernel: number, stride: number, dilation: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  const span = (kernel - 1) * dilation + 1;
  const total = Math.max((outputLength(size, kernel, stride, dilation, padding) - 1) * stride + span - size, 0);
  return Math.floor(total / 2);
}

/**
 * The geometry of `window` over inputs of shape [N, H, W, C]; a ShapeError
 * naming `where` when the window does not fit in the input.
 */
export function windowGeometry(shape: readonly number[], window: Window2D, where: string): WindowGeometry {
  if (shape.length !== 4) {
    throw new ShapeError(`${where}: expects a batch of images of shape [batch, height, width, channels]. Received: shape=[${shape.join(', ')}]`);
  }
  const [batch, inHeight, inWidth, channels] = shape as [number, number, number, number];
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.strides;
  const [dh, dw] = window.dilation;
  const outHeight = outputLength(inHeight, kh, sh, dh, window.padding);
  const outWidth = outputLength(inWidth, kw, sw, dw, window.padding);
  if (outHeight <= 0 || outWidth <= 0) {
    throw new ShapeError(
      `${where}: a ${kh}×${kw} window${dh > 1 || dw > 1 ? ` dilated by ${dh}×${dw}` : ''} does not fit in ${inHeight}×${inWidth} ` +
        `inputs with padding 'valid', which would leave an output of ${outHeight}×${outWidth}. Use padding 'same' or larger inputs. ` +
        `Received: shape=[${shape.join(', ')}]`,
    );
  }
  return {
    batch, inHeight, inWidth, channels,
    kernelHeight: kh, kernelWidth: kw,
    strideHeight: sh, strideWidth: sw,
    dilationHeight: dh, dilationWidth: dw,
    padTop: paddingBefore(inHeight, kh, sh, dh, window.padding),
    padLeft: paddingBefore(inWidth, kw, sw, dw, window.padding),
    outHeight, outWidth,
  };
}
