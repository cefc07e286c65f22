/**
 * The arithmetic peak of each kernel tier on this machine, one thread,
 * measured rather than assumed: a loop of independent multiply-adds on
 * values kept in registers, no memory traffic, so nothing but the
 * arithmetic units limits it. Each of 12 independent values becomes
 * x·a + b per iteration (x·a, not a·b: a product of two constants would be
 * moved out of the loop by the compiler), enough chains in flight to keep
 * every unit busy whatever its latency.
 *
 * - simd: four lanes at a time, as the tier's gemm does it here (one
 *   f32x4.relaxed_madd where the engine has relaxed SIMD, else f32x4.mul
 *   then f32x4.add), in a WebAssembly function our emitter writes
 *   (src/tensor/kernels/simd/wasm-emitter.ts).
 * - js: float64 in a plain JavaScript loop, the JS gemm's arithmetic.
 *
 * A kernel's GFLOP/s ÷ its tier's peak is how much of the machine it uses.
 */
import { Code, I32, V128, emitModule } from '../../src/tensor/kernels/simd/wasm-emitter.js';
import { relaxedSimdSupported, simdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';

const ACCUMULATORS = 12;

/** GFLOP/s of `run(iterations)` doing `flopsPerIteration`: the best of 5 timings of ≈ 100 ms each. */
function bestGflops(run: (iterations: number) => void, flopsPerIteration: number): number {
  let iterations = 1 << 16;
  run(iterations);
  for (let ms = 0; ms < 100; iterations *= 2) {
    const started = performance.now();
    run(iterations);
    ms = performance.now() - started;
  }
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    run(iterations);
    best = Math.max(best, (iterations * flopsPerIteration) / ((performance.now() - started) * 1e6));
  }
  return best;
}

/** The SIMD tier's peak, or null where WebAssembly SIMD is unavailable. */
export function simdPeakGflops(): number | null {
  if (!simdSupported()) return null;
  const fused = relaxedSimdSupported();
  const code = new Code([I32]);
  const count = code.param(0);
  const acc = code.locals(V128, ACCUMULATORS);
  const [a, b] = code.locals(V128, 2);
  code.f32x4Const(0.999).set(a).f32x4Const(0.001).set(b); // x → x·a + b stays near 1
  code.block(() => {
    code.get(count).i32Eqz().brIf(0);
    code.loop(() => {
      for (const x of acc) {
        if (fused) code.get(x).get(a).get(b).f32x4RelaxedMadd().set(x);
        else code.get(x).get(a).f32x4Mul().get(b).f32x4Add().set(x);
      }
      code.get(count).i32Const(1).i32Sub().tee(count).brIf(0);
    });
  });
  // Keep the sums: store them all, so no accumulator is dead code.
  for (const x of acc) code.i32Const(0).get(x).i32Const(0).v128Load().f32x4Add().v128Store();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const bytes = emitModule({ initialPages: 1, maximumPages: 1, shared: false }, [{ name: 'peak', results: [], code }]);
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { peak: (n: number) => void };
  return bestGflops(peak, ACCUMULATORS * 4 * 2);
}

/** The JS tier's peak: float64 multiply-adds in a loop, 12 independent chains. */
export function jsPeakGflops(): number {
  let sink = 0;
  const run = (n: number): void => {
    const a = 0.999, b = 0.001;
    let c0 = 0, c1 = 1, c2 = 2, c3 = 3, c4 = 4, c5 = 5, c6 = 6, c7 = 7, c8 = 8, c9 = 9, c10 = 10, c11 = 11;
    for (let i = 0; i < n; i++) {
      c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b;
      c4 = c4 * a + b; c5 = c5 * a + b; c6 = c6 * a + b; c7 = c7 * a + b;
      c8 = c8 * a + b; c9 = c9 * a + b; c10 = c10 * a + b; c11 = c11 * a + b;
    }
    sink += c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
  };
  const gflops = bestGflops(run, ACCUMULATORS * 2);
  return sink === -1 ? 0 : gflops;
}
