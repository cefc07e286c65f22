/**
 * The matrix product in WebAssembly SIMD, C = op(A) · op(B) (or C += …), with
 * the same contract as `gemm` in ../matmul.ts: C is M×N row-major, A is M×K
 * (K×M when transA) with leading dimension lda, B is K×N (N×K when transB).
 * Each variant is exported as a function of byte addresses in the memory:
 *
 *     gemmNN / gemmTN / gemmNT / gemmTT (M, N, K, pA, lda, pB, pC, accumulate)
 *
 * ## Why four lanes and a 4×8 block
 *
 * A v128 register holds four float32s, and `f32x4.mul`/`f32x4.add` do four
 * multiply-adds in the time the scalar code does one. What limits a matrix
 * product is not arithmetic but loads: the "splat" micro-kernel below keeps a
 * 4×8 block of C in 8 vector registers (4 rows × 2 vectors of 4 columns)
 * for the whole k loop, and at each k it loads 2 vectors of B's row k (8
 * floats) and 4 single values of A (each copied to all lanes, a "splat"):
 *
 *     for k:  b0, b1 = B[k][j .. j+7]                2 vector loads
 *             for r in 0..3:  a = splat(A[i+r][k])  1 load
 *                             acc[r][0..1] += a · b0, b1
 *
 * That is 6 loads for 32 multiply-adds; C is read and written once per
 * block. 8 accumulators + 2 b + 1 a = 11 vectors fit x86's 16 SSE registers
 * with room for V8's own temporaries. A 4×16 block loads less per flop on
 * paper, but its 21 vectors spill to memory, and measured on this project's
 * machine it ran 25-35% slower (bench/jobs/kernels.ts and conv-kernels.ts:
 * 24.6 → 30.8 GFLOP/s on the seed model's first layer, 15.9 → 20.9 on the
 * CNN's second convolution).
 *
 * ## The four variants
 *
 * The splat kernel needs a row of 8 columns to be contiguous in memory:
 * - NN, TN: op(B)[k][j..j+15] is B's row k. A is read through its strides.
 * - TT: neither operand has contiguous columns of C, but Cᵀ = op(B)ᵀ·op(A)ᵀ
 *   = B·A in NN form: the same kernel with the roles swapped, writing each
 *   lane of the block to C transposed.
 * - NT: C[i][j] = A[i]·B[j], the dot product of two rows, each contiguous
 *   along k: a 4×2 block of dot products, four k at a time per lane, summed
 *   across the lanes at the end (the "dot" kernel).
 * Columns beyond the last full vector (N not a multiple of 4) and rows
 * beyond the last block of 4 are done by the same kernels with smaller
 * blocks (1 row, 1 vector) and a scalar one (1 column).
 *
 * Every lane accumulates in float32 (the JS kernel sums in float64), and the
 * NT kernel adds in a different order, so results agree with the JS tier to
 * float32 rounding, not bit for bit.
 *
 * ## One instruction per multiply-add, where the engine has it
 *
 * `acc += a·b` is two instructions, `f32x4.mul` then `f32x4.add`, each
 * rounding. Relaxed SIMD (Chrome 114+, Node 22+; Node 20 behind
 * `--experimental-wasm-relaxed-simd`) adds `f32x4.relaxed_madd`, which the
 * engine turns into the CPU's fused multiply-add: one instruction, one
 * rounding. The module is then emitted with it (`fusedMultiplyAdd`), the
 * epoch of the CNN tutorial is about 15% shorter, and each sum is rounded
 * once per term instead of twice: the results differ in their last bits
 * from a plain-SIMD engine's, and agree with themselves bit for bit (fused
 * executor and autograd, one thread or two), since every caller runs the
 * same module. No zero skipping: a branch per k costs
 * more than the multiply-adds it would save in four lanes.
 */
import { Code, F32, I32, V128, type FunctionDefinition, type Local } from './wasm-emitter.js';

