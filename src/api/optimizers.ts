/** `keras.optimizers`: Adam and SGD, and the Optimizer base class to write another. */
export { Optimizer } from '../optim/optimizer.js';
export { Adam, type AdamOptions } from '../optim/adam.js';
export { SGD, type SGDOptions } from '../optim/sgd.js';
