/**
 * A small WebAssembly emitter: writes a module's bytes from TypeScript, with
 * no toolchain. It knows just what the SIMD kernels use: i32 and f32 scalars,
 * 128-bit vectors (v128, seen as four f32 lanes, "f32x4"), structured control
 * flow, locals, loads and stores, and one imported memory.
 *
 * A module is a header and a list of sections, each an id byte, its byte
 * length and its content (https://webassembly.github.io/spec/core/binary/):
 *
 *     \0asm 01 00 00 00                 magic number, version 1
 *     1  type      the function signatures, (i32, i32, …) → ()
 *     2  import    env.memory: the memory the kernels work in (shared or not),
 *                  and any JavaScript functions they call (env.log)
 *     3  function  each defined function's signature, by index into the types
 *     7  export    the functions JavaScript may call, by name
 *     10 code      each function's locals and its instructions
 *
 * Integers are LEB128: 7 bits a byte, low bits first, the top bit set on
 * every byte but the last. Instructions are one opcode byte (0xfd followed
 * by a LEB128 number for the SIMD ones) and their immediates. WebAssembly is
 * a stack machine: `local.get a; local.get b; i32.add` pushes a and b and
 * replaces them by their sum. `Code` below has one method per instruction,
 * named as in the text format, so a kernel reads like an assembly listing:
 *
 *     code.get(a).get(b).i32Add().set(c)        // c = a + b
 */

/** Value types, as their binary codes. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Appends n as unsigned LEB128 (sizes, indices, memory offsets). */
export function writeUnsigned(out: number[], n: number): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

