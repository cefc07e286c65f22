/**
 * Softmax crossentropy on logits, fused with its gradient, in WebAssembly
 * SIMD: the counterpart of `softmaxCrossEntropy` in ../softmax.ts. Per row r of
 * Z with label y:
 *
 *     max  = maxⱼ z_j,  argmax its first index
 *     e_j  = exp(z_j − max)                      (four at a time)
 *     sum  = Σⱼ e_j
 *     loss = max + log(sum) − z_y                (float64, as in JS)
 *     dZ_j = (e_j · (1/sum) − [j = y]) · scale   (each operation rounded to float32)
 *
 * The gradient rounds in the JS kernel's order: softmax − onehot first, then
 * the scale, as autograd computes it (the loss op's gradient at scale 1, then
 * the mean's 1/batch times it). So on this tier too the fused executor
 * (scale 1/batch) and autograd (scale 1, then the mean) agree bit for bit.
 *
 *     softmaxCrossEntropy(pZ, pLabels, rowStart, rowEnd, classes, scale, pdZ, pTotals, pRowLosses)
 *
 * adds the rows' summed loss and number of correct argmax predictions to the
 * float64 pair at pTotals, and writes each row's loss at pRowLosses unless it
 * is 0 (no allocation is ever at offset 0).
 *
 * WebAssembly has no exp or log instruction. exp is computed here, four
 * lanes at once, by the classic range reduction: with n = round(x / ln 2) and
 * r = x − n·ln 2 (|r| ≤ ½ ln 2), e^x = 2ⁿ · e^r, where e^r is a degree-7
 * polynomial (Cephes's expf coefficients, ≈1 ulp) and 2ⁿ is built directly as
 * the float32 bit pattern (n + 127) << 23. log is needed once per row, not
 * per element, so it is JavaScript's Math.log, imported as env.log.
 */
import { Code, F32, F64, I32, V128, type FunctionDefinition, type FunctionImport, type Local } from './wasm-emitter.js';

/** The imported functions this file's kernels call, in index order. */
export const softmaxImports: FunctionImport[] = [{ name: 'log', params: [F64], results: [F64] }];
const LOG = 0; // function index of env.log

export function softmaxFunctions(): FunctionDefinition[] {
  return [{ name: 'softmaxCrossEntropy', results: [], code: softmaxCrossEntropy() }];
}

/** Pushes e^x, lane-wise, for the v128 in local x (x and n are overwritten). Below −87.3 the result is clamped to ≈1e-38 (a float32's smallest normal). */
function expF32x4(code: Code, x: Local, n: Local): void {
  code.get(x).f32x4Const(-87.3).f32x4Max().set(x); //                    no 2ⁿ below the normal range
  code.get(x).f32x4Const(Math.LOG2E).f32x4Mul().f32x4Nearest().set(n); // n = round(x / ln 2)
  code.get(x).get(n).f32x4Const(0.693359375).f32x4Mul().f32x4Sub(); //   r = x − n·ln2 in two parts, so that
  code.get(n).f32x4Const(-2.12194440e-4).f32x4Mul().f32x4Sub().set(x); //   n·ln2's rounding does not reach r
  // e^r ≈ 1 + r + r²·(c2 + r·(c3 + r·(c4 + r·(c5 + r·(c6 + r·c7))))), by Horner's rule from the inside out.
  const coefficients = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
  code.f32x4Const(coefficients[0]!);
  for (const c of coefficients.slice(1)) code.get(x).f32x4Mul().f32x4Const(c).f32x4Add();
  code.get(x).get(x).f32x4Mul().f32x4Mul().get(x).f32x4Add().f32x4Const(1).f32x4Add();
  // × 2ⁿ: the float32 whose exponent field is n + 127 and mantissa 0.
  code.get(n).i32x4TruncSatF32x4S().i32Const(127).i32x4Splat().i32x4Add().i32Const(23).i32x4Shl();
  code.f32x4Mul();
}

/** row[j] ·= factor for j < classes (row a byte address): four lanes at a time, then one at a time. j and j4 are scratch locals. */
function multiplyRow(code: Code, row: Local, classes: Local, factor: Local, j: Local, j4: Local): void {
  code.forStep(j, 'zero', classes, 4, () => {
    code.get(j).i32Const(2).i32Shl().get(row).i32Add().set(j4);
    code.get(j4).get(j4).v128Load().get(factor).f32x4Splat().f32x4Mul().v128Store();
  });
  code.forStep(j, j, classes, 1, () => {
    code.get(j).i32Const(2).i32Shl().get(row).i32Add().tee(j4);
    code.get(j4).f32Load().get(factor).f32Mul().f32Store();
  });
}

