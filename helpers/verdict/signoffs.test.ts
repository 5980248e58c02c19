// Unit tests of the sign-off file: a valid file is read; a missing field, an unknown or repeated criterion, bad YAML or an unreadable file is a ConfigError naming FLOWGATE_SIGNOFFS and the entry.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSignoffs, parseSignoffs, signoffLapse } from './signoffs';

const IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const GAPS = ['P0-01', 'P0-02', 'P0-03', 'P0-04', 'P0-05', 'P0-06', 'P0-07', 'P0-08', 'P0-09', 'P0-10'];
const VALID = `signoffs:
  - criterion: 1
    by: "Dana Reviewer"
    date: 2026-11-20
    evidence: "https://tracker.example/REVIEW-123"
    note: "P0-07, P0-08, P0-10 reviewed in code"
  - criterion: 3
    by: Sam Auditor
    date: 2026-11-21
    evidence: https://tracker.example/SEC-9
`;

test('a valid file gives its sign-offs, dates as written', () => {
  expect(parseSignoffs(VALID, IDS)).toEqual([
    { criterion: 1, by: 'Dana Reviewer', date: '2026-11-20', evidence: 'https://tracker.example/REVIEW-123', note: 'P0-07, P0-08, P0-10 reviewed in code' },
    { criterion: 3, by: 'Sam Auditor', date: '2026-11-21', evidence: 'https://tracker.example/SEC-9' },
  ]);
  expect(loadSignoffs({}, IDS)).toEqual([]);
});

test('a missing field names FLOWGATE_SIGNOFFS, the entry and the field', () => {
  const text = VALID.replace('    by: Sam Auditor\n', '');
  expect(() => parseSignoffs(text, IDS, 'signoffs.yml')).toThrow(/FLOWGATE_SIGNOFFS \(signoffs\.yml\):\n  - entry 2 \(criterion 3\) is missing "by"/);
});

test('an unknown criterion, a repeated one, a bad date, an unknown field: each named with its entry', () => {
  expect(() => parseSignoffs(VALID.replace('criterion: 3', 'criterion: 13'), IDS)).toThrow(/entry 2: criterion 13 is not a compliance matrix §7 criterion/);
  expect(() => parseSignoffs(VALID.replace('criterion: 3', 'criterion: 1'), IDS)).toThrow(/entry 2: criterion 1 is signed off twice/);
  expect(() => parseSignoffs(VALID.replace('2026-11-21', '21.11.2026'), IDS)).toThrow(/entry 2 \(criterion 3\) date must match format "date"/);
  expect(() => parseSignoffs(VALID.replace('    note:', '    signature: x\n    note:'), IDS)).toThrow(/entry 1 \(criterion 1\) has an unknown field "signature"/);
  expect(() => parseSignoffs('signoffs: [', IDS)).toThrow(/FLOWGATE_SIGNOFFS.*not valid YAML/s);
  expect(() => parseSignoffs('approvals: []', IDS)).toThrow(/is missing "signoffs"/);
});

test('an unreadable file is a ConfigError naming the variable and the path', () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'fg-signoffs-')), 'nope.yml');
  expect(() => loadSignoffs({ FLOWGATE_SIGNOFFS: missing }, IDS)).toThrow(new RegExp(`FLOWGATE_SIGNOFFS:\\n  - cannot read ${missing.replace(/[.]/g, '\\.')}: ENOENT`));
  const ok = join(mkdtempSync(join(tmpdir(), 'fg-signoffs-')), 'ok.yml');
  writeFileSync(ok, VALID);
  expect(loadSignoffs({ FLOWGATE_SIGNOFFS: ok }, IDS)).toHaveLength(2);
});

test('target and covers are read; covers only on criterion 1, only compliance matrix §3 gaps, each once', () => {
  const text = VALID.replace('    note: "P0-07', '    target: staging\n    covers: [P0-07, P0-08]\n    note: "P0-07');
  expect(parseSignoffs(text, IDS, 'f', GAPS)[0]).toEqual({ criterion: 1, by: 'Dana Reviewer', date: '2026-11-20', evidence: 'https://tracker.example/REVIEW-123', note: 'P0-07, P0-08, P0-10 reviewed in code', target: 'staging', covers: ['P0-07', 'P0-08'] });
  expect(() => parseSignoffs(VALID.replace('    by: Sam Auditor', '    by: Sam Auditor\n    covers: [P0-07]'), IDS, 'f', GAPS)).toThrow(/entry 2 \(criterion 3\): covers lists P0 gap rows, which only criterion 1 has/);
  expect(() => parseSignoffs(text.replace('P0-08]', 'P0-11]'), IDS, 'f', GAPS)).toThrow(/entry 1 \(criterion 1\): covers names P0-11, not a compliance matrix §3 gap \(P0-01–P0-10\)/);
  expect(() => parseSignoffs(text.replace('P0-08]', 'gap 8]'), IDS, 'f', GAPS)).toThrow(/entry 1 \(criterion 1\) covers\/1 must match pattern/);
  expect(() => parseSignoffs(text.replace('P0-08]', 'P0-07]'), IDS, 'f', GAPS)).toThrow(/entry 1 \(criterion 1\) covers must NOT have duplicate items/);
  expect(() => parseSignoffs(text.replace('target: staging', 'target: " "'), IDS, 'f', GAPS)).toThrow(/entry 1 \(criterion 1\) target must match pattern/);
});

test('a sign-off stands FLOWGATE_SIGNOFF_MAX_AGE_DAYS days, not before its date, and only on the target it names', () => {
  const run = { now: new Date('2026-12-07T16:00:00Z'), maxAgeDays: 30, target: 'staging' };
  expect(signoffLapse({ date: '2026-12-07' }, run)).toBeUndefined();
  expect(signoffLapse({ date: '2026-11-07' }, run)).toBeUndefined();
  expect(signoffLapse({ date: '2026-11-06' }, run)).toBe('has expired: dated 2026-11-06, 31 days before this run; a sign-off stands 30 days (FLOWGATE_SIGNOFF_MAX_AGE_DAYS)');
  expect(signoffLapse({ date: '2026-11-06' }, { ...run, maxAgeDays: 31 })).toBeUndefined();
  expect(signoffLapse({ date: '2026-12-08' }, run)).toBe('is dated 2026-12-08, after this run (2026-12-07)');
  expect(signoffLapse({ date: '2026-12-01', target: 'staging' }, run)).toBeUndefined();
  expect(signoffLapse({ date: '2026-12-01', target: 'staging-eu' }, run)).toBe("is for target staging-eu, and this run's target is staging");
});
