/**
 * The image loops of a convolutional network in WebAssembly SIMD, each the
 * counterpart of a JS kernel (../conv.ts, ../pool.ts) on byte addresses in
 * the memory. None of them does arithmetic that could round differently:
 *
 *     im2col(pX, pPatches, firstImage, batch, geometry…)     copies, zeros
 *     col2im(pDPatches, pDX, batch, geometry…)               dX += dPatches, in im2col's order
 *     maxPool(pX, pY, pWinners, batch, geometry…)            comparisons, copies
 *     maxPoolBackward(pDY, pWinners, pDX, count, dxLength)   dX[winner] += dY
 *
 * so each gives the JS kernel's bits exactly (an f32 sum of two f32s is the
 * same whether computed in float32 or in float64 and rounded), and a thread
 * or a tier may run any of them. Why here at all: a JavaScript loop moves
 * one float per iteration (≈ 1.8 ns on the project's machine), and these
 * loops move tens of thousands per image; four lanes and no bounds checks
 * make them several times faster.
 *
 * `geometry…` is a WindowGeometry (../conv.ts) passed field by field:
 * H, W, C, KH, KW, strideH, strideW, dilationH, dilationW, padTop, padLeft,
 * OH, OW (pooling has no dilation argument: it is 1).
 */
import { Code, F32, I32, V128, type FunctionDefinition, type Local } from './wasm-emitter.js';

export function imageFunctions(): FunctionDefinition[] {
  return [
    { name: 'im2col', results: [], code: im2col() },
    { name: 'col2im', results: [], code: col2im() },
    { name: 'maxPool', results: [], code: maxPool(true) },
    { name: 'maxPoolValues', results: [], code: maxPool(false) },
    { name: 'maxPoolBackward', results: [], code: maxPoolBackward() },
  ];
}

/** A function of `count` i32 parameters, as locals (winograd-kernels.ts's too). */
export function i32Params(count: number): { code: Code; p: Local[] } {
  const code = new Code(Array.from({ length: count }, () => I32));
  return { code, p: Array.from({ length: count }, (_, i) => code.param(i)) };
}

/**
 * The bytes [0, bytes) at `to` from the same bytes at `from`, 16 at a time
 * then 4 (`bytes` a multiple of 4): copied, or added to what is at `to`.
 * `q` is a scratch local.
 */
function floats(code: Code, mode: 'copy' | 'add' | 'zero', to: Local, from: Local | null, bytes: Local, q: Local): void {
  const at = (base: Local): Code => code.get(base).get(q).i32Add();
  code.forStep(q, 'zero', bytes, 16, () => {
    at(to);
    if (mode === 'zero') code.f32x4Const(0);
    else at(from!).v128Load();
    if (mode === 'add') at(to).v128Load().f32x4Add();
    code.v128Store();
  });
  code.forStep(q, q, bytes, 4, () => {
    at(to);
    if (mode === 'zero') code.f32Const(0);
    else at(from!).f32Load();
    if (mode === 'add') at(to).f32Load().f32Add();
    code.f32Store();
  });
}

/**
 * The walk im2col and col2im share: every patch row in order, every kernel
 * row of it, with `p` at that kernel row's first value in the patches. A
 * kernel row is one run of KW·C values of x when the dilation is 1 and the
 * window is inside the image left to right (every 'valid' convolution);
 * otherwise it is KW pieces of C values, each tested against the padding.
 */
