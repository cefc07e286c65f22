/**
 * Winograd's minimal filtering F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms
 * for Convolutional Neural Networks", 2015): a 3×3 convolution with stride 1
 * and dilation 1 computed 4×4 outputs at a time, with 36 multiplications per
 * tile and channel pair instead of 16·9 = 144.
 *
 * For one channel pair, one 6×6 input tile d and the 3×3 kernel g:
 *
 *     Y (4×4) = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
 *
 *          ⎡ 4  0 −5  0  1  0 ⎤         ⎡  1/4    0     0  ⎤
 *          ⎢ 0 −4 −4  1  1  0 ⎥         ⎢ −1/6 −1/6  −1/6 ⎥        ⎡ 1  1  1  1  1  0 ⎤
 *     Bᵀ = ⎢ 0  4 −4 −1  1  0 ⎥    G =  ⎢ −1/6  1/6  −1/6 ⎥   Aᵀ = ⎢ 0  1 −1  2 −2  0 ⎥
 *          ⎢ 0 −2 −1  2  1  0 ⎥         ⎢ 1/24 1/12  1/6  ⎥        ⎢ 0  1  1  4  4  0 ⎥
 *          ⎢ 0  2 −1 −2  1  0 ⎥         ⎢ 1/24 −1/12 1/6  ⎥        ⎣ 0  1 −1  8 −8  1 ⎦
 *          ⎣ 0  4  0 −5  0  1 ⎦         ⎣   0    0     1  ⎦
 *
 * (the polynomial points 0, ±1, ±2 and ∞). Summed over input channels c,
 * the ⊙ becomes, for each of the 36 positions p of a tile, one matrix product:
 *
 *     U[p] [C, F]  = (G g Gᵀ)[p]  for every kernel slice g = kernel[:, :, c, f]    (once per kernel)
 *     V[p] [T, C]  = (Bᵀ d B)[p]  for every tile t and channel c                   (the input transform)
 *     M[p] [T, F]  = V[p] · U[p]                                                    (36 gemms)
 *     y            = Aᵀ M A       for every tile and filter                          (the output transform)
 *
 * so the work of the im2col product (OH·OW·9·C·F multiply-adds per image)
 * becomes ⌈OH/4⌉·⌈OW/4⌉·36·C·F, 4× fewer for large images, 3.4× for the
 * tutorial's 11×11 outputs; the transforms are O(T·36·C) and O(T·36·F).
 * Tiles that run over the image read zeros and drop the outputs that fall
 * outside, so any padding and any output size work.
 *
 * Each 1-D transform below is one matrix of the header applied to a column
 * or row, written out with its shared sums. The kernels here are the JS
 * tier's (float64 arithmetic, float32 storage); simd/winograd-kernels.ts
 * does the same operations in float32 lanes, four channels at a time.
 *
 * Layouts (channels last everywhere, p = 6ξ + ν the position in a tile):
 *     kernel [3, 3, C, F]    U [36, C, F]
 *     x [N, H, W, C]         V [36, tileCapacity, C]    tile t = (image, tile row, tile column), row-major
 *     M [36, tileCapacity, F]                            y [N, OH, OW, F]
 */
import type { WindowGeometry } from './conv.js';

/**
 * The three matrices of the header, as numbers: a test checks the 1-D
 * functions below, written out with their shared sums, against them; the
 * SIMD tier's transforms, written with the same sums, are tested against
 * these functions.
 */
export const WINOGRAD_BT: readonly (readonly number[])[] = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];
export const WINOGRAD_G: readonly (readonly number[])[] = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];
export const WINOGRAD_AT: readonly (readonly number[])[] = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 0],
  [0, 1, 1, 4, 4, 0],
  [0, 1, -1, 8, -8, 1],
];

/** Tiles along each axis of one image, and in all. */
export function winogradTiles(g: WindowGeometry): { down: number; across: number; perImage: number } {
  const down = Math.ceil(g.outHeight / 4);
  const across = Math.ceil(g.outWidth / 4);
  return { down, across, perImage: down * across };
}

