// npm run report: the Allure report of the last run (or merge), named after and opening on its verdict; one HTML file that opens from disk.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allureHistoryFor, harden, readVerdict, reportPaths } from '../reporters/allure-config';
import { forgetRun } from '../reporters/allure-history';
import { scriptArgs } from './args';

// Arguments first: --help builds nothing and adds no history point.
scriptArgs({
  usage: `usage: npm run report
  Builds the Allure report of the last run (or merge) from reports/allure-results, named after and opening on its
  verdict: one HTML file in reports/allure-report/index.html that opens from disk (no server).
  Exit 0 when the report was built, 2 when there are no results to build it from (run npm run smoke first) or
  Allure failed (its own exit code otherwise).`,
  options: {},
});

const root = join(__dirname, '..');
const paths = reportPaths();
if (!existsSync(paths.results)) {
  console.error(`flowgate: no Allure results in ${paths.results}; run npm run smoke (or merge-reports) first.`);
  process.exit(2);
}
const verdict = readVerdict(paths);
if (!verdict) console.error(`flowgate: no verdict in ${paths.verdictJson}; the report says so in its name.`);
// Building the report again for the same run replaces its history point instead of adding a second one.
const history = allureHistoryFor(paths, verdict);
const replaced = forgetRun(history, verdict?.runId);
if (replaced) console.log(`flowgate: run ${verdict?.runId} was already in ${history}; its point is replaced, not added`);

const allure = join(root, 'node_modules', '.bin', 'allure');
const r = spawnSync(allure, ['generate', '--config', join(root, 'reporters', 'allurerc.ts')], { cwd: root, stdio: 'inherit', env: process.env });
const html = join(paths.output, 'index.html');
if (r.status === 0 && existsSync(html)) writeFileSync(html, harden(readFileSync(html, 'utf8')));
if (r.status === 0) console.log(`flowgate: report ${join(paths.output, 'index.html')} (opens from disk)`);
process.exit(r.status ?? 2);
