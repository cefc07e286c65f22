/**
 * Reading a layer's Keras config (what `getConfig()` writes, and what a saved
 * model.json holds per layer) back into constructor options, for each class's
 * static `fromConfig`. The keys every layer has are read here:
 *
 *     name                a non-empty string (absent: a fresh automatic name)
 *     trainable           true or false (absent: true)
 *     dtype               'float32', or Keras 3's { class_name: 'DTypePolicy', config: { name: 'float32' } }
 *     batch_input_shape   [null, d1, d2, …]: the model's input, on its first layer
 *
 * A value of the wrong type is a MalformedConfigError (the config, or the file
 * it came from, is broken); a well-formed value tinykeras does not have (a
 * float16 dtype, a gelu activation) is a plain ValueError.
 */
import { ACTIVATION_NAMES, type ActivationName } from './activations.js';
import type { LayerArgs } from './layer.js';
import { describeValue, ValueError } from '../errors.js';

/** A config value of the wrong type: the config is malformed, not merely unsupported. */
export class MalformedConfigError extends ValueError {}
Object.defineProperty(MalformedConfigError.prototype, 'name', { value: 'MalformedConfigError', writable: true, configurable: true });

/** The longest layer name read from a file: far beyond any real one, short enough to quote in every message that names the layer. */
export const MAX_NAME_LENGTH = 256;

/** A layer config as Keras writes it: snake_case keys. */
export type LayerConfig = Readonly<Record<string, unknown>>;

/** Whether `value` is a plain JSON object (not an array, not null). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The options of every layer (name, trainable, inputShape) from a config; checks dtype. */
export function layerArgsFromConfig(config: LayerConfig): LayerArgs & { trainable: boolean } {
  const { name, trainable, dtype, batch_input_shape: batchShape } = config;
  if (name !== undefined && (typeof name !== 'string' || name === '' || name.length > MAX_NAME_LENGTH)) {
    throw new MalformedConfigError(`name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters. Received: name=${describeValue(name)}`);
  }
  if (trainable !== undefined && typeof trainable !== 'boolean') {
    throw new MalformedConfigError(`trainable must be true or false. Received: trainable=${describeValue(trainable)}`);
  }
  // Keras 3 writes the dtype as a policy object: { class_name: 'DTypePolicy', config: { name: 'float32' } }.
  const dtypeName = isRecord(dtype) && isRecord(dtype.config) ? dtype.config.name : dtype;
  if (dtypeName !== undefined && dtypeName !== null && dtypeName !== 'float32') {
    throw new ValueError(`tinykeras computes in float32 only. Received: dtype=${describeValue(dtypeName)}`);
  }
  if (batchShape !== undefined && batchShape !== null && !Array.isArray(batchShape)) {
    throw new MalformedConfigError(`batch_input_shape must be [null, d1, d2, …]. Received: batch_input_shape=${describeValue(batchShape)}`);
  }
  const args: LayerArgs & { trainable: boolean } = { trainable: trainable ?? true };
  if (name !== undefined) args.name = name;
  // The constructor checks the sizes, as it does for inputShape given in code.
  if (Array.isArray(batchShape)) args.inputShape = batchShape.slice(1) as number[];
  return args;
}

/** An activation name from a config; absent (undefined or null), the `fallback` when there is one (Dense: linear). */
export function activationFromConfig(value: unknown, fallback?: ActivationName): ActivationName {
  const name = value ?? fallback;
  if (!ACTIVATION_NAMES.includes(name as ActivationName)) {
    throw new ValueError(`unknown activation; tinykeras supports ${ACTIVATION_NAMES.join(', ')}. Received: activation=${describeValue(name)}`);
  }
  return name as ActivationName;
}

/**
 * Regularizers and constraints (`kernel_regularizer`, `beta_constraint`, …)
 * change training; a config that sets one the layer does not read (`read`:
 * Dense and Conv2D read their regularizers, regularized.ts) is refused
 * rather than loaded into a model that would train differently.
 */
export function rejectRegularizers(config: LayerConfig, read: readonly string[] = []): void {
  const given = Object.keys(config).filter((key) => /_(regularizer|constraint)$/.test(key) && !read.includes(key) && config[key] !== null && config[key] !== undefined);
  if (given.length > 0) {
    throw new ValueError(
      `tinykeras has no ${read.length > 0 ? 'constraints' : 'regularizers or constraints'} yet on this layer, and training without them would differ. ` +
        `Received: ${given.map((key) => `${key}=${JSON.stringify(config[key])}`).join(', ')}`,
    );
  }
}
