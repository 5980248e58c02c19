// Tests of Allure's history per target and run: the pure path and line helpers, and `npm run report` built twice on a small fixed run.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetRun, historyFileFor, pointRunId, targetSlug, withoutRun } from './allure-history';

const ROOT = join(__dirname, '..');

test('one history file per target: embedded and each staging target name apart, hostile names made safe and bounded', () => {
  expect(historyFileFor('/h/allure-history.jsonl', 'embedded')).toBe('/h/allure-history.embedded.jsonl');
  expect(historyFileFor('/h/allure-history.jsonl', 'staging.example.com')).toBe('/h/allure-history.staging.example.com.jsonl');
  expect(historyFileFor('/h/allure-history', 'eu')).toBe('/h/allure-history.eu.jsonl');
  expect(targetSlug('../../etc/passwd')).toBe('etc-passwd');
  expect(targetSlug(undefined)).toBe('unknown-target');
  expect(targetSlug('x'.repeat(500))).toHaveLength(60);
});

test('a point belongs to the run its report name ends with; the run\'s points go, other lines stay as they were', () => {
  const point = (run: string) => JSON.stringify({ uuid: run, name: `flowgate GO — release ready — embedded — run ${run}`, testResults: {} });
  expect(pointRunId(point('fg-1'))).toBe('fg-1');
  expect(pointRunId('{"torn')).toBeUndefined();
  expect(pointRunId(JSON.stringify({ name: 'flowgate GO — embedded — no run id' }))).toBeUndefined();
  const text = [point('fg-1'), point('fg-2'), '{"torn', point('fg-1')].join('\n') + '\n';
  expect(withoutRun(text, 'fg-1')).toEqual({ text: [point('fg-2'), '{"torn'].join('\n') + '\n', removed: 2 });
  expect(withoutRun(text, 'fg-9').removed).toBe(0);
  // fg-1 is not fg-10: the run id is matched whole
  expect(withoutRun(point('fg-10') + '\n', 'fg-1').removed).toBe(0);
  const dir = mkdtempSync(join(tmpdir(), 'fg-allure-history-'));
  try {
    const file = join(dir, 'h.jsonl');
    expect(forgetRun(file, 'fg-1'), 'no file yet: nothing to forget').toBe(0);
    writeFileSync(file, text);
    expect(forgetRun(file, undefined), 'a verdict without a run id forgets nothing').toBe(0);
    expect(forgetRun(file, 'fg-1')).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe([point('fg-2'), '{"torn'].join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A run of two tests (one failed) and its verdict, as `npm run smoke` leaves them: the report's input. */
function fixedRun(dir: string, runId: string, target: string): void {
  mkdirSync(join(dir, 'allure-results'), { recursive: true });
  const criteria = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, title: `criterion ${i + 1}`, status: i === 1 ? 'fail' : 'pass', detail: i === 1 ? 'asset failed' : 'ok' }));
  writeFileSync(join(dir, 'go-no-go.json'), JSON.stringify({ verdict: 'NO-GO', runId, target: { name: target, kind: 'staging' }, release: 'awaiting-sign-off', awaitingSignOff: [], criteria }));
  for (const [i, status] of ['passed', 'failed'].entries()) {
    const r = { uuid: `0000000${i}-0000-4000-8000-000000000000`, historyId: `h${i}`, testCaseId: `t${i}`, name: `flow ${i}`, fullName: `flow ${i}`, status, statusDetails: {}, stage: 'finished', start: 1_764_547_200_000, stop: 1_764_547_201_000, labels: [{ name: 'epic', value: `flow${i}` }], steps: [], attachments: [], parameters: [] };
    writeFileSync(join(dir, 'allure-results', `${r.uuid}-result.json`), JSON.stringify(r));
  }
}

function report(dir: string, history: string): { out: string; html: string } {
  const r = spawnSync(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/report.ts'], {
    cwd: ROOT,
    env: { ...process.env, FLOWGATE_REPORTS_DIR: dir, FLOWGATE_ALLURE_HISTORY: history },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return { out: r.stdout + r.stderr, html: readFileSync(join(dir, 'allure-report', 'index.html'), 'utf8') };
}

const points = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

/** One of the report's embedded data files (the single-file report carries each base64-encoded). */
function widget(html: string, name: string): any {
  const m = new RegExp(`d\\("widgets/${name}\\.json","([^"]+)"\\)`).exec(html);
  expect(m, `the report embeds widgets/${name}.json`).toBeTruthy();
  return JSON.parse(Buffer.from(m![1], 'base64').toString('utf8'));
}

test('npm run report twice for one run adds one history point; another target keeps its own history; the criteria are not counted as tests', async () => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'fg-report-'));
  try {
    const base = join(dir, 'history', 'allure-history.jsonl');
    const embedded = join(dir, 'history', 'allure-history.embedded.jsonl');
    const staging = join(dir, 'history', 'allure-history.staging.example.com.jsonl');
    fixedRun(join(dir, 'a'), 'fg-run-1', 'embedded');
    const first = report(join(dir, 'a'), base);
    expect(points(embedded)).toHaveLength(1);
    const again = report(join(dir, 'a'), base);
    expect(again.out).toContain('its point is replaced, not added');
    expect(points(embedded).map((p) => pointRunId(JSON.stringify(p)))).toEqual(['fg-run-1']);
    // the twelve criteria are variables: the statistics count the two tests of the run
    expect(widget(first.html, 'statistic')).toEqual({ total: 2, new: 2, passed: 1, failed: 1 });
    expect(widget(first.html, 'pie_chart').slices.map((s: any) => `${s.status}:${s.count}`).sort()).toEqual(['failed:1', 'passed:1']);
    // ...and they are on the first screen, above the tests, the failing one first
    expect(Object.keys(widget(first.html, 'variables')).slice(0, 4)).toEqual(['Verdict', 'Release', 'Criterion 2', 'Criterion 1']);
    expect(first.html).toContain('status,asc');

    fixedRun(join(dir, 'b'), 'fg-run-2', 'staging.example.com');
    report(join(dir, 'b'), base);
    expect(points(staging).map((p) => pointRunId(JSON.stringify(p)))).toEqual(['fg-run-2']);
    expect(points(embedded).map((p) => pointRunId(JSON.stringify(p))), 'a staging run adds nothing to the embedded trend').toEqual(['fg-run-1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
