import { defineConfig } from '@playwright/test';

// End-to-end tests drive the real product (browser mode: `pa serve`) in Debian's Chromium; Playwright's own browser
// download is not reachable here.
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/playwright',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // One worker: each test runs its own engine and page, and on the 2-core machine `npm test` runs on, two workers
  // measured only ~1.2x faster (a subset of 18 tests: 130 s → 108 s) while the contention broke a test that reads a
  // layout once (workflow review: a line number's box read while Monaco was still laying out). `--workers=2` on a
  // larger machine.
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.PA_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
