// npm test: flowgate's own tests (unit, stack, harness runs) on Playwright Test, closing with the line "N passed, N failed".
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
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

const child = spawn(process.execPath, ['--require', join(root, 'scripts', 'code-cache.cjs'), require.resolve('@playwright/test/cli'), 'test', '-c', 'tests/selftest.config.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));

child.on('exit', (code, signal) => {
  if (!existsSync(jsonFile)) {
    console.log(`0 passed, 1 failed`);
    console.error(`flowgate: the self tests wrote no results (playwright exited ${signal ?? code})`);
    process.exit(1);
  }
  printMatrix();
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const s = report.stats ?? {};
  const passed = (s.expected ?? 0) + (s.flaky ?? 0);
  const failed = (s.unexpected ?? 0) + (report.errors?.length ?? 0);
  const skipped = s.skipped ?? 0;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
