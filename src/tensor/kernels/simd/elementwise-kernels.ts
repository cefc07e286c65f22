/**
 * The training step's element-wise kernels in WebAssembly SIMD, each the
 * counterpart of a JS kernel (../bias.ts, ../activations.ts, ../optimizers.ts) on byte
 * addresses in the memory, over a range of rows or elements so that threads
 * can share the work:
 *
 *     biasAdd(pA, pBias, rowStart, rowEnd, units)        A[r, j] += b[j]
 *     reluBackward(pdZ, pA, start, end)                  dZ[i] = A[i] > 0 ? dZ[i] : 0
 *                                      (with pdZ = pA it is relu itself: A[i] = A[i] > 0 ? A[i] : 0)
 *     columnSums(pdZ, rows, units, colStart, colEnd, pOut)  out[j] = Σ_r dZ[r, j]
 *     adam(pG, pTheta, pM, pV, start, end, alpha, c1, c2, eps)
 *     sgd(pG, pTheta, start, end, lr)                    θ −= lr·g
 *     sgdMomentum(pG, pTheta, pM, start, end, lr, mu, nesterov)
 *
 * relu is pmax-like: NaN and −0 become +0, as in the JS kernel, and the bias
 * sum agrees with it bit for bit (an f32 sum of two f32s is the same whether
 * computed in float32 or in float64 and rounded). The other activations
 * have no SIMD exp here: the tier applies their JS formula (../activations.ts),
 * so each formula lives in one place.
 *
 * Adam and SGD are the JS rules' float32 operations in the same order (the
 * JS kernels round each operation to float32, as Keras computes), so the
 * two tiers agree bit for bit.
 */
import { forLanes } from './lanes.js';
import { Code, F32, I32, type FunctionDefinition, type Local } from './wasm-emitter.js';

export function elementwiseFunctions(): FunctionDefinition[] {
  return [
    { name: 'biasAdd', results: [], code: biasAdd() },
    { name: 'reluBackward', results: [], code: reluBackward() },
    { name: 'columnSums', results: [], code: columnSums() },
    { name: 'adam', results: [], code: adam() },
    { name: 'sgd', results: [], code: sgd() },
    { name: 'sgdMomentum', results: [], code: sgdMomentum() },
  ];
}

/** Parameters of the given types, as locals. */
function signature(...types: (typeof I32 | typeof F32)[]): { code: Code; p: Local[] } {
  const code = new Code(types);
  return { code, p: types.map((_, i) => code.param(i)) };
}

/** A[r, j] = A[r, j] + bias[j] for rows [rowStart, rowEnd). */
function biasAdd(): Code {
  const { code, p } = signature(I32, I32, I32, I32, I32);
  const [pA, pBias, rowStart, rowEnd, units] = p as [Local, Local, Local, Local, Local];
  const [r, row] = code.locals(I32, 2);
  const zero = code.local(I32);
  code.forStep(r, rowStart, rowEnd, 1, () => {
    code.get(r).get(units).i32Mul().i32Const(2).i32Shl().get(pA).i32Add().set(row); // row = &A[r, 0]
    forLanes(code, zero, units, (L) => {
      const z = L.temp();
      L.load(row);
      L.load(pBias);
      L.add();
      code.set(z);
      L.store(row, z);
    });
  });
  return code;
}

/** dZ[i] = A[i] > 0 ? dZ[i] : 0 for i in [start, end): relu' read from the output A. */
function reluBackward(): Code {
  const { code, p } = signature(I32, I32, I32, I32);
  const [pdZ, pA, start, end] = p as [Local, Local, Local, Local];
  forLanes(code, start, end, (L) => {
    const [dz, a] = [L.temp(), L.temp()];
    L.load(pdZ);
    code.set(dz);
    L.load(pA);
    code.set(a);
    L.keepWherePositive(dz, a);
    code.set(dz);
    L.store(pdZ, dz);
  });
  return code;
}

