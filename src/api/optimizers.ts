/**
 * `keras.optimizers`: Adam, SGD, RMSprop, Adagrad, AdamW and Nadam, the
 * Optimizer base class to write another, and `schedules` (learning rates
 * that follow the step count).
 */
export { Optimizer } from '../optim/optimizer.js';
export { Adam, type AdamOptions } from '../optim/adam.js';
export { SGD, type SGDOptions } from '../optim/sgd.js';
export { RMSprop, type RMSpropOptions } from '../optim/rmsprop.js';
export { Adagrad, type AdagradOptions } from '../optim/adagrad.js';
export { AdamW, type AdamWOptions } from '../optim/adamw.js';
export { Nadam, type NadamOptions } from '../optim/nadam.js';
export * as schedules from './schedules.js';
