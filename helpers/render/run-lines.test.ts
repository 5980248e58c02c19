// Unit tests of the run's console lines: a test line without tags, a failed step with its error, the live count and the summary.
import { test, expect } from '@playwright/test';
import { countLine, duration, ERROR_LINES, stepLines, summaryLine, testLine, untagged } from './run-lines';
import type { Paint } from './colour';

const marked: Paint = (tone, text) => `<${tone}>${text}</${tone}>`;

test('a test line: outcome, project, title without its tags, duration; coloured by outcome', () => {
  expect(untagged('cross-tenant access is refused @flow-auth-bypass @trigger-auth-bypass @bola')).toBe('cross-tenant access is refused');
  expect(testLine({ outcome: 'passed', project: 'auth', title: 'auth flow › register → logout @flow-auth @criterion-7', durationMs: 35_612 })).toBe('  ✓ passed      [auth] auth flow › register → logout (35.6 s)');
  expect(testLine({ outcome: 'timedOut', project: 'scan', title: 'scan', durationMs: 180_000, retry: 1 }, marked)).toBe('  <no-go>✘ timed out  </no-go> [scan] scan (retry 1) <dim>(3 m 0 s)</dim>');
  expect(testLine({ outcome: 'skipped', project: 'x', title: 't', durationMs: 0 }, marked)).toContain('<unknown>- skipped');
  expect(untagged('x'.repeat(300)).length).toBe(140);
  expect(duration(61_500)).toBe('1 m 2 s');
});

test("a failed test's steps: indented by depth, the failed ones marked with their error's lines (what, expected, got)", () => {
  const lines = stepLines([
    { title: '1. Get CSRF token — GET /api/csrf', depth: 0, failed: false, durationMs: 120 },
    { title: '2. Register user @criterion-7', depth: 0, failed: true, durationMs: 2_000, error: '\nUnexpectedResponse: POST /register expected 201, got 500\nbody …' },
    { title: 'expect.toBe', depth: 1, failed: true, durationMs: 1 },
  ]);
  expect(lines).toEqual([
    '      · 1. Get CSRF token — GET /api/csrf (0.1 s)',
    '      ✘ 2. Register user (2.0 s)\n          UnexpectedResponse: POST /register expected 201, got 500\n          body …',
    '        ✘ expect.toBe (0.0 s)',
  ]);
  const long = stepLines([{ title: 'x', depth: 0, failed: true, durationMs: 1, error: Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') }]);
  expect(long[0].split('\n')).toHaveLength(1 + ERROR_LINES);
});

test('the live count and the summary say how many passed, failed and did not run', () => {
  const c = { total: 23, passed: 20, failed: 1, skipped: 0, flaky: 0, running: 2, elapsedMs: 75_000 };
  expect(countLine(c)).toBe('  21/23 tests: 20 passed, 1 failed, 2 running — 1 m 15 s');
  expect(summaryLine({ ...c, running: 0 }, marked)).toBe('23 tests: <go>20 passed</go>, <no-go>1 failed</no-go>, <unknown>2 did not run</unknown> in 1 m 15 s');
  expect(summaryLine({ ...c, passed: 23, failed: 0, running: 0 })).toBe('23 tests: 23 passed, 0 failed in 1 m 15 s');
});
