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
      testMatch: ['contracts/**/*.test.ts', 'helpers/**/*.test.ts', 'reporters/**/*.test.ts', 'fixtures/**/*.test.ts', 'clients/**/*.test.ts', 'stack/**/*.unit.test.ts', 'tests/unit/**/*.test.ts', 'scripts/**/*.test.ts'],
      fullyParallel: true,
    },
    {
      // Each file starts its own embedded stack.
      name: 'stack',
      testMatch: ['stack/**/*.test.ts'],
      testIgnore: ['stack/**/*.unit.test.ts'],
      fullyParallel: false,
      timeout: 180_000,
    },
    {
      // One embedded stack per worker (tests/harness/harness.ts): two workers run two files side by side on two stacks.
      // The fault matrix is split over two files (tests/harness/fault-matrix.ts) so both workers share it.
      name: 'harness',
      testMatch: ['tests/harness/**/*.test.ts'],
      fullyParallel: false,
      timeout: 900_000,
      dependencies: ['stack'],
    },
  ],
  // Two: with one, about a third of two cores sat idle while runs waited on budgets and events (a fault row waits out its
  // budget); a second stack and worker fill it (fault-matrix.ts PARTS matches). `npm test -- --workers=1`: one at a time.
  workers: 2,
});
