/**
 * Vite's configuration for the playground: the page in this folder, the
 * library imported from its TypeScript source (so the page always runs the
 * repository's code), and the Fashion-MNIST files served from this machine.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { fashionMnistFiles } from './dataset-files.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Cross-origin isolation: the page gets SharedArrayBuffer, which the SIMD
 * kernel tier needs for its growing memory (docs/browser.md#threads).
 */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('.'),
  // Pre-bundled dependencies go here, not into the shared node_modules.
  cacheDir: here('../.cache/vite'),
  // The browser entry: its module graph holds no Node module (test/layout.test.ts checks).
  resolve: { alias: { tinykeras: here('../src/browser.ts') } },
  plugins: [fashionMnistFiles()],
  server: { headers: isolation },
  preview: { headers: isolation },
  // ES workers keep the library's lazily loaded chunks separate.
  worker: { format: 'es' },
  build: {
    outDir: here('../.cache/playground'),
    emptyOutDir: true,
    // vega alone is ~1 MB; the warning would be noise.
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