/** The fewest input channels and filters worth the transforms: below it the 36 products are too thin. */
export const WINOGRAD_MIN_CHANNELS = 16;

/**
 * Whether a convolution takes the Winograd path: a 3×3 kernel, stride 1,
 * dilation 1, channel counts (inputs and filters) that are multiples of 4
 * (the SIMD tier's lanes) and at least WINOGRAD_MIN_CHANNELS, and images
 * large enough that both its products do at most 2/3 of the im2col
 * product's multiply-adds (9·OH·OW per channel pair): the forward pass's
 * 36·⌈OH/4⌉·⌈OW/4⌉, and the input gradient's 36·⌈H/4⌉·⌈W/4⌉ (its tiles
 * cover the input). The tutorial's third layer (5×5 → 3×3) fails the
 * second: its dx would take 144 where im2col takes 81, and measured slower
 * on both tiers. One rule for every tier and executor, so that autograd and
 * the fused executor agree.
 */
export function winogradApplies(g: WindowGeometry, filters: number): boolean {
  const direct = 9 * g.outHeight * g.outWidth;
  const tiles = (height: number, width: number): number => 36 * Math.ceil(height / 4) * Math.ceil(width / 4);
  return g.kernelHeight === 3 && g.kernelWidth === 3 &&
    g.strideHeight === 1 && g.strideWidth === 1 &&
    g.dilationHeight === 1 && g.dilationWidth === 1 &&
    g.channels % 4 === 0 && filters % 4 === 0 &&
    g.channels >= WINOGRAD_MIN_CHANNELS && filters >= WINOGRAD_MIN_CHANNELS &&
    3 * tiles(g.outHeight, g.outWidth) <= 2 * direct && 3 * tiles(g.inHeight, g.inWidth) <= 2 * direct;
}

/** Bᵀ applied to six values (one column or row of a tile), written at `to` + i·step. */
export function inputTransform1d(
  d0: number, d1: number, d2: number, d3: number, d4: number, d5: number,
  to: Float64Array | Float32Array, at: number, step: number,
): void {
  const d42 = d4 - d2;
  to[at] = d42 + 4 * (d0 - d2); //               4d0 − 5d2 + d4
  to[at + step] = d3 + d4 - 4 * (d1 + d2); //    −4d1 − 4d2 + d3 + d4
  to[at + 2 * step] = d4 - d3 + 4 * (d1 - d2); // 4d1 − 4d2 − d3 + d4
  to[at + 3 * step] = d42 + 2 * (d3 - d1); //    −2d1 − d2 + 2d3 + d4
  to[at + 4 * step] = d42 - 2 * (d3 - d1); //    2d1 − d2 − 2d3 + d4
  to[at + 5 * step] = d5 - d3 + 4 * (d1 - d3); // 4d1 − 5d3 + d5
}

/** Aᵀ applied to six values, the four results written at `to` + i·step. */
export function outputTransform1d(
  m0: number, m1: number, m2: number, m3: number, m4: number, m5: number,
  to: Float64Array, at: number, step: number,
): void {
  const s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;
  to[at] = m0 + s12 + s34;
  to[at + step] = d12 + 2 * d34;
  to[at + 2 * step] = s12 + 4 * s34;
  to[at + 3 * step] = d12 + 8 * d34 + m5;
}

/** G applied to three values, the six results written at `to` + i·step. */
export function kernelTransform1d(g0: number, g1: number, g2: number, to: Float64Array | Float32Array, at: number, step: number): void {
  const even = g0 + g2, outer = g0 / 24 + g2 / 6;
  to[at] = g0 / 4;
  to[at + step] = -(even + g1) / 6;
  to[at + 2 * step] = -(even - g1) / 6;
  to[at + 3 * step] = outer + g1 / 12;
  to[at + 4 * step] = outer - g1 / 12;
  to[at + 5 * step] = g2;
}

