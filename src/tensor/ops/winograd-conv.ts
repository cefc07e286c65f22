/**
 * A 3×3 convolution with stride 1 by Winograd's F(4×4, 3×3) (the formulas:
 * ../kernels/winograd.ts), instead of the im2col product: the input
 * transform, 36 matrix products, the output transform.
 *
 *     V = winogradInput(x)                     [36, T, C]
 *     M[p] = V[p] · U[p]          p < 36       [T, C]·[C, F] → [T, F]     (gemm NN)
 *     y = winogradOutput(M)                    [N, OH, OW, F]
 *
 * with U = winogradKernel(kernel) [36, C, F], made by `setKernel` each time
 * the kernel changes. Backward, every step comes back transposed:
 *
 *     dx: the same convolution of dy, padded by 2 − pad, with the kernel
 *         turned by 180° and its channels and filters swapped
 *         (`inputGradientWindow`, `setKernel(kernel, true)`)
 *     dW: E = winogradGradientTiles(dy)        [36, T, F]     (A dy Aᵀ per tile)
 *         Q[p] = V[p]ᵀ · E[p]                  [C, F]         (gemm TN over every tile)
 *         dW = winogradKernelGradient(Q)       [3, 3, C, F]   (Gᵀ Q G)
 *
 * Everything is made once in the constructors (the buffers as views of the
 * space they are given, the 36 product arguments as views of them); a run
 * changes only row counts, so a training step allocates nothing.
 */
import { kernels, winogradTiles, type GemmArgs, type WindowGeometry } from '../kernels/index.js';

/**
 * The tiles per position to make room for when `tiles` are to be held: one
 * more when `tiles` is even. Why: the 36 positions of a tile are read (or
 * written) together, and with capacity·width·4 bytes a multiple of 4096 they
 * all fall in the same few cache sets and evict each other (the CNN
 * tutorial's 288 tiles of 64 filters: 73,728 bytes apart); an odd capacity
 * spreads them over the sets (the output transform there: 0.72 → 0.37 ms).
 */
export function slabTiles(tiles: number): number {
  return tiles % 2 === 0 ? tiles + 1 : tiles;
}

/** Tiles transformed for the products (V, or E): [36, capacity, width], from a first tile on. */
export interface TileValues {
  readonly values: Float32Array;
  /** Tiles per position p: the distance from V[p] to V[p + 1] is capacity·width. */
  readonly capacity: number;
}

export class WinogradConv {
  /** Images one run takes at most. */
  readonly capacity: number;
  /** V: its own, or the training step's tiles of the whole batch (kept for dW). */
  readonly inputs: TileValues;
  private readonly window: WindowGeometry;
  private readonly tilesPerImage: number;
  private readonly U: Float32Array;
  private readonly M: Float32Array;
  private readonly products: GemmArgs[];

  /**
   * `window`: the convolution's geometry, its batch the most images a run
   * takes; `filters`: F; `space`: where U, M (and V unless `inputs` says
   * where it goes) are made, `WinogradConv.space(…)` values or more.
   */
  constructor(window: WindowGeometry, readonly filters: number, space: Float32Array, inputs?: TileValues) {
    this.window = { ...window };
    this.capacity = window.batch;
    this.tilesPerImage = winogradTiles(window).perImage;
    const C = window.channels, F = filters, T = slabTiles(this.capacity * this.tilesPerImage);
    const needs = WinogradConv.space(window, filters, inputs === undefined);
    if (space.length < needs) throw new RangeError(`WinogradConv: the space holds ${space.length} values, fewer than the ${needs} it needs`);
    let used = 0;
    const take = (length: number): Float32Array => space.subarray(used, (used += length));
    this.U = take(36 * C * F);
    this.M = take(36 * T * F);
    this.inputs = inputs ?? { values: take(36 * T * C), capacity: T };
    const { values: V, capacity } = this.inputs;
    this.products = Array.from({ length: 36 }, (_, p) => ({
      transposeA: false, transposeB: false, m: 0, n: F, k: C,
      a: V.subarray(p * capacity * C),
      b: this.U.subarray(p * C * F, (p + 1) * C * F),
      c: this.M.subarray(p * T * F, (p + 1) * T * F),
      accumulate: false,
    }));
  }

