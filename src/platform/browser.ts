/**
 * The browser platform: Web Workers for fit's threads where the page (or
 * worker) is cross-origin isolated, and no file system, so CSVLogger needs a
 * `writeFile` of your own and models save and load through URLs
 * ('indexeddb://', 'localstorage://', 'http(s)://', 'downloads://') and
 * `io.browserFiles`. Imported for its effect by src/browser.ts.
 */
import { registerThreadPlatform } from '../fused/runner.js';

registerThreadPlatform({
  unavailableReason: () =>
    globalThis.crossOriginIsolated === true
      ? null
      : 'this page is not cross-origin isolated, so it has no SharedArrayBuffer for worker threads ' +
        '(serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)',
  load: async () => (await import('../fused/threads/web-platform.js')).webPlatform,
});
