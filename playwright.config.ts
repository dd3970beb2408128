// Quorum's browser suite: every route and state in a11y-tests/routes.json is checked in Debian's
// Chromium twice, with JavaScript on and with JavaScript off. See the README for what runs.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './a11y-tests',
  // Only the browser specs: a11y-tests/acr/*.test.mjs are node:test files, run by scripts/test.
  testMatch: '**/*.spec.ts',
  globalSetup: './a11y-tests/global-setup.ts',
  outputDir: './a11y-tests/.results',
  snapshotPathTemplate: '{testDir}/snapshots/{arg}{ext}',
  // In CI a missing or changed accessibility-tree snapshot is a failure, never silently written.
  updateSnapshots: process.env.CI ? 'none' : 'missing',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  // 'list' for people; the evidence reporter writes what each check found to
  // target/a11y-results.json, for the conformance report (scripts/acr).
  reporter: [['list'], ['./a11y-tests/evidence-reporter.ts']],
  use: {
    baseURL: process.env.QUORUM_TEST_URL,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1024, height: 768 },
  },
  projects: [
    { name: 'javascript-on', use: { javaScriptEnabled: true } },
    { name: 'javascript-off', use: { javaScriptEnabled: false } },
  ],
});
