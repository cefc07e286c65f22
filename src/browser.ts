/**
 * tinykeras for browsers (package.json `exports`, condition `browser`): the
 * same API as the Node entry (src/index.ts), with browser counterparts for
 * what needs Node there. Its module graph holds no Node module, so bundlers
 * (esbuild, Vite, webpack, Rollup) build it without shims or warnings.
 *
 *   - `datasets.fashionMnist.loadData()` fetches, verifies and caches the
 *     files (data/fashion-mnist-web.ts) instead of reading a directory;
 *   - models save and load through 'indexeddb://', 'localstorage://',
 *     'http(s)://' URLs and `io.browserFiles`, not file paths;
 *   - fit trains on one thread.
 */
import './platform/browser.js';
import { fashionMnist } from './data/fashion-mnist-web.js';

export * from './core.js';
export const datasets = { fashionMnist };
export type { WebLoadDataOptions, DownloadProgress } from './data/fashion-mnist-web.js';