/** The splat kernel's block: rows of C, and vectors of 4 columns, kept in registers. */
const SPLAT_ROWS = 4;
const SPLAT_VECTORS = 2;
/** The dot kernel's block: rows of A × rows of B, one vector accumulator each. */
const DOT_ROWS = 4;
const DOT_COLUMNS = 2;

/** The four exported gemm variants; with `fusedMultiplyAdd`, each acc += a·b is one f32x4.relaxed_madd. */
export function gemmFunctions(fusedMultiplyAdd: boolean): FunctionDefinition[] {
  return [
    { name: 'gemmNN', results: [], code: gemmSplat('NN', fusedMultiplyAdd) },
    { name: 'gemmTN', results: [], code: gemmSplat('TN', fusedMultiplyAdd) },
    { name: 'gemmTT', results: [], code: gemmSplat('TT', fusedMultiplyAdd) },
    { name: 'gemmNT', results: [], code: gemmDot(fusedMultiplyAdd) },
    // 1 when built with fused multiply-adds: how a worker given the compiled module can tell.
    { name: 'fusedMultiplyAdd', results: [I32], code: new Code([]).i32Const(fusedMultiplyAdd ? 1 : 0) },
    { name: 'convValid', results: [], code: convValid(fusedMultiplyAdd) },
  ];
}

/** acc = acc + a·b: mul then add, or one relaxed madd. */
function multiplyAdd(code: Code, acc: Local, a: Local, b: Local, fused: boolean): void {
  if (fused) code.get(a).get(b).get(acc).f32x4RelaxedMadd().set(acc);
  else code.get(acc).get(a).get(b).f32x4Mul().f32x4Add().set(acc);
}

/** The common signature: (M, N, K, pA, lda, pB, pC, accumulate), all i32. */
function gemmCode(): { code: Code; M: Local; N: Local; K: Local; pA: Local; lda: Local; pB: Local; pC: Local; accumulate: Local } {
  const code = new Code([I32, I32, I32, I32, I32, I32, I32, I32]);
  const [M, N, K, pA, lda, pB, pC, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => code.param(i)) as [Local, Local, Local, Local, Local, Local, Local, Local];
  return { code, M, N, K, pA, lda, pB, pC, accumulate };
}

/**
 * The splat kernel: out[r][c] = Σ_k X[r][k] · Y[k][c], where X is read
 * through byte strides (sXr between rows, sXk along k), Y has contiguous
 * columns (row stride sYk), and out is C, or Cᵀ for TT:
 *
 *     variant  rows cols  X  sXr    sXk    Y  sYk    out
 *     NN       M    N     A  lda·4  4      B  N·4    C[r][c]
 *     TN       M    N     A  4      lda·4  B  N·4    C[r][c]
 *     TT       N    M     B  K·4    4      A  lda·4  C[c][r]
 */
