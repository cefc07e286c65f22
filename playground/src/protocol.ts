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
  /** The first Dense layer's kernel, [784, units] row-major. */
  firstLayerKernel: Float32Array;
  hiddenUnits: number;
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
