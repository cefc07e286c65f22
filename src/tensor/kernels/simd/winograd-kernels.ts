/**
 * The transforms of Winograd's F(4×4, 3×3) (../winograd.ts) in WebAssembly
 * SIMD, four channels at a time (channels are the contiguous axis of every
 * layout). Each is one two-sided matrix product per tile and channel,
 *
 *     out = L · in · Rᵀ          in: b×d values, out: a×c values
 *
 *     winogradInput          V = Bᵀ d B        L = R = Bᵀ   (6×6)    d: a 6×6 input tile, zeros outside the image
 *     winogradOutput         y = Aᵀ m A        L = R = Aᵀ   (4×6)    stores only the outputs inside the image
 *     winogradGradientTiles  E = A dy Aᵀ       L = R = A    (6×4)    dy: a 4×4 tile of the output gradient
 *     winogradKernel         U = G g Gᵀ        L = R = G    (6×3)
 *     winogradKernelGradient dW = Gᵀ Q G       L = R = Gᵀ   (3×6)
 *
 * emitted from the matrices themselves (WINOGRAD_BT, WINOGRAD_G,
 * WINOGRAD_AT): every in value is loaded into a local, each row of L·in is
 * a sum of its nonzero terms (±1 as an add or subtract, any other
 * coefficient as a multiply), and each value of (L·in)·Rᵀ the same. The
 * arithmetic is float32, in that fixed order: the JS kernels (float64,
 * with shared sums) round differently, so a tier's autograd and fused
 * executor agree with each other, not with the other tier.
 *
 * Every pointer is a byte offset into the memory; `slabBytes` is the
 * distance between two positions p of V, M or E (capacity · width · 4).
 */
import { WINOGRAD_AT, WINOGRAD_BT, WINOGRAD_G } from '../winograd.js';
import { Code, I32, V128, type FunctionDefinition, type Local } from './wasm-emitter.js';

type Matrix = readonly (readonly number[])[];

const transpose = (m: Matrix): Matrix => m[0]!.map((_, j) => m.map((row) => row[j]!));
const A = transpose(WINOGRAD_AT);
const GT = transpose(WINOGRAD_G);

export function winogradFunctions(): FunctionDefinition[] {
  return [
    { name: 'winogradInput', results: [], code: tileTransform('input') },
    { name: 'winogradOutput', results: [], code: tileTransform('output') },
    { name: 'winogradGradientTiles', results: [], code: tileTransform('gradient') },
    { name: 'winogradKernel', results: [], code: kernelTransform() },
    { name: 'winogradKernelGradient', results: [], code: kernelGradient() },
  ];
}

/** A function of `count` i32 parameters, as locals. */
function i32Params(count: number): { code: Code; p: Local[] } {
  const code = new Code(Array.from({ length: count }, () => I32));
  return { code, p: Array.from({ length: count }, (_, i) => code.param(i)) };
}

/** Pushes Σ coefficients[i] · values[i] (a vector), the zero coefficients skipped, in index order. */
function linearCombination(code: Code, coefficients: readonly number[], values: readonly Local[]): void {
  let first = true;
  coefficients.forEach((coefficient, i) => {
    if (coefficient === 0) return;
    const magnitude = Math.abs(coefficient);
    code.get(values[i]!);
    if (magnitude !== 1) code.f32x4Const(magnitude).f32x4Mul();
    if (first) {
      if (coefficient < 0) code.f32x4Neg();
      first = false;
    } else if (coefficient < 0) code.f32x4Sub();
    else code.f32x4Add();
  });
  if (first) code.f32x4Const(0);
}

/**
 * out = L · in · Rᵀ on vectors: `input` (b×d locals, filled), then
 * `store(k, l)` called with out[k][l] on the stack, for k < rows of L, l < rows of R.
 */
function transform2d(code: Code, L: Matrix, R: Matrix, input: Local[][], store: (k: number, l: number) => void): void {
  const d = input[0]!.length;
  // temp = L · in: row k of it is Σ_i L[k][i] · in[i], column by column.
  const temp = L.map((row) =>
    Array.from({ length: d }, (_, j) => {
      const local = code.local(V128);
      linearCombination(code, row, input.map((inRow) => inRow[j]!));
      code.set(local);
      return local;
    }),
  );
  // out[k][l] = Σ_j temp[k][j] · R[l][j].
  temp.forEach((tempRow, k) => R.forEach((rRow, l) => {
    linearCombination(code, rRow, tempRow);
    store(k, l);
  }));
}

/**
 * The three per-tile transforms. Parameters (all i32):
 *
 *     input     (pX, pV, firstImage, batch, H, W, C, padTop, padLeft, OH, OW, slabBytes)
 *     output    (pM, pY, batch, OH, OW, F, slabBytes, accumulate)
 *     gradient  (pDY, pE, firstImage, batch, OH, OW, F, slabBytes)
 *
 * Tiles are taken image by image, row by row (tile t), and within a tile
 * four channels at a time. A tile's reads outside its image (input: the
 * padding and past the edge; gradient: past OH or OW) load from a valid
 * address and are masked to zero, the same masks for every channel.
 */