function patchWalk(kind: 'im2col' | 'col2im'): Code {
  // im2col(pX, pPatches, firstImage, batch, …) and col2im(pDPatches, pDX, batch, …): the geometry follows.
  const { code, p: params } = i32Params(kind === 'im2col' ? 17 : 16);
  const [pImages, pPatches, firstImage, batch] = kind === 'im2col'
    ? (params.slice(0, 4) as [Local, Local, Local, Local])
    : ([params[1]!, params[0]!, null, params[2]!] as [Local, Local, null, Local]);
  const g = params.slice(kind === 'im2col' ? 4 : 3) as Local[];
  const [H, W, C, KH, KW, SH, SW, DH, DW, padTop, padLeft, OH, OW] = g as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const [n, nEnd, oh, ow, kh, kw, top, left, ih, iw, image, row, p, src, oneRun, q] = code.locals(I32, 16);
  const [runBytes, cBytes, rowBytes, imageBytes] = code.locals(I32, 4);

  code.get(C).i32Const(2).i32Shl().set(cBytes);
  code.get(KW).get(cBytes).i32Mul().set(runBytes);
  code.get(W).get(cBytes).i32Mul().set(rowBytes);
  code.get(H).get(rowBytes).i32Mul().set(imageBytes);
  code.get(pPatches).set(p);
  if (firstImage === null) code.i32Const(0).set(n);
  else code.get(firstImage).set(n);
  code.get(n).get(batch).i32Add().set(nEnd);

  /** One piece of `bytes` between x's `src` and the patches' `p`; p moves past it. */
  const piece = (bytes: Local): void => {
    if (kind === 'im2col') floats(code, 'copy', p, src, bytes, q);
    else floats(code, 'add', src, p, bytes, q);
    code.get(p).get(bytes).i32Add().set(p);
  };
  /** The same, where the test on the stack says the piece is in the padding: zeros in the patches, nothing to add back. */
  const pieceOrPadding = (bytes: Local): void => {
    code.if(
      () => {
        if (kind === 'im2col') floats(code, 'zero', p, null, bytes, q);
        code.get(p).get(bytes).i32Add().set(p);
      },
      () => piece(bytes),
    );
  };

  code.forStep(n, n, nEnd, 1, () => {
    code.get(n).get(imageBytes).i32Mul().get(pImages).i32Add().set(image);
    code.forStep(oh, 'zero', OH, 1, () => {
      code.get(oh).get(SH).i32Mul().get(padTop).i32Sub().set(top);
      code.forStep(ow, 'zero', OW, 1, () => {
        code.get(ow).get(SW).i32Mul().get(padLeft).i32Sub().set(left);
        // oneRun = DW = 1 and left ≥ 0 and left + KW ≤ W
        code.get(DW).i32Const(1).i32Eq();
        code.get(left).i32Const(0).i32GeS().i32And();
        code.get(left).get(KW).i32Add().get(W).i32LeS().i32And().set(oneRun);
        code.forStep(kh, 'zero', KH, 1, () => {
          code.get(kh).get(DH).i32Mul().get(top).i32Add().set(ih);
          code.get(ih).get(rowBytes).i32Mul().get(image).i32Add().set(row);
          code.get(oneRun).get(ih).get(H).i32GeU().i32Eqz().i32And(); // a whole run, inside the image
          code.if(
            () => {
              code.get(left).get(cBytes).i32Mul().get(row).i32Add().set(src);
              piece(runBytes);
            },
            () => {
              code.forStep(kw, 'zero', KW, 1, () => {
                code.get(kw).get(DW).i32Mul().get(left).i32Add().set(iw);
                code.get(iw).get(cBytes).i32Mul().get(row).i32Add().set(src);
                code.get(ih).get(H).i32GeU().get(iw).get(W).i32GeU().i32Or(); // in the padding
                pieceOrPadding(cBytes);
              });
            },
          );
        });
      });
    });
  });
  return code;
}

/** im2col(pX, pPatches, firstImage, batch, geometry…): ../conv.ts's im2col. */
function im2col(): Code {
  return patchWalk('im2col');
}

/** col2im(pDPatches, pDX, batch, geometry…): ../conv.ts's col2im. */
function col2im(): Code {
  return patchWalk('col2im');
}

/**
 * maxPool(pX, pY, pWinners, batch, H, W, C, KH, KW, strideH, strideW,
 * padTop, padLeft, OH, OW): ../pool.ts's maxPool. Each output starts from
 * the first window position inside the image; a later one wins where it is
 * greater, or NaN over a number (argmax's rule), four channels at a time:
 *
 *     wins = v > best  or  (v ≠ v and best = best)
 *     best = wins ? v : best;   winner = wins ? index : winner
 *
 * maxPoolValues (the same parameters, pWinners unused) is the same loop
 * without the winners, for inference.
 */
