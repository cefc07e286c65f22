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

/**
 * y [N, OH, OW, F] = patches(x) · kernel for a stride-1, undilated window
 * that lies inside the image everywhere ('valid'), without the patches: each
 * output's patch is read from x where im2col would have copied it from,
 * kernel row kh being the KW·C values of x from (oh + kh, ow) on. The same
 * sums in the same order as gemm on im2col's patches (float64, a zero of x
 * skipped), so the same bits, on images firstImage … of x. For predict's
 * first layers, whose patches (9 values an output for a 3×3 kernel on one
 * channel) cost more to write and read back than the product.
 */
export function convValid(x: Float32Array, g: WindowGeometry, kernel: Float32Array, F: number, y: Float32Array, firstImage = 0): void {
  const { batch, inHeight: H, inWidth: W, channels: C, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const run = KW * C;
  const acc = sumsOf(F);
  let out = 0;
  for (let n = firstImage; n < firstImage + batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, out += F) {
        acc.fill(0, 0, F);
        for (let kh = 0; kh < KH; kh++) {
          const from = ((n * H + oh + kh) * W + ow) * C;
          for (let t = 0; t < run; t++) {
            const a = x[from + t]!;
            if (a === 0) continue;
            for (let f = 0, w = (kh * run + t) * F; f < F; f++, w++) acc[f]! += a * kernel[w]!;
          }
        }
        for (let f = 0; f < F; f++) y[out + f] = acc[f]!;
      }
    }
  }
}

/** convValid's float64 sums for one output, kept between calls. */
let sums = new Float64Array(0);
function sumsOf(length: number): Float64Array {
  if (sums.length < length) sums = new Float64Array(length);
  return sums;
}

/** Whether convValid computes this window: stride 1, dilation 1, every window inside the image. */
export function convValidApplies(g: WindowGeometry): boolean {
  return g.strideHeight === 1 && g.strideWidth === 1 && g.dilationHeight === 1 && g.dilationWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight - g.kernelHeight + 1 && g.outWidth === g.inWidth - g.kernelWidth + 1;
}
