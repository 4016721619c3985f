// Browser tests against the real browser host (test/e2e/fixtures.ts starts `main/web/serve.ts`),
// in Debian's Chromium: Playwright's own browser downloads don't work here. Needs `npm run build`.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1, // 2 cores, and each test trains in its own server's worker pool
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    launchOptions: {
      // The binary itself, not the /usr/bin/chromium wrapper script (which prints a warning).
      executablePath: '/usr/lib/chromium/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
