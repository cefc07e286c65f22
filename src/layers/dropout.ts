/**
 * Dropout (Srivastava et al., 2014), inverted as Keras does it:
 *
 *     training:   y = x · mask,  mask = 1/(1 − rate) with probability 1 − rate, else 0
 *     otherwise:  y = x
 *
 * Only `fit` calls layers with `training: true`; `evaluate`, `predict` and a
 * plain call leave the inputs unchanged. `noiseShape` is the shape of the
 * mask, broadcast over the input: `[null, 1, features]` drops the same
 * features at every timestep; `null` entries take the input's size.
 *
 *     new Dropout(0.2)                                  // the quickstart's
 *     new Dropout(0.5, { noiseShape: [null, 1, 64], seed: 7 })
 *
 * The mask is drawn from the library's seeded generator (`setRandomSeed`), or
 * from the layer's own when it has a `seed`, so a seeded run repeats exactly.
 */
import { kernels } from '../tensor/kernels/index.js';
import { multiplyByMask } from '../tensor/ops/mask.js';
import { getGlobalGenerator, RandomGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { Layer, LAYER_OPTIONS, type BatchShape, type CallArgs, type LayerArgs } from './layer.js';
import type { DropoutSpec } from './fused-spec.js';
import { layerArgsFromConfig, type LayerConfig } from './config.js';
import { describeValue, ShapeError, ValueError } from '../errors.js';
import { checkPositional } from '../utils/options.js';

export interface DropoutArgs extends LayerArgs {
  /** The fraction of units to drop, in [0, 1). */
  rate?: number;
  /** The mask's shape, batch dimension included, broadcast over the input; null takes the input's size. */
  noiseShape?: readonly (number | null)[] | null;
  /** A seed for this layer's own generator; without one the masks come from the global generator. */
  seed?: number | null;
}

export class Dropout extends Layer {
  static override readonly className = 'Dropout';
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;
  readonly seed: number | null;
  private readonly generator: RandomGenerator | null;

  /** `new Dropout(0.2)` or `new Dropout({ rate: 0.2 })`, as Keras and TF.js write it. */
  constructor(rate: number | DropoutArgs, args: DropoutArgs = {}) {
    const options = checkPositional('Dropout', 'rate', rate, args, [...LAYER_OPTIONS, 'rate', 'noiseShape', 'seed'] satisfies (keyof DropoutArgs)[]);
    super(options);
    const r = options.rate;
    if (typeof r !== 'number' || !(r >= 0 && r < 1)) {
      throw new ValueError(
        `Layer "${this.name}": rate must be a number in [0, 1), the fraction of the inputs to drop ` +
          `(1 would drop everything). Received: rate=${describeValue(r)}`,
      );
    }
    this.rate = r;
    const noiseShape = options.noiseShape ?? null;
    if (noiseShape !== null && (!Array.isArray(noiseShape) || !noiseShape.every((d) => d === null || (Number.isInteger(d) && d > 0)))) {
      throw new ValueError(
        `Layer "${this.name}": noiseShape must be an array of positive integers or null (null takes the input's size), ` +
          `batch dimension included, such as [null, 1, 64]. Received: noiseShape=${describeValue(noiseShape)}`,
      );
    }
    this.noiseShape = noiseShape;
    const seed = options.seed ?? null;
    if (seed !== null && !Number.isInteger(seed)) {
      throw new ValueError(`Layer "${this.name}": seed must be an integer. Received: seed=${describeValue(seed)}`);
    }
    this.seed = seed;
    this.generator = seed === null ? null : new RandomGenerator(seed);
  }

  call(inputs: Tensor, args: CallArgs = {}): Tensor {
    if (!args.training || this.rate === 0) return inputs;
    const maskShape = this.maskShape(inputs.shape);
    const mask = new Float32Array(sizeOf(maskShape));
    kernels.fillDropoutMask(mask, this.rate, this.generator ?? getGlobalGenerator());
    return multiplyByMask(inputs, new Tensor(mask, maskShape));
  }

  /** The fused executor runs a Dropout whose mask has the input's shape (no noiseShape). */
  override fusedSpec(): DropoutSpec | null {
    if (this.call !== Dropout.prototype.call || this.noiseShape !== null) return null;
    return { kind: 'dropout', name: this.name, rate: this.rate, generator: this.generator };
  }

  /** The mask's shape for inputs of `shape`: noiseShape with its nulls filled in, or the input's own shape. */
  maskShape(shape: readonly number[]): number[] {
    const noise = this.noiseShape;
    if (noise === null) return [...shape];
    const filled = noise.map((d, i) => d ?? shape[i]!);
    if (noise.length !== shape.length || filled.some((d, i) => d !== 1 && d !== shape[i])) {
      throw new ShapeError(
        `Layer "${this.name}": noiseShape must have one entry per input dimension (batch included), each equal to ` +
          `the input's size, 1 (shared along that axis) or null. Received: noiseShape=${JSON.stringify(noise)} ` +
          `for inputs of shape [${shape.join(', ')}]`,
      );
    }
    return filled;
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: this.noiseShape, seed: this.seed };
  }

  static fromConfig(config: LayerConfig): Dropout {
    return new Dropout({
      ...layerArgsFromConfig(config),
      rate: config.rate as number,
      noiseShape: (config.noise_shape ?? null) as (number | null)[] | null,
      seed: (config.seed ?? null) as number | null,
    });
  }
}
