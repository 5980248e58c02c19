// npm run smoke: runs preflight, the four flows and the auth-bypass probes, then exits with the verdict (0 GO, 1 NO-GO, 2 could not evaluate).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { exitFromVerdict } from './verdict-exit';
import { join, resolve } from 'node:path';

const root = join(__dirname, '..');
const reports = process.env.FLOWGATE_REPORTS_DIR ? resolve(process.env.FLOWGATE_REPORTS_DIR) : join(root, 'reports');
// `--reporter=x` replaces every configured reporter; the verdict reporter must stay, or there is no verdict.
const VERDICT_REPORTER = './reports/verdict-reporter.ts';
const args = process.argv.slice(2).flatMap((a, i, all) => {
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
}

const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', ...args], { cwd: root, env, stdio: 'inherit' });
const forward = (sig: NodeJS.Signals) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

child.on('exit', (code, signal) => process.exit(exitFromVerdict(reports, signal ? null : code, 'playwright')));