function softmaxCrossEntropy(): Code {
  const code = new Code([I32, I32, I32, I32, I32, F32, I32, I32, I32]);
  const [pZ, pLabels, rowStart, rowEnd, classes, scale, pdZ, pTotals, pRowLosses] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => code.param(i)) as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const [r, j, j4, row, drow, label, argmax, correct, one] = code.locals(I32, 9);
  const [max, z, sum, norm] = code.locals(F32, 4);
  const [x, n, sums] = code.locals(V128, 3);
  const [loss, lossSum] = code.locals(F64, 2);

  code.forStep(r, rowStart, rowEnd, 1, () => {
    code.get(r).get(classes).i32Mul().i32Const(2).i32Shl().tee(j4).get(pZ).i32Add().set(row); // row  = &Z[r, 0]
    code.get(j4).get(pdZ).i32Add().set(drow); //                                              drow = &dZ[r, 0]
    code.get(r).i32Const(2).i32Shl().get(pLabels).i32Add().f32Load().i32TruncF32S().set(label);

    // max and its first index (a NaN never wins a comparison, as in JS)
    code.get(row).f32Load().set(max).i32Const(0).set(argmax);
    code.i32Const(1).set(one);
    code.forStep(j, one, classes, 1, () => {
      code.get(j).i32Const(2).i32Shl().get(row).i32Add().f32Load().tee(z).get(max).f32Gt();
      code.if(() => void code.get(z).set(max).get(j).set(argmax));
    });

    // e_j = exp(z_j − max) into dZ, summed: four lanes at a time, then one (in lane 0 of a vector) at a time.
    code.f32x4Const(0).set(sums).f32Const(0).set(sum);
    code.forStep(j, 'zero', classes, 4, () => {
      code.get(j).i32Const(2).i32Shl().set(j4);
      code.get(j4).get(row).i32Add().v128Load().get(max).f32x4Splat().f32x4Sub().set(x);
      expF32x4(code, x, n);
      code.set(x);
      code.get(j4).get(drow).i32Add().get(x).v128Store();
      code.get(sums).get(x).f32x4Add().set(sums);
    });
    code.get(sums).f32x4ExtractLane(0).get(sums).f32x4ExtractLane(1).f32Add();
    code.get(sums).f32x4ExtractLane(2).get(sums).f32x4ExtractLane(3).f32Add().f32Add().set(sum);
    code.forStep(j, j, classes, 1, () => {
      code.get(j).i32Const(2).i32Shl().set(j4);
      code.get(j4).get(row).i32Add().f32Load().get(max).f32Sub().f32x4Splat().set(x);
      expF32x4(code, x, n);
      code.f32x4ExtractLane(0).set(z);
      code.get(j4).get(drow).i32Add().get(z).f32Store();
      code.get(sum).get(z).f32Add().set(sum);
    });

    // loss = max + log(sum) − z_y, in float64
    code.get(max).f64PromoteF32().get(sum).f64PromoteF32().call(LOG).f64Add();
    code.get(label).i32Const(2).i32Shl().get(row).i32Add().f32Load().f64PromoteF32().f64Sub().set(loss);
    code.get(lossSum).get(loss).f64Add().set(lossSum);
    code.get(pRowLosses).if(() => void code.get(r).i32Const(2).i32Shl().get(pRowLosses).i32Add().get(loss).f32DemoteF64().f32Store());
    code.get(argmax).get(label).i32Eq().get(correct).i32Add().set(correct);

    // dZ_j = e_j · (1 / sum), then dZ_y −= 1, then dZ_j ·= scale (exact when scale is 1)
    code.f32Const(1).get(sum).f32Div().set(norm);
    multiplyRow(code, drow, classes, norm, j, j4);
    code.get(label).i32Const(2).i32Shl().get(drow).i32Add().tee(j4);
    code.get(j4).f32Load().f32Const(1).f32Sub().f32Store();
    multiplyRow(code, drow, classes, scale, j, j4);
  });

  // totals[0] += loss sum; totals[1] += correct
  code.get(pTotals).get(pTotals).f64Load().get(lossSum).f64Add().f64Store();
  code.get(pTotals).get(pTotals).f64Load(8).get(correct).f64ConvertI32S().f64Add().f64Store(8);
  return code;
}
