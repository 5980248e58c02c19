// Unit tests of the verdict's renderings: go-no-go.md and the console table say the verdict, criteria, triggers and the failing step.
import { test, expect } from '@playwright/test';
import { computeVerdict } from '../helpers/verdict/verdict';
import { flowTest, healthy, run } from '../helpers/verdict/verdict.fixtures';
import { renderConsoleTable, renderMarkdown } from './render';

test('markdown and console table show verdict, criteria, triggers and the failing step', () => {
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? flowTest('scan', { status: 'failed', outcome: 'unexpected', steps: [{ title: '4. Start scan — POST /api/v1/scans', status: 'failed', durationMs: 12, error: { message: 'UnexpectedResponse: POST /api/v1/scans expected 202, got 500\nmore', category: 'unexpected response' } }] }) : t))));
  const md = renderMarkdown(r);
  expect(md).toContain('# Go/No-Go: **NO-GO — release blocked: criteria 1, 2, 8 not met — target embedded**');
  expect(md).toContain('| 8 | Scan flow: create → scan → results works E2E | ❌ fail |');
  expect(md).toContain('| 4 | TLS enforced on all external endpoints | ✅ pass |');
  expect(md).toContain('## Sign-offs');
  expect(md).toContain('🔥 FIRED');
  expect(md).toContain('failing step: 4. Start scan — POST /api/v1/scans (unexpected response): UnexpectedResponse: POST /api/v1/scans expected 202, got 500');
  const table = renderConsoleTable(r);
  expect(table).toContain('flowgate verdict: NO-GO — release blocked: criteria 1, 2, 8 not met — target embedded');
  expect(table).toMatch(/ 8 Scan flow.*fail/);
  expect(table).toContain('flow-failing: scan failed at "4. Start scan — POST /api/v1/scans"');
  expect(table).toMatch(/scan\s+failed\s+1 s\s+4\. Start scan — POST \/api\/v1\/scans: UnexpectedResponse: POST \/api\/v1\/scans expected 202, got 500/);
  expect(table).not.toContain('more');
  expect(table).toMatch(/ 7 Auth flow: register → login → access → logout works E2E\s+pass\s+5/);
  expect(r.notes).toEqual([
    'scan failed at "4. Start scan — POST /api/v1/scans": UnexpectedResponse: POST /api/v1/scans expected 202, got 500',
    'No-Go trigger fired: flow-failing',
    'criterion 1 not-run: not checked: P0-09; remediated: P0-01, P0-02, P0-03, P0-04, P0-05, P0-06; needs code review: P0-07, P0-08, P0-10',
    'criterion 2 fail',
    'criterion 8 fail',
  ]);
  const go = renderConsoleTable(computeVerdict(run(healthy())));
  expect(go).toContain('flowgate verdict: GO — release awaiting sign-off: criterion 1 — target embedded');
  expect(go).toContain('triggers fired: none');
});
