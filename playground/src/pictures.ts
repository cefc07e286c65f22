/**
 * Images drawn pixel for pixel on small canvases (CSS scales them up):
 * Fashion-MNIST images as the tutorial shows them (black ink on white), and
 * the first Dense layer's weights for one hidden unit as a 28×28 picture.
 */

/** Draws a 28×28 image of pixel values 0-255: 0 white, 255 black (matplotlib's 'binary'). */
export function drawImage(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, offset = 0): void {
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const shade = 255 - pixels[offset + i]!;
    image.data.set([shade, shade, shade, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
}

const NEGATIVE = [33, 102, 172];
const POSITIVE = [178, 24, 43];

/**
 * Draws the weights from the 784 pixels to hidden unit `unit` of a kernel of
 * shape [784, units]: white at 0, red for positive and blue for negative
 * weights, full colour at the unit's largest |weight|.
 */
export function drawWeights(canvas: HTMLCanvasElement, kernel: Float32Array, units: number, unit: number): void {
  let max = 1e-12;
  for (let p = 0; p < 784; p++) max = Math.max(max, Math.abs(kernel[p * units + unit]!));
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    const w = kernel[p * units + unit]! / max;
    const [r, g, b] = w >= 0 ? POSITIVE : NEGATIVE;
    const t = Math.abs(w);
    image.data.set([255 + (r! - 255) * t, 255 + (g! - 255) * t, 255 + (b! - 255) * t, 255], p * 4);
  }
  context.putImageData(image, 0, 0);
}

export function pixelCanvas(label: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = 28;
  canvas.height = 28;
  canvas.setAttribute('aria-label', label);
  canvas.setAttribute('role', 'img');
  return canvas;
}
