/**
 * The CNN tutorial's convolutions at batch 32, timed pass by pass on both
 * kernel tiers (the job `cnn-kernels`), in GFLOP/s, 2·M·K·F flops per pass
 * for M = 32·OH·OW output positions, K = 3·3·C values per patch, F filters
 * (src/tensor/ops/conv.ts's reading of a convolution):
 *
 *   forward          im2col(x) → patches [M, K];  patches · kernel [K, F]      (gemm NN)
 *   input gradient   dY · kernelᵀ → dPatches;  col2im(dPatches) → dx           (gemm NN on a transposed copy of the kernel,
 *                                                                               as the executors do; not run for the first
 *                                                                               layer, whose input needs no gradient)
 *   kernel gradient  patchesᵀ · dY → dKernel                                   (gemm TN)
 *
 *   conv2d    28×28×1  → 26×26×32:  M = 21,632  K = 9    F = 32
 *   conv2d_1  13×13×32 → 11×11×64:  M = 3,872   K = 288  F = 64
 *   conv2d_2  5×5×64   → 3×3×64:    M = 288     K = 576  F = 64
 *
 * The layer the executors run by Winograd's F(4×4, 3×3) (conv2d_1:
 * src/tensor/ops/winograd-conv.ts's rule) is timed on that road too,
 * each pass whole (transforms and the 36 products, the kernel's transform
 * included), with the same 2·M·K·F flops: an effective rate, which may
 * pass the peak since the road does fewer multiply-adds.
 *
 * with realistic operands: the first 32 training images, the activations the
 * freshly initialised model makes of them (relu zeros included), its
 * Glorot-uniform kernels, and output gradients masked where relu was 0.
 * im2col, col2im and the gemm are the tier's own. Beside them, each tier's
 * arithmetic peak on one thread, measured in the same run (bench/lib/peak.ts). Timing as bench/jobs/kernels.ts (bench/lib/kernel-timing.ts).
 *
 *     npx tsx bench/jobs/conv-kernels.ts       # indented JSON
 *     npm run bench -- --only cnn-kernels      # as a table
 */
import * as keras from '../../src/index.js';
import { windowGeometry } from '../../src/tensor/ops/window.js';
import { transposeInto, useKernels, winogradApplies, winogradTiles } from '../../src/tensor/kernels/index.js';
import { inputGradientWindow, WinogradConv, WinogradKernelGradient } from '../../src/tensor/ops/winograd-conv.js';
import { loadSeedData } from '../lib/seed-data.js';
import { compiledModel } from '../lib/models.js';
import { kernelTiers, medianMsPerCall, warmUp, type Timed } from '../lib/kernel-timing.js';
import { jsPeakGflops, simdPeakGflops } from '../lib/peak.js';
import { relaxedSimdSupported } from '../../src/tensor/kernels/simd/simd-kernels.js';
import { emitResult, parseJobOptions, processStats, progress, type ConvKernelResult, type ConvKernelsJobResult } from '../lib/protocol.js';

const WARM_UP_MS = 2000;
const BATCH = 32;

const options = parseJobOptions(1);
keras.utils.setRandomSeed(1);
const { x } = await loadSeedData(BATCH, true);
const model = compiledModel('cnn');
const { tiers, simdAvailable } = kernelTiers(options);

interface Pass {
  layer: string;
  pass: ConvKernelResult['pass'];
  road: ConvKernelResult['road'];
  M: number;
  K: number;
  F: number;
  calls: Timed[];
}

