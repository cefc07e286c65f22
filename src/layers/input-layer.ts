/**
 * InputLayer: declares the shape of one sample, as the first entry of a
 * Sequential (Keras's `keras.Input(shape=(28, 28))`):
 *
 *     new Sequential([keras.Input({ shape: [28, 28] }), new Flatten(), new Dense(10)])
 *
 * It computes nothing. As in Keras, the Sequential takes the shape from it
 * and does not list it among `model.layers` or in `summary()`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Layer, type BatchShape } from './layer.js';
import { describeValue, ValueError } from '../errors.js';

export interface InputArgs {
  /** The shape of one sample, without the batch dimension: [28, 28] for an image. */
  shape?: readonly number[];
  /** The same as `shape` (the name other layers use). */
  inputShape?: readonly number[];
  name?: string;
}

export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';

  constructor(args: InputArgs = {}) {
    const shape = args.shape ?? args.inputShape;
    if (shape === undefined) {
      throw new ValueError(
        `InputLayer: shape is required, the shape of one sample without the batch dimension (for 28×28 images: { shape: [28, 28] }). ` +
          `Received: ${describeValue(args)}`,
      );
    }
    super({ ...(args.name === undefined ? {} : { name: args.name }), inputShape: shape });
  }

  call(inputs: Tensor): Tensor {
    return inputs;
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return inputShape;
  }
}

/** Keras's `keras.Input({ shape })`: an InputLayer to start a Sequential with. */
export function Input(args: InputArgs): InputLayer {
  return new InputLayer(args);
}
