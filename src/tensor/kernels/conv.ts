/**
 * Convolution as a matrix product: the loops that turn images into patch
 * rows and back. With x [N, H, W, C] (channels last) and a window of
 * KH × KW positions:
 *
 *     im2col:  patches[(n·OH + oh)·OW + ow, (kh·KW + kw)·C + c] = x[n, ih, iw, c]
 *              where ih = oh·strideH − padTop + kh·dilationH
 *                    iw = ow·strideW − padLeft + kw·dilationW
 *              (0 where (ih, iw) falls in the padding)
 *
 *     col2im:  dx[n, ih, iw, c] += dPatches[same row, same column]   (the transpose of im2col)
 *
 * The column order (kh, kw, c) is the row-major order of Keras's kernel
 * [KH, KW, C, F], so that kernel, read as a [KH·KW·C, F] matrix, multiplies
 * the patches directly: y = patches · kernel (see ops/conv.ts).
 */

/** Where a sliding window goes over a batch of channels-last images: sizes, steps, padding. */
export interface WindowGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** Rows of zeros (or of nothing, for pooling) above the image; the rest of the padding is below. */
  padTop: number;
  /** Columns left of the image; the rest is on the right. */
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Fills `patches` [N·OH·OW, KH·KW·C] from `x` [N, H, W, C], zeros where the
 * window leaves the image; N = g.batch images from image `firstImage` of x
 * on (so a caller can walk a larger batch a few images at a time).
 */
export function im2col(x: Float32Array, g: WindowGeometry, patches: Float32Array, firstImage = 0): void {
  const { batch, inHeight: H, inWidth: W, channels: C, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const rowLength = KH * KW * C;
  let row = 0;
  for (let n = firstImage; n < firstImage + batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, row++) {
        let p = row * rowLength;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
          for (let kw = 0; kw < KW; kw++, p += C) {
            const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
              patches.fill(0, p, p + C);
              continue;
            }
            const from = ((n * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) patches[p + c] = x[from + c]!;
          }
        }
      }
    }
  }
}

/** dX [N, H, W, C] += the patch gradients `dPatches` [N·OH·OW, KH·KW·C], each added back where im2col read it. */
export function col2im(dPatches: Float32Array, g: WindowGeometry, dX: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const rowLength = KH * KW * C;
  let row = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, row++) {
        let p = row * rowLength;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
          for (let kw = 0; kw < KW; kw++, p += C) {
            const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            const to = ((n * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) dX[to + c]! += dPatches[p + c]!;
          }
        }
      }
    }
  }
}
