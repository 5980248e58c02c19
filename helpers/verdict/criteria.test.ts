// Unit tests of how the auth probes' outcomes map to the verdict: a 2xx fires auth-bypass, a 5xx (ProbeServerError) leaves it not ruled out.
import { test, expect } from '@playwright/test';
import { computeVerdict } from './verdict';
import { crit, flowTest, healthy, run, trig } from './verdict.fixtures';
import { AuthBypass, ProbeServerError, categoryOf } from '../errors';

const serverError = new ProbeServerError([{ route: 'GET /api/v1/scans/{id}', service: 'scan-api-service', tokenKind: 'none', status: 500 }]);
const failedProbe = (message: string, category: string, tags: string[] = ['@flow-auth-bypass']) =>
  flowTest('auth-bypass', {
    title: 'a service: protected routes refuse bad tokens',
    tags,
    status: 'failed',
    outcome: 'unexpected',
    steps: [{ title: 'F. No protected route serves a bad token — 3 routes × 6 token kinds', status: 'failed', durationMs: 1, error: { message, category: category as any } }],
  });

test('ProbeServerError is its own category, named by class, with every route that errored', () => {
  expect(serverError.category).toBe('auth probe error');
  expect(categoryOf({ name: 'Error', message: `${serverError.name}: ${serverError.message}` })).toBe('auth probe error');
  expect(serverError.message).toContain('GET /api/v1/scans/{id} (scan-api-service) answered 500 to a none token');
});

test('a probe answered 5xx: NO-GO, the auth-bypass trigger does not fire but is not ruled out, naming the route', () => {
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'auth-bypass' ? failedProbe(`ProbeServerError: ${serverError.message}`, 'auth probe error') : t))));
  expect(r.verdict).toBe('NO-GO');
  const t = trig(r, 'auth-bypass');
  expect(t).toMatchObject({ fired: false, status: 'not-run' });
  expect(t.detail).toContain('bypass not ruled out: ProbeServerError');
  expect(t.detail).toContain('GET /api/v1/scans/{id} (scan-api-service) answered 500 to a none token');
});

test('a P0 gap service erroring instead of refusing leaves its gap open (criterion 1 fails)', () => {
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'auth-bypass' ? failedProbe(`ProbeServerError: ${serverError.message}`, 'auth probe error', ['@flow-auth-bypass', '@gap-P0-01']) : t))));
  expect(crit(r, 1).status).toBe('fail');
  expect(crit(r, 1).detail).toContain('P0-01');
  expect(trig(r, 'p0-gap-not-remediated').fired).toBe(true);
});

test('a cross-tenant finding says BOLA and fires the trigger naming the route', () => {
  const e = new AuthBypass([{ route: 'GET /api/v1/assets/{id}', service: 'asset-management-service', tokenKind: 'cross-tenant', status: 200 }]);
  expect(e.message).toContain("GET /api/v1/assets/{id} (asset-management-service) answered 200 to another tenant's token (BOLA)");
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'auth-bypass' ? { ...failedProbe(`AuthBypass: ${e.message}`, 'auth bypass'), findings: e.findings } : t))));
  expect(trig(r, 'auth-bypass')).toMatchObject({ fired: true, detail: 'GET /api/v1/assets/{id} accepted cross-tenant token → 200' });
});