function gemmSplat(variant: 'NN' | 'TN' | 'TT', fusedMultiplyAdd: boolean): Code {
  const { code, M, N, K, pA, lda, pB, pC, accumulate } = gemmCode();
  const transposedOut = variant === 'TT';
  const [rows, cols, X, Y] = transposedOut ? [N, M, pB, pA] : [M, N, pA, pB];
  const [sXr, sXk, sYk, ldc] = code.locals(I32, 4);
  /** stride = n·4 bytes (n a local), or 4 bytes (one float) for 'one'. */
  const strides: Record<typeof variant, [Local | 'one', Local | 'one', Local]> = {
    //     sXr  sXk    sYk
    NN: [lda, 'one', N],
    TN: ['one', lda, N],
    TT: [K, 'one', lda],
  };
  [...strides[variant], N].forEach((n, i) => {
    if (n === 'one') code.i32Const(4);
    else code.get(n).i32Const(2).i32Shl();
    code.set([sXr, sXk, sYk, ldc][i]!);
  });

  const [r0, c0, kk, yp, cp, cols4, r, c, xpScalar, ypScalar] = code.locals(I32, 10);
  const xp = code.locals(I32, SPLAT_ROWS); //    X's rows r0.. at k
  const b = code.locals(V128, SPLAT_VECTORS); // Y[k][c0 .. c0 + 4·SPLAT_VECTORS − 1]
  const a = code.local(V128); //     splat(X[r][k])
  const acc = Array.from({ length: SPLAT_ROWS }, () => code.locals(V128, SPLAT_VECTORS)); // acc[row][vector]
  const sum = code.local(F32);

  /** One block of `nr` rows × `nv` vectors of 4 columns at (r0, c0). */
  const block = (nr: number, nv: number): void => {
    for (let i = 0; i < nr; i++) {
      // xp[i] = X + (r0 + i)·sXr: the start of row r0+i of X
      code.get(r0).i32Const(i).i32Add().get(sXr).i32Mul().get(X).i32Add().set(xp[i]!);
      for (let v = 0; v < nv; v++) code.f32x4Const(0).set(acc[i]![v]!);
    }
    code.get(c0).i32Const(2).i32Shl().get(Y).i32Add().set(yp); // yp = Y + c0·4: Y[0][c0]
    code.get(K).set(kk);
    code.block(() => {
      code.get(kk).i32Eqz().brIf(0); // K = 0: nothing to add
      code.loop(() => {
        for (let v = 0; v < nv; v++) code.get(yp).v128Load(16 * v).set(b[v]!); // b_v = Y[k][c0+4v .. c0+4v+3]
        for (let i = 0; i < nr; i++) {
          code.get(xp[i]!).v128Load32Splat().set(a); //                              a = splat(X[r0+i][k])
          for (let v = 0; v < nv; v++) multiplyAdd(code, acc[i]![v]!, a, b[v]!, fusedMultiplyAdd); // acc += a·b_v
          code.get(xp[i]!).get(sXk).i32Add().set(xp[i]!); // next k along X's row
        }
        code.get(yp).get(sYk).i32Add().set(yp); //            next row of Y
        code.get(kk).i32Const(1).i32Sub().tee(kk).brIf(0); // while --kk ≠ 0
      });
    });
    for (let i = 0; i < nr; i++) store(i, nv);
  };

  /** Writes acc[i][0..nv) to out's row r0+i, columns c0.., adding what is there when accumulating. */
  const store = (i: number, nv: number): void => {
    if (!transposedOut) {
      // cp = C + (r0+i)·ldc + c0·4; the vectors go to cp, cp+16, …
      code.get(r0).i32Const(i).i32Add().get(ldc).i32Mul().get(pC).i32Add().get(c0).i32Const(2).i32Shl().i32Add().set(cp);
      for (let v = 0; v < nv; v++) {
        code.get(cp);
        code.get(acc[i]![v]!).get(cp).v128Load(16 * v).f32x4Add(); // acc + C
        code.get(acc[i]![v]!); //                                     acc
        code.get(accumulate).select().v128Store(16 * v);
      }
      return;
    }
    // Transposed: lane l of vector v is out[r0+i][c0+4v+l] = C[c0+4v+l][r0+i].
    code.get(c0).get(ldc).i32Mul().get(pC).i32Add().get(r0).i32Const(i).i32Add().i32Const(2).i32Shl().i32Add().set(cp);
    for (let v = 0; v < nv; v++) {
      for (let l = 0; l < 4; l++) {
        code.get(cp);
        code.get(acc[i]![v]!).f32x4ExtractLane(l).get(cp).f32Load().f32Add();
        code.get(acc[i]![v]!).f32x4ExtractLane(l);
        code.get(accumulate).select().f32Store();
        code.get(cp).get(ldc).i32Add().set(cp);
      }
    }
  };

  // Blocks of SPLAT_ROWS rows: 4·SPLAT_VECTORS columns at a time, then 4; then the last rows one by one.
  const blockColumns = 4 * SPLAT_VECTORS;
  code.forStep(r0, 'zero', rows, SPLAT_ROWS, () => {
    code.forStep(c0, 'zero', cols, blockColumns, () => block(SPLAT_ROWS, SPLAT_VECTORS));
    code.forStep(c0, c0, cols, 4, () => block(SPLAT_ROWS, 1));
  });
  code.forStep(r0, r0, rows, 1, () => {
    code.forStep(c0, 'zero', cols, blockColumns, () => block(1, SPLAT_VECTORS));
    code.forStep(c0, c0, cols, 4, () => block(1, 1));
  });

  // The last cols mod 4 columns, every row, one float at a time.
  code.get(cols).i32Const(-4).i32And().set(cols4);
  code.forStep(c, cols4, cols, 1, () => {
    code.forStep(r, 'zero', rows, 1, () => {
      code.get(r).get(sXr).i32Mul().get(X).i32Add().set(xpScalar); // X[r][0]
      code.get(c).i32Const(2).i32Shl().get(Y).i32Add().set(ypScalar); // Y[0][c]
      code.f32Const(0).set(sum);
      code.get(K).set(kk);
      code.block(() => {
        code.get(kk).i32Eqz().brIf(0);
        code.loop(() => {
          code.get(sum).get(xpScalar).f32Load().get(ypScalar).f32Load().f32Mul().f32Add().set(sum);
          code.get(xpScalar).get(sXk).i32Add().set(xpScalar);
          code.get(ypScalar).get(sYk).i32Add().set(ypScalar);
          code.get(kk).i32Const(1).i32Sub().tee(kk).brIf(0);
        });
      });
      // out[r][c]: C + r·ldc + c·4, or C + c·ldc + r·4 when transposed
      const [outer, inner] = transposedOut ? [c, r] : [r, c];
      code.get(outer).get(ldc).i32Mul().get(pC).i32Add().get(inner).i32Const(2).i32Shl().i32Add().set(cp);
      code.get(cp);
      code.get(sum).get(cp).f32Load().f32Add().get(sum).get(accumulate).select();
      code.f32Store();
    });
  });
  return code;
}

