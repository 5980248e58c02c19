// Reporters for `npm run merge-reports`: the shards' blob reports become one verdict and one JUnit file (Allure results are merged by copying).
import { defineConfig } from '@playwright/test';
import { outputPaths } from '../helpers/config/paths';

const out = outputPaths();

export default defineConfig({
  testDir: '../flows',
  reporter: [
    // First, as in a run: the shards' blobs were redacted when written; this redacts again with the merging machine's secrets.
    ['./redact-reporter.ts'],
    ['list'],
    ['./verdict-reporter.ts', { outputDir: out.reportsDir }],
    ['junit', { outputFile: out.junit, includeProjectInTestName: true }],
  ],
});
