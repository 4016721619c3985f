import { defineConfig } from 'vitest/config';

// Its own config so vitest ignores vite.config.ts's root and Playwright's *.spec.ts files.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build-worker.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
