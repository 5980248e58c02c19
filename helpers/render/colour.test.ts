// Colour through styleText: on a terminal GO is green, NO-GO red, could-not-evaluate yellow; none with NO_COLOR, none in a pipe (CI logs), FORCE_COLOR forces it.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { toneOf } from './colour';

const ROOT = join(__dirname, '..', '..');
const PRINT = `const { painter } = require('./helpers/render/colour'); const p = painter(process.stdout); process.stdout.write(JSON.stringify([p('go', 'GO'), p('no-go', 'NO-GO'), p('unknown', 'could not evaluate')]));`;

/** Runs the painter in a child, on a pseudo-terminal (script(1)) or a pipe, with the colour variables given and no others. */
function paintIn(tty: boolean, env: Record<string, string>): string[] {
  const base = { ...process.env };
  // Playwright's workers run with FORCE_COLOR=1: the child must see only what the test gives it
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'CI']) delete base[k];
  const node = `${JSON.stringify(process.execPath)} --require tsx/cjs -e ${JSON.stringify(PRINT)}`;
  const r = tty ? spawnSync('script', ['-qec', node, '/dev/null'], { cwd: ROOT, env: { ...base, TERM: 'xterm-256color', ...env }, encoding: 'utf8' }) : spawnSync('sh', ['-c', node], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8' });
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
}

test('on a terminal: GO green, NO-GO red, could not evaluate yellow', () => {
  expect(paintIn(true, {})).toEqual(['\u001b[32mGO\u001b[39m', '\u001b[31mNO-GO\u001b[39m', '\u001b[33mcould not evaluate\u001b[39m']);
});

test('NO_COLOR turns colour off on a terminal; a pipe (a CI log) gets none; FORCE_COLOR forces it', () => {
  expect(paintIn(true, { NO_COLOR: '1' })).toEqual(['GO', 'NO-GO', 'could not evaluate']);
  expect(paintIn(false, {})).toEqual(['GO', 'NO-GO', 'could not evaluate']);
  expect(paintIn(false, { FORCE_COLOR: '1' })[0]).toBe('\u001b[32mGO\u001b[39m');
});

test('tones: what passed is green, what failed red, the rest yellow', () => {
  expect(['GO', 'pass', 'passed', 'signed-off', 'remediated'].map(toneOf)).toEqual(['go', 'go', 'go', 'go', 'go']);
  expect(['NO-GO', 'fail', 'failed', 'timedOut', 'flaky'].map(toneOf)).toEqual(['no-go', 'no-go', 'no-go', 'no-go', 'no-go']);
  expect(['not-run', 'awaiting-sign-off', 'needs code review', 'skipped'].map(toneOf)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
});
