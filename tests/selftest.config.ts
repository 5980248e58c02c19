// Playwright config of flowgate's own tests (npm test): unit tests of pure modules, the stack's tests, and runs of the harness.
import { defineConfig } from '@playwright/test';
import { join } from 'node:path';

const root = join(__dirname, '..');

export default defineConfig({
  testDir: root,
  outputDir: join(root, 'test-results', 'selftest'),
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: join(root, 'test-results', 'selftest.json') }]],
  projects: [
    {
      name: 'unit',
      testMatch: ['contracts/**/*.test.ts', 'helpers/**/*.test.ts', 'reports/**/*.test.ts', 'fixtures/**/*.test.ts', 'stack/**/*.unit.test.ts', 'tests/unit/**/*.test.ts', 'scripts/**/*.test.ts'],
      fullyParallel: true,
    },
    {
      // Each file starts its own embedded stack; one at a time on a 2-core machine.
      name: 'stack',
      testMatch: ['stack/**/*.test.ts'],
      testIgnore: ['stack/**/*.unit.test.ts'],
      fullyParallel: false,
      timeout: 180_000,
    },
    {
      name: 'harness',
      testMatch: ['tests/harness/**/*.test.ts'],
      fullyParallel: false,
      timeout: 900_000,
      dependencies: ['stack'],
    },
  ],
  workers: 1,
});
