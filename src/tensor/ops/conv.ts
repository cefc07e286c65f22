/**
 * 2-D convolution (a cross-correlation, as in every deep-learning library)
 * of channels-last images x [N, H, W, C] with a kernel [KH, KW, C, F]:
 *
 *     y[n, oh, ow, f] = Σ_{kh, kw, c} x[n, oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW, c] · kernel[kh, kw, c, f]
 *
 * written the readable way, as one matrix product over the patches of x
 * (kernels/conv.ts's im2col), with M = N·OH·OW output positions and
 * K = KH·KW·C values per patch:
 *
 *     patches [M, K] = im2col(x)
 *     y [M, F]       = patches [M, K] · kernel [K, F]         (then seen as [N, OH, OW, F])
 *
 * so the backward pass is matmul's, plus col2im to put the patch gradients
 * back where their values came from:
 *
 *     dKernel [K, F]  += patchesᵀ · dY                          (gemm TN)
 *     dPatches [M, K]  = dY · kernelᵀ                           (gemm NN on a transposed copy of the kernel:
 *                                                                 faster than NT here, kernels/matmul.ts's transposeInto)
 *     dx              += col2im(dPatches)                       (overlapping windows add up)
 *
 * A 3×3 kernel with stride 1 and enough channels (kernels/winograd.ts's
 * `winogradApplies`) takes a faster road to the same y and dx: Winograd's
 * F(4×4, 3×3) (./winograd-conv.ts), 3-4× fewer multiplications, rounding
 * differently (a relative error of a few 1e-6 instead of 1e-7), and no
 * patches at all.
 *
 * The bias and the activation are separate ops (the Conv2D layer adds them).
 */
import { gradBuffer, record } from '../autograd.js';
import { kernels, transposeInto, winogradApplies, winogradTiles, type WindowGeometry } from '../kernels/index.js';
import { inputGradientWindow, slabTiles, WinogradConv, WinogradKernelGradient } from './winograd-conv.js';
import { requireTensor, Tensor } from '../tensor.js';
import { checkValueCount, windowGeometry, type Padding } from './window.js';
import { ShapeError } from '../../errors.js';

export interface Conv2dOptions {
  /** [strideHeight, strideWidth]; [1, 1] by default. */
  strides?: readonly [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
  /** [dilationHeight, dilationWidth]: the gap between the kernel's taps; [1, 1] by default. */
  dilationRate?: readonly [number, number];
}

/** The cross-correlation of x [N, H, W, C] with kernel [KH, KW, C, F]: y [N, OH, OW, F]. */
export function conv2d(x: Tensor, kernel: Tensor, options: Conv2dOptions = {}): Tensor {
  requireTensor(x, 'conv2d');
  requireTensor(kernel, 'conv2d');
  if (kernel.rank !== 4) {
    throw new ShapeError(`conv2d: the kernel must have shape [kernelHeight, kernelWidth, inChannels, filters]. Received: shape=[${kernel.shape.join(', ')}]`);
  }
  const [KH, KW, C, F] = kernel.shape as [number, number, number, number];
  const g = windowGeometry(x.shape, {
    kernel: [KH, KW],
    strides: options.strides ?? [1, 1],
    dilation: options.dilationRate ?? [1, 1],
    padding: options.padding ?? 'valid',
  }, 'conv2d');
  if (g.channels !== C) {
    throw new ShapeError(`conv2d: the input has ${g.channels} channels but the kernel expects ${C}. Received: input shape=[${x.shape.join(', ')}], kernel shape=[${kernel.shape.join(', ')}]`);
  }
  const M = g.batch * g.outHeight * g.outWidth;
  const K = KH * KW * C;
  // The patch matrix repeats each input value up to KH·KW times.
  checkValueCount(M * K, 'conv2d', `the patch matrix [${M}, ${K}] of this batch`);
  checkValueCount(M * F, 'conv2d', `the output [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${F}]`);
  if (winogradApplies(g, F)) return winogradConv2d(x, kernel, g);
  const patches = new Float32Array(M * K);
  kernels.im2col(x.data, g, patches);
  const Y = new Float32Array(M * F);
  kernels.gemm({ transposeA: false, transposeB: false, m: M, n: F, k: K, a: patches, b: kernel.data, c: Y, accumulate: false });

  return record(new Tensor(Y, [g.batch, g.outHeight, g.outWidth, F]), 'conv2d', [x, kernel], (dY) => {
    if (kernel.requiresGrad) {
      kernels.gemm({ transposeA: true, transposeB: false, m: K, n: F, k: M, a: patches, b: dY, c: gradBuffer(kernel), accumulate: true });
    }
    if (x.requiresGrad) {
      const dPatches = new Float32Array(M * K);
      const kernelT = new Float32Array(F * K);
      transposeInto(kernel.data, K, F, kernelT);
      kernels.gemm({ transposeA: false, transposeB: false, m: M, n: K, k: F, a: dY, b: kernelT, c: dPatches, accumulate: false });
      kernels.col2im(dPatches, g, gradBuffer(x));
    }
  });
}

/**
 * conv2d's Winograd road (./winograd-conv.ts): y, dx and dW each by
 * Winograd's transforms. On the SIMD tier its kernels run staged in the
 * tier's memory (kernels/simd/simd-table.ts), so autograd gives the fused
 * executor's bits there too.
 */
function winogradConv2d(x: Tensor, kernel: Tensor, g: WindowGeometry): Tensor {
  const [, , C, F] = kernel.shape as [number, number, number, number];
  const forward = new WinogradConv(g, F, new Float32Array(WinogradConv.space(g, F)));
  forward.setKernel(kernel.data);
  const Y = new Float32Array(g.batch * g.outHeight * g.outWidth * F);
  forward.run(x.data, 0, g.batch, Y);

  return record(new Tensor(Y, [g.batch, g.outHeight, g.outWidth, F]), 'conv2d', [x, kernel], (dY) => {
    if (kernel.requiresGrad) {
      const tiles = slabTiles(g.batch * winogradTiles(g).perImage);
      const gradients = { values: new Float32Array(36 * tiles * F), capacity: tiles };
      kernels.winogradGradientTiles(dY, g, F, gradients.values, tiles);
      const dW = new Float32Array(kernel.size);
      new WinogradKernelGradient(g, F, forward.inputs, gradients, new Float32Array(36 * C * F)).run(g.batch, dW);
      addInto(gradBuffer(kernel), dW);
    }
    if (x.requiresGrad) {
      const window = inputGradientWindow(g, F);
      const backward = new WinogradConv(window, C, new Float32Array(WinogradConv.space(window, C)));
      backward.setKernel(kernel.data, true);
      // Added to zeros, then to the gradient: the executor's 0 + dx, bit for bit.
      const dx = new Float32Array(x.size);
      backward.run(dY, 0, g.batch, dx, true);
      addInto(gradBuffer(x), dx);
    }
  });
}

/** into += values, element by element. */
function addInto(into: Float32Array, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) into[i]! += values[i]!;
}
