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
 *
 * With dilation 1, one kernel row of a patch (KW·C values) is one run of x
 * when the window is inside the image left to right: it is copied in one
 * loop, the case of every 'valid' convolution (why: with a loop per kw and
 * per channel it ran at 2.4-6.2 ns a value on this project's machine, with
 * one run at 1.8-3.0; a plain JS copy loop runs at about 1.8 there).
 */
export function im2col(x: Float32Array, g: WindowGeometry, patches: Float32Array, firstImage = 0): void {
  const { batch, inHeight: H, inWidth: W, channels: C, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const run = KW * C; // one kernel row of a patch
  let p = 0;
  for (let n = firstImage; n < firstImage + batch; n++) {
    const image = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * SH - padTop;
      for (let ow = 0; ow < OW; ow++) {
        const left = ow * SW - padLeft;
        const oneRun = DW === 1 && left >= 0 && left + KW <= W;
        for (let kh = 0; kh < KH; kh++) {
          const ih = top + kh * DH;
          if (ih < 0 || ih >= H) {
            for (let i = 0; i < run; i++) patches[p++] = 0;
            continue;
          }
          const rowStart = image + ih * W * C;
          if (oneRun) {
            for (let from = rowStart + left * C, end = from + run; from < end; from++) patches[p++] = x[from]!;
            continue;
          }
          for (let kw = 0; kw < KW; kw++) {
            const iw = left + kw * DW;
            if (iw < 0 || iw >= W) {
              for (let c = 0; c < C; c++) patches[p++] = 0;
              continue;
            }
            for (let from = rowStart + iw * C, end = from + C; from < end; from++) patches[p++] = x[from]!;
          }
        }
      }
    }
  }
}

/**
 * dX [N, H, W, C] += the patch gradients `dPatches` [N·OH·OW, KH·KW·C], each
 * added back where im2col read it, in im2col's order (so each dX value sums
 * its terms in the same order whatever path is taken).
 */
export function col2im(dPatches: Float32Array, g: WindowGeometry, dX: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const run = KW * C;
  let p = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * SH - padTop;
      for (let ow = 0; ow < OW; ow++) {
        const left = ow * SW - padLeft;
        const oneRun = DW === 1 && left >= 0 && left + KW <= W;
        for (let kh = 0; kh < KH; kh++) {
          const ih = top + kh * DH;
          if (ih < 0 || ih >= H) {
            p += run;
            continue;
          }
          const rowStart = image + ih * W * C;
          if (oneRun) {
            for (let to = rowStart + left * C, end = to + run; to < end; to++) dX[to]! += dPatches[p++]!;
            continue;
          }
          for (let kw = 0; kw < KW; kw++) {
            const iw = left + kw * DW;
            if (iw < 0 || iw >= W) {
              p += C;
              continue;
            }
            for (let to = rowStart + iw * C, end = to + C; to < end; to++) dX[to]! += dPatches[p++]!;
          }
        }
      }
    }
  }
}
