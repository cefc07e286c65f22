/**
 * A whole model in one of Keras's files, both ways: the config
 * (keras-config.ts, keras-config-write.ts), the compile settings
 * (compile-config.ts) and the weights with the optimizer's state
 * (keras-weights.ts), put together.
 * Which format a file is in is told by its first bytes (file-format.ts).
 */
import { FileFormatError, ValueError } from '../../errors.js';
import { describeStart, kerasFileFormat } from './file-format.js';
import type { Layer } from '../../layers/layer.js';
import type { SavableModel } from '../savable.js';
import { compileArgsFromKeras, kerasCompileConfig, kerasTrainingConfig } from './compile-config.js';
import { writeHdf5 } from './hdf5/writer.js';
import { legacyH5Root } from './legacy-h5-weights.js';
import { readKerasArchive, writeKerasArchive } from './keras-archive.js';
import { modelFromKerasConfig, type ModelFactories } from './keras-config.js';
import { kerasModelConfig } from './keras-config-write.js';
import { kerasArchiveWeights, setKerasArchiveWeights, setLegacyH5Weights } from './keras-weights.js';
import { readLegacyH5 } from './legacy-h5.js';

export interface KerasLoadOptions {
  /** Compile from the file's compile settings (and restore the optimizer's state). True by default, as in Keras. */
  compile?: boolean;
}

/**
 * The model a `.keras` or legacy `.h5` file holds, its weights loaded and,
 * when the file says how it was compiled, compiled with its optimizer's
 * state restored. Everything is checked before the model is returned.
 */
export async function modelFromKerasFile<S extends SavableModel & Layer, F extends SavableModel & Layer>(
  bytes: Uint8Array,
  fileName: string,
  factories: ModelFactories<S, F>,
  options: KerasLoadOptions = {},
): Promise<S | F> {
  const format = kerasFileFormat(bytes);
  if (format === null) {
    throw new FileFormatError(fileName, `${fileName}: is not a Keras file; a .keras file starts with 'PK' (a zip) and a legacy .h5 file with '\\x89HDF'. Received: ${describeStart(bytes)}`);
  }
  if (format === 'keras') {
    const archive = await readKerasArchive(bytes, fileName);
    const values = countValues([...archive.weights].filter(([path]) => !path.startsWith('optimizer/')).map(([, w]) => w.shape));
    const model = modelFromKerasConfig(archive.config, fileName, factories, values);
    const compileConfig = (archive.config as { compile_config?: unknown }).compile_config;
    const compiled = compileFrom(model, compileConfig, fileName, options);
    setKerasArchiveWeights(model, archive.weights, fileName, { optimizer: compiled });
    return model;
  }
  const legacy = await readLegacyH5(bytes, fileName);
  if (legacy.modelConfig === null) {
    throw new FileFormatError(fileName, `${fileName}: holds weights alone (no model_config): build the model in code and call model.loadWeights('${fileName}').`);
  }
  const values = countValues([...legacy.weights.values()].flat().map((w) => w.shape));
  const model = modelFromKerasConfig(legacy.modelConfig, fileName, factories, values);
  const compiled = compileFrom(model, legacy.trainingConfig, fileName, options);
  setLegacyH5Weights(model, legacy, fileName, { optimizer: compiled });
  return model;
}

/** Compiles `model` from the file's settings when there are some and the caller wants it; whether it did. */
function compileFrom(model: SavableModel, config: unknown, fileName: string, options: KerasLoadOptions): boolean {
  if (options.compile === false || config === undefined || config === null) return false;
  // Keras 3 writes compile_config {} for a model that was never compiled.
  if (typeof config === 'object' && !Array.isArray(config) && Object.keys(config).length === 0) return false;
  const outputNames = (model as { outputNames?: readonly string[] }).outputNames ?? null;
  const args = compileArgsFromKeras(config, fileName, outputNames);
  try {
    model.compile(args);
  } catch (error) {
    // A metric or loss name tinykeras lacks (top_k_categorical_accuracy): the weights are still usable without the compile settings.
    if (error instanceof ValueError) throw new ValueError(`${fileName}: compile_config: ${error.message} Load with { compile: false } and compile the model yourself.`, { cause: error });
    throw error;
  }
  return true;
}

export interface KerasSaveOptions {
  /** Also the compile settings and the optimizer's state; true by default for a compiled model, as in Keras. */
  includeOptimizer?: boolean;
}

/**
 * The bytes of `model` as a Keras 3 `.keras` file (or, `format` 'h5', a
 * legacy `.h5` file), which `keras.saving.load_model` loads, compiled and
 * with the optimizer's state when the model is compiled (unless
 * includeOptimizer is false). A loss or optimizer no file can hold is an
 * error when includeOptimizer was asked for, and a warning (the model saved
 * without them) by default.
 */
export async function kerasFileBytes(model: SavableModel & Layer, options: KerasSaveOptions = {}, format: 'keras' | 'h5' = 'keras'): Promise<Uint8Array> {
  const config = kerasModelConfig(model);
  let includeOptimizer = options.includeOptimizer ?? model.compiled !== null;
  if (includeOptimizer && model.compiled === null) {
    throw new ValueError(`save(): includeOptimizer needs a compiled model; model "${model.name}" has no optimizer. Call compile() first.`);
  }
  let compileConfig: Record<string, unknown> | undefined;
  if (includeOptimizer) {
    try {
      compileConfig = format === 'keras' ? kerasCompileConfig(model.compiled!) : kerasTrainingConfig(model.compiled!);
    } catch (error) {
      if (!(options.includeOptimizer === undefined && error instanceof ValueError)) throw error;
      console.warn(`${error.message} The model is saved without its optimizer; pass { includeOptimizer: false } to say so.`);
      includeOptimizer = false;
    }
  }
  if (format === 'h5') return writeHdf5(legacyH5Root(model, { modelConfig: config, trainingConfig: compileConfig, includeOptimizer }));
  if (compileConfig !== undefined) config.compile_config = compileConfig;
  const { weights, varsAttributes } = kerasArchiveWeights(model, { includeOptimizer });
  return writeKerasArchive({ config, weights, varsAttributes });
}

function countValues(shapes: readonly (readonly number[])[]): number {
  return shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
}

