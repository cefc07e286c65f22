/**
 * The SIMD kernel tier: the WebAssembly module assembled by our emitter
 * (gemm-kernels.ts, elementwise-kernels.ts, softmax-kernels.ts), the memory
 * it works in, and the same calls as the JS kernels on Float32Arrays.
 *
 * ## Memory
 *
 * WebAssembly code reads and writes only its own linear memory, so the
 * arrays the kernels work on must live there: the tier owns one
 * `WebAssembly.Memory`, and `allocate(length)` hands out Float32Array views
 * into it (64-byte aligned, zero-filled, never moved). A caller that
 * allocates its buffers (weights, gradients, optimizer slots, activations,
 * the input batch) once through `allocate` then calls the kernels on them
 * with no copy per step: a kernel call passes only byte offsets.
 *
 * Where SharedArrayBuffer exists (Node; cross-origin-isolated pages), the
 * memory is shared, `new WebAssembly.Memory({ initial, maximum, shared: true })`,
 * its buffer a SharedArrayBuffer. A worker thread receives the compiled
 * `module` and the `memory` (both can be posted to a worker), calls
 * `SimdKernels.attach(module, memory)`, and runs the same kernels on the
 * same bytes; it builds its views with `view(byteOffset, length)` from the
 * offsets the main thread sends. The kernels keep no state of their own (no
 * globals, no stack in memory), so threads may run them at once on disjoint
 * ranges of rows or elements.
 *
 * Growing a shared memory keeps every view valid. Growing an unshared one
 * detaches its old buffer (and every view into it), so without shared
 * memory `reserve` the total first: `allocate` refuses to grow an unshared
 * memory once it has handed out a view.
 */
import { activate as jsActivate, activationGradient as jsActivationGradient, type ActivationKind, type OutputDerivativeKind } from '../activations.js';
import { checkGemmArgs, type GemmArgs } from '../matmul.js';
import { softmaxRows as jsSoftmaxRows, type SoftmaxCrossEntropyArgs } from '../softmax.js';
import { RuntimeError, ValueError } from '../../../errors.js';
import { Code, emitModule, type MemoryImport } from './wasm-emitter.js';
import { gemmFunctions } from './gemm-kernels.js';
import { elementwiseFunctions } from './elementwise-kernels.js';
import { softmaxFunctions, softmaxImports } from './softmax-kernels.js';
import { imageFunctions } from './image-kernels.js';
import { winogradFunctions } from './winograd-kernels.js';
import { winogradTiles } from '../winograd.js';
import type { WindowGeometry } from '../conv.js';

const PAGE_BYTES = 65536;
/** Allocations start at multiples of a cache line, so two threads' buffers never share one. */
const ALIGN_BYTES = 64;
/**
 * Aᵀ·B with a k longer than this runs as Σ over slices of this many k, each
 * slice's product added into C. A convolution's kernel gradient is such a
 * product: patchesᵀ · dY sums over every position of the batch (3,872 for
 * the CNN tutorial's second layer), and the kernel walks that whole k for
 * each 4×8 block of C, reading 4 floats of each 1,152-byte patch row, so
 * the rows fall out of the cache between blocks. In slices of 64, the
 * slice's rows of A and B stay in cache for every block of C: 18.8 → 31.6
 * GFLOP/s on that layer (bench/jobs/conv-kernels.ts). Each C value then
 * sums its k slice by slice, in float32 as before, so the bits differ from
 * one long sum; the seed model's Aᵀ·B (k = the batch, 32) is not sliced.
 */
const TN_K_SLICE = 64;
/** Default limit of the memory: 1 GiB, far above what a step's buffers need. */
const DEFAULT_MAXIMUM_PAGES = 16384;

let simdAvailable: boolean | null = null;

/** True when this engine runs WebAssembly SIMD: it validates a module of one f32x4 addition. */
export function simdSupported(): boolean {
  if (simdAvailable === null) {
    const code = new Code([]).i32Const(0).f32x4Const(1).f32x4Const(2).f32x4Add().v128Store();
    const probe = emitModule({ initialPages: 0, maximumPages: 1, shared: false }, [{ name: 'probe', results: [], code }]);
    simdAvailable = typeof WebAssembly === 'object' && WebAssembly.validate(probe);
  }
  return simdAvailable;
}

