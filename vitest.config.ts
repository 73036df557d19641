import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests (real NATS and Redis on loopback) live under test/.
export default defineConfig({
  test: {
    globals: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Multi-process tests spawn nine actors each; two of them at once would starve a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