/** A (Aᵀ's transpose) applied to four values, the six results written at `to` + i·step: the backward of outputTransform1d. */
export function outputTransposed1d(y0: number, y1: number, y2: number, y3: number, to: Float64Array | Float32Array, at: number, step: number): void {
  const s02 = y0 + y2, s13 = y1 + y3, even = y0 + 4 * y2, odd = 2 * y1 + 8 * y3;
  to[at] = y0;
  to[at + step] = s02 + s13;
  to[at + 2 * step] = s02 - s13;
  to[at + 3 * step] = even + odd;
  to[at + 4 * step] = even - odd;
  to[at + 5 * step] = y3;
}

/** Gᵀ applied to six values, the three results written at `to` + i·step: the backward of kernelTransform1d. */
export function kernelTransposed1d(
  q0: number, q1: number, q2: number, q3: number, q4: number, q5: number,
  to: Float64Array | Float32Array, at: number, step: number,
): void {
  const s12 = q1 + q2, s34 = q3 + q4;
  to[at] = q0 / 4 - s12 / 6 + s34 / 24;
  to[at + step] = (q2 - q1) / 6 + (q3 - q4) / 12;
  to[at + 2 * step] = (s34 - s12) / 6 + q5;
}

/** 6×6 (or 6×3) values between the two passes of a transform. */
const between = new Float64Array(36);

/**
 * U [36, C, F] = G g Gᵀ for every slice g = kernel[:, :, c, f] of a 3×3
 * kernel [3, 3, C, F]. With `flipped`, the kernel of the input gradient
 * instead: g'[i][j] = kernel[2 − i][2 − j][c][f] taken as channel f, filter c
 * (U [36, F, C]), the 180° turn that makes dx a convolution of dy.
 */
export function winogradKernel(kernel: Float32Array, C: number, F: number, U: Float32Array, flipped = false): void {
  const tap = C * F; // kernel[i][j] starts at (3i + j)·tap
  const g = between;
  for (let c = 0; c < C; c++) {
    for (let f = 0; f < F; f++) {
      // Gg: G on each of the three columns j of the slice (turned when flipped) → g[6·i + j].
      for (let j = 0; j < 3; j++) {
        const first = (flipped ? 8 - j : j) * tap + c * F + f; // tap (0, j), or (2, 2 − j)
        const down = flipped ? -3 * tap : 3 * tap; //               the next row's tap
        kernelTransform1d(kernel[first]!, kernel[first + down]!, kernel[first + 2 * down]!, g, j, 6);
      }
      // (Gg)Gᵀ: G on each of the six rows → U[6i + k] at row c, column f (row f, column c when flipped).
      const out = flipped ? f * C + c : c * F + f;
      for (let i = 0; i < 6; i++) kernelTransform1d(g[6 * i]!, g[6 * i + 1]!, g[6 * i + 2]!, U, 6 * i * tap + out, tap);
    }
  }
}

/**
 * V [36, capacity, C]: Bᵀ d B for every 6×6 input tile d of images
 * firstImage … firstImage + g.batch − 1 of x and every channel, the tile of
 * outputs (4i, 4j) reading inputs from (4i − padTop, 4j − padLeft), zeros
 * outside the image. `capacity` is V's tiles per position (≥ the batch's).
 */
