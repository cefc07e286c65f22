/**
 * 2-D pooling over channels-last images [N, H, W, C], each channel on its
 * own, with the window of a WindowGeometry (dilation 1):
 *
 *     max:  y[n, oh, ow, c] = max over the window of x[n, ih, iw, c]
 *           dx at the (first) largest position += dy
 *     avg:  y[n, oh, ow, c] = (1 / count) · Σ over the window of x[n, ih, iw, c]
 *           dx at every window position += dy / count
 *
 * Positions in the padding take no part: they are never the maximum, and
 * `count` is the number of window positions inside the image (TensorFlow's
 * rule for 'same' padding, which Keras follows), not KH·KW.
 */
import type { WindowGeometry } from './conv.js';

/**
 * y = max pooling of x; `winners[i]` gets the flat index in x of output i's
 * maximum (the first one on ties; NaN wins, as in argmax), for the backward
 * pass. Inference passes null: y alone.
 */
export function maxPool(x: Float32Array, g: WindowGeometry, y: Float32Array, winners: Int32Array | null): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, out += C) {
        // y holds the best value so far (so the loop reads no index back); the window's first position inside the image starts it.
        let first = true;
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          const ih = oh * g.strideHeight - g.padTop + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < g.kernelWidth; kw++) {
            const iw = ow * g.strideWidth - g.padLeft + kw;
            if (iw < 0 || iw >= W) continue;
            const from = ((n * H + ih) * W + iw) * C;
            if (first) {
              for (let c = 0; c < C; c++) {
                y[out + c] = x[from + c]!;
                if (winners) winners[out + c] = from + c;
              }
              first = false;
              continue;
            }
            for (let c = 0; c < C; c++) {
              const v = x[from + c]!;
              const best = y[out + c]!;
              // v !== v: v is NaN, which wins over any number (best === best), as in argmax.
              if (v > best || (v !== v && best === best)) {
                y[out + c] = v;
                if (winners) winners[out + c] = from + c;
              }
            }
          }
        }
      }
    }
  }
}

/** dX += dY routed to each output's winning input position, for the first `count` outputs (all by default). */
export function maxPoolBackward(dY: Float32Array, winners: Int32Array, dX: Float32Array, count = winners.length): void {
  for (let i = 0; i < count; i++) dX[winners[i]!]! += dY[i]!;
}

/** The inclusive-exclusive range of window offsets [k0, k1) that land inside an axis of `size`. */
function inside(start: number, kernel: number, size: number): [number, number] {
  return [Math.max(0, -start), Math.min(kernel, size - start)];
}

/** y = average pooling of x, each window averaged over its positions inside the image. */
export function avgPool(x: Float32Array, g: WindowGeometry, y: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * g.strideHeight - g.padTop;
      const [kh0, kh1] = inside(top, g.kernelHeight, H);
      for (let ow = 0; ow < OW; ow++, out += C) {
        const left = ow * g.strideWidth - g.padLeft;
        const [kw0, kw1] = inside(left, g.kernelWidth, W);
        for (let c = 0; c < C; c++) y[out + c] = 0;
        for (let kh = kh0; kh < kh1; kh++) {
          for (let kw = kw0; kw < kw1; kw++) {
            const from = ((n * H + top + kh) * W + left + kw) * C;
            for (let c = 0; c < C; c++) y[out + c]! += x[from + c]!;
          }
        }
        const scale = 1 / ((kh1 - kh0) * (kw1 - kw0));
        for (let c = 0; c < C; c++) y[out + c]! *= scale;
      }
    }
  }
}

/** dX += each dY spread evenly over its window's positions inside the image. */
export function avgPoolBackward(dY: Float32Array, g: WindowGeometry, dX: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * g.strideHeight - g.padTop;
      const [kh0, kh1] = inside(top, g.kernelHeight, H);
      for (let ow = 0; ow < OW; ow++, out += C) {
        const left = ow * g.strideWidth - g.padLeft;
        const [kw0, kw1] = inside(left, g.kernelWidth, W);
        const scale = 1 / ((kh1 - kh0) * (kw1 - kw0));
        for (let kh = kh0; kh < kh1; kh++) {
          for (let kw = kw0; kw < kw1; kw++) {
            const to = ((n * H + top + kh) * W + left + kw) * C;
            for (let c = 0; c < C; c++) dX[to + c]! += dY[out + c]! * scale;
          }
        }
      }
    }
  }
}
