/**
 * The browser platform: registers no file system and no thread runner, so
 * fit trains on one thread (saying once why when more threads are asked
 * for), CSVLogger needs a `writeFile` of your own, and models save and load
 * through URLs ('indexeddb://', 'localstorage://', 'http(s)://',
 * 'downloads://') and `io.browserFiles`. Imported for its effect by
 * src/browser.ts.
 */
import { registerPlatform } from './services.js';

registerPlatform({ name: 'browser', fileSystem: null, threads: null });
