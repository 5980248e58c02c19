// Unit tests of the sign-off file: a valid file is read; a missing field, an unknown or repeated criterion, bad YAML or an unreadable file is a ConfigError naming FLOWGATE_SIGNOFFS and the entry.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSignoffs, parseSignoffs } from './signoffs';

const IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
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
  expect(() => parseSignoffs(VALID.replace('criterion: 3', 'criterion: 13'), IDS)).toThrow(/entry 2: criterion 13 is not a seed §7 criterion/);
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