/** out[j] = Σ_{r < rows} dZ[r, j] for columns [colStart, colEnd), summed in float32 in increasing r. */
function columnSums(): Code {
  const { code, p } = signature(I32, I32, I32, I32, I32, I32);
  const [pdZ, rows, units, colStart, colEnd, pOut] = p as [Local, Local, Local, Local, Local, Local];
  const [r, row, rowBytes] = code.locals(I32, 3);
  code.get(units).i32Const(2).i32Shl().set(rowBytes);
  forLanes(code, colStart, colEnd, (L) => {
    const total = L.temp();
    L.zero();
    code.set(total);
    code.get(pdZ).set(row);
    code.forStep(r, 'zero', rows, 1, () => {
      code.get(total);
      L.load(row);
      L.add();
      code.set(total);
      code.get(row).get(rowBytes).i32Add().set(row);
    });
    L.store(pOut, total);
  });
  return code;
}

/**
 * Adam, Keras's form (../optimizers.ts), for elements [start, end):
 *
 *     m ← m + (g − m)·c1       (c1 = 1 − β₁; a subnormal m becomes 0, see below)
 *     v ← v + (g·g − v)·c2     (c2 = 1 − β₂)
 *     θ ← θ − (m·alpha) / (√v + eps)    alpha = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), computed by the caller
 *
 * m is flushed to 0 below 2⁻¹²⁶, as the JS kernel does (FLOAT32_MIN_NORMAL
 * in ../optimizers.ts says why: subnormals cost x86 ~100 cycles an
 * instruction, and WebAssembly has no flush-to-zero mode, so the kernel
 * does it itself).
 */
function adam(): Code {
  const { code, p } = signature(I32, I32, I32, I32, I32, I32, F32, F32, F32, F32);
  const [pG, pTheta, pM, pV, start, end, alpha, c1, c2, eps] = p as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  forLanes(code, start, end, (L) => {
    const [g, m, v, theta] = [L.temp(), L.temp(), L.temp(), L.temp()];
    L.load(pG);
    code.set(g);
    L.load(pM);
    code.set(m);
    code.get(m), code.get(g), code.get(m), L.sub(), L.scalar(c1), L.mul(), L.add(); // m + (g − m)·c1
    code.set(m);
    L.flushSubnormal(m); // m of a weight whose gradient stays 0 decays by β₁ a step into subnormals: stop at 0
    code.set(m);
    L.load(pV);
    code.set(v);
    code.get(v), code.get(g), code.get(g), L.mul(), code.get(v), L.sub(), L.scalar(c2), L.mul(), L.add(); // v + (g·g − v)·c2
    code.set(v);
    L.load(pTheta), code.get(m), L.scalar(alpha), L.mul(), code.get(v), L.sqrt(), L.scalar(eps), L.add(), L.div(), L.sub();
    code.set(theta);
    L.store(pM, m);
    L.store(pV, v);
    L.store(pTheta, theta);
  });
  return code;
}

/** Plain SGD (../optimizers.ts): θ ← θ − g·lr for elements [start, end). */
function sgd(): Code {
  const { code, p } = signature(I32, I32, I32, I32, F32);
  const [pG, pTheta, start, end, lr] = p as [Local, Local, Local, Local, Local];
  forLanes(code, start, end, (L) => {
    const theta = L.temp();
    L.load(pTheta), L.scalar(lr), L.load(pG), L.mul(), L.sub();
    code.set(theta);
    L.store(pTheta, theta);
  });
  return code;
}

/**
 * SGD with momentum mu, for elements [start, end):
 *
 *     m ← m·mu − g·lr;   θ ← θ + m                 (nesterov = 0)
 *                        θ ← θ + (m·mu − g·lr)     (nesterov = 1)
 */
function sgdMomentum(): Code {
  const { code, p } = signature(I32, I32, I32, I32, I32, F32, F32, I32);
  const [pG, pTheta, pM, start, end, lr, mu, nesterov] = p as [Local, Local, Local, Local, Local, Local, Local, Local];
  forLanes(code, start, end, (L) => {
    const [m, lrg, theta] = [L.temp(), L.temp(), L.temp()];
    L.scalar(lr), L.load(pG), L.mul();
    code.set(lrg);
    L.scalar(mu), L.load(pM), L.mul(), code.get(lrg), L.sub();
    code.set(m);
    L.load(pTheta);
    L.scalar(mu), code.get(m), L.mul(), code.get(lrg), L.sub(); // mu·m − lr·g
    code.get(m);
    code.get(nesterov).select(); //                                 nesterov ? mu·m − lr·g : m
    L.add();
    code.set(theta);
    L.store(pM, m);
    L.store(pTheta, theta);
  });
  return code;
}
