/**
 * The Node platform: registers what only Node has, for the core to use
 * through platform/services.ts and the IO handler registry. Imported for its
 * effect by the Node entry point (src/index.ts), never by the browser entry.
 *
 *   - the file system (data/node-files.ts), for CSVLogger
 *   - 'file://' URLs and plain paths for save/load (saving/file-handler.ts)
 *   - worker-thread training (training/threads/), over SharedArrayBuffer
 */
import { registerPlatform } from './services.js';
import { registerPathHandler, registerScheme } from '../saving/handlers.js';
import { FileHandler } from '../saving/file-handler.js';

registerPlatform({
  name: 'node',
  fileSystem: () => import('../data/node-files.js'),
  threads: {
    unavailableReason: () =>
      typeof SharedArrayBuffer === 'function' ? null : 'SharedArrayBuffer is not available in this Node.js',
    load: () => import('../training/threads/threaded-runner.js'),
  },
});
registerPathHandler((path) => new FileHandler(path));
registerScheme('file://', (url) => new FileHandler(url));
