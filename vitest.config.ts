import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Fashion-MNIST integration test trains for real; give it room.
    testTimeout: 120_000,
  },
});
