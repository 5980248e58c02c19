// npm run report: the Allure report of the last run (or merge), named after and opening on its verdict; one HTML file that opens from disk.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { harden, readVerdict, reportPaths } from '../reporters/allure-config';
import { verdictResults } from '../reporters/allure-verdict';
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
const verdict = readVerdict(paths.reportsDir);
rmSync(paths.verdictResults, { recursive: true, force: true });
mkdirSync(paths.verdictResults, { recursive: true });
if (verdict) {
  const started = Date.parse((verdict as any).startedAt ?? '') || Date.now();
  for (const r of verdictResults(verdict, started)) writeFileSync(join(paths.verdictResults, `${r.uuid}-result.json`), JSON.stringify(r));
} else console.error(`flowgate: no verdict in ${paths.reportsDir}/go-no-go.json; the report says so in its name.`);

const allure = join(root, 'node_modules', '.bin', 'allure');
const r = spawnSync(allure, ['generate', '--config', join(root, 'reporters', 'allurerc.ts')], { cwd: root, stdio: 'inherit', env: process.env });
const html = join(paths.output, 'index.html');
if (r.status === 0 && existsSync(html)) writeFileSync(html, harden(readFileSync(html, 'utf8')));
if (r.status === 0) console.log(`flowgate: report ${join(paths.output, 'index.html')} (opens from disk)`);
process.exit(r.status ?? 2);
