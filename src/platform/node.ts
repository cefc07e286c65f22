/**
 * The Node platform: wires in what only Node has, through the registries of
 * the folders that use it. Imported for its effect by the Node entry point
 * (src/index.ts) and by the test setup, never by the browser entry; this
 * folder is the one place allowed to reach Node-only modules from the core.
 *
 *   - the file system (io/node-files.ts, io/node-bounded-files.ts), for CSVLogger
 *   - 'file://' URLs and plain paths for save/load (saving/file-handler.ts)
 *   - worker-thread training (fused/threads/node-platform.ts), over SharedArrayBuffer
 */
import { registerFileSystem } from '../io/file-system.js';
import { registerThreadPlatform } from '../fused/runner.js';
import { registerPathHandler, registerScheme } from '../saving/handlers.js';
import { FileHandler } from '../saving/file-handler.js';

registerFileSystem(async () => {
  const [files, bounded] = await Promise.all([import('../io/node-files.js'), import('../io/node-bounded-files.js')]);
  return { pathKind: files.pathKind, writeFileAtomic: files.writeFileAtomic, readRegularFile: bounded.readRegularFile };
});
registerThreadPlatform({
  unavailableReason: () => (typeof SharedArrayBuffer === 'function' ? null : 'SharedArrayBuffer is not available in this Node.js'),
  load: async () => (await import('../fused/threads/node-platform.js')).nodePlatform,
});
registerPathHandler((path) => new FileHandler(path));
registerScheme('file://', (url) => new FileHandler(url));