let relaxedAvailable: boolean | null = null;

/**
 * True when this engine has relaxed SIMD's f32x4.relaxed_madd (Chrome 114+,
 * Node 22+, Node 20 with --experimental-wasm-relaxed-simd): it validates a
 * module of one. Asked each time until it says yes (a program may turn the
 * Node 20 flag on at run time, before it first selects the tier).
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedAvailable !== true) {
    const code = new Code([]).i32Const(0).f32x4Const(1).f32x4Const(2).f32x4Const(3).f32x4RelaxedMadd().v128Store();
    const probe = emitModule({ initialPages: 0, maximumPages: 1, shared: false }, [{ name: 'probe', results: [], code }]);
    relaxedAvailable = typeof WebAssembly === 'object' && WebAssembly.validate(probe);
  }
  return relaxedAvailable;
}

/** True when a shared WebAssembly memory can be made here (it needs SharedArrayBuffer). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    return new WebAssembly.Memory({ initial: 0, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * The module's bytes: every kernel, importing a memory of at most
 * `maximumPages`; the gemm with fused multiply-adds when `fusedMultiplyAdd`
 * (gemm-kernels.ts; only where relaxedSimdSupported()).
 */
export function kernelModuleBytes(options: Pick<MemoryImport, 'maximumPages' | 'shared'> & { fusedMultiplyAdd?: boolean }): Uint8Array<ArrayBuffer> {
  const { fusedMultiplyAdd = false, ...memory } = options;
  const functions = [...gemmFunctions(fusedMultiplyAdd), ...elementwiseFunctions(), ...softmaxFunctions(), ...imageFunctions(), ...winogradFunctions()];
  return emitModule({ initialPages: 0, ...memory }, functions, softmaxImports);
}

/** The module's exports, as JavaScript sees them. Every pointer is a byte offset into the memory. */
interface Exports {
  gemmNN(M: number, N: number, K: number, pA: number, lda: number, pB: number, pC: number, accumulate: number): void;
  gemmTN(M: number, N: number, K: number, pA: number, lda: number, pB: number, pC: number, accumulate: number): void;
  gemmNT(M: number, N: number, K: number, pA: number, lda: number, pB: number, pC: number, accumulate: number): void;
  gemmTT(M: number, N: number, K: number, pA: number, lda: number, pB: number, pC: number, accumulate: number): void;
  fusedMultiplyAdd(): number;
  biasAdd(pA: number, pBias: number, rowStart: number, rowEnd: number, units: number): void;
  reluBackward(pdZ: number, pA: number, start: number, end: number): void;
  columnSums(pdZ: number, rows: number, units: number, colStart: number, colEnd: number, pOut: number): void;
  adam(pG: number, pTheta: number, pM: number, pV: number, start: number, end: number,
    alpha: number, c1: number, c2: number, eps: number): void;
  sgd(pG: number, pTheta: number, start: number, end: number, lr: number): void;
  sgdMomentum(pG: number, pTheta: number, pM: number, start: number, end: number, lr: number, mu: number, nesterov: number): void;
  softmaxCrossEntropy(pZ: number, pLabels: number, rowStart: number, rowEnd: number, classes: number,
    scale: number, pdZ: number, pTotals: number, pRowLosses: number): void;
  im2col(pX: number, pPatches: number, firstImage: number, batch: number, ...geometry: number[]): void;
  convValid(pX: number, pW: number, pY: number, batch: number, H: number, W: number, C: number, KH: number, KW: number, OH: number, OW: number, F: number): void;
  col2im(pDPatches: number, pDX: number, batch: number, ...geometry: number[]): void;
  maxPool(pX: number, pY: number, pWinners: number, batch: number, ...geometry: number[]): void;
  maxPoolValues(pX: number, pY: number, pWinners: number, batch: number, ...geometry: number[]): void;
  maxPoolBackward(pDY: number, pWinners: number, pDX: number, count: number, dxLength: number): void;
  winogradInput(pX: number, pV: number, firstImage: number, batch: number, H: number, W: number, C: number,
    padTop: number, padLeft: number, OH: number, OW: number, slabBytes: number): void;
  winogradOutput(pM: number, pY: number, batch: number, OH: number, OW: number, F: number, slabBytes: number, accumulate: number): void;
  winogradGradientTiles(pDY: number, pE: number, firstImage: number, batch: number, OH: number, OW: number, F: number, slabBytes: number): void;
  winogradKernel(pW: number, pU: number, C: number, F: number, flipped: number): void;
  winogradKernelGradient(pQ: number, pDW: number, C: number, F: number, c0: number, c1: number): void;
}

