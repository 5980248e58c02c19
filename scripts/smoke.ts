// npm run smoke: runs preflight, the four flows and the auth-bypass probes, then exits with the verdict (0 GO, 1 NO-GO, 2 could not evaluate); --release also needs every criterion met or signed off.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { generateRunId } from '../helpers/config';
import { exitFromVerdict, releaseExit } from './verdict-exit';
import { CRITERION_IDS } from '../helpers/criteria';
import { loadSignoffs } from '../helpers/signoffs';
import { join } from 'node:path';
import { scriptArgs } from './args';
import { loadEnvFile, runSettings } from '../helpers/config';
import { ConfigError } from '../helpers/errors';

// Arguments first: --help must not delete the previous results.
const { rest, values } = scriptArgs({
  usage: `usage: npm run smoke [-- <Playwright Test options>]
  Runs preflight, the auth, scan, asset and payment flows and the auth-bypass probes against the target, writes
  reports/go-no-go.json, go-no-go.md, junit.xml and allure-results, and exits 0 GO, 1 NO-GO, 2 could not evaluate.
  The target comes from the environment or .env (see .env.example; FLOWGATE_ENV_FILE names another file).
  With no KONG_URL the embedded reference stack is started for the run (npm run doctor says whether it can run here).
  --release: the release pipeline's gate: exit 0 only when the verdict is GO and every criterion passed or is
  signed off (FLOWGATE_SIGNOFFS names the sign-off file); otherwise 1, naming the missing sign-offs.
  Other options go to Playwright Test, e.g. --grep auth, --shard=1/2, --reporter=line (npx playwright test --help).`,
  options: { release: { type: 'boolean' } },
  passThrough: true,
});

const root = join(__dirname, '..');
let settings: ReturnType<typeof runSettings>;
try {
  loadEnvFile(process.env.FLOWGATE_ENV_FILE);
  settings = runSettings();
  // A malformed sign-off file is a configuration error: said before minutes of flows, not after.
  loadSignoffs(process.env, CRITERION_IDS);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`flowgate: ${e.message}\ncould not evaluate (exit 2).`);
  process.exit(2);
}
if (!process.env.KONG_URL) {
  // Loaded only for the embedded stack: a staging run does not pay for it.
  const { requirements, missingForEmbedded } = require('../stack/requirements') as typeof import('../stack/requirements');
  const missing = missingForEmbedded(requirements({ versions: false }));
  if (missing.length) {
    console.error(`flowgate: no KONG_URL, so the embedded reference stack would be the target, but this machine lacks:\n${missing.map((r) => `  - ${r.name}: ${r.how}`).join('\n')}`);
    console.error('flowgate: set the target\'s variables (see .env.example) to test staging, or install the above (npm run doctor checks). Could not evaluate (exit 2).');
    process.exit(2);
  }
}
const reports = settings.FLOWGATE_REPORTS_DIR ?? join(root, 'reports');
// `--reporter=x` replaces every configured reporter; the verdict reporter must stay, or there is no verdict.
const VERDICT_REPORTER = './reports/verdict-reporter.ts';
const args = rest.flatMap((a, i, all) => {
  if (a.startsWith('--reporter=')) return [`${a},${VERDICT_REPORTER}`];
  if (a === '--reporter' && all[i + 1]) return [];
  if (all[i - 1] === '--reporter') return [`--reporter=${a},${VERDICT_REPORTER}`];
  return [a];
});

// Stale results would merge into this run's report and verdict.
for (const d of ['allure-results', 'go-no-go.json', 'go-no-go.md', 'junit.xml']) rmSync(join(reports, d), { recursive: true, force: true });

const shard = args.find((a) => a.startsWith('--shard'));
const env = { ...process.env };
if (shard) {
  // Each shard keeps its blob in its own folder, so shards run on one machine do not overwrite each other.
  const id = (shard.split('=')[1] ?? args[args.indexOf(shard) + 1] ?? 'x').replace('/', '-of-');
  env.PLAYWRIGHT_BLOB_OUTPUT_DIR = join(reports, 'shards', id, 'blob');
  env.FLOWGATE_ALLURE_RESULTS_DIR = join(reports, 'shards', id, 'allure-results');
  rmSync(env.FLOWGATE_ALLURE_RESULTS_DIR, { recursive: true, force: true });
  // The shard's run id beside its results, so a merge of shards run without FLOWGATE_RUN_ID still names one run.
  env.FLOWGATE_RUN_ID ||= generateRunId();
  mkdirSync(join(reports, 'shards', id), { recursive: true });
  writeFileSync(join(reports, 'shards', id, 'run-id'), env.FLOWGATE_RUN_ID);
}

const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', ...args], { cwd: root, env, stdio: 'inherit' });
const forward = (sig: NodeJS.Signals) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

child.on('exit', (code, signal) => {
  const exit = exitFromVerdict(reports, signal ? null : code, 'playwright');
  process.exit(values.release ? releaseExit(reports, exit) : exit);
});