/** Appends n as signed LEB128 (i32.const): stops once the remaining bits are all copies of the sign bit. */
export function writeSigned(out: number[], n: number): void {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** A name or any byte string: its length, then its bytes (UTF-8). */
function writeName(out: number[], name: string): void {
  const bytes = new TextEncoder().encode(name);
  writeUnsigned(out, bytes.length);
  out.push(...bytes);
}

/** A local variable of the function being written: its index. */
export type Local = number & { readonly __local: unique symbol };

/**
 * One function's body. Parameters are locals 0..n-1; `local(type)` adds
 * more. Every instruction method returns `this`, to chain a line of code.
 */
export class Code {
  readonly bytes: number[] = [];
  private readonly extraLocals: ValueType[] = [];

  constructor(readonly params: readonly ValueType[]) {}

  /** The i-th parameter. */
  param(i: number): Local {
    return i as Local;
  }

  /** A new local of `type`, zero at entry. */
  local(type: ValueType): Local {
    this.extraLocals.push(type);
    return (this.params.length + this.extraLocals.length - 1) as Local;
  }

  /** n new locals of `type`. */
  locals(type: ValueType, n: number): Local[] {
    return Array.from({ length: n }, () => this.local(type));
  }

  /** The locals declaration and the instructions, with the final `end` (what the code section stores per function). */
  encodeBody(): number[] {
    const out: number[] = [];
    writeUnsigned(out, this.extraLocals.length); // one (count = 1, type) group per local: simple, valid
    for (const type of this.extraLocals) out.push(1, type);
    append(out, this.bytes);
    out.push(0x0b);
    return out;
  }

  private op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  /** An instruction whose one immediate is an index (a local, a branch depth, a function). */
  private opWithIndex(opcode: number, index: number): this {
    this.bytes.push(opcode);
    writeUnsigned(this.bytes, index);
    return this;
  }

  /** A SIMD instruction: the 0xfd prefix, then its number as LEB128. */
  private simd(opcode: number): this {
    this.bytes.push(0xfd);
    writeUnsigned(this.bytes, opcode);
    return this;
  }

  /** A memory access's immediates: log2 of the alignment promised (a hint only), and a constant byte offset added to the address. */
  private memarg(alignLog2: number, offset: number): this {
    writeUnsigned(this.bytes, alignLog2);
    writeUnsigned(this.bytes, offset);
    return this;
  }

  // --- Control flow. Blocks nest; a branch names its target by depth (0 = innermost). ---

  /** block … end: `br` to it jumps forward, past its end. */
  block(body: () => void): this {
    this.op(0x02, 0x40); // 0x40: the block leaves nothing on the stack
    body();
    return this.op(0x0b);
  }
  /** loop … end: `br` to it jumps back to its start. */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  /** if … (else …) end: pops an i32, runs `then` when it is non-zero. */
  if(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  /** br_if depth: pops an i32 and branches when it is non-zero. */
  brIf(depth: number): this {
    return this.opWithIndex(0x0d, depth);
  }
  /** br depth: always branches. */
  br(depth: number): this {
    return this.opWithIndex(0x0c, depth);
  }
  /** call f: calls function index f (imported functions come first), its arguments popped from the stack. */
  call(functionIndex: number): this {
    return this.opWithIndex(0x10, functionIndex);
  }
  /** select: pops a, b and an i32 condition; pushes a when the condition is non-zero, else b. */
  select(): this {
    return this.op(0x1b);
  }

  /**
   * A counted loop, the one shape every kernel uses:
   *
   *     i = from; while (i + step <= to) { body; i += step }
   *
   * `from` (a local, or 'zero') and `to` are locals; the loop leaves i at the first index it did
   * not run, so a following loop (the remainder) can start there.
   */
  forStep(i: Local, from: Local | 'zero', to: Local, step: number, body: () => void): this {
    if (from === 'zero') this.i32Const(0).set(i);
    else if (from !== i) this.get(from).set(i);
    return this.block(() =>
      this.loop(() => {
        this.get(i).i32Const(step).i32Add().get(to).i32GtS().brIf(1); // i + step > to: leave the block
        body();
        this.get(i).i32Const(step).i32Add().set(i).br(0); //               i += step; back to the loop's start
      }),
    );
  }

  // --- Locals and constants ---

  /** local.get */
  get(local: Local): this {
    return this.opWithIndex(0x20, local);
  }
  /** local.set: pops the value into the local. */
  set(local: Local): this {
    return this.opWithIndex(0x21, local);
  }
  /** local.tee: sets the local and leaves the value on the stack. */
  tee(local: Local): this {
    return this.opWithIndex(0x22, local);
  }
  /** i32.const */
  i32Const(value: number): this {
    this.op(0x41);
    writeSigned(this.bytes, value);
    return this;
  }
  /** f32.const: four little-endian bytes of the float32. */
  f32Const(value: number): this {
    this.op(0x43);
    this.bytes.push(...new Uint8Array(new Float32Array([value]).buffer));
    return this;
  }
  /** v128.const with four f32 lanes all equal to `value`. */
  f32x4Const(value: number): this {
    this.simd(0x0c);
    const lane = new Uint8Array(new Float32Array([value]).buffer);
    for (let l = 0; l < 4; l++) this.bytes.push(...lane);
    return this;
  }

  // --- i32 arithmetic (addresses, counters) ---

  /** i32.add */ i32Add(): this { return this.op(0x6a); }
  /** i32.sub */ i32Sub(): this { return this.op(0x6b); }
  /** i32.mul */ i32Mul(): this { return this.op(0x6c); }
  /** i32.shl: shift left (× 2ⁿ; `shl 2` turns an element index into a byte offset) */ i32Shl(): this { return this.op(0x74); }
  /** i32.shr_u: unsigned shift right (÷ 2ⁿ, rounded down) */ i32ShrU(): this { return this.op(0x76); }
  /** i32.and: bitwise and (`and -4` rounds down to a multiple of 4) */ i32And(): this { return this.op(0x71); }
  /** i32.or: bitwise or (of two 0/1 tests: either) */ i32Or(): this { return this.op(0x72); }
  /** i32.eq */ i32Eq(): this { return this.op(0x46); }
  /** i32.eqz: 1 when zero */ i32Eqz(): this { return this.op(0x45); }
  /** i32.gt_s: signed a > b */ i32GtS(): this { return this.op(0x4a); }
  /** i32.lt_s: signed a < b */ i32LtS(): this { return this.op(0x48); }
  /** i32.le_s: signed a ≤ b */ i32LeS(): this { return this.op(0x4c); }
  /** i32.ge_s: signed a ≥ b */ i32GeS(): this { return this.op(0x4e); }
  /** i32.ge_u: unsigned a ≥ b (`i ≥u n` is "i < 0 or i ≥ n" for a signed i and n ≥ 0) */ i32GeU(): this { return this.op(0x4f); }
  /** i32.load from address + offset */ i32Load(offset = 0): this { return this.op(0x28).memarg(2, offset); }
  /** i32.store: pops address, value */ i32Store(offset = 0): this { return this.op(0x36).memarg(2, offset); }

  // --- f32 scalars (remainders that do not fill a vector) ---

  /** f32.load from address + offset */ f32Load(offset = 0): this { return this.op(0x2a).memarg(2, offset); }
  /** f32.store: pops address, value */ f32Store(offset = 0): this { return this.op(0x38).memarg(2, offset); }
  /** f32.add */ f32Add(): this { return this.op(0x92); }
  /** f32.sub */ f32Sub(): this { return this.op(0x93); }
  /** f32.mul */ f32Mul(): this { return this.op(0x94); }
  /** f32.div */ f32Div(): this { return this.op(0x95); }
  /** f32.sqrt */ f32Sqrt(): this { return this.op(0x91); }
  /** f32.gt: 1 when a > b (0 when either is NaN) */ f32Gt(): this { return this.op(0x5e); }
  /** f32.ge: 1 when a ≥ b (0 when either is NaN) */ f32Ge(): this { return this.op(0x60); }
  /** f32.eq: 1 when a = b (0 when either is NaN) */ f32Eq(): this { return this.op(0x5b); }
  /** f32.ne: 1 when a ≠ b (1 when either is NaN) */ f32Ne(): this { return this.op(0x5c); }
  /** f32.abs: |a| (clears the sign bit) */ f32Abs(): this { return this.op(0x8b); }

  /** i32.trunc_f32_s: a float's integer part (a class label stored as a float) */ i32TruncF32S(): this { return this.op(0xa8); }

  // --- f64 (sums that JS also keeps in float64) ---

  /** f64.load */ f64Load(offset = 0): this { return this.op(0x2b).memarg(3, offset); }
  /** f64.store: pops address, value */ f64Store(offset = 0): this { return this.op(0x39).memarg(3, offset); }
  /** f64.add */ f64Add(): this { return this.op(0xa0); }
  /** f64.sub */ f64Sub(): this { return this.op(0xa1); }
  /** f64.promote_f32: float32 → float64, exactly */ f64PromoteF32(): this { return this.op(0xbb); }
  /** f32.demote_f64: float64 → float32, rounded */ f32DemoteF64(): this { return this.op(0xb6); }
  /** f64.convert_i32_s */ f64ConvertI32S(): this { return this.op(0xb7); }

  // --- v128: four f32 lanes ---

  /** v128.load: 16 bytes (four floats) from address + offset; any alignment works */
  v128Load(offset = 0): this { return this.simd(0x00).memarg(0, offset); }
  /** v128.load32_splat: one float from memory, copied into all four lanes */
  v128Load32Splat(offset = 0): this { return this.simd(0x09).memarg(2, offset); }
  /** v128.store: pops address, vector */
  v128Store(offset = 0): this { return this.simd(0x0b).memarg(0, offset); }
  /** f32x4.splat: an f32 copied into four lanes */
  f32x4Splat(): this { return this.simd(0x13); }
  /** f32x4.extract_lane l: lane l as an f32 */
  f32x4ExtractLane(lane: number): this {
    this.simd(0x1f);
    this.bytes.push(lane);
    return this;
  }
  /** f32x4.add: lane-wise a + b */ f32x4Add(): this { return this.simd(0xe4); }
  /**
   * f32x4.relaxed_madd: pops a, b, c; lane-wise a · b + c, rounded once where
   * the CPU has fused multiply-add (relaxed SIMD: the engine may also round
   * twice, but always the same way on one machine).
   */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }
  /** f32x4.sub: lane-wise a − b */ f32x4Sub(): this { return this.simd(0xe5); }
  /** f32x4.neg: lane-wise −a */ f32x4Neg(): this { return this.simd(0xe1); }
  /** f32x4.mul: lane-wise a · b */ f32x4Mul(): this { return this.simd(0xe6); }
  /** f32x4.div: lane-wise a / b */ f32x4Div(): this { return this.simd(0xe7); }
  /** f32x4.sqrt: lane-wise √a */ f32x4Sqrt(): this { return this.simd(0xe3); }
  /** f32x4.max: lane-wise max, NaN if either is NaN */ f32x4Max(): this { return this.simd(0xe9); }
  /** f32x4.pmax: lane-wise "a < b ? b : a" (relu is pmax(0, x): NaN and −0 become 0) */ f32x4Pmax(): this { return this.simd(0xeb); }
  /** f32x4.gt: lane-wise a > b as a mask (all ones or all zeros) */ f32x4Gt(): this { return this.simd(0x44); }
  /** f32x4.ge: lane-wise a ≥ b as a mask */ f32x4Ge(): this { return this.simd(0x46); }
  /** f32x4.abs: lane-wise |a| */ f32x4Abs(): this { return this.simd(0xe0); }
  /** f32x4.nearest: lane-wise round to the nearest integer, ties to even */ f32x4Nearest(): this { return this.simd(0x6a); }
  /** i32x4.trunc_sat_f32x4_s: lane-wise float → int32 */ i32x4TruncSatF32x4S(): this { return this.simd(0xf8); }
  /** i32x4.add: lane-wise 32-bit integer a + b */ i32x4Add(): this { return this.simd(0xae); }
  /** i32x4.shl: lane-wise shift left by an i32 (popped last) */ i32x4Shl(): this { return this.simd(0xab); }
  /** i32x4.splat: an i32 copied into four lanes */ i32x4Splat(): this { return this.simd(0x11); }
  /** v128.and: bitwise and (a value and a mask: keep it or make it +0) */ v128And(): this { return this.simd(0x4e); }
  /** v128.or: bitwise or (of two masks: either) */ v128Or(): this { return this.simd(0x50); }
  /** v128.bitselect: pops a, b, mask; a's bits where the mask is 1, b's elsewhere */ v128Bitselect(): this { return this.simd(0x52); }
  /** f32x4.eq: lane-wise a = b as a mask (false for NaN) */ f32x4Eq(): this { return this.simd(0x41); }
  /** f32x4.ne: lane-wise a ≠ b as a mask (true for NaN: `x ≠ x` finds NaN lanes) */ f32x4Ne(): this { return this.simd(0x42); }
  /** v128.const with four i32 lanes */
  i32x4Const(l0: number, l1: number, l2: number, l3: number): this {
    this.simd(0x0c);
    this.bytes.push(...new Uint8Array(new Int32Array([l0, l1, l2, l3]).buffer));
    return this;
  }
}

/** A function JavaScript can call: its export name, signature and body. */
export interface FunctionDefinition {
  name: string;
  results: readonly ValueType[];
  code: Code;
}

/** The memory every kernel reads and writes, imported as env.memory. */
export interface MemoryImport {
  /** In 64 KiB pages. */
  initialPages: number;
  maximumPages: number;
  /** A shared memory (its buffer a SharedArrayBuffer), so worker threads can run the same kernels on it. */
  shared: boolean;
}

/** A JavaScript function the module calls, imported as env.<name>. */
export interface FunctionImport {
  name: string;
  params: readonly ValueType[];
  results: readonly ValueType[];
}

/**
 * Writes a whole module: the imported memory, the imported functions (they
 * take function indices 0, 1, … in order, before the defined ones) and the
 * given functions, all exported.
 */
export function emitModule(
  memory: MemoryImport,
  functions: readonly FunctionDefinition[],
  imports: readonly FunctionImport[] = [],
): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // "\0asm", version 1

  // Type section: one signature per distinct (params) → (results).
  const signatures: string[] = [];
  const typeOf = (params: readonly ValueType[], results: readonly ValueType[]): number => {
    const key = `${params.join(',')}>${results.join(',')}`;
    if (!signatures.includes(key)) signatures.push(key);
    return signatures.indexOf(key);
  };
  const importType = imports.map((f) => typeOf(f.params, f.results));
  const typeIndex = functions.map((f) => typeOf(f.code.params, f.results));
  section(out, 1, (s) => {
    writeUnsigned(s, signatures.length);
    for (const key of signatures) {
      const [params, results] = key.split('>').map((list) => (list === '' ? [] : list.split(',').map(Number)));
      s.push(0x60); // "func"
      writeUnsigned(s, params!.length);
      s.push(...params!);
      writeUnsigned(s, results!.length);
      s.push(...results!);
    }
  });

  // Import section: env.memory, then the functions (kind 0x00, by type index).
  // A memory's limits: flag 0x01 = min and max, 0x03 = min, max and shared.
  section(out, 2, (s) => {
    writeUnsigned(s, 1 + imports.length);
    writeName(s, 'env');
    writeName(s, 'memory');
    s.push(0x02, memory.shared ? 0x03 : 0x01); // 0x02: a memory
    writeUnsigned(s, memory.initialPages);
    writeUnsigned(s, memory.maximumPages);
    imports.forEach((f, i) => {
      writeName(s, 'env');
      writeName(s, f.name);
      s.push(0x00);
      writeUnsigned(s, importType[i]!);
    });
  });

  // Function section: each function's type index.
  section(out, 3, (s) => {
    writeUnsigned(s, functions.length);
    for (const index of typeIndex) writeUnsigned(s, index);
  });

  // Export section: every function under its name (kind 0x00: a function).
  section(out, 7, (s) => {
    writeUnsigned(s, functions.length);
    functions.forEach((f, index) => {
      writeName(s, f.name);
      s.push(0x00);
      writeUnsigned(s, imports.length + index);
    });
  });

  // Code section: each body, preceded by its byte length.
  section(out, 10, (s) => {
    writeUnsigned(s, functions.length);
    for (const f of functions) {
      const body = f.code.encodeBody();
      writeUnsigned(s, body.length);
      append(s, body);
    }
  });
  return new Uint8Array(out);
}

/** A section: its id, its byte length, its content. */
function section(out: number[], id: number, write: (content: number[]) => void): void {
  const content: number[] = [];
  write(content);
  out.push(id);
  writeUnsigned(out, content.length);
  append(out, content);
}

/** out.push(...more) without spreading a long array into arguments. */
function append(out: number[], more: readonly number[]): void {
  for (let i = 0; i < more.length; i++) out.push(more[i]!);
}