/** A window's sizes in the order the image kernels take them (image-kernels.ts). */
function convGeometry(g: WindowGeometry): number[] {
  return [g.inHeight, g.inWidth, g.channels, g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth,
    g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft, g.outHeight, g.outWidth];
}

/** The same without dilation (pooling's is 1). */
function poolGeometry(g: WindowGeometry): number[] {
  return [g.inHeight, g.inWidth, g.channels, g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth,
    g.padTop, g.padLeft, g.outHeight, g.outWidth];
}

/** Throws a RangeError when an image kernel's array is shorter than its geometry says (the wasm loops do not check). */
function checkLength(kernel: string, what: string, array: { length: number }, needs: number): void {
  if (array.length < needs) throw new RangeError(`${kernel}: ${what} has ${array.length} values, the window needs ${needs}`);
}

export interface SimdKernelsOptions {
  /** Initial size of the memory, in 64 KiB pages (default 16: 1 MiB). */
  initialPages?: number;
  /** The most it may grow to, in pages (default 16384: 1 GiB). */
  maximumPages?: number;
  /** Shared between threads (default: whenever the platform can). */
  shared?: boolean;
  /** The gemm with relaxed SIMD's fused multiply-add (default: whenever the engine has it). */
  fusedMultiplyAdd?: boolean;
}

export class SimdKernels {
  /** Where the next allocation starts (byte offset). Offset 0 is never handed out. */
  private next = ALIGN_BYTES;
  private viewsHandedOut = false;
  /** Released blocks, sorted by start, neighbours merged: reused first fit. */
  private readonly freeBlocks: { start: number; bytes: number }[] = [];
  /** Live allocations: byte offset → bytes reserved. */
  private readonly liveBlocks = new Map<number, number>();
  /** Every ArrayBuffer the memory has had: a shared memory gets a new (longer) one each time it grows. */
  private readonly buffers = new Set<ArrayBufferLike>();
  private readonly raw: Exports;
  /** Whether the gemm uses relaxed SIMD's fused multiply-add (gemm-kernels.ts), as the module was built. */
  readonly fusedMultiplyAdd: boolean;

  private constructor(
    /** The compiled module: post it to a worker with `memory` to run the same kernels there. */
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly shared: boolean,
  ) {
    this.raw = new WebAssembly.Instance(module, { env: { memory, log: Math.log } }).exports as unknown as Exports;
    this.fusedMultiplyAdd = this.raw.fusedMultiplyAdd() === 1;
    this.buffers.add(memory.buffer);
  }

  /** A new tier with a memory of its own. Throws a RuntimeError where WebAssembly SIMD is unavailable. */
  static create(options: SimdKernelsOptions = {}): SimdKernels {
    if (!simdSupported()) throw new RuntimeError('SIMD kernels: this JavaScript engine does not support WebAssembly SIMD.');
    const maximumPages = options.maximumPages ?? DEFAULT_MAXIMUM_PAGES;
    const initial = options.initialPages ?? 16;
    const shared = options.shared ?? sharedMemorySupported();
    const fusedMultiplyAdd = options.fusedMultiplyAdd ?? relaxedSimdSupported();
    if (fusedMultiplyAdd && !relaxedSimdSupported()) {
      throw new RuntimeError('SIMD kernels: fusedMultiplyAdd needs relaxed SIMD, which this JavaScript engine does not have (Node 20: run node with --experimental-wasm-relaxed-simd).');
    }
    const memory = new WebAssembly.Memory({ initial, maximum: maximumPages, shared } as WebAssembly.MemoryDescriptor);
    const module = new WebAssembly.Module(kernelModuleBytes({ maximumPages, shared, fusedMultiplyAdd }));
    return new SimdKernels(module, memory, shared);
  }

