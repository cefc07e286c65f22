import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-Keras oracle suite runs on its own: npm run test:keras (vitest.keras.config.ts).
    exclude: ['test/keras/**', 'node_modules/**'],
    // Tests import core modules directly, not only through src/index.ts: register Node's platform for them too.
    setupFiles: ['./src/platform/node.ts'],
    // The Fashion-MNIST integration test trains for real; give it room.
    testTimeout: 120_000,
  },
});
