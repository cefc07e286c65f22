/**
 * Matrix-multiply kernels: plain loops over Float32Array, no autograd.
 *
 *     C = op(A) · op(B)          (accumulate = false)
 *     C += op(A) · op(B)         (accumulate = true)
 *
 * C is M×N row-major. op(A) is M×K and op(B) is K×N; they are read straight
 * from the caller's storage, never from a transposed copy:
 *
 *     variant  transposeA  transposeB  A stored  B stored  C[i][j] = Σ_k ...
 *     NN       false       false       M×K       K×N       A[i*K + k] · B[k*N + j]
 *     TN       true        false       K×M       K×N       A[k*M + i] · B[k*N + j]
 *     NT       false       true        M×K       N×K       A[i*K + k] · B[j*K + k]
 *     TT       true        true        K×M       N×K       A[k*M + i] · B[j*K + k]
 *
 * So element (i, k) of op(A) sits at A[i*sAi + k*sAk] with (sAi, sAk) = (K, 1)
 * normally and (1, M) when transposeA; element (k, j) of op(B) sits at
 * B[k*sBk + j*sBj] with (sBk, sBj) = (N, 1) normally and (1, K) when transposeB.
 * The four variants differ only in those strides.
 *
 * ## Loop order: register blocking
 *
 * The textbook i-k-j loop (`C[i][j] += a·B[k][j]` for all j) does two loads and
 * one store per multiply-add and runs at ≈0.8 GFLOP/s in V8. Instead, every
 * variant uses the same loop nest:
 *
 *     for each block of 4 rows of C            (i)
 *       for each block of 8 columns of C       (j)
 *         32 local accumulators c00..c37 := 0
 *         for k = 0..K-1
 *           load a0..a3 = op(A)[i..i+3][k]      4 loads
 *           load b0..b7 = op(B)[k][j..j+7]      8 loads
 *           c_rs += a_r · b_s for all r, s     32 multiply-adds
 *         C[i..i+3][j..j+7] += c00..c37         C touched once per block
 *
 * Each value loaded is used 8 (a) or 4 (b) times, and C is read and written
 * once per block instead of once per k: 12 loads per 32 multiply-adds, where
 * i-k-j needs 64 loads and 32 stores.
 *
 * The accumulators are JS numbers (float64): a product of two float32 values
 * is exact in float64, and each C entry is rounded to float32 once, at
 * write-back. The reference also sums in float64 in increasing k, so today
 * the two agree bit for bit (up to the sign of zero); the tests nevertheless
 * allow a tolerance, so a kernel may reorder the sum (e.g. split K into
 * blocks) without breaking them.
 *
 * Rows are the outer loop so the 4 rows of op(A) being used stay in L1 while
 * the whole of op(B) is swept (784×128 floats = 400 KB, which fits in L2).
 * How each variant walks memory inside the k loop:
 *
 * - NN: a0..a3 come from 4 rows of A (stride K), each read left to right as k
 *   grows; b0..b7 are 8 contiguous floats of row k of B.
 * - TN: a0..a3 are 4 adjacent floats of row k of A; B as in NN.
 * - NT: A as in NN; b0..b7 come from 8 rows of B (stride K), each read left to
 *   right as k grows: the block is 4×8 dot products of rows of A with rows of
 *   B, which is what A·Bᵀ is.
 * - TT: A as in TN, B as in NT.
 *
 * B's eight values are contiguous when transposeB is false, so the NN/TN kernel
 * (`blocksBRows`) uses constant offsets pb+1..pb+7; NT/TT (`blocksBStrided`)
 * needs offsets pb + s·K. Keeping them apart is worth ~5-10% on the big shapes.
 *
 * ## Zero skipping (NN and TN)
 *
 * In an MLP the transposeB = false calls are the ones whose A is sparse: the
 * forward pass X·W (A = input images, about half exact zeros, or ReLU
 * outputs) and the weight gradient Xᵀ·dY (A = X again). When a0..a3 are all
 * zero the 32 multiply-adds would add nothing, so that k is skipped. Zeros in
 * images are spatially clustered (borders), so four neighbouring pixels (TN)
 * or the same pixel in four images (NN) are often all zero together. For a
 * dense A the test costs one well-predicted branch. The edge kernels skip
 * zeros of A the same way. Consequence: an A entry of exactly 0 may
 * contribute 0 even when the matching B entry is Infinity or NaN (where the
 * reference would produce NaN).
 *
 * ## Edges
 *
 * The 4×8 blocks cover rows [0, M4) and columns [0, N8), where M4 and N8 round
 * M and N down to multiples of 4 and 8. The rest is done by two small generic
 * (stride-parameterised) kernels: `edgeColumns` (4 rows × 1 column at a time)
 * for columns [N8, N) of rows [0, M4), and `edgeRows` (1 row × 8 columns, then
 * 1×1) for rows [M4, M).
 *
 * ## Contract
 *
 * - When accumulate is false, C is zeroed first (its old contents, even NaN,
 *   never matter); every kernel then adds its block into C.
 * - M, N or K may be 0. K = 0 gives C = 0 (or C unchanged when accumulating).
 * - Arrays may be `subarray` views. They may also be longer than needed: only
 *   the first M·K (A), K·N (B) and M·N (C) elements are read or written.
 *   Shorter arrays throw a RangeError. C must not overlap A or B.
 * - `gemm` allocates nothing.
 */