  /**
   * The tier in a worker thread: the main thread's compiled module over its
   * shared memory. Views come from `view`; `allocate` belongs to the main thread.
   */
  static attach(module: WebAssembly.Module, memory: WebAssembly.Memory): SimdKernels {
    const tier = new SimdKernels(module, memory, memory.buffer instanceof SharedArrayBuffer);
    tier.next = Number.POSITIVE_INFINITY; // this instance never allocates
    return tier;
  }

  /** Makes room for `length` more floats without handing out a view (call before allocating on an unshared memory). */
  reserve(length: number): void {
    this.ensureCapacity(this.next + length * 4);
  }

  /** A zero-filled Float32Array of `length` inside the memory. */
  allocate(length: number): Float32Array {
    const start = this.claim(length, 4);
    return new Float32Array(this.memory.buffer, start, length).fill(0);
  }

  /** A zero-filled Float64Array of `length` inside the memory (softmaxCrossEntropy's totals). */
  allocateFloat64(length: number): Float64Array {
    const start = this.claim(length, 8);
    return new Float64Array(this.memory.buffer, start, length).fill(0);
  }

  /**
   * Reserves `length` elements of `bytesEach` bytes; returns their byte
   * offset. A released block that is large enough is reused (first fit);
   * otherwise the block comes from the end, growing the memory if needed.
   */
  private claim(length: number, bytesEach: number): number {
    if (!(Number.isInteger(length) && length >= 0)) throw new ValueError(`SIMD kernels: allocate() needs a whole length ≥ 0. Received: length=${length}`);
    if (!Number.isFinite(this.next)) throw new RuntimeError('SIMD kernels: an attached tier (in a worker) cannot allocate; build views from the main thread\'s offsets with view().');
    const bytes = Math.max(ALIGN_BYTES, Math.ceil((length * bytesEach) / ALIGN_BYTES) * ALIGN_BYTES);
    let start = -1;
    for (let i = 0; i < this.freeBlocks.length; i++) {
      const block = this.freeBlocks[i]!;
      if (block.bytes < bytes) continue;
      start = block.start;
      block.start += bytes;
      block.bytes -= bytes;
      if (block.bytes === 0) this.freeBlocks.splice(i, 1);
      break;
    }
    if (start < 0) {
      start = this.next;
      this.ensureCapacity(start + bytes);
      this.next = start + bytes;
    }
    this.liveBlocks.set(start, bytes);
    this.viewsHandedOut = true;
    return start;
  }

  /**
   * Gives the block `array` starts (from `allocate` or `allocateFloat64`)
   * back for reuse. Every view into it must be dropped: a later allocation
   * may hand the same bytes out again.
   */
  release(array: Float32Array | Float64Array): void {
    this.releaseAt(this.at(array, 'the array to release'));
  }

  /** True when an allocation starts at `byteOffset` and has not been released. */
  isLive(byteOffset: number): boolean {
    return this.liveBlocks.has(byteOffset);
  }

