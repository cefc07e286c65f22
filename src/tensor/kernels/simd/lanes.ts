/**
 * Element-wise kernels are written once, as a formula over "lanes", and
 * emitted twice: four floats at a time (f32x4) while four remain, then one
 * at a time (f32) for the last 0-3. The f32x4 instructions round each lane
 * exactly as the f32 ones do, so an element's result does not depend on
 * whether it fell in a vector or in the tail: splitting a range between
 * threads at any index gives the same numbers as one thread.
 */
import { F32, I32, V128, type Code, type Local } from './wasm-emitter.js';
import { FLOAT32_MIN_NORMAL } from '../optimizers.js';

/** The operations a formula may use; each pops its operands and pushes its result, like the instructions. */
export interface Lanes {
  /** Pushes base[i] (base a byte address, i the current element). */
  load(base: Local): void;
  /** base[i] = value. */
  store(base: Local, value: Local): void;
  /** Pushes an f32 parameter, copied to every lane. */
  scalar(f32: Local): void;
  /** Pushes 0 (+0) in every lane. */
  zero(): void;
  add(): void;
  sub(): void;
  mul(): void;
  div(): void;
  sqrt(): void;
  /** Pushes `value` where `test` > 0 and +0 elsewhere (also where test is NaN): relu is keepWherePositive(x, x). */
  keepWherePositive(value: Local, test: Local): void;
  /** Pushes `value` where |value| ≥ FLOAT32_MIN_NORMAL, else +0: a subnormal flushed to zero. */
  flushSubnormal(value: Local): void;
  /** A new local of the lane type (v128 or f32). */
  temp(): Local;
}


/**
 * for i in [start, end): body, vectorised. `i4` is the byte offset i·4 that
 * `load` and `store` add to their base address; `body` is emitted twice.
 */
export function forLanes(code: Code, start: Local, end: Local, body: (lanes: Lanes) => void): void {
  const i = code.local(I32);
  const i4 = code.local(I32);
  const address = (base: Local): Code => code.get(base).get(i4).i32Add();
  const vector: Lanes = {
    load: (base) => void address(base).v128Load(),
    store: (base, value) => void address(base).get(value).v128Store(),
    scalar: (f32) => void code.get(f32).f32x4Splat(),
    zero: () => void code.f32x4Const(0),
    add: () => void code.f32x4Add(),
    sub: () => void code.f32x4Sub(),
    mul: () => void code.f32x4Mul(),
    div: () => void code.f32x4Div(),
    sqrt: () => void code.f32x4Sqrt(),
    keepWherePositive: (value, test) => void code.get(value).get(test).f32x4Const(0).f32x4Gt().v128And(),
    flushSubnormal: (value) => void code.get(value).get(value).f32x4Abs().f32x4Const(FLOAT32_MIN_NORMAL).f32x4Ge().v128And(),
    temp: () => code.local(V128),
  };
  const scalar: Lanes = {
    load: (base) => void address(base).f32Load(),
    store: (base, value) => void address(base).get(value).f32Store(),
    scalar: (f32) => void code.get(f32),
    zero: () => void code.f32Const(0),
    add: () => void code.f32Add(),
    sub: () => void code.f32Sub(),
    mul: () => void code.f32Mul(),
    div: () => void code.f32Div(),
    sqrt: () => void code.f32Sqrt(),
    keepWherePositive: (value, test) => void code.get(value).f32Const(0).get(test).f32Const(0).f32Gt().select(),
    flushSubnormal: (value) => void code.get(value).f32Const(0).get(value).f32Abs().f32Const(FLOAT32_MIN_NORMAL).f32Ge().select(),
    temp: () => code.local(F32),
  };
  code.forStep(i, start, end, 4, () => {
    code.get(i).i32Const(2).i32Shl().set(i4);
    body(vector);
  });
  code.forStep(i, i, end, 1, () => {
    code.get(i).i32Const(2).i32Shl().set(i4);
    body(scalar);
  });
}
