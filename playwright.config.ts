// flowgate's Playwright config: preflight, the transport checks, the four flows and the auth-bypass probes, and the reporters that make the verdict.
import { availableParallelism } from 'node:os';
import { defineConfig } from '@playwright/test';
import { checkFlowgateVars, chromiumExecutable, generateRunId, loadConfig } from './helpers/config/config';
import { OUTPUT_NAMES, outputPaths } from './helpers/config/paths';
import { readVar } from './helpers/config/read';
import { escapeRegExp } from './helpers/regex';
import { defaultWorkers, targetOnThisMachine } from './helpers/config/workers';
import { PREFLIGHT, RUNNER_PROJECTS } from './helpers/verdict/projects';

// The dotenv file (variables already in the environment win) and the run settings, once: bad FLOWGATE_* run settings stop
// here with a ConfigError naming each one (npm run smoke checks them before it starts Playwright).
const run = loadConfig().settings;
// One run id for the whole run: set here, in the runner, before the workers start (they inherit the environment).
process.env.FLOWGATE_RUN_ID ||= generateRunId();

// The step budget is a target setting: preflight names it when it is bad; until then the default stands.
const stepBudgetMs = checkFlowgateVars(process.env, { only: ['FLOWGATE_STEP_BUDGET_MS'] }).settings.FLOWGATE_STEP_BUDGET_MS ?? 15_000;
const sharded = process.argv.some((a) => a.startsWith('--shard'));
// A window to look at needs the full browser; a headless run takes the lighter headless shell when it is installed.
const headed = process.argv.some((a) => a === '--headed' || a === '--debug' || a.startsWith('--ui')) || !!process.env.PWDEBUG;
const flowTimeout = run.FLOWGATE_FLOW_BUDGET_MS ?? 180_000;
// Self tests run many verdicts side by side; each gets its own reports folder.
const out = outputPaths();
// Projects come from the catalogue (helpers/catalogue.ts), which the verdict also reads to know what a complete run contains.
const specFile = (spec: string) => new RegExp(`(^|/)${escapeRegExp(spec)}$`);

export default defineConfig({
  testDir: './flows',
  outputDir: run.FLOWGATE_REPORTS_DIR ? `${out.reportsDir}/${OUTPUT_NAMES.testResults}` : './test-results/flows',
  // Decides the target; no KONG_URL: the embedded reference stack is started for the run and stopped after it.
  globalSetup: './fixtures/global-setup.ts',
  // Each shard's blob report carries the run id, so npm run merge-reports can refuse shards of different runs (scripts/shards.ts).
  metadata: { flowgateRunId: process.env.FLOWGATE_RUN_ID },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // A pass that needed a retry is reported as flaky and counts as NO-GO unless FLOWGATE_ALLOW_FLAKY=1.
  retries: run.FLOWGATE_RETRIES ?? 0,
  // A core left to a target on this machine (the embedded stack), one per core for a remote one (helpers/config/workers.ts).
  workers: run.FLOWGATE_WORKERS ?? defaultWorkers(availableParallelism(), targetOnThisMachine(process.env)),
  timeout: flowTimeout,
  expect: { timeout: stepBudgetMs },
  reporter: [
    // First: redacts every error, step title, output chunk and attachment in place before the reporters below see them.
    ['./reporters/redact-reporter.ts'],
    // npm run bench times the run (fixtures, hooks, reports); first, so its onEnd marks where the reports begin.
    ...(readVar(process.env, 'BENCH_RAW_FILE') ? ([['./reporters/bench-reporter.ts']] as const) : []),
    // One line per test, a failed test's steps (every step with npm run smoke -- --verbose), a live count on a terminal;
    // --list keeps Playwright's listing (its 'list' reporter lists in that mode).
    process.argv.includes('--list') ? ['list'] : ['./reporters/console-reporter.ts'],
    ['./reporters/verdict-reporter.ts', { outputDir: out.reportsDir }],
    ['junit', { outputFile: out.junit, includeProjectInTestName: true }],
    [
      // allure-playwright, writing its files without an fsync each (reports/allure-reporter.ts says why)
      './reporters/allure-reporter.ts',
      {
        // A shard writes its own (npm run smoke sets it); merge-reports copies them together, as Allure results merge by copying.
        resultsDir: run.FLOWGATE_ALLURE_RESULTS_DIR ?? out.allureResults,
        detail: true,
        suiteTitle: true,
        // The environment (target, run id, versions) is written by the verdict reporter once the target is known;
        // the categories live in reports/allure-config.ts, where Allure 3 reads them.
      },
    ],
    // npm run smoke sets PLAYWRIGHT_BLOB_OUTPUT_DIR per shard; npm run merge-reports merges them into one verdict.
    ...(sharded ? ([['blob']] as const) : []),
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    // Debian's chromium or its headless shell (helpers/config.ts chromiumExecutable), never a browser download.
    launchOptions: {
      executablePath: chromiumExecutable(process.env, { headed }),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  // Two Playwright projects, not one per catalogue project: each Playwright project starts worker processes of its own
  // (helpers/verdict/projects.ts says why). The preflight runs alone and its failure skips the rest (could not
  // evaluate); then the other spec files share the workers. A gateway serving plain HTTP fails criterion 4 and the
  // flows still run, so the rest is known. npm run smoke turns --project <catalogue project> into a file filter.
  projects: RUNNER_PROJECTS.map((p) => ({
    name: p.name,
    testMatch: p.specs.map(specFile),
    ...(p.afterPreflight ? { dependencies: [PREFLIGHT] } : {}),
    timeout: p.afterPreflight ? flowTimeout : 60_000,
  })),
});
