/**
 * tinykeras for browsers (package.json `exports`, condition `browser`): the
 * same API as the Node entry (src/index.ts), with browser counterparts for
 * what needs Node there. Its module graph holds no Node module, so bundlers
 * (esbuild, Vite, webpack, Rollup) build it without shims or warnings.
 *
 *   - `datasets.fashionMnist.loadData()` and `datasets.mnist.loadData()`
 *     fetch, verify and cache the files (data/idx-dataset-web.ts) instead
 *     of reading a directory;
 *   - models save and load through 'indexeddb://', 'localstorage://',
 *     'http(s)://' URLs and `io.browserFiles`, not file paths;
 *   - fit trains on one thread.
 */
import './platform/browser.js';
import { fashionMnist, mnist } from './data/idx-dataset-web.js';
import { parseIdx } from './data/idx.js';

export * from './core.js';
/** `keras.datasets`: Fashion-MNIST and MNIST over HTTP, and the IDX file format they come in. */
export const datasets = { fashionMnist, mnist, parseIdx };
export type { WebLoadDataOptions, DownloadProgress } from './data/idx-dataset-web.js';