function maxPool(withWinners: boolean): Code {
  const { code, p } = i32Params(15);
  const [pX, pY, pWinners, batch, H, W, C, KH, KW, SH, SW, padTop, padLeft, OH, OW] = p as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const [n, oh, ow, kh, kw, top, left, kh0, kh1, kw0, kw1, first, from, c, out, win, src] = code.locals(I32, 17);
  const [C4, cBytes] = code.locals(I32, 2);
  const [v, best, wins] = code.locals(V128, 3);
  const index = code.local(V128);
  const [vs, bests] = code.locals(F32, 2);

  /** into = max(a, b) or min(a, b) of two i32 locals' values (via select). */
  const clamp = (into: Local, a: () => void, b: () => void, max: boolean): void => {
    a(); b(); a(); b(); code[max ? 'i32GtS' : 'i32LtS']().select().set(into);
  };

  code.get(C).i32Const(-4).i32And().set(C4);
  code.get(C).i32Const(2).i32Shl().set(cBytes);
  code.get(pY).set(out);
  code.get(pWinners).set(win);
  code.forStep(n, 'zero', batch, 1, () => {
    code.forStep(oh, 'zero', OH, 1, () => {
      code.get(oh).get(SH).i32Mul().get(padTop).i32Sub().set(top);
      // The window's rows inside the image: [max(0, −top), min(KH, H − top)).
      clamp(kh0, () => code.i32Const(0), () => code.i32Const(0).get(top).i32Sub(), true);
      clamp(kh1, () => code.get(KH), () => code.get(H).get(top).i32Sub(), false);
      code.forStep(ow, 'zero', OW, 1, () => {
        code.get(ow).get(SW).i32Mul().get(padLeft).i32Sub().set(left);
        clamp(kw0, () => code.i32Const(0), () => code.i32Const(0).get(left).i32Sub(), true);
        clamp(kw1, () => code.get(KW), () => code.get(W).get(left).i32Sub(), false);
        code.i32Const(1).set(first);
        code.forStep(kh, kh0, kh1, 1, () => {
          code.forStep(kw, kw0, kw1, 1, () => {
            // from = ((n·H + top + kh)·W + left + kw)·C: the element index the winners record
            code.get(n).get(H).i32Mul().get(top).i32Add().get(kh).i32Add().get(W).i32Mul();
            code.get(left).i32Add().get(kw).i32Add().get(C).i32Mul().set(from);
            code.get(from).i32Const(2).i32Shl().get(pX).i32Add().set(src);
            code.get(first).if(
              () => {
                code.forStep(c, 'zero', C4, 4, () => {
                  const at = (base: Local): Code => code.get(c).i32Const(2).i32Shl().get(base).i32Add();
                  at(out).get(src).get(c).i32Const(2).i32Shl().i32Add().v128Load().v128Store();
                  if (withWinners) at(win).get(from).get(c).i32Add().i32x4Splat().i32x4Const(0, 1, 2, 3).i32x4Add().v128Store();
                });
                code.forStep(c, c, C, 1, () => {
                  const at = (base: Local): Code => code.get(c).i32Const(2).i32Shl().get(base).i32Add();
                  at(out);
                  at(src).f32Load().f32Store();
                  if (withWinners) at(win).get(from).get(c).i32Add().i32Store();
                });
              },
              () => {
                code.forStep(c, 'zero', C4, 4, () => {
                  const at = (base: Local): Code => code.get(c).i32Const(2).i32Shl().get(base).i32Add();
                  at(src).v128Load().set(v);
                  at(out).v128Load().set(best);
                  code.get(v).get(best).f32x4Gt();
                  code.get(v).get(v).f32x4Ne().get(best).get(best).f32x4Eq().v128And().v128Or().set(wins);
                  at(out).get(v).get(best).get(wins).v128Bitselect().v128Store();
                  if (withWinners) {
                    code.get(from).get(c).i32Add().i32x4Splat().i32x4Const(0, 1, 2, 3).i32x4Add().set(index);
                    at(win).get(index);
                    at(win).v128Load().get(wins).v128Bitselect().v128Store();
                  }
                });
                code.forStep(c, c, C, 1, () => {
                  const at = (base: Local): Code => code.get(c).i32Const(2).i32Shl().get(base).i32Add();
                  at(src).f32Load().set(vs);
                  at(out).f32Load().set(bests);
                  code.get(vs).get(bests).f32Gt();
                  code.get(vs).get(vs).f32Ne().get(bests).get(bests).f32Eq().i32And().i32Or();
                  code.if(() => {
                    at(out).get(vs).f32Store();
                    if (withWinners) at(win).get(from).get(c).i32Add().i32Store();
                  });
                });
              },
            );
            code.i32Const(0).set(first);
          });
        });
        code.get(out).get(cBytes).i32Add().set(out);
        code.get(win).get(cBytes).i32Add().set(win);
      });
    });
  });
  return code;
}

/**
 * maxPoolBackward(pDY, pWinners, pDX, count, dxLength): dX[winners[i]] += dY[i]
 * for i < count, in order. A winner outside dX is skipped, as a typed array
 * ignores a write past its end: the memory around dX is never touched.
 */
function maxPoolBackward(): Code {
  const { code, p } = i32Params(5);
  const [pDY, pWinners, pDX, count, dxLength] = p as [Local, Local, Local, Local, Local];
  const [i, i4, winner, to] = code.locals(I32, 4);
  code.forStep(i, 'zero', count, 1, () => {
    code.get(i).i32Const(2).i32Shl().set(i4);
    code.get(i4).get(pWinners).i32Add().i32Load().tee(winner).get(dxLength).i32GeU().i32Eqz();
    code.if(() => {
      code.get(winner).i32Const(2).i32Shl().get(pDX).i32Add().set(to);
      code.get(to).get(to).f32Load().get(i4).get(pDY).i32Add().f32Load().f32Add().f32Store();
    });
  });
  return code;
}
