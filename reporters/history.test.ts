// Unit tests of the run history: one line per run, sinceLastGo against the last GO, flaky pass rates, the one-line summary.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHistory, compareWithHistory, flakyRates, historyEntry, historyFile, historyLine, outcomeOf, readHistory, sinceLastGo, type HistoryEntry } from './history';

const entry = (runId: string, verdict: string, tests: HistoryEntry['tests'], target = 'embedded'): HistoryEntry => ({ runId, time: `2026-11-25T00:00:0${runId.length % 10}Z`, target, verdict, tests });

test('outcomes fail closed: not run, interrupted, skipped and flaky are told apart from a pass', () => {
  expect(outcomeOf({ project: 'a', title: 't', status: 'passed', outcome: 'expected' })).toBe('passed');
  expect(outcomeOf({ project: 'a', title: 't', status: 'passed', outcome: 'flaky' })).toBe('flaky');
  expect(outcomeOf({ project: 'a', title: 't', status: 'failed', outcome: 'unexpected' })).toBe('failed');
  expect(outcomeOf({ project: 'a', title: 't', status: 'skipped', outcome: 'skipped', ran: false })).toBe('not-run');
  expect(outcomeOf({ project: 'a', title: 't', status: 'interrupted', outcome: 'unexpected' })).toBe('not-run');
  expect(outcomeOf({ project: 'a', title: 't', status: 'skipped', outcome: 'skipped' })).toBe('skipped');
});

test('three runs append three lines; a broken line is skipped, not fatal; FLOWGATE_HISTORY moves the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-history-'));
  try {
    expect(historyFile({}, dir)).toBe(join(dir, 'history.jsonl'));
    expect(historyFile({ FLOWGATE_HISTORY: join(dir, 'elsewhere.jsonl') }, dir)).toBe(join(dir, 'elsewhere.jsonl'));
    const file = historyFile({}, dir);
    for (const id of ['r1', 'r2', 'r3']) appendHistory(file, entry(id, 'GO', { 'auth › flow': 'passed' }));
    writeFileSync(file, readFileSync(file, 'utf8') + '{"runId":"torn', { flag: 'w' });
    expect(readHistory(file).map((e) => e.runId)).toEqual(['r1', 'r2', 'r3']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sinceLastGo names the new failures against the last GO of the same target; absent with no GO', () => {
  const go = entry('go-1', 'GO', { 'auth › flow': 'passed', 'scan › flow': 'passed', 'asset › flow': 'flaky' });
  const nogo = entry('nogo-1', 'NO-GO', { 'auth › flow': 'failed', 'scan › flow': 'passed', 'asset › flow': 'flaky' });
  const now = entry('now', 'NO-GO', { 'auth › flow': 'failed', 'scan › flow': 'not-run', 'asset › flow': 'passed', 'payment › flow': 'failed' });
  const s = sinceLastGo([go, nogo], now)!;
  expect(s.runId).toBe('go-1');
  expect(s.newFailures).toEqual(['auth › flow', 'payment › flow', 'scan › flow']);
  expect(s.fixed).toEqual(['asset › flow']);
  expect(s.stillFailing).toEqual([]);
  // An allowed flaky pass is not a failure.
  expect(sinceLastGo([go], entry('x', 'NO-GO', { 'asset › flow': 'flaky' }), true)!.newFailures).toEqual([]);
  expect(sinceLastGo([nogo], now)).toBeUndefined();
  expect(sinceLastGo([go], entry('s', 'NO-GO', {}, 'staging'))).toBeUndefined();
  expect(historyLine(s)).toBe('3 new failures since the last GO (run go-1): auth › flow; payment › flow; scan › flow; fixed: asset › flow');
  expect(historyLine(undefined)).toBe('no GO run in the history yet to compare with');
});

test('flaky pass rates count first-attempt passes over the last N runs of every test flaky in them', () => {
  const runs = ['passed', 'flaky', 'failed', 'passed'].map((o, i) => entry(`r${i}`, 'GO', { 'asset › flow': o as any, 'auth › flow': 'passed' }));
  const current = entry('now', 'NO-GO', { 'asset › flow': 'flaky', 'auth › flow': 'passed' });
  expect(flakyRates(runs, current)).toEqual([{ test: 'asset › flow', runs: 5, passed: 2, flaky: 2, failed: 1, passRate: 0.4 }]);
  expect(flakyRates(runs, current, 2)).toEqual([{ test: 'asset › flow', runs: 2, passed: 1, flaky: 1, failed: 0, passRate: 0.5 }]);
  expect(historyLine(undefined, flakyRates(runs, current, 2))).toContain('flaky: asset › flow passed 1/2 runs (50%)');
  // another target's runs are another history: a staging target's flaky runs do not count against embedded
  const staging = ['flaky', 'flaky', 'flaky'].map((o, i) => entry(`s${i}`, 'GO', { 'asset › flow': o as any }, 'staging.example.com'));
  expect(flakyRates([...runs, ...staging], current)).toEqual(flakyRates(runs, current));
  expect(flakyRates(staging, entry('now', 'GO', { 'asset › flow': 'passed' }))).toEqual([]);
});

test('compareWithHistory reads without writing; the entry carries each test outcome', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-history-'));
  try {
    const file = join(dir, 'history.jsonl');
    appendHistory(file, entry('go-1', 'GO', { 'auth › auth flow': 'passed' }));
    const v = { runId: 'now', finishedAt: '2026-11-25T01:00:00Z', target: { name: 'embedded' }, verdict: 'NO-GO' };
    const cmp = compareWithHistory(file, v, [{ project: 'auth', title: 'auth flow', status: 'failed', outcome: 'unexpected' }]);
    expect(cmp.sinceLastGo?.newFailures).toEqual(['auth › auth flow']);
    expect(cmp.line).toMatch(/^1 new failure since the last GO \(run go-1\)/);
    expect(readHistory(file)).toHaveLength(1);
    expect(cmp.entry).toEqual(historyEntry(v, [{ project: 'auth', title: 'auth flow', status: 'failed', outcome: 'unexpected' }]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('history lines and the Allure environment are written redacted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-history-'));
  try {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLWJ5dGVz';
    const file = join(dir, 'history.jsonl');
    appendHistory(file, entry('r1', 'NO-GO', { [`auth › login with ${jwt}`]: 'failed' }, 'staging postgres://u:pa/ss@h/db'), (t) => t.replace('known-secret', '[REDACTED]').replace(/eyJ\S+/g, '[REDACTED]').replace(/:pa\/ss@/g, ':[REDACTED]@'));
    appendHistory(file, entry('r2', 'GO', { 'a › b': 'passed' }, 'known-secret target'));
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('pa/ss');
    expect(readHistory(file).map((e) => e.runId)).toEqual(['r1', 'r2']);
    expect(Object.keys(readHistory(file)[0].tests)).toEqual(['auth › login with [REDACTED]']);
    // the default is the pattern rules: a connection-string password goes without a secret list
    appendHistory(file, entry('r3', 'GO', {}, 'postgres://u:pa/ss@h/db'));
    expect(readFileSync(file, 'utf8')).not.toContain('pa/ss');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