  /** `release` by byte offset (what a FinalizationRegistry holds, since it cannot hold the array). */
  releaseAt(byteOffset: number): void {
    const bytes = this.liveBlocks.get(byteOffset);
    if (bytes === undefined) throw new ValueError(`SIMD kernels: release() takes an array allocate() returned. Received: an array at byte ${byteOffset}`);
    this.liveBlocks.delete(byteOffset);
    let i = 0;
    while (i < this.freeBlocks.length && this.freeBlocks[i]!.start < byteOffset) i++;
    this.freeBlocks.splice(i, 0, { start: byteOffset, bytes });
    // Merge with the neighbours, so that a released large block stays large.
    const next = this.freeBlocks[i + 1];
    if (next && byteOffset + bytes === next.start) {
      this.freeBlocks[i]!.bytes += next.bytes;
      this.freeBlocks.splice(i + 1, 1);
    }
    const previous = this.freeBlocks[i - 1];
    if (previous && previous.start + previous.bytes === byteOffset) {
      previous.bytes += this.freeBlocks[i]!.bytes;
      this.freeBlocks.splice(i, 1);
    }
    // A free block at the end goes back to the unallocated tail.
    const last = this.freeBlocks[this.freeBlocks.length - 1];
    if (last && last.start + last.bytes === this.next) {
      this.next = last.start;
      this.freeBlocks.pop();
    }
  }

  /** A view of `length` floats at `byteOffset` (a worker's way to see the main thread's buffers). */
  view(byteOffset: number, length: number): Float32Array {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Float32Array(buffer, byteOffset, length);
  }

  /** A view of `length` float64s at `byteOffset` (a worker's view of the step's totals). */
  view64(byteOffset: number, length: number): Float64Array {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Float64Array(buffer, byteOffset, length);
  }

  /** Forgets every allocation: the next `allocate` starts from the beginning again (old views alias the new ones). */
  reset(): void {
    if (!Number.isFinite(this.next)) return;
    this.next = ALIGN_BYTES;
    this.freeBlocks.length = 0;
    this.liveBlocks.clear();
  }

  /** Bytes in live allocations. */
  get bytesAllocated(): number {
    let total = 0;
    for (const bytes of this.liveBlocks.values()) total += bytes;
    return total;
  }

  /** True when `array` lies in this tier's memory, so the kernels can take it. */
  holds(array: Float32Array | Float64Array | Int32Array): boolean {
    return this.buffers.has(array.buffer);
  }

