/**
 * `keras.callbacks`: what `fit({ callbacks })` takes. The ones that write
 * files (CSVLogger, ModelCheckpoint) reach the file system only when used.
 */
export { Callback, History, ProgbarLogger, EarlyStopping, TerminateOnNaN, type CallbackHooks, type EarlyStoppingArgs, type TrainingParams } from '../callbacks/callbacks.js';
export { CSVLogger, type CsvLoggerArgs } from '../callbacks/csv-logger.js';
export { ModelCheckpoint, type ModelCheckpointArgs } from '../callbacks/model-checkpoint.js';
export { ProgressCallback, type TrainingProgress } from '../callbacks/progress-callback.js';
export { LearningRateScheduler, ReduceLROnPlateau, type LearningRateFunction, type ReduceLROnPlateauArgs } from '../callbacks/learning-rate.js';