/**
 * The dot kernel for NT: C[i][j] = Σ_k A[i·lda + k] · B[j·K + k]. A block of
 * 4 rows of A × 2 rows of B keeps 8 vector accumulators; each lane sums
 * every fourth k, and the four lanes are added at the end. The last K mod 4
 * values of k are added one at a time.
 */
function gemmDot(fusedMultiplyAdd: boolean): Code {
  const { code, M, N, K, pA, lda, pB, pC, accumulate } = gemmCode();
  const [ldaBytes, kBytes, ldc, i0, j0, k, kb, cp] = code.locals(I32, 8);
  code.get(lda).i32Const(2).i32Shl().set(ldaBytes);
  code.get(K).i32Const(2).i32Shl().set(kBytes);
  code.get(N).i32Const(2).i32Shl().set(ldc);
  const ap = code.locals(I32, DOT_ROWS); //    A's rows i0..
  const bp = code.locals(I32, DOT_COLUMNS); // B's rows j0..
  const b = code.locals(V128, DOT_COLUMNS);
  const a = code.local(V128);
  const acc = Array.from({ length: DOT_ROWS }, () => code.locals(V128, DOT_COLUMNS));
  const sums = Array.from({ length: DOT_ROWS }, () => code.locals(F32, DOT_COLUMNS));

  const block = (nr: number, nc: number): void => {
    for (let i = 0; i < nr; i++) code.get(i0).i32Const(i).i32Add().get(ldaBytes).i32Mul().get(pA).i32Add().set(ap[i]!);
    for (let j = 0; j < nc; j++) code.get(j0).i32Const(j).i32Add().get(kBytes).i32Mul().get(pB).i32Add().set(bp[j]!);
    for (let i = 0; i < nr; i++) for (let j = 0; j < nc; j++) code.f32x4Const(0).set(acc[i]![j]!);
    code.forStep(k, 'zero', K, 4, () => {
      code.get(k).i32Const(2).i32Shl().set(kb);
      for (let j = 0; j < nc; j++) code.get(bp[j]!).get(kb).i32Add().v128Load().set(b[j]!); // B[j0+j][k..k+3]
      for (let i = 0; i < nr; i++) {
        code.get(ap[i]!).get(kb).i32Add().v128Load().set(a); //                                A[i0+i][k..k+3]
        for (let j = 0; j < nc; j++) multiplyAdd(code, acc[i]![j]!, a, b[j]!, fusedMultiplyAdd);
      }
    });
    // The four lanes' partial sums: (l0 + l1) + (l2 + l3).
    for (let i = 0; i < nr; i++) {
      for (let j = 0; j < nc; j++) {
        const v = acc[i]![j]!;
        code.get(v).f32x4ExtractLane(0).get(v).f32x4ExtractLane(1).f32Add();
        code.get(v).f32x4ExtractLane(2).get(v).f32x4ExtractLane(3).f32Add();
        code.f32Add().set(sums[i]![j]!);
      }
    }
    // The last K mod 4 products, one at a time (k is where the vector loop stopped).
    code.forStep(k, k, K, 1, () => {
      code.get(k).i32Const(2).i32Shl().set(kb);
      for (let i = 0; i < nr; i++) {
        for (let j = 0; j < nc; j++) {
          const s = sums[i]![j]!;
          code.get(s).get(ap[i]!).get(kb).i32Add().f32Load().get(bp[j]!).get(kb).i32Add().f32Load().f32Mul().f32Add().set(s);
        }
      }
    });
    for (let i = 0; i < nr; i++) {
      // cp = C + (i0+i)·ldc + j0·4
      code.get(i0).i32Const(i).i32Add().get(ldc).i32Mul().get(pC).i32Add().get(j0).i32Const(2).i32Shl().i32Add().set(cp);
      for (let j = 0; j < nc; j++) {
        const s = sums[i]![j]!;
        code.get(cp);
        code.get(s).get(cp).f32Load(4 * j).f32Add().get(s).get(accumulate).select();
        code.f32Store(4 * j);
      }
    }
  };

  code.forStep(i0, 'zero', M, DOT_ROWS, () => {
    code.forStep(j0, 'zero', N, DOT_COLUMNS, () => block(DOT_ROWS, DOT_COLUMNS));
    code.forStep(j0, j0, N, 1, () => block(DOT_ROWS, 1));
  });
  code.forStep(i0, i0, M, 1, () => {
    code.forStep(j0, 'zero', N, DOT_COLUMNS, () => block(1, DOT_COLUMNS));
    code.forStep(j0, j0, N, 1, () => block(1, 1));
  });
  return code;
}

