/**
 * The transforms of Winograd's F(4×4, 3×3) (../winograd.ts) in WebAssembly
 * SIMD, four channels at a time (channels are the contiguous axis of every
 * layout). Each is a 1-D transform T applied down the columns of a tile,
 * then along the rows of the result, out = T · in · Tᵀ:
 *
 *     winogradInput          V = Bᵀ d B        T = Bᵀ (6 → 6)   d: a 6×6 input tile, zeros outside the image
 *     winogradOutput         y = Aᵀ m A        T = Aᵀ (6 → 4)   stores only the outputs inside the image
 *     winogradGradientTiles  E = A dy Aᵀ       T = A  (4 → 6)   dy: a 4×4 tile of the output gradient
 *     winogradKernel         U = G g Gᵀ        T = G  (3 → 6)
 *     winogradKernelGradient dW = Gᵀ Q G       T = Gᵀ (6 → 3)
 *
 * Each T is written with the shared sums of its JS counterpart, as lane-wise
 * expressions emitted straight into the function. The arithmetic is
 * float32 in that order: the JS kernels (float64, rounded once) round
 * differently, so a tier's autograd and fused executor agree with each
 * other, not with the other tier's.
 *
 * Every pointer is a byte offset into the memory; `slabBytes` is the
 * distance between two positions p of V, M or E (capacity · width · 4).
 */
import { Code, I32, V128, type FunctionDefinition, type Local } from './wasm-emitter.js';
import { i32Params } from './image-kernels.js';

export function winogradFunctions(): FunctionDefinition[] {
  return [
    { name: 'winogradInput', results: [], code: tileTransform('input') },
    { name: 'winogradOutput', results: [], code: tileTransform('output') },
    { name: 'winogradGradientTiles', results: [], code: tileTransform('gradient') },
    { name: 'winogradKernel', results: [], code: kernelTransform() },
    { name: 'winogradKernelGradient', results: [], code: kernelGradient() },
  ];
}

/** A lane-wise expression over vector locals: the 1-D transforms below are written in these. */
type Expr = Local | { op: '+' | '-'; a: Expr; b: Expr } | { op: '*'; k: number; a: Expr };
const add = (a: Expr, b: Expr): Expr => ({ op: '+', a, b });
const sub = (a: Expr, b: Expr): Expr => ({ op: '-', a, b });
const times = (k: number, a: Expr): Expr => ({ op: '*', k, a });

/** Pushes the value of `e`. */
function emit(code: Code, e: Expr): void {
  if (typeof e === 'number') {
    code.get(e);
  } else if (e.op === '*') {
    emit(code, e.a);
    code.f32x4Const(e.k).f32x4Mul();
  } else {
    emit(code, e.a);
    emit(code, e.b);
    if (e.op === '+') code.f32x4Add();
    else code.f32x4Sub();
  }
}

/** A 1-D transform: its outputs as expressions of its inputs; `keep` computes a shared part once, into a local. */
type Transform1d = (v: readonly Local[], keep: (e: Expr) => Local) => Expr[];

/**
 * The five 1-D transforms, the same shared sums as the JS ones in
 * ../winograd.ts (inputTransform1d … kernelTransposed1d), whose test checks
 * them against the matrices; here in float32 lanes (×1/6 where JS divides by 6).
 */
const inputTransform1d: Transform1d = ([d0, d1, d2, d3, d4, d5], keep) => {
  const d42 = keep(sub(d4!, d2!));
  const e31 = keep(times(2, sub(d3!, d1!)));
  return [
    add(d42, times(4, sub(d0!, d2!))),
    sub(add(d3!, d4!), times(4, add(d1!, d2!))),
    add(sub(d4!, d3!), times(4, sub(d1!, d2!))),
    add(d42, e31),
    sub(d42, e31),
    add(sub(d5!, d3!), times(4, sub(d1!, d3!))),
  ];
};

const outputTransform1d: Transform1d = ([m0, m1, m2, m3, m4, m5], keep) => {
  const s12 = keep(add(m1!, m2!)), d12 = keep(sub(m1!, m2!)), s34 = keep(add(m3!, m4!)), d34 = keep(sub(m3!, m4!));
  return [add(add(m0!, s12), s34), add(d12, times(2, d34)), add(s12, times(4, s34)), add(add(d12, times(8, d34)), m5!)];
};

const outputTransposed1d: Transform1d = ([y0, y1, y2, y3], keep) => {
  const s02 = keep(add(y0!, y2!)), s13 = keep(add(y1!, y3!));
  const even = keep(add(y0!, times(4, y2!))), odd = keep(add(times(2, y1!), times(8, y3!)));
  return [y0!, add(s02, s13), sub(s02, s13), add(even, odd), sub(even, odd), y3!];
};

const kernelTransform1d: Transform1d = ([g0, g1, g2], keep) => {
  const even = keep(add(g0!, g2!));
  const outer = keep(add(times(1 / 24, g0!), times(1 / 6, g2!)));
  return [
    times(1 / 4, g0!),
    times(-1 / 6, add(even, g1!)),
    times(-1 / 6, sub(even, g1!)),
    add(outer, times(1 / 12, g1!)),
    sub(outer, times(1 / 12, g1!)),
    g2!,
  ];
};

const kernelTransposed1d: Transform1d = ([q0, q1, q2, q3, q4, q5], keep) => {
  const s12 = keep(add(q1!, q2!)), s34 = keep(add(q3!, q4!));
  return [
    add(sub(times(1 / 4, q0!), times(1 / 6, s12)), times(1 / 24, s34)),
    add(times(1 / 6, sub(q2!, q1!)), times(1 / 12, sub(q3!, q4!))),
    add(times(1 / 6, sub(s34, s12)), q5!),
  ];
};

/**
 * out = T · in · Tᵀ on vectors for the 1-D transform T: T on each column of
 * `input` (rows × columns locals, filled) into locals, then T on each row of
 * that, `store(k, l)` called with out[k][l] on the stack.
 */
function transform2d(code: Code, transform: Transform1d, input: Local[][], store: (k: number, l: number) => void): void {
  const keep = (e: Expr): Local => {
    if (typeof e === 'number') return e;
    const local = code.local(V128);
    emit(code, e);
    code.set(local);
    return local;
  };
  const columns = input[0]!.length;
  // T · in, column by column: half[k][j].
  const byColumn = Array.from({ length: columns }, (_, j) => transform(input.map((row) => row[j]!), keep).map(keep));
  const half = byColumn[0]!.map((_, k) => byColumn.map((column) => column[k]!));
  // (T · in) · Tᵀ, row by row.
  half.forEach((row, k) => transform(row, keep).forEach((e, l) => {
    emit(code, e);
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
  // The tile's side in values read (in), and its 1-D transform.
  const side = kind === 'gradient' ? 4 : 6;
  const transform = kind === 'input' ? inputTransform1d : kind === 'output' ? outputTransform1d : outputTransposed1d;
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
            transform2d(code, transform, input, (r, s) => {
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
            transform2d(code, transform, input, (k, l) => {
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
      transform2d(code, kernelTransform1d, input, (k, l) => {
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
      transform2d(code, kernelTransposed1d, input, (i, j) => {
        const value = code.local(V128);
        code.set(value);
        code.get(tapBytes).i32Const(3 * i + j).i32Mul().get(from).i32Add().get(pDW).i32Add().get(value).v128Store();
      });
    });
  });
  return code;
}
