// Unit tests of the nightly's job summary and exit: a shard that could not evaluate is never green, the summary is short with the evidence folded.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_EVIDENCE_CHARS, cell, jobSummary, markCouldNotEvaluate, nightExit } from './job-summary';

const ROOT = join(__dirname, '..');
const criteria = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, title: `criterion ${i + 1}`, status: i === 1 ? 'fail' : i === 2 ? 'awaiting-sign-off' : 'pass', detail: i === 1 ? 'asset failed | at step 6\nEventNotObserved' : 'ok' }));
const verdict = { verdict: 'NO-GO', release: 'awaiting-sign-off', awaitingSignOff: [3], runId: 'nightly-7', target: { name: 'staging.example.com', kind: 'staging' }, criteria, sinceLastGo: { runId: 'nightly-5', newFailures: ['asset › asset flow › CRUD asset → quota syncs'], fixed: [], stillFailing: [] } };

test('the night exits 2 when a shard could not evaluate or left no exit code, whatever the merge said; otherwise as the merge', () => {
  expect(nightExit(0, [{ shard: '1', exit: 1 }, { shard: '2', exit: 1 }], 2)).toEqual({ exit: 0, reasons: [] });
  expect(nightExit(1, [{ shard: '1', exit: 0 }, { shard: '2', exit: 1 }], 2)).toEqual({ exit: 1, reasons: [] });
  expect(nightExit(0, [{ shard: '1', exit: 1 }, { shard: '2', exit: 2 }], 2)).toEqual({ exit: 2, reasons: ['shard 2 exited 2 (could not evaluate)'] });
  expect(nightExit(0, [{ shard: '1', exit: 130 }], 1).exit).toBe(2);
  expect(nightExit(0, [{ shard: '1' }, { shard: '2', exit: 1 }], 2).reasons).toEqual(['shard 1 left no exit code']);
  expect(nightExit(0, [{ shard: '1', exit: 1 }], 2).reasons).toEqual(['1 of 2 shards left no exit code']);
  expect(nightExit(undefined, [{ shard: '1', exit: 1 }], 1).reasons).toEqual(['the merge left no exit code']);
  expect(nightExit(2, [], 0)).toEqual({ exit: 2, reasons: ['the merge exited 2 (could not evaluate)'] });
});

test('a could-not-evaluate is written into the verdict: never GO, the reason first; nothing changes without one', () => {
  const go = { ...verdict, verdict: 'GO', notes: ['earlier note'] };
  expect(markCouldNotEvaluate(go, [])).toBe(go);
  expect(markCouldNotEvaluate(go, ['shard 2 exited 2 (could not evaluate)'])).toMatchObject({ verdict: 'NO-GO', couldNotEvaluate: true, exitCode: 2, notes: ['could not evaluate: shard 2 exited 2 (could not evaluate)', 'earlier note'] });
});

test('the summary: headline, where and the report link, the criteria table, the new failures since the last GO, the evidence folded', () => {
  const md = '# Go/No-Go\n\nlong evidence\n';
  const s = jobSummary({ verdict, markdown: md, reportUrl: 'https://github.example/artifacts/9' });
  const lines = s.split('\n');
  expect(lines[0]).toBe('# Go/No-Go: NO-GO — release awaiting sign-off: criterion 3');
  expect(lines[2]).toBe('staging (staging.example.com) · run nightly-7 · [the report](https://github.example/artifacts/9)');
  expect(s).toContain('| # | Criterion | Status | Why |');
  expect(s).toContain('| 2 | criterion 2 | ❌ FAIL | asset failed \\| at step 6 EventNotObserved |');
  expect(s).toContain('| 3 | criterion 3 | ⏳ awaiting sign-off | ok |');
  expect(lines.filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(12);
  expect(s).toContain('**New failures since the last GO** (run nightly-5): `asset › asset flow › CRUD asset → quota syncs`.');
  // the evidence only below the fold, after everything above
  expect(s.indexOf('<details><summary>Evidence (go-no-go.md)</summary>')).toBeGreaterThan(s.indexOf('New failures'));
  expect(s).toContain('long evidence');
  expect(s.indexOf('long evidence')).toBeGreaterThan(s.indexOf('<details>'));
});

test('the summary says could not evaluate with its reasons, bounds hostile input, and says so when there is no verdict', () => {
  const s = jobSummary({ verdict: { ...verdict, verdict: 'GO' }, reasons: ['shard 2 exited 2 (could not evaluate)'] });
  expect(s.split('\n')[0]).toMatch(/^# Go\/No-Go: NO-GO \(could not evaluate\)/);
  expect(s).toContain('- **could not evaluate:** shard 2 exited 2 (could not evaluate)');
  expect(s).toContain('no report was uploaded');
  expect(jobSummary({ verdict: { ...verdict, sinceLastGo: undefined } })).toContain('no GO run of this target in the history yet');
  const huge = jobSummary({ verdict, markdown: 'x'.repeat(MAX_EVIDENCE_CHARS * 3) });
  expect(huge.length).toBeLessThan(MAX_EVIDENCE_CHARS + 5_000);
  expect(huge).toContain('the whole go-no-go.md is in the go-no-go artifact');
  expect(cell('a'.repeat(1000))).toHaveLength(200);
  expect(jobSummary({ verdict: undefined, reasons: ['the merge left no exit code'] })).toMatch(/^# Go\/No-Go: no verdict was written — could not evaluate\n\n- the merge left no exit code/);
});

test('scripts/summary.ts: a shard exit 2 is recorded in go-no-go.json, the summary is appended, and --exit exits 2 even when the merge said GO', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-summary-'));
  try {
    const reports = join(dir, 'reports');
    mkdirSync(reports);
    writeFileSync(join(reports, 'go-no-go.json'), JSON.stringify({ ...verdict, verdict: 'GO', sinceLastGo: undefined }));
    writeFileSync(join(reports, 'go-no-go.md'), '# evidence\n');
    for (const [shard, code] of [['1', '1'], ['2', '2']]) {
      mkdirSync(join(dir, 'exits', `shard-exit-${shard}`), { recursive: true });
      writeFileSync(join(dir, 'exits', `shard-exit-${shard}`, 'exit-code'), `${code}\n`);
    }
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/summary.ts', '--merge-exit', '0', '--shard-exits', join(dir, 'exits'), '--expected', '2', ...args], {
        cwd: ROOT,
        env: { ...process.env, FLOWGATE_REPORTS_DIR: reports, GITHUB_OUTPUT: join(dir, 'output') },
        encoding: 'utf8',
      });
    const record = run(['--record']);
    expect(record.status, record.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(reports, 'go-no-go.json'), 'utf8'))).toMatchObject({ verdict: 'NO-GO', couldNotEvaluate: true, exitCode: 2 });
    const last = run(['--summary', join(dir, 'summary.md'), '--report-url', 'https://example.invalid/r', '--exit']);
    expect(last.status, last.stdout + last.stderr).toBe(2);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/^# Go\/No-Go: NO-GO \(could not evaluate\)/);
    expect(readFileSync(join(dir, 'output'), 'utf8')).toBe('exit=2\nexit=2\n');
    expect(run(['--help']).status).toBe(0);
    expect(run(['--bogus']).status).toBe(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