/**
 * convValid(pX, pW, pY, batch, H, W, C, KH, KW, OH, OW, F): a stride-1,
 * undilated convolution whose windows all lie inside the image ('valid'),
 * y [N, OH, OW, F] = patches(x) · W, without the patches: the splat kernel's
 * blocks, with row i of the patch matrix read straight from x. For output
 * (oh, ow), kernel row kh of its patch is the KW·C values of x from
 * (oh + kh, ow) on, one contiguous run; so the k loop is KH runs of KW·C
 * floats, and each output is the same sum, in the same order, with the same
 * multiply-adds, as the gemm's on im2col's patches: the same bits, without
 * writing and reading back KH·KW·C values per output (the CNN tutorial's
 * first layer: 9 per output, more than its product costs). F must be a
 * multiple of 4 (the caller keeps to it).
 */
function convValid(fusedMultiplyAdd: boolean): Code {
  const code = new Code(Array.from({ length: 12 }, () => I32));
  const [pX, pW, pY, batch, H, W, C, KH, KW, OH, OW, F] = Array.from({ length: 12 }, (_, i) => code.param(i)) as Local[];
  const [n, oh, ow0, c0, kh, kk, run, rowX, rowY, yp, pixelBytes, xRowBytes, outBytes] = code.locals(I32, 13);
  const xp = code.locals(I32, SPLAT_ROWS);
  const b = code.locals(V128, SPLAT_VECTORS);
  const a = code.local(V128);
  const acc = Array.from({ length: SPLAT_ROWS }, () => code.locals(V128, SPLAT_VECTORS));

  code.get(C).i32Const(2).i32Shl().set(pixelBytes); //           one pixel of x: C floats
  code.get(W).get(pixelBytes).i32Mul().set(xRowBytes); //        one row of x
  code.get(KW).get(C).i32Mul().set(run); //                      a kernel row of a patch: KW·C floats
  code.get(F).i32Const(2).i32Shl().set(outBytes); //             one output pixel: F floats (and one row of W)

  /** Outputs ow0 … ow0 + nr − 1 of the row, filters c0 … c0 + 4·nv − 1. */
  const block = (nr: number, nv: number): void => {
    for (let v = 0; v < nv; v++) for (let i = 0; i < nr; i++) code.f32x4Const(0).set(acc[i]![v]!);
    code.get(c0).i32Const(2).i32Shl().get(pW).i32Add().set(yp); // W[0][c0]
    code.forStep(kh, 'zero', KH, 1, () => {
      // xp[i]: x at (oh + kh, ow0 + i), the start of kernel row kh of output i's patch
      for (let i = 0; i < nr; i++) {
        code.get(kh).get(xRowBytes).i32Mul().get(rowX).i32Add().get(ow0).i32Const(i).i32Add().get(pixelBytes).i32Mul().i32Add().set(xp[i]!);
      }
      code.forStep(kk, 'zero', run, 1, () => {
        for (let v = 0; v < nv; v++) code.get(yp).v128Load(16 * v).set(b[v]!);
        for (let i = 0; i < nr; i++) {
          code.get(xp[i]!).v128Load32Splat().set(a);
          for (let v = 0; v < nv; v++) multiplyAdd(code, acc[i]![v]!, a, b[v]!, fusedMultiplyAdd);
          code.get(xp[i]!).i32Const(4).i32Add().set(xp[i]!);
        }
        code.get(yp).get(outBytes).i32Add().set(yp);
      });
    });
    for (let i = 0; i < nr; i++) {
      for (let v = 0; v < nv; v++) {
        code.get(ow0).i32Const(i).i32Add().get(outBytes).i32Mul().get(rowY).i32Add().get(c0).i32Const(2).i32Shl().i32Add();
        code.get(acc[i]![v]!).v128Store(16 * v);
      }
    }
  };

  code.forStep(n, 'zero', batch, 1, () => {
    code.forStep(oh, 'zero', OH, 1, () => {
      code.get(n).get(H).i32Mul().get(oh).i32Add().get(xRowBytes).i32Mul().get(pX).i32Add().set(rowX); // x[n][oh][0]
      code.get(n).get(OH).i32Mul().get(oh).i32Add().get(OW).i32Mul().get(outBytes).i32Mul().get(pY).i32Add().set(rowY); // y[n][oh][0]
      code.forStep(ow0, 'zero', OW, SPLAT_ROWS, () => {
        code.forStep(c0, 'zero', F, 4 * SPLAT_VECTORS, () => block(SPLAT_ROWS, SPLAT_VECTORS));
        code.forStep(c0, c0, F, 4, () => block(SPLAT_ROWS, 1));
      });
      code.forStep(ow0, ow0, OW, 1, () => {
        code.forStep(c0, 'zero', F, 4 * SPLAT_VECTORS, () => block(1, SPLAT_VECTORS));
        code.forStep(c0, c0, F, 4, () => block(1, 1));
      });
    });
  });
  return code;
}
