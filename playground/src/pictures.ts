/**
 * Images drawn pixel for pixel on small canvases (CSS scales them up):
 * Fashion-MNIST images as the tutorial shows them (black ink on white), the
 * first Dense layer's weights for one hidden unit as a 28×28 picture, and
 * for the CNN its 3×3 filters and the feature maps they make of an image.
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
 * Draws a width×height picture of signed values, `value(p)` for pixel p in
 * row-major order: white at 0, red for positive and blue for negative values,
 * full colour at the largest |value|.
 */
function drawSigned(canvas: HTMLCanvasElement, width: number, height: number, value: (p: number) => number): void {
  let max = 1e-12;
  for (let p = 0; p < width * height; p++) max = Math.max(max, Math.abs(value(p)));
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    const w = value(p) / max;
    const [r, g, b] = w >= 0 ? POSITIVE : NEGATIVE;
    const t = Math.abs(w);
    image.data.set([255 + (r! - 255) * t, 255 + (g! - 255) * t, 255 + (b! - 255) * t, 255], p * 4);
  }
  context.putImageData(image, 0, 0);
}

/** The weights from the 784 pixels to hidden unit `unit` of a Dense kernel of shape [784, units], as a 28×28 picture. */
export function drawWeights(canvas: HTMLCanvasElement, kernel: Float32Array, units: number, unit: number): void {
  drawSigned(canvas, 28, 28, (p) => kernel[p * units + unit]!);
}

/** Filter `filter` of a one-channel Conv2D kernel of shape [size, size, 1, filters], as a size×size picture. */
export function drawFilter(canvas: HTMLCanvasElement, kernel: Float32Array, size: number, filters: number, filter: number): void {
  drawSigned(canvas, size, size, (p) => kernel[p * filters + filter]!);
}

/**
 * Channel `channel` of image `image`'s feature maps, of shape [images, size,
 * size, channels]: black where the filter found its pattern most strongly
 * in this map, white where not at all (relu outputs are never negative).
 */
export function drawFeatureMap(canvas: HTMLCanvasElement, maps: Float32Array, size: number, channels: number, image: number, channel: number): void {
  const at = (p: number) => maps[(image * size * size + p) * channels + channel]!;
  let max = 1e-12;
  for (let p = 0; p < size * size; p++) max = Math.max(max, at(p));
  const context = canvas.getContext('2d')!;
  const picture = context.createImageData(size, size);
  for (let p = 0; p < size * size; p++) {
    const shade = 255 - Math.round((255 * Math.max(0, at(p))) / max);
    picture.data.set([shade, shade, shade, 255], p * 4);
  }
  context.putImageData(picture, 0, 0);
}

export function pixelCanvas(label: string, size = 28): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  canvas.setAttribute('aria-label', label);
  canvas.setAttribute('role', 'img');
  return canvas;
}