  /** The values U and M (and V when `ownInputs`) take for `window` (its batch the most images a run takes) and `filters`. */
  static space(window: WindowGeometry, filters: number, ownInputs = true): number {
    const tiles = slabTiles(window.batch * winogradTiles(window).perImage);
    return 36 * (window.channels * filters + tiles * filters + (ownInputs ? tiles * window.channels : 0));
  }

  /** U from the kernel [3, 3, C, F] (its 180° turn with channels and filters swapped when `flipped`, the input gradient's). */
  setKernel(kernel: Float32Array, flipped = false): void {
    const { channels: C } = this.window, F = this.filters;
    kernels.winogradKernel(kernel, flipped ? F : C, flipped ? C : F, this.U, flipped);
  }

  /** y (images 0 … images − 1 of it) = the convolution of images firstImage … of x; `accumulate` adds to y. */
  run(x: Float32Array, firstImage: number, images: number, y: Float32Array, accumulate = false): void {
    const window = this.window;
    window.batch = images;
    kernels.winogradInput(x, window, this.inputs.values, this.inputs.capacity, firstImage);
    for (const product of this.products) {
      product.m = images * this.tilesPerImage;
      kernels.gemm(product);
    }
    kernels.winogradOutput(this.M, window, this.filters, slabTiles(this.capacity * this.tilesPerImage), y, accumulate);
  }
}

/**
 * dW of a Winograd convolution for input channels c0 … c1 − 1 (a thread's
 * share), from the forward pass's V and the output gradient's E, both of
 * every tile of the batch: Q[p] = V[p]ᵀ · E[p] over the tiles in order (so
 * how threads split the channels never changes a bit), then dW = Gᵀ Q G.
 */
export class WinogradKernelGradient {
  private readonly products: GemmArgs[];
  private readonly tilesPerImage: number;

  /** `Q`: 36·C·F values of scratch, shared by the threads (each writes its channels' rows). */
  constructor(
    private readonly window: WindowGeometry,
    private readonly filters: number,
    inputs: TileValues,
    gradients: TileValues,
    private readonly Q: Float32Array,
    private readonly c0 = 0,
    private readonly c1 = window.channels,
  ) {
    const C = window.channels, F = filters;
    this.tilesPerImage = winogradTiles(window).perImage;
    this.products = Array.from({ length: 36 }, (_, p) => ({
      transposeA: true, transposeB: false, m: c1 - c0, n: F, k: 0,
      a: inputs.values.subarray(p * inputs.capacity * C + c0), lda: C,
      b: gradients.values.subarray(p * gradients.capacity * F),
      c: Q.subarray((p * C + c0) * F),
      accumulate: false,
    }));
  }

  /** dW's rows of channels c0 … c1 − 1 (written, not added) from the first `images` images' tiles. */
  run(images: number, dW: Float32Array): void {
    if (this.c1 <= this.c0) return;
    for (const product of this.products) {
      product.k = images * this.tilesPerImage;
      kernels.gemm(product);
    }
    kernels.winogradKernelGradient(this.Q, this.window.channels, this.filters, dW, this.c0, this.c1);
  }
}

/**
 * The window of a 3×3, stride-1 convolution's input gradient, seen as a
 * convolution of dy [N, OH, OW, F] giving dx [N, H, W, C]: the same taps
 * read backwards, so the padding before becomes 2 − padTop (and 2 − padLeft).
 */
export function inputGradientWindow(g: WindowGeometry, filters: number): WindowGeometry {
  return {
    ...g,
    inHeight: g.outHeight, inWidth: g.outWidth, channels: filters,
    padTop: 2 - g.padTop, padLeft: 2 - g.padLeft,
    outHeight: g.inHeight, outWidth: g.inWidth,
  };
}
