/**
 * Vite's configuration for the playground: the page in this folder, the
 * library imported from its TypeScript source (so the page always runs the
 * repository's code), and the Fashion-MNIST files served from this machine.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { fashionMnistFiles } from './dataset-files.js';
import { nodeBuiltinsUnavailable } from './node-builtins.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  // Pre-bundled dependencies go here, not into the shared node_modules.
  cacheDir: here('../.cache/vite'),
  resolve: { alias: { tinykeras: here('../src/index.ts') } },
  plugins: [fashionMnistFiles(), nodeBuiltinsUnavailable()],
  // The worker imports the library, which loads its Node-only modules lazily; ES workers keep those chunks separate.
  worker: { format: 'es', plugins: () => [nodeBuiltinsUnavailable()] },
  build: {
    outDir: here('../.cache/playground'),
    emptyOutDir: true,
    // vega alone is ~1 MB; the warning would be noise.
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