// Each conv layer's input, kernel and output gradient, by running the model's layers on the images.
const passes: Pass[] = [];
let input = x;
for (const layer of model.layers.slice(0, 5)) {
  const output = layer.apply(input) as keras.Tensor;
  if (layer instanceof keras.layers.Conv2D) {
    const kernel = layer.getWeights()[0]!.data;
    const g = windowGeometry(input.shape, { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid' }, 'conv-kernels');
    const [M, K, F] = [BATCH * g.outHeight * g.outWidth, 9 * g.channels, layer.filters];
    const dY = keras.random.normal(output.shape, 0, 1 / BATCH).data;
    for (let i = 0; i < dY.length; i++) if (output.data[i] === 0) dY[i] = 0;
    const at = tiers.map(({ tier, k, place }) => {
      const X = place(input.data);
      const [W, G, patches, Y, dPatches, dX, dW, WT] = [place(kernel), place(dY), place(new Float32Array(M * K)), place(new Float32Array(M * F)), place(new Float32Array(M * K)), place(new Float32Array(input.size)), place(new Float32Array(K * F)), place(new Float32Array(K * F))];
      k.im2col(X, g, patches);
      return {
        tier,
        forward: () => {
          k.im2col(X, g, patches);
          k.gemm({ transposeA: false, transposeB: false, m: M, n: F, k: K, a: patches, b: W, c: Y, accumulate: false });
        },
        inputGradient: () => {
          transposeInto(W, K, F, WT);
          k.gemm({ transposeA: false, transposeB: false, m: M, n: K, k: F, a: G, b: WT, c: dPatches, accumulate: false });
          k.col2im(dPatches, g, dX);
        },
        kernelGradient: () => k.gemm({ transposeA: true, transposeB: false, m: K, n: F, k: M, a: patches, b: G, c: dW, accumulate: true }),
      };
    });
    const first = passes.length === 0; // its input is the images: no gradient wanted
    const road = 'im2col' as const;
    passes.push({ layer: layer.name, pass: 'forward', road, M, K, F, calls: at.map((t) => ({ tier: t.tier, call: t.forward })) });
    if (!first) passes.push({ layer: layer.name, pass: 'input gradient', road, M, K, F, calls: at.map((t) => ({ tier: t.tier, call: t.inputGradient })) });
    passes.push({ layer: layer.name, pass: 'kernel gradient', road, M, K, F, calls: at.map((t) => ({ tier: t.tier, call: t.kernelGradient })) });
    if (winogradApplies(g, F)) {
      // The same passes as the executors run them on Winograd's road, each tier's table in use while timed.
      const winograd = tiers.map((t) => {
        const { tier, place } = t;
        const X = place(input.data), W = place(kernel), G = place(dY), Y = place(new Float32Array(M * F));
        const dX = place(new Float32Array(input.size)), dW = place(new Float32Array(K * F));
        const forward = new WinogradConv(g, F, place(new Float32Array(WinogradConv.space(g, F))));
        const backWindow = inputGradientWindow(g, F);
        const backward = new WinogradConv(backWindow, g.channels, place(new Float32Array(WinogradConv.space(backWindow, g.channels))));
        const tiles = BATCH * winogradTiles(g).perImage;
        const E = { values: place(new Float32Array(36 * tiles * F)), capacity: tiles };
        const gradient = new WinogradKernelGradient(g, F, forward.inputs, E, place(new Float32Array(36 * g.channels * F)));
        const using = (body: () => void) => () => { useKernels(t.table); body(); };
        return {
          tier,
          forward: using(() => { forward.setKernel(W); forward.run(X, 0, BATCH, Y); }),
          inputGradient: using(() => { backward.setKernel(W, true); backward.run(G, 0, BATCH, dX); }),
          kernelGradient: using(() => { t.table.winogradGradientTiles(G, g, F, E.values, tiles); gradient.run(BATCH, dW); }),
        };
      });
      const onRoad = 'winograd' as const;
      passes.push({ layer: layer.name, pass: 'forward', road: onRoad, M, K, F, calls: winograd.map((t) => ({ tier: t.tier, call: t.forward })) });
      passes.push({ layer: layer.name, pass: 'input gradient', road: onRoad, M, K, F, calls: winograd.map((t) => ({ tier: t.tier, call: t.inputGradient })) });
      passes.push({ layer: layer.name, pass: 'kernel gradient', road: onRoad, M, K, F, calls: winograd.map((t) => ({ tier: t.tier, call: t.kernelGradient })) });
    }
  }
  input = output;
}

progress(options, `warming up for ${WARM_UP_MS / 1000} s`);
warmUp(passes.flatMap((p) => p.calls), WARM_UP_MS);

const conv: ConvKernelResult[] = passes.flatMap(({ layer, pass, road, M, K, F, calls }) =>
  calls.map(({ tier, call }) => {
    const ms = medianMsPerCall(call, 100);
    const gflops = (2 * M * K * F) / (ms * 1e6);
    progress(options, `${layer} ${pass} by ${road} (${tier}): ${gflops.toFixed(2)} GFLOP/s`);
    return { layer, pass, road, tier, M, K, F, gflops, microsecondsPerCall: ms * 1000 };
  }),
);

const peakGflops = { js: jsPeakGflops(), simd: simdAvailable ? simdPeakGflops() : null };
progress(options, `peaks: js ${peakGflops.js.toFixed(2)} GFLOP/s, simd ${peakGflops.simd?.toFixed(2) ?? '-'} GFLOP/s`);
const fusedMultiplyAdd = simdAvailable && relaxedSimdSupported();
const result: ConvKernelsJobResult = { job: 'cnn-kernels', simdAvailable, fusedMultiplyAdd, peakGflops, conv, ...processStats() };
emitResult(options, result);
