// Reporters for `npm run merge-reports`: the shards' blob reports become one verdict, one JUnit file and one set of Allure results.
import { defineConfig } from '@playwright/test';

const reportsDir = process.env.FLOWGATE_REPORTS_DIR || 'reports';

export default defineConfig({
  testDir: '../flows',
  reporter: [
    ['list'],
    ['./verdict-reporter.ts', { outputDir: reportsDir }],
    ['junit', { outputFile: `${reportsDir}/junit.xml`, includeProjectInTestName: true }],
    ['allure-playwright', { resultsDir: `${reportsDir}/allure-results`, detail: true, suiteTitle: true }],
  ],
});