/**
 * The arguments of `gemm`, by name. A caller that runs the same product every
 * step keeps one of these and changes only the sizes that vary, so a step
 * allocates nothing.
 */
export interface GemmArgs {
  /** op(A) = Aᵀ: A is stored K×M. */
  transposeA: boolean;
  /** op(B) = Bᵀ: B is stored N×K. */
  transposeB: boolean;
  /** C is m×n; op(A) is m×k and op(B) k×n. */
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  /** C += op(A)·op(B) instead of C = op(A)·op(B). */
  accumulate: boolean;
  /**
   * The distance between A's stored rows (BLAS's leading dimension): by
   * default A's own width (k, or m when transposeA). A larger lda reads a
   * block of columns out of a wider matrix, which is how a thread computes
   * its share of rows of Xᵀ·dY without copying X.
   */
  lda?: number;
}

/**
 * C = op(A) · op(B), or C += op(A) · op(B) when accumulate is true.
 * C is M×N row-major. A is M×K row-major, or K×M when transposeA (so op(A) = Aᵀ).
 * B is K×N row-major, or N×K when transposeB.
 */
export function gemm(args: GemmArgs): void {
  const { transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: C, accumulate } = args;
  const lda = args.lda ?? (transA ? M : K);
  checkGemmArgs(M, N, K, A, B, C, transA, lda);
  if (!accumulate) C.fill(0, 0, M * N);
  if (M === 0 || N === 0 || K === 0) return;

  const sAi = transA ? 1 : lda; // op(A)[i][k] = A[i*sAi + k*sAk]
  const sAk = transA ? lda : 1;
  const sBk = transB ? 1 : N; // op(B)[k][j] = B[k*sBk + j*sBj]
  const sBj = transB ? K : 1;
  const M4 = M - (M % 4);
  const N8 = N - (N % 8);

  if (transB) blocksBStrided(M4, N8, N, K, A, sAi, sAk, B, C);
  else blocksBRows(M4, N8, N, K, A, sAi, sAk, B, C);
  if (N8 < N) edgeColumns(M4, N8, N, K, A, sAi, sAk, B, sBk, sBj, C);
  if (M4 < M) edgeRows(M4, M, N, K, A, sAi, sAk, B, sBk, sBj, C);
}

/**
 * out [cols, rows] = aᵀ for a [rows, cols] (both row-major): out[c·rows + r] = a[r·cols + c].
 *
 * Why a copy when gemm takes transposes as flags: A·Bᵀ with a small shared
 * dimension (a convolution's input gradient, dY · kernelᵀ, sums over only
 * the F filters) runs as dot products of rows on the SIMD tier, which spend
 * a fifth of their time adding up lanes; and on the JS tier B's eight values
 * per k come from eight rows. Transposing the kernel once (K·F values) turns
 * the product into A·B, the faster form on both tiers, for M·K·F multiply-adds.
 */
export function transposeInto(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0, from = r * cols; c < cols; c++, from++) out[c * rows + r] = a[from]!;
  }
}

/** The same contract as a plain triple loop: the reference every fast path is tested against. */
export function gemmReference(args: GemmArgs): void {
  const { transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: C, accumulate } = args;
  const lda = args.lda ?? (transA ? M : K);
  checkGemmArgs(M, N, K, A, B, C, transA, lda);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * lda + i] : A[i * lda + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        sum += a * b;
      }
      C[i * N + j] = accumulate ? C[i * N + j] + sum : sum;
    }
  }
}

