// npm test: flowgate's own tests (unit, stack, harness runs) on Playwright Test, closing with the line "N passed, N failed".
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const jsonFile = join(root, 'test-results', 'selftest.json');
rmSync(jsonFile, { force: true });

const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '-c', 'tests/selftest.config.ts', ...process.argv.slice(2)], {
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
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const s = report.stats ?? {};
  const passed = (s.expected ?? 0) + (s.flaky ?? 0);
  const failed = (s.unexpected ?? 0) + (report.errors?.length ?? 0);
  const skipped = s.skipped ?? 0;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
