import { defineConfig } from 'vitest/config';

/** The real-Keras oracle suite (`npm run test:keras`): test/keras/, run against Keras 3 in a Python venv. */
export default defineConfig({
  test: {
    include: ['test/keras/**/*.test.ts'],
    setupFiles: ['./src/platform/node.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