/** Throws a RangeError when the dimensions, lda or the arrays' lengths do not fit the contract above (shared with the SIMD tier). */
export function checkGemmArgs(
  M: number, N: number, K: number,
  A: Float32Array, B: Float32Array, C: Float32Array,
  transA: boolean, lda: number,
): void {
  if (!(Number.isInteger(M) && Number.isInteger(N) && Number.isInteger(K) && M >= 0 && N >= 0 && K >= 0)) {
    throw new RangeError(`gemm: dimensions must be non-negative integers, got M=${M} N=${N} K=${K}`);
  }
  // A's stored rows are lda apart and hold op(A)'s rows (or columns, when transA).
  const [storedRows, usedWidth] = transA ? [K, M] : [M, K];
  if (!Number.isInteger(lda) || lda < usedWidth) {
    throw new RangeError(`gemm: lda must be an integer ≥ ${usedWidth} (the width of A as used), got lda=${lda}`);
  }
  const aNeeds = storedRows === 0 || usedWidth === 0 ? 0 : (storedRows - 1) * lda + usedWidth;
  if (A.length < aNeeds || B.length < K * N || C.length < M * N) {
    throw new RangeError(
      `gemm: arrays too short for M=${M} N=${N} K=${K}: ` +
        `A has ${A.length} (needs ${aNeeds}), B has ${B.length} (needs ${K * N}), C has ${C.length} (needs ${M * N})`,
    );
  }
}

/**
 * 4×8 blocks of C over rows [0, M4) and columns [0, N8), for transposeB = false
 * (NN, TN): op(B)[k][j..j+7] = B[k*N + j .. k*N + j+7] is contiguous.
 * A is read through its strides. A k where op(A)[i..i+3][k] are all zero is skipped.
 */
function blocksBRows(
  M4: number, N8: number, N: number, K: number,
  A: Float32Array, sAi: number, sAk: number,
  B: Float32Array, C: Float32Array,
): void {
  const sAi2 = 2 * sAi;
  const sAi3 = 3 * sAi;
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N8; j += 8) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
      let pa = i * sAi; // op(A)[i][k]
      let pb = j; //       op(B)[k][j]
      for (let k = 0; k < K; k++, pa += sAk, pb += N) {
        const a0 = A[pa], a1 = A[pa + sAi], a2 = A[pa + sAi2], a3 = A[pa + sAi3];
        if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
        const b0 = B[pb], b1 = B[pb + 1], b2 = B[pb + 2], b3 = B[pb + 3];
        const b4 = B[pb + 4], b5 = B[pb + 5], b6 = B[pb + 6], b7 = B[pb + 7];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
      }
      let pc = i * N + j;
      C[pc] += c00; C[pc + 1] += c01; C[pc + 2] += c02; C[pc + 3] += c03;
      C[pc + 4] += c04; C[pc + 5] += c05; C[pc + 6] += c06; C[pc + 7] += c07;
      pc += N;
      C[pc] += c10; C[pc + 1] += c11; C[pc + 2] += c12; C[pc + 3] += c13;
      C[pc + 4] += c14; C[pc + 5] += c15; C[pc + 6] += c16; C[pc + 7] += c17;
      pc += N;
      C[pc] += c20; C[pc + 1] += c21; C[pc + 2] += c22; C[pc + 3] += c23;
      C[pc + 4] += c24; C[pc + 5] += c25; C[pc + 6] += c26; C[pc + 7] += c27;
      pc += N;
      C[pc] += c30; C[pc + 1] += c31; C[pc + 2] += c32; C[pc + 3] += c33;
      C[pc + 4] += c34; C[pc + 5] += c35; C[pc + 6] += c36; C[pc + 7] += c37;
    }
  }
}

/**
 * 4×8 blocks of C over rows [0, M4) and columns [0, N8), for transposeB = true
 * (NT, TT): op(B)[k][j+s] = B[(j+s)*K + k], so the eight values come from
 * eight rows of B, each walked left to right as k grows. No zero skipping:
 * here A is an output gradient, which is dense.
 */
