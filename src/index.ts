/**
 * tinykeras: a deep-learning engine in plain TypeScript with Keras's API.
 *
 *     import * as keras from 'tinykeras';
 *     const model = new keras.Sequential([
 *       new keras.layers.Flatten({ inputShape: [28, 28] }),
 *       new keras.layers.Dense(128, { activation: 'relu' }),
 *       new keras.layers.Dense(10, { activation: 'softmax' }),
 *     ]);
 *
 * This is the Node entry point (package.json `exports`, conditions `node` and
 * `default`): the platform-neutral core (core.ts) plus what needs Node, which
 * platform/node.ts registers: files, worker threads, file paths for
 * save/load, and `datasets.fashionMnist.loadData` / `datasets.mnist.loadData`
 * reading and caching files (`datasets.parseIdx` reads IDX bytes you have).
 * Browsers get src/browser.ts instead.
 */
import './platform/node.js';
import { fashionMnist } from './data/fashion-mnist.js';
import { mnist } from './data/mnist.js';
import { parseIdx } from './data/idx.js';

export * from './core.js';
/** `keras.datasets`: Fashion-MNIST and MNIST, and the IDX file format they come in. */
export const datasets = { fashionMnist, mnist, parseIdx };