function tileTransform(kind: 'input' | 'output' | 'gradient'): Code {
  const { code, p } = i32Params(kind === 'input' ? 12 : 8);
  const [pFrom, pTo] = p as [Local, Local];
  let firstImage: Local | null, batch: Local, H: Local, W: Local, C: Local, padTop: Local | null, padLeft: Local | null;
  let OH: Local, OW: Local, slabBytes: Local, accumulate: Local | null = null;
  if (kind === 'input') {
    [, , firstImage, batch, H, W, C, padTop, padLeft, OH, OW, slabBytes] = p as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  } else if (kind === 'output') {
    [, , batch, OH, OW, C, slabBytes, accumulate] = p as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local];
    firstImage = null; H = OH; W = OW; padTop = null; padLeft = null;
  } else {
    [, , firstImage, batch, OH, OW, C, slabBytes] = p as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local];
    H = OH; W = OW; padTop = null; padLeft = null;
  }
  // The tile's side in values read (in) and its matrices.
  const side = kind === 'gradient' ? 4 : 6;
  const [L, R] = kind === 'input' ? [WINOGRAD_BT, WINOGRAD_BT] : kind === 'output' ? [WINOGRAD_AT, WINOGRAD_AT] : [A, A];
  const [n, nEnd, ti, tj, down, across, top, left, c, cBytes, slabT, at, tileAt, rowLimit, colLimit, inside] = code.locals(I32, 16);
  const slabOffsets = code.locals(I32, 36); // p · slabBytes
  const rowBases = code.locals(I32, side); // image n's row top + i, or image 0's row 0 outside
  const columnOffsets = code.locals(I32, side); // (left + j) · C · 4, or 0 outside
  const rowMasks = code.locals(V128, side); // all ones inside, zeros outside
  const columnMasks = code.locals(V128, side);
  const masks = Array.from({ length: side }, () => code.locals(V128, side));
  const input = Array.from({ length: side }, () => code.locals(V128, side));

  code.get(C).i32Const(2).i32Shl().set(cBytes);
  code.get(OH).i32Const(3).i32Add().i32Const(2).i32ShrU().set(down); // ⌈OH / 4⌉
  code.get(OW).i32Const(3).i32Add().i32Const(2).i32ShrU().set(across);
  slabOffsets.forEach((offset, position) => code.get(slabBytes).i32Const(position).i32Mul().set(offset));
  if (firstImage === null) code.i32Const(0).set(n);
  else code.get(firstImage).set(n);
  code.get(n).get(batch).i32Add().set(nEnd);
  code.i32Const(0).set(slabT); // t · C · 4: the tile's row in each position's slab
  code.forStep(n, n, nEnd, 1, () => {
    code.forStep(ti, 'zero', down, 1, () => {
      code.forStep(tj, 'zero', across, 1, () => {
        // The tile's first value read (or written); how many of its rows and columns lie inside.
        code.get(ti).i32Const(2).i32Shl().set(top);
        code.get(tj).i32Const(2).i32Shl().set(left);
        if (padTop !== null) code.get(top).get(padTop).i32Sub().set(top);
        if (padLeft !== null) code.get(left).get(padLeft).i32Sub().set(left);
        code.get(H).get(top).i32Sub().set(rowLimit);
        code.get(W).get(left).i32Sub().set(colLimit);
        // Value (i, j) of the tile is at rowBases[i] + columnOffsets[j] (+ the channel), masked by rowMasks[i] & columnMasks[j].
        for (let i = 0; i < side; i++) {
          code.get(top).i32Const(i).i32Add().get(H).i32GeU().i32Eqz().set(inside); // 0 ≤ top + i < H
          code.i32Const(0).get(inside).i32Sub().i32x4Splat().set(rowMasks[i]!);
          code.get(n).get(H).i32Mul().get(top).i32Add().i32Const(i).i32Add().get(W).i32Mul().get(cBytes).i32Mul().get(pFrom).i32Add();
          code.get(pFrom).get(inside).select().set(rowBases[i]!);
        }
        for (let j = 0; j < side; j++) {
          code.get(left).i32Const(j).i32Add().get(W).i32GeU().i32Eqz().set(inside); // 0 ≤ left + j < W
          code.i32Const(0).get(inside).i32Sub().i32x4Splat().set(columnMasks[j]!);
          code.get(left).i32Const(j).i32Add().get(cBytes).i32Mul().i32Const(0).get(inside).select().set(columnOffsets[j]!);
        }
        if (kind !== 'output') {
          for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) code.get(rowMasks[i]!).get(columnMasks[j]!).v128And().set(masks[i]![j]!);
        }
        code.forStep(c, 'zero', cBytes, 16, () => {
          if (kind === 'output') {
            // m[k][l] = M[6k + l] at this tile's row.
            code.get(pFrom).get(slabT).i32Add().get(c).i32Add().set(tileAt);
            for (let k = 0; k < 6; k++) for (let l = 0; l < 6; l++) {
              code.get(tileAt).get(slabOffsets[6 * k + l]!).i32Add().v128Load().set(input[k]![l]!);
            }
            transform2d(code, L, R, input, (r, s) => {
              // y[n][4ti + r][4tj + s], only when r < rowLimit and s < colLimit.
              const value = code.local(V128);
              code.set(value);
              code.i32Const(r).get(rowLimit).i32LtS().i32Const(s).get(colLimit).i32LtS().i32And().if(() => {
                code.get(rowBases[r]!).get(columnOffsets[s]!).i32Add().get(pTo).i32Add().get(pFrom).i32Sub().get(c).i32Add().set(at);
                code.get(accumulate!).if(() => { code.get(value).get(at).v128Load().f32x4Add().set(value); });
                code.get(at).get(value).v128Store();
              });
            });
          } else {
            for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) {
              code.get(rowBases[i]!).get(columnOffsets[j]!).i32Add().get(c).i32Add().v128Load().get(masks[i]![j]!).v128And().set(input[i]![j]!);
            }
            code.get(pTo).get(slabT).i32Add().get(c).i32Add().set(tileAt);
            transform2d(code, L, R, input, (k, l) => {
              const value = code.local(V128);
              code.set(value);
              code.get(tileAt).get(slabOffsets[6 * k + l]!).i32Add().get(value).v128Store();
            });
          }
        });
        code.get(slabT).get(cBytes).i32Add().set(slabT);
      });
    });
  });
  return code;
}