function blocksBStrided(
  M4: number, N8: number, N: number, K: number,
  A: Float32Array, sAi: number, sAk: number,
  B: Float32Array, C: Float32Array,
): void {
  const sAi2 = 2 * sAi;
  const sAi3 = 3 * sAi;
  const K2 = 2 * K, K3 = 3 * K, K4 = 4 * K, K5 = 5 * K, K6 = 6 * K, K7 = 7 * K;
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N8; j += 8) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
      let pa = i * sAi; // op(A)[i][k]
      let pb = j * K; //   op(B)[k][j] = B[j*K + k]
      for (let k = 0; k < K; k++, pa += sAk, pb++) {
        const a0 = A[pa], a1 = A[pa + sAi], a2 = A[pa + sAi2], a3 = A[pa + sAi3];
        const b0 = B[pb], b1 = B[pb + K], b2 = B[pb + K2], b3 = B[pb + K3];
        const b4 = B[pb + K4], b5 = B[pb + K5], b6 = B[pb + K6], b7 = B[pb + K7];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
      }
      let pc = i * N + j;
      C[pc] += c00; C[pc + 1] += c01; C[pc + 2] += c02; C[pc + 3] += c03;
      C[pc + 4] += c04; C[pc + 5] += c05; C[pc + 6] += c06; C[pc + 7] += c07;
      pc += N;
      C[pc] += c10; C[pc + 1] += c11; C[pc + 2] += c12; C[pc + 3] += c13;
      C[pc + 4] += c14; C[pc + 5] += c15; C[pc + 6] += c16; C[pc + 7] += c17;
      pc += N;
      C[pc] += c20; C[pc + 1] += c21; C[pc + 2] += c22; C[pc + 3] += c23;
      C[pc + 4] += c24; C[pc + 5] += c25; C[pc + 6] += c26; C[pc + 7] += c27;
      pc += N;
      C[pc] += c30; C[pc + 1] += c31; C[pc + 2] += c32; C[pc + 3] += c33;
      C[pc + 4] += c34; C[pc + 5] += c35; C[pc + 6] += c36; C[pc + 7] += c37;
    }
  }
}

/**
 * Columns [N8, N) of rows [0, M4): one column at a time, 4 rows at once
 * (4 accumulators), any variant (both operands read through strides).
 */
function edgeColumns(
  M4: number, N8: number, N: number, K: number,
  A: Float32Array, sAi: number, sAk: number,
  B: Float32Array, sBk: number, sBj: number, C: Float32Array,
): void {
  const sAi2 = 2 * sAi;
  const sAi3 = 3 * sAi;
  for (let i = 0; i < M4; i += 4) {
    for (let j = N8; j < N; j++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let pa = i * sAi;
      let pb = j * sBj;
      for (let k = 0; k < K; k++, pa += sAk, pb += sBk) {
        const a0 = A[pa], a1 = A[pa + sAi], a2 = A[pa + sAi2], a3 = A[pa + sAi3];
        if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
        const b = B[pb];
        c0 += a0 * b; c1 += a1 * b; c2 += a2 * b; c3 += a3 * b;
      }
      const pc = i * N + j;
      C[pc] += c0; C[pc + N] += c1; C[pc + 2 * N] += c2; C[pc + 3 * N] += c3;
    }
  }
}

/**
 * Rows [M4, M) (at most 3 of them, or all rows when M < 4, e.g. predicting
 * one sample): one row at a time, 8 columns at once, then the last N - N8
 * columns one by one. Any variant.
 */
function edgeRows(
  M4: number, M: number, N: number, K: number,
  A: Float32Array, sAi: number, sAk: number,
  B: Float32Array, sBk: number, sBj: number, C: Float32Array,
): void {
  const N8 = N - (N % 8);
  for (let i = M4; i < M; i++) {
    const aRow = i * sAi;
    for (let j = 0; j < N8; j += 8) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
      let pa = aRow;
      let pb = j * sBj;
      for (let k = 0; k < K; k++, pa += sAk, pb += sBk) {
        const a = A[pa];
        if (a === 0) continue;
        c0 += a * B[pb];
        c1 += a * B[pb + sBj];
        c2 += a * B[pb + 2 * sBj];
        c3 += a * B[pb + 3 * sBj];
        c4 += a * B[pb + 4 * sBj];
        c5 += a * B[pb + 5 * sBj];
        c6 += a * B[pb + 6 * sBj];
        c7 += a * B[pb + 7 * sBj];
      }
      const pc = i * N + j;
      C[pc] += c0; C[pc + 1] += c1; C[pc + 2] += c2; C[pc + 3] += c3;
      C[pc + 4] += c4; C[pc + 5] += c5; C[pc + 6] += c6; C[pc + 7] += c7;
    }
    for (let j = N8; j < N; j++) {
      let c = 0;
      let pa = aRow;
      let pb = j * sBj;
      for (let k = 0; k < K; k++, pa += sAk, pb += sBk) {
        const a = A[pa];
        if (a !== 0) c += a * B[pb];
      }
      C[i * N + j] += c;
    }
  }
}