  private ensureCapacity(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    if (!this.shared && this.viewsHandedOut) {
      throw new RuntimeError(
        `SIMD kernels: the memory (unshared, ${have} bytes) would have to grow to ${bytes} bytes, which would detach every view handed out. ` +
          'Reserve the total with reserve() before the first allocate().',
      );
    }
    const pages = Math.ceil((bytes - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new RuntimeError(`SIMD kernels: cannot grow the memory to ${bytes} bytes (its maximum is reached). Received: ${String(cause)}`);
    }
    this.buffers.add(this.memory.buffer);
  }

  /** The byte offset of `array`, which must lie in the memory. */
  private at(array: Float32Array | Float64Array | Int32Array, name: string): number {
    if (!this.buffers.has(array.buffer)) {
      throw new ValueError(`SIMD kernels: ${name} must be allocated in the tier's memory (allocate() or view()). Received: a Float32Array of ${array.length} elsewhere`);
    }
    return array.byteOffset;
  }

  // --- The kernels, with the JS kernels' signatures (./index.ts's Kernels) ---

  /** C = op(A)·op(B) (or C += … when accumulate): the contract of `gemm` in ../matmul.ts. */
  readonly gemm = (args: GemmArgs): void => {
    const { transposeA: transA, transposeB: transB, m: M, n: N, k: K, a: A, b: B, c: C, accumulate } = args;
    const lda = args.lda ?? (transA ? M : K);
    checkGemmArgs(M, N, K, A, B, C, transA, lda);
    const kernel = transA ? (transB ? this.raw.gemmTT : this.raw.gemmTN) : transB ? this.raw.gemmNT : this.raw.gemmNN;
    if (transA && !transB && K > TN_K_SLICE) {
      // Aᵀ·B over a long k, in slices of k, each added into C (see TN_K_SLICE).
      const pA = this.at(A, 'A'), pB = this.at(B, 'B'), pC = this.at(C, 'C');
      for (let k0 = 0; k0 < K; k0 += TN_K_SLICE) {
        kernel(M, N, Math.min(TN_K_SLICE, K - k0), pA + 4 * k0 * lda, lda, pB + 4 * k0 * N, pC, k0 > 0 || accumulate ? 1 : 0);
      }
      return;
    }
    kernel(M, N, K, this.at(A, 'A'), lda, this.at(B, 'B'), this.at(C, 'C'), accumulate ? 1 : 0);
  };

  /** A[r, j] += bias[j] for rows [rowStart, rowEnd): `addBias` of ../bias.ts. */
  readonly addBias = (A: Float32Array, bias: Float32Array, rowStart: number, rowEnd: number, units: number): void => {
    this.raw.biasAdd(this.at(A, 'A'), this.at(bias, 'bias'), rowStart, rowEnd, units);
  };

  /**
   * y[i] = f(z[i]) for i in [start, end): `activate` of ../activations.ts.
   * relu in place is z masked by itself; the others (no SIMD exp here) and
   * relu into another array are the JS formula.
   */
  readonly activate = (kind: ActivationKind, z: Float32Array, y: Float32Array, start: number, end: number): void => {
    if (kind === 'relu' && y === z) this.raw.reluBackward(this.at(z, 'z'), this.at(z, 'z'), start, end);
    else jsActivate(kind, z, y, start, end);
  };

  /** into[i] = grad[i]·f'(y[i]) for i in [start, end): `activationGradient` of ../activations.ts (SIMD for relu in place). */
  readonly activationGradient = (kind: OutputDerivativeKind, y: Float32Array, grad: Float32Array, into: Float32Array, start: number, end: number): void => {
    if (kind === 'relu' && into === grad) this.raw.reluBackward(this.at(grad, 'grad'), this.at(y, 'y'), start, end);
    else jsActivationGradient(kind, y, grad, into, start, end);
  };

  /** out[j] = Σ_{r < rows} dZ[r, j] for columns [colStart, colEnd): `columnSums` of ../bias.ts. */
  readonly columnSums = (dZ: Float32Array, rows: number, units: number, colStart: number, colEnd: number, out: Float32Array): void => {
    this.raw.columnSums(this.at(dZ, 'dZ'), rows, units, colStart, colEnd, this.at(out, 'out'));
  };

  /** Softmax of rows in place: no SIMD version (prediction only), the JS kernel on the views. */
  readonly softmaxRows = jsSoftmaxRows;

  /**
   * Softmax crossentropy on logits with its gradient: `softmaxCrossEntropy`
   * of ../softmax.ts. `totals` too must be in the memory (`allocateFloat64(2)`).
   */
  readonly softmaxCrossEntropy = (args: SoftmaxCrossEntropyArgs): void => {
    const { logits, labels, classes, rowStart, rowEnd, scale, grad, totals, rowLosses } = args;
    this.raw.softmaxCrossEntropy(
      this.at(logits, 'logits'), this.at(labels, 'labels'), rowStart, rowEnd, classes, scale,
      this.at(grad, 'grad'), this.at(totals, 'totals'), rowLosses === null ? 0 : this.at(rowLosses, 'rowLosses'),
    );
  };

  /** Adam on θ[start, end): `adamUpdate` of ../optimizers.ts, the same float32 operations in lanes. */
  readonly adamUpdate = (
    g: Float32Array, theta: Float32Array, m: Float32Array, v: Float32Array,
    start: number, end: number, alpha: number, beta1: number, beta2: number, epsilon: number,
  ): void => {
    this.raw.adam(
      this.at(g, 'the gradient'), this.at(theta, 'the variable'), this.at(m, 'm'), this.at(v, 'v'),
      start, end, alpha, 1 - beta1, 1 - beta2, epsilon,
    );
  };

  /** SGD on θ[start, end): `sgdUpdate` of ../optimizers.ts, the same float32 operations in lanes. */
  readonly sgdUpdate = (
    g: Float32Array, theta: Float32Array, momentum: Float32Array | null,
    start: number, end: number, learningRate: number, mu: number, nesterov: boolean,
  ): void => {
    const pG = this.at(g, 'the gradient');
    const pTheta = this.at(theta, 'the variable');
    if (momentum === null || mu === 0) this.raw.sgd(pG, pTheta, start, end, learningRate);
    else this.raw.sgdMomentum(pG, pTheta, this.at(momentum, 'momentum'), start, end, learningRate, mu, nesterov ? 1 : 0);
  };

  // --- The image loops (image-kernels.ts): the JS kernels' bits, four lanes at a time ---

  /** `im2col` of ../conv.ts: patches [N·OH·OW, KH·KW·C] from images firstImage … of x. */
  readonly im2col = (x: Float32Array, g: WindowGeometry, patches: Float32Array, firstImage = 0): void => {
    const imageSize = g.inHeight * g.inWidth * g.channels;
    checkLength('im2col', 'x', x, (firstImage + g.batch) * imageSize);
    checkLength('im2col', 'patches', patches, g.batch * g.outHeight * g.outWidth * g.kernelHeight * g.kernelWidth * g.channels);
    this.raw.im2col(this.at(x, 'x'), this.at(patches, 'patches'), firstImage, g.batch, ...convGeometry(g));
  };

  /**
   * `convValid` of ../conv.ts (gemm-kernels.ts): the gemm's bits on im2col's patches, without them.
   * F must be a multiple of 4; a window outside the image is the caller's error.
   */
  readonly convValid = (x: Float32Array, g: WindowGeometry, kernel: Float32Array, F: number, y: Float32Array, firstImage = 0): void => {
    const imageSize = g.inHeight * g.inWidth * g.channels;
    checkLength('convValid', 'x', x, (firstImage + g.batch) * imageSize);
    checkLength('convValid', 'kernel', kernel, g.kernelHeight * g.kernelWidth * g.channels * F);
    checkLength('convValid', 'y', y, g.batch * g.outHeight * g.outWidth * F);
    this.raw.convValid(this.at(x, 'x') + 4 * firstImage * imageSize, this.at(kernel, 'kernel'), this.at(y, 'y'), g.batch,
      g.inHeight, g.inWidth, g.channels, g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth, F);
  };

  /** `col2im` of ../conv.ts: dX += the patch gradients, each where im2col read it. */
  readonly col2im = (dPatches: Float32Array, g: WindowGeometry, dX: Float32Array): void => {
    checkLength('col2im', 'dPatches', dPatches, g.batch * g.outHeight * g.outWidth * g.kernelHeight * g.kernelWidth * g.channels);
    checkLength('col2im', 'dX', dX, g.batch * g.inHeight * g.inWidth * g.channels);
    this.raw.col2im(this.at(dPatches, 'dPatches'), this.at(dX, 'dX'), g.batch, ...convGeometry(g));
  };

  /** `maxPool` of ../pool.ts: y and each output's winning input index (y alone when winners is null). */
  readonly maxPool = (x: Float32Array, g: WindowGeometry, y: Float32Array, winners: Int32Array | null): void => {
    const outputs = g.batch * g.outHeight * g.outWidth * g.channels;
    checkLength('maxPool', 'x', x, g.batch * g.inHeight * g.inWidth * g.channels);
    checkLength('maxPool', 'y', y, outputs);
    if (winners === null) {
      this.raw.maxPoolValues(this.at(x, 'x'), this.at(y, 'y'), 0, g.batch, ...poolGeometry(g));
      return;
    }
    checkLength('maxPool', 'winners', winners, outputs);
    this.raw.maxPool(this.at(x, 'x'), this.at(y, 'y'), this.at(winners, 'winners'), g.batch, ...poolGeometry(g));
  };

  /** `maxPoolBackward` of ../pool.ts: dX[winners[i]] += dY[i] for the first `count` outputs. */
  readonly maxPoolBackward = (dY: Float32Array, winners: Int32Array, dX: Float32Array, count = winners.length): void => {
    checkLength('maxPoolBackward', 'dY', dY, count);
    checkLength('maxPoolBackward', 'winners', winners, count);
    this.raw.maxPoolBackward(this.at(dY, 'dY'), this.at(winners, 'winners'), this.at(dX, 'dX'), count, dX.length);
  };

  // --- Winograd's transforms (winograd-kernels.ts): float32 lanes, four channels at a time (C and F multiples of 4) ---

  /** `winogradInput` of ../winograd.ts: V [36, capacity, C] from images firstImage … of x. */
  readonly winogradInput = (x: Float32Array, g: WindowGeometry, V: Float32Array, capacity: number, firstImage = 0): void => {
    const C = g.channels;
    checkLength('winogradInput', 'x', x, (firstImage + g.batch) * g.inHeight * g.inWidth * C);
    checkLength('winogradInput', 'V', V, tileValues(g, capacity, C));
    this.raw.winogradInput(this.at(x, 'x'), this.at(V, 'V'), firstImage, g.batch, g.inHeight, g.inWidth, C,
      g.padTop, g.padLeft, g.outHeight, g.outWidth, capacity * C * 4);
  };

  /** `winogradOutput` of ../winograd.ts: y (or y +=) from M [36, capacity, F]. */
  readonly winogradOutput = (M: Float32Array, g: WindowGeometry, F: number, capacity: number, y: Float32Array, accumulate: boolean): void => {
    checkLength('winogradOutput', 'M', M, tileValues(g, capacity, F));
    checkLength('winogradOutput', 'y', y, g.batch * g.outHeight * g.outWidth * F);
    this.raw.winogradOutput(this.at(M, 'M'), this.at(y, 'y'), g.batch, g.outHeight, g.outWidth, F, capacity * F * 4, accumulate ? 1 : 0);
  };

  /** `winogradGradientTiles` of ../winograd.ts: E [36, capacity, F] from images firstImage … of dY. */
  readonly winogradGradientTiles = (dY: Float32Array, g: WindowGeometry, F: number, E: Float32Array, capacity: number, firstImage = 0): void => {
    checkLength('winogradGradientTiles', 'dY', dY, (firstImage + g.batch) * g.outHeight * g.outWidth * F);
    checkLength('winogradGradientTiles', 'E', E, tileValues(g, capacity, F));
    this.raw.winogradGradientTiles(this.at(dY, 'dY'), this.at(E, 'E'), firstImage, g.batch, g.outHeight, g.outWidth, F, capacity * F * 4);
  };

  /** `winogradKernel` of ../winograd.ts: U [36, C, F] (or [36, F, C] flipped) from a 3×3 kernel [3, 3, C, F]. */
  readonly winogradKernel = (kernel: Float32Array, C: number, F: number, U: Float32Array, flipped = false): void => {
    checkLength('winogradKernel', 'kernel', kernel, 9 * C * F);
    checkLength('winogradKernel', 'U', U, 36 * C * F);
    this.raw.winogradKernel(this.at(kernel, 'kernel'), this.at(U, 'U'), C, F, flipped ? 1 : 0);
  };

  /** `winogradKernelGradient` of ../winograd.ts: dW's channels c0 … c1 − 1 from Q [36, C, F]. */
  readonly winogradKernelGradient = (Q: Float32Array, C: number, F: number, dW: Float32Array, c0 = 0, c1 = C): void => {
    checkLength('winogradKernelGradient', 'Q', Q, 36 * C * F);
    checkLength('winogradKernelGradient', 'dW', dW, 9 * C * F);
    this.raw.winogradKernelGradient(this.at(Q, 'Q'), this.at(dW, 'dW'), C, F, c0, c1);
  };
}

/** The values a [36, capacity, width] array of tiles needs for g's batch: up to the last tile of the last position. */
function tileValues(g: WindowGeometry, capacity: number, width: number): number {
  return 35 * capacity * width + g.batch * winogradTiles(g).perImage * width;
}


/** The kernels this tier implements itself, with the JS kernels' signatures (the bench times them directly). */
export type SimdKernelSet = Pick<SimdKernels, 'gemm' | 'addBias' | 'activate' | 'activationGradient' | 'columnSums' | 'softmaxRows' | 'softmaxCrossEntropy' | 'adamUpdate' | 'sgdUpdate' | 'im2col' | 'col2im' | 'maxPool' | 'maxPoolBackward'>;
