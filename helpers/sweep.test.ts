// Unit tests of the sweep's decisions: only harness addresses old enough are taken, grouped by tenant, and printed per run id.
import { test, expect } from '@playwright/test';
import { byTenant, renderSweep, sweepable } from './sweep';

const cutoff = new Date('2026-12-07T12:00:00Z');

test('only run-tagged addresses created before the cutoff; a real user is not even named; no age is no sweep', () => {
  const { accounts, skipped } = sweepable([
    { email: 'flowgate+fg-1-0-00000001@flowgate.test', tenant_id: 't1', created_at: new Date('2026-12-07T08:00:00Z') },
    { email: 'FLOWGATE+nightly-7-control-00000002@flowgate.test', tenant_id: 't2', created_at: '2026-12-07T11:59:59Z' },
    { email: 'flowgate+fg-2-0-00000003@flowgate.test', tenant_id: 't3', created_at: new Date('2026-12-07T12:30:00Z') }, // in progress
    { email: 'dana@customer.example', tenant_id: 't1', created_at: new Date('2020-01-01T00:00:00Z') },
    { email: 'flowgate+looks-like@flowgate.test', tenant_id: 't1', created_at: new Date('2020-01-01T00:00:00Z') },
    { email: 'flowgate+fg-3-0-00000004@flowgate.test', tenant_id: 't4', created_at: null },
  ], cutoff);
  expect(accounts.map((a) => [a.email, a.runId, a.tenantId])).toEqual([
    ['flowgate+fg-1-0-00000001@flowgate.test', 'fg-1', 't1'],
    ['flowgate+nightly-7-control-00000002@flowgate.test', 'nightly-7', 't2'],
  ]);
  expect(skipped).toEqual(['flowgate+fg-3-0-00000004@flowgate.test: no created_at, so its age is unknown; left alone']);
  expect(JSON.stringify({ accounts, skipped })).not.toContain('dana');
});

test('grouped by tenant, printed per run id with what went table by table and its notes once', () => {
  const found = sweepable([
    { email: 'flowgate+r1-0-00000001@flowgate.test', tenant_id: 't1', created_at: new Date(0) },
    { email: 'flowgate+r1-1-00000002@flowgate.test', tenant_id: 't1', created_at: new Date(0) },
    { email: 'flowgate+r2-0-00000003@flowgate.test', tenant_id: 't2', created_at: new Date(0) },
  ], cutoff).accounts;
  expect([...byTenant(found)].map(([t, a]) => [t, a.length])).toEqual([['t1', 2], ['t2', 1]]);
  const runs = new Map([
    ['r2', { accounts: 1, removed: new Map([['users', 1]]), notes: ['cleanup refused: x', 'cleanup refused: x'] }],
    ['r1', { accounts: 2, removed: new Map([['users', 2], ['assets', 3]]), notes: [] }],
  ]);
  expect(renderSweep(runs, false)).toEqual(['run r1: 2 account(s); removed 5 row(s): users 2, assets 3', 'run r2: 1 account(s); removed 1 row(s): users 1', '  cleanup refused: x']);
  expect(renderSweep(runs, true)[0]).toBe('run r1: 2 account(s); would remove 5 row(s): users 2, assets 3');
});