export function winogradInput(x: Float32Array, g: WindowGeometry, V: Float32Array, capacity: number, firstImage = 0): void {
  const { batch, inHeight: H, inWidth: W, channels: C, padTop, padLeft } = g;
  const { down, across } = winogradTiles(g);
  const slab = capacity * C;
  const tile = scratchOf(36 * C);
  const d = betweenOf(36 * C);
  const row = 6 * C; // from one row of the tile to the next
  let t = 0;
  for (let n = firstImage; n < firstImage + batch; n++) {
    for (let ti = 0; ti < down; ti++) {
      for (let tj = 0; tj < across; tj++, t++) {
        // The 6×6 inputs of the tile, C values each, zeros outside the image → tile[(6i + j)·C + c].
        const top = 4 * ti - padTop, left = 4 * tj - padLeft;
        for (let i = 0, to = 0; i < 6; i++) {
          const ih = top + i;
          for (let j = 0; j < 6; j++, to += C) {
            const iw = left + j;
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            const from = ((n * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) tile[to + c] = inside ? x[from + c]! : 0;
          }
        }
        // Bᵀ d: Bᵀ on each of the six columns j, channel by channel → d[(6k + j)·C + c].
        for (let j = 0; j < 6; j++) {
          for (let c = 0, at = j * C; c < C; c++, at++) {
            inputTransform1d(tile[at]!, tile[at + row]!, tile[at + 2 * row]!, tile[at + 3 * row]!, tile[at + 4 * row]!, tile[at + 5 * row]!, d, at, row);
          }
        }
        // (Bᵀ d)B: Bᵀ on each of the six rows k → V[6k + l] at row t.
        for (let k = 0; k < 6; k++) {
          for (let c = 0, at = k * row, out = 6 * k * slab + t * C; c < C; c++, at++, out++) {
            inputTransform1d(d[at]!, d[at + C]!, d[at + 2 * C]!, d[at + 3 * C]!, d[at + 4 * C]!, d[at + 5 * C]!, V, out, slab);
          }
        }
      }
    }
  }
}

/** A tile's inputs, and its values between the two passes of a transform: kept between calls, grown when a call needs more. */
let tileScratch = new Float32Array(0);
let betweenScratch = new Float64Array(0);
function scratchOf(length: number): Float32Array {
  if (tileScratch.length < length) tileScratch = new Float32Array(length);
  return tileScratch;
}
function betweenOf(length: number): Float64Array {
  if (betweenScratch.length < length) betweenScratch = new Float64Array(length);
  return betweenScratch;
}

/**
 * y [N, OH, OW, F] = Aᵀ M A for every tile of the batch's g.batch images and
 * every filter, the outputs past OH or OW dropped; `accumulate` adds to y.
 * `capacity` is M's tiles per position.
 */
export function winogradOutput(M: Float32Array, g: WindowGeometry, F: number, capacity: number, y: Float32Array, accumulate: boolean): void {
  const { batch, outHeight: OH, outWidth: OW } = g;
  const { down, across } = winogradTiles(g);
  const slab = capacity * F;
  const m = betweenOf(28 * F);
  let t = 0;
  for (let n = 0; n < batch; n++) {
    for (let ti = 0; ti < down; ti++) {
      for (let tj = 0; tj < across; tj++, t++) {
        const rows = Math.min(4, OH - 4 * ti), cols = Math.min(4, OW - 4 * tj);
        // Aᵀ M: Aᵀ on each of the six columns j, filter by filter → m[(6r + j)·F + f], r < 4.
        for (let j = 0; j < 6; j++) {
          for (let f = 0, at = j * slab + t * F, to = j * F; f < F; f++, at++, to++) {
            outputTransform1d(M[at]!, M[at + 6 * slab]!, M[at + 12 * slab]!, M[at + 18 * slab]!, M[at + 24 * slab]!, M[at + 30 * slab]!, m, to, 6 * F);
          }
        }
        // (Aᵀ M)A: Aᵀ on each of the four rows r → m[24F + s·F + f], then y[r][s] inside the output only.
        for (let r = 0; r < rows; r++) {
          for (let f = 0, at = 6 * r * F; f < F; f++, at++) {
            outputTransform1d(m[at]!, m[at + F]!, m[at + 2 * F]!, m[at + 3 * F]!, m[at + 4 * F]!, m[at + 5 * F]!, m, 24 * F + f, F);
          }
          const to = ((n * OH + 4 * ti + r) * OW + 4 * tj) * F;
          for (let i = 0, end = cols * F; i < end; i++) y[to + i] = accumulate ? y[to + i]! + m[24 * F + i]! : m[24 * F + i]!;
        }
      }
    }
  }
}

/**
 * The backward of the output transform, for the kernel's gradient:
 * E [36, capacity, F] = A dy Aᵀ for every 4×4 tile dy of images
 * firstImage … of the output gradient dY [N, OH, OW, F] (zeros past OH
 * and OW). With the forward's V, the kernel's gradient is then, per
 * position p, Q[p] = V[p]ᵀ · E[p] (a gemm TN over all tiles) and
 * dW = Gᵀ Q G (winogradKernelGradient): by the chain rule, each transform
 * of the forward pass comes back transposed.
 */
export function winogradGradientTiles(dY: Float32Array, g: WindowGeometry, F: number, E: Float32Array, capacity: number, firstImage = 0): void {
  const { batch, outHeight: OH, outWidth: OW } = g;
  const { down, across } = winogradTiles(g);
  const slab = capacity * F;
  const e = betweenOf(24 * F);
  let t = 0;
  for (let n = firstImage; n < firstImage + batch; n++) {
    for (let ti = 0; ti < down; ti++) {
      for (let tj = 0; tj < across; tj++, t++) {
        const rows = Math.min(4, OH - 4 * ti), cols = Math.min(4, OW - 4 * tj);
        // A on each row r of the tile (zeros past OW) → e[(6r + l)·F + f]; rows past OH are zeros.
        for (let r = 0; r < 4; r++) {
          const first = ((n * OH + 4 * ti + r) * OW + 4 * tj) * F;
          for (let f = 0, to = 6 * r * F; f < F; f++, to++) {
            const at = first + f;
            const inside = r < rows;
            outputTransposed1d(
              inside ? dY[at]! : 0, inside && cols > 1 ? dY[at + F]! : 0,
              inside && cols > 2 ? dY[at + 2 * F]! : 0, inside && cols > 3 ? dY[at + 3 * F]! : 0,
              e, to, F,
            );
          }
        }
        // A on each of the six columns l → E[6k + l] at row t.
        for (let l = 0; l < 6; l++) {
          for (let f = 0, at = l * F, out = l * slab + t * F; f < F; f++, at++, out++) {
            outputTransposed1d(e[at]!, e[at + 6 * F]!, e[at + 12 * F]!, e[at + 18 * F]!, E, out, 6 * slab);
          }
        }
      }
    }
  }
}

/**
 * dW [3, 3, C, F] = Gᵀ Q G for input channels c0 … c1 − 1 and every filter,
 * from Q [36, C, F] (Σ over tiles of V[p]ᵀ · E[p]): the backward of
 * winogradKernel. Writes dW (its other channels untouched).
 */
export function winogradKernelGradient(Q: Float32Array, C: number, F: number, dW: Float32Array, c0 = 0, c1 = C): void {
  const tap = C * F;
  const q = between;
  for (let c = c0; c < c1; c++) {
    for (let f = 0; f < F; f++) {
      const from = c * F + f;
      // Gᵀ on each of the six columns l (positions 6k + l, k < 6) → q[6·i + l], i < 3.
      for (let l = 0; l < 6; l++) {
        const at = l * tap + from;
        kernelTransposed1d(Q[at]!, Q[at + 6 * tap]!, Q[at + 12 * tap]!, Q[at + 18 * tap]!, Q[at + 24 * tap]!, Q[at + 30 * tap]!, q, l, 6);
      }
      // Gᵀ on each of the three rows i → dW[i][j].
      for (let i = 0; i < 3; i++) {
        kernelTransposed1d(q[6 * i]!, q[6 * i + 1]!, q[6 * i + 2]!, q[6 * i + 3]!, q[6 * i + 4]!, q[6 * i + 5]!, dW, 3 * i * tap + from, tap);
      }
    }
  }
}
