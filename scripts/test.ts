// npm test: flowgate's own tests (unit, stack, harness runs) on Playwright Test, closing with the line "N passed, N failed".
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scriptArgs } from './args';
import { EXIT, signalExit } from './exit-codes';
import { PLAYWRIGHT_OPTIONS_HELP, playwrightPassThrough } from './playwright-args';

const root = join(__dirname, '..');
// The folders tests/selftest.config.ts takes test files from: a filter must match one of them.
const TEST_DIRS = ['contracts', 'helpers', 'reporters', 'fixtures', 'clients', 'stack', 'tests', 'scripts'];
const testFiles = TEST_DIRS.flatMap((d) => (readdirSync(join(root, d), { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts')).map((f) => `${d}/${f}`));

// Arguments first: --help or a typo must not delete the last results nor start a run.
const { rest } = scriptArgs({
  usage: `usage: npm test [-- <Playwright Test options>] [<test-file filter> …]
  Runs flowgate's own tests (tests/selftest.config.ts: projects unit, stack, harness; about 22 minutes in full on a 2-core machine) and
  closes with the line "N passed, N failed" and the fault matrix the harness tests recorded.
  Exit 0 when every test passed, 1 when one failed or the run wrote no results.
  ${PLAYWRIGHT_OPTIONS_HELP}`,
  options: {},
  passThrough: playwrightPassThrough(['unit', 'stack', 'harness'], testFiles),
});
const jsonFile = join(root, 'test-results', 'selftest.json');
const matrixFile = join(root, 'test-results', 'fault-matrix.tsv');
rmSync(jsonFile, { force: true });
rmSync(matrixFile, { force: true });

/** The fault matrix the harness tests recorded: fault → verdict, criterion/trigger, failing step, category, seconds. */
function printMatrix() {
  if (!existsSync(matrixFile)) return;
  const rows = readFileSync(matrixFile, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const head = ['fault', 'verdict', 'criterion/trigger', 'failing step', 'category', 's'];
  const all = [head, ...rows.map((r) => [r[0], r[1], r[2], (r[3] ?? '').split(' — ')[0], r[4], r[5]])];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  console.log(`\nfault matrix (${rows.length} rows)`);
  for (const r of all) console.log('  ' + r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  '));
  console.log('');
}

const child = spawn(process.execPath, ['--require', join(root, 'scripts', 'code-cache.cjs'), require.resolve('@playwright/test/cli'), 'test', '-c', 'tests/selftest.config.ts', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
let signalled: NodeJS.Signals | undefined;
const forward = (sig: NodeJS.Signals) => {
  signalled ??= sig;
  child.kill(sig);
};
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

child.on('exit', (code, signal) => {
  if (signalled) process.exit(signalExit(signalled));
  if (!existsSync(jsonFile)) {
    console.log(`0 passed, 1 failed`);
    console.error(`flowgate: the self tests wrote no results (playwright exited ${signal ?? code})`);
    process.exit(EXIT.NO_GO);
  }
  printMatrix();
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const s = report.stats ?? {};
  const passed = (s.expected ?? 0) + (s.flaky ?? 0);
  const failed = (s.unexpected ?? 0) + (report.errors?.length ?? 0);
  const skipped = s.skipped ?? 0;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || code !== 0 ? EXIT.NO_GO : EXIT.GO);
});