/**
 * winogradKernel(pW, pU, C, F, flipped): U = G g Gᵀ for every slice
 * g = W[:, :, c, f] of W [3, 3, C, F], four filters at a time; U [36, C, F],
 * or with `flipped` the slice turned by 180° and U [36, F, C] (four scalar
 * stores a group: its filters are four rows there).
 */
function kernelTransform(): Code {
  const { code, p } = i32Params(5);
  const [pW, pU, C, F, flipped] = p as [Local, Local, Local, Local, Local];
  const [c, f, fBytes, tapBytes, from, at] = code.locals(I32, 6);
  const input = Array.from({ length: 3 }, () => code.locals(V128, 3));
  code.get(F).i32Const(2).i32Shl().set(fBytes);
  code.get(C).get(fBytes).i32Mul().set(tapBytes); // C·F·4: from one tap of W to the next, and one position of U to the next
  code.forStep(c, 'zero', C, 1, () => {
    code.forStep(f, 'zero', fBytes, 16, () => {
      code.get(c).get(fBytes).i32Mul().get(f).i32Add().get(pW).i32Add().set(from);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        // Tap (i, j), or (2 − i, 2 − j) when flipped.
        code.get(from).get(tapBytes).i32Const(8 - 3 * i - j).i32Const(3 * i + j).get(flipped).select().i32Mul().i32Add();
        code.v128Load().set(input[i]![j]!);
      }
      transform2d(code, WINOGRAD_G, WINOGRAD_G, input, (k, l) => {
        const value = code.local(V128);
        code.set(value);
        code.get(tapBytes).i32Const(6 * k + l).i32Mul().get(pU).i32Add().set(at);
        code.get(flipped).if(
          () => {
            // U[p][f + lane][c]: four rows of C apart.
            for (let lane = 0; lane < 4; lane++) {
              code.get(f).i32Const(4 * lane).i32Add().get(C).i32Mul().get(c).i32Const(2).i32Shl().i32Add().get(at).i32Add();
              code.get(value).f32x4ExtractLane(lane).f32Store();
            }
          },
          () => {
            code.get(c).get(fBytes).i32Mul().get(f).i32Add().get(at).i32Add().get(value).v128Store();
          },
        );
      });
    });
  });
  return code;
}

/**
 * winogradKernelGradient(pQ, pDW, C, F, c0, c1): dW[i][j][c][f] = (Gᵀ Q G)[i][j]
 * for channels c0 … c1 − 1, from Q [36, C, F], four filters at a time.
 */
function kernelGradient(): Code {
  const { code, p } = i32Params(6);
  const [pQ, pDW, C, F, c0, c1] = p as [Local, Local, Local, Local, Local, Local];
  const [c, f, fBytes, tapBytes, from] = code.locals(I32, 5);
  const input = Array.from({ length: 6 }, () => code.locals(V128, 6));
  code.get(F).i32Const(2).i32Shl().set(fBytes);
  code.get(C).get(fBytes).i32Mul().set(tapBytes);
  code.forStep(c, c0, c1, 1, () => {
    code.forStep(f, 'zero', fBytes, 16, () => {
      code.get(c).get(fBytes).i32Mul().get(f).i32Add().set(from);
      for (let k = 0; k < 6; k++) for (let l = 0; l < 6; l++) {
        code.get(tapBytes).i32Const(6 * k + l).i32Mul().get(from).i32Add().get(pQ).i32Add().v128Load().set(input[k]![l]!);
      }
      transform2d(code, GT, GT, input, (i, j) => {
        const value = code.local(V128);
        code.set(value);
        code.get(tapBytes).i32Const(3 * i + j).i32Mul().get(from).i32Add().get(pDW).i32Add().get(value).v128Store();
      });
    });
  });
  return code;
}
