/**
 * Every callback, for `keras.callbacks`: the core ones, and those that write
 * files (kept in their own modules, which reach the file system only when used).
 */
export * from './callbacks.js';
export { CSVLogger, type CsvLoggerArgs } from './csv-logger.js';
export { ModelCheckpoint, formatFilepath, type ModelCheckpointArgs } from './model-checkpoint.js';
export { ProgressCallback, type TrainingProgress } from './progress-callback.js';
