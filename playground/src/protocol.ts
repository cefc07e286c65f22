/**
 * The messages between the page and the training worker. Everything the page
 * draws arrives in these; the worker owns the data and the model.
 */
import type { ModelArtifacts } from 'tinykeras';
import type { PlaygroundConfig } from './config.js';

/** One point of the training curves; x is in epochs (batches trained ÷ batches per epoch). */
export interface CurvePoint {
  epoch: number;
  loss: number;
  accuracy: number;
}

/** What the model learned, measured on the test set after an epoch (or after loading a model). */
export interface Evaluation {
  /** Epochs trained so far, in batches ÷ batches per epoch (fractional after a stop; 0 for a model just loaded). */
  epoch: number;
  testLoss: number;
  testAccuracy: number;
  /** The first test images of the grid: 784 pixels (0-255) each, their labels and their 10 probabilities each. */
  gridImages: Uint8Array;
  gridLabels: number[];
  gridProbabilities: Float32Array;
  /** counts[true * 10 + predicted] over the whole test set. */
  confusion: number[];
  /** The first Dense layer's kernel, [784, units] row-major (the dense model; empty for the CNN, whose Dense sees feature maps, not pixels). */
  firstLayerKernel: Float32Array;
  hiddenUnits: number;
  /** The CNN's Conv2D: its filters and what they find in the grid's images; null for the dense model. */
  conv: ConvPictures | null;
}

/** What the CNN's Conv2D layer learned, for drawing. */
export interface ConvPictures {
  filters: number;
  /** The kernel, [3, 3, 1, filters] row-major (Keras's layout). */
  kernel: Float32Array;
  /** The layer's outputs (after relu) for each grid image: [gridImages, size, size, filters] row-major. */
  featureMaps: Float32Array;
  /** The maps' height and width (26 for 28×28 images and a 3×3 kernel). */
  size: number;
}

export type ToWorker =
  | { type: 'train'; config: PlaygroundConfig }
  | { type: 'stop' }
  /** Trains on from where the model stopped, up to `epochs` in all. */
  | { type: 'resume'; epochs: number }
  | { type: 'export' }
  | { type: 'import'; artifacts: ModelArtifacts; source: string };

export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'started'; config: PlaygroundConfig; stepsPerEpoch: number; resumed: boolean }
  /** The Keras progress line as it is now, and the curve points since the last message (smoothed per batch). */
  | { type: 'progress'; line: string; batches: CurvePoint[] }
  | { type: 'epoch'; epoch: number; validation: CurvePoint; seconds: number }
  | { type: 'evaluation'; evaluation: Evaluation }
  | { type: 'finished'; stopped: boolean; epochsDone: number; epochs: number }
  | { type: 'exported'; artifacts: ModelArtifacts }
  | { type: 'imported'; config: PlaygroundConfig; source: string }
  | { type: 'error'; message: string };
