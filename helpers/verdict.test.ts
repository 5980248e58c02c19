// Unit tests of the Go/No-Go computation: a clean run is GO, and every way a run can fall short is NO-GO for the stated reason.
import { test, expect } from '@playwright/test';
import type { Evidence } from './evidence';
import { computeVerdict, exitCode, renderConsoleTable, renderMarkdown, type RunModel, type TestModel } from './verdict';

const audit = (p: string): Evidence => ({ kind: 'row', step: 'audit', name: `audit.${p}`, summary: `audit row ${p} for u-1` });

function flowTest(project: string, over: Partial<TestModel> = {}): TestModel {
  return {
    title: `${project} flow`,
    project,
    tags: [`@flow-${project}`],
    status: 'passed',
    retries: 0,
    outcome: 'expected',
    durationMs: 1000,
    steps: [
      { title: '1. First — GET /a', status: 'passed', durationMs: 400 },
      { title: '2. Second — POST /b', status: 'passed', durationMs: 600 },
    ],
    evidence: project === 'auth' ? [audit('register'), audit('login'), audit('logout'), { kind: 'event', step: '1. First — GET /a', name: 'cert-ix.auth.user.registered.success', summary: 'registered u-1' }] : [{ kind: 'event', step: '2. Second — POST /b', summary: `${project} event` }],
    findings: [],
    ...over,
  };
}

function run(tests: TestModel[], over: Partial<RunModel> = {}): RunModel {
  return { target: { name: 'embedded', kongUrl: 'http://127.0.0.1:8000' }, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z', allowFlaky: false, tests, ...over };
}

/** A passing connection test for criterion 4, 5 or 6 with one endpoint's evidence (ok unless said otherwise). */
export function transportTest(id: number, over: Partial<TestModel> = {}, ok = true, gap?: string): TestModel {
  const step = `${id}.1. Check — TLS 127.0.0.1:${9000 + id}`;
  const data = { endpoint: `127.0.0.1:${9000 + id}`, tried: 'TLS handshake', answered: ok ? 'verified' : 'HTTP 200 served in plaintext', ok, tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', ...(gap ? { gap } : {}) };
  return flowTest('transport', { title: `${id}. transport check`, tags: id ? [`@criterion-${id}`] : ['@gap-P0-06'], steps: [{ title: step, status: ok ? 'passed' : 'failed', durationMs: 5, ...(ok ? {} : { error: { message: 'Error: plaintext answered', category: 'assertion failed' } }) }], evidence: [{ kind: 'transport', step, name: data.endpoint, summary: `ok ${data.endpoint}`, data }], ...(ok ? {} : { status: 'failed', outcome: 'unexpected' }), ...over });
}

const healthy = () => [flowTest('preflight', { tags: [], evidence: [] }), ...[4, 5, 6].map((id) => transportTest(id)), ...['auth', 'scan', 'asset', 'payment', 'auth-bypass'].map((p) => flowTest(p))];
const crit = (r: ReturnType<typeof computeVerdict>, id: number) => r.criteria.find((c) => c.id === id)!;
const trig = (r: ReturnType<typeof computeVerdict>, id: string) => r.triggers.find((t) => t.id === id)!;
const flow = (r: ReturnType<typeof computeVerdict>, n: string) => r.flows.find((f) => f.name === n)!;

test('a healthy run is GO: criteria 2, 4, 5, 6, 7, 8, 9, 12 pass with evidence, the rest not evaluated, no trigger fired', () => {
  const r = computeVerdict(run(healthy()));
  expect(r.verdict).toBe('GO');
  expect(exitCode(r)).toBe(0);
  expect(r.criteria.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const id of [2, 4, 5, 6, 7, 8, 9, 12]) expect(crit(r, id).status, `criterion ${id}`).toBe('pass');
  for (const id of [1, 3, 10, 11]) expect(crit(r, id).status).toBe('not-evaluated');
  expect(crit(r, 4).evidence[0].observed[0]).toMatchObject({ kind: 'transport', data: { endpoint: '127.0.0.1:9004', tlsVersion: 'TLSv1.3' } });
  expect(crit(r, 2).evidence.map((e) => e.project)).toEqual(['auth', 'scan', 'asset', 'payment']);
  expect(crit(r, 12).evidence[0].observed.map((o) => o.name)).toEqual(['audit.register', 'audit.login', 'audit.logout']);
  expect(r.triggers.map((t) => [t.id, t.fired, t.status])).toEqual([
    ['p0-gap-not-remediated', false, 'not-evaluated'],
    ['flow-failing', false, 'clear'],
    ['hardcoded-secret', false, 'not-evaluated'],
    ['tls-not-enforced', false, 'clear'],
    ['auth-bypass', false, 'clear'],
    ['payment-broken', false, 'clear'],
  ]);
  expect(r.flows.map((f) => [f.name, f.status])).toEqual([['auth', 'passed'], ['scan', 'passed'], ['asset', 'passed'], ['payment', 'passed'], ['auth-bypass', 'passed']]);
  expect(flow(r, 'auth').steps).toHaveLength(2);
  expect(r.notes).toEqual([]);
});

test('one failing flow: NO-GO, flow-failing fired, the failing step and the missing event are evidence', () => {
  const tests = healthy().map((t) =>
    t.project === 'scan'
      ? flowTest('scan', {
          status: 'failed',
          outcome: 'unexpected',
          steps: [
            { title: '1. Login — POST /api/v1/auth/login', status: 'passed', durationMs: 10 },
            { title: '5. Scan status — GET /api/v1/scans/{id}', status: 'failed', durationMs: 60_000, error: { message: 'EventNotObserved: no cert-ix.scan-results for scanId="s-1" within 60 s; saw nothing else on that topic', category: 'event not observed' } },
          ],
          error: { message: 'EventNotObserved: no cert-ix.scan-results …', category: 'event not observed' },
        })
      : t,
  );
  const r = computeVerdict(run(tests));
  expect(r.verdict).toBe('NO-GO');
  expect(exitCode(r)).toBe(1);
  expect(crit(r, 8).status).toBe('fail');
  expect(crit(r, 2).status).toBe('fail');
  expect(crit(r, 7).status).toBe('pass');
  expect(trig(r, 'flow-failing').fired).toBe(true);
  expect(trig(r, 'flow-failing').detail).toContain('scan failed at "5. Scan status — GET /api/v1/scans/{id}"');
  expect(trig(r, 'payment-broken').fired).toBe(false);
  const ev = crit(r, 8).evidence[0];
  expect(ev.failingStep).toEqual({ title: '5. Scan status — GET /api/v1/scans/{id}', category: 'event not observed', error: expect.stringContaining('no cert-ix.scan-results') });
  expect(ev.missing[0].detail).toContain('no cert-ix.scan-results for scanId="s-1"');
  expect(flow(r, 'scan').failingStep?.title).toBe('5. Scan status — GET /api/v1/scans/{id}');
});

test('payment failing fires payment-broken as well as flow-failing', () => {
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flowTest('payment', { status: 'failed', outcome: 'unexpected', error: { message: 'UnexpectedResponse: POST /api/v1/webhooks/stripe expected 200, got 400', category: 'unexpected response' } }) : t))));
  expect(r.verdict).toBe('NO-GO');
  expect(trig(r, 'payment-broken').fired).toBe(true);
  expect(crit(r, 9).status).toBe('fail');
  // Failed outside any step: the test error explains it.
  expect(crit(r, 9).evidence[0].failingStep).toEqual({ title: '(outside any step)', category: 'unexpected response', error: 'UnexpectedResponse: POST /api/v1/webhooks/stripe expected 200, got 400' });
});

test('fail closed: a missing, skipped, interrupted or timed-out flow is NO-GO', () => {
  const without = computeVerdict(run(healthy().filter((t) => t.project !== 'asset')));
  expect(without.verdict).toBe('NO-GO');
  expect(flow(without, 'asset').status).toBe('not-run');
  expect(crit(without, 2).status).toBe('not-run');
  expect(without.notes).toContain('asset did not run (no test of it in this run)');
  expect(trig(without, 'flow-failing')).toMatchObject({ fired: false, status: 'not-run' });

  const skipped = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flowTest('payment', { status: 'skipped', outcome: 'skipped', steps: [] }) : t))));
  expect(skipped.verdict).toBe('NO-GO');
  expect(flow(skipped, 'payment').status).toBe('skipped');
  expect(crit(skipped, 9).status).toBe('not-run');

  const interrupted = computeVerdict(run(healthy().map((t) => (t.project === 'auth' ? flowTest('auth', { status: 'interrupted', outcome: 'unexpected' }) : t))));
  expect(interrupted.verdict).toBe('NO-GO');
  expect(flow(interrupted, 'auth').status).toBe('not-run');
  expect(crit(interrupted, 7).status).toBe('not-run');

  const timedOut = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? flowTest('scan', { status: 'timedOut', outcome: 'unexpected', error: { message: 'Test timeout of 180000ms exceeded.', category: 'budget exceeded' } }) : t))));
  expect(timedOut.verdict).toBe('NO-GO');
  expect(flow(timedOut, 'scan').status).toBe('failed');
  expect(crit(timedOut, 8).evidence[0].failingStep?.category).toBe('budget exceeded');

  const neverStarted = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? flowTest('scan', { ran: false, status: 'skipped', outcome: 'skipped', steps: [] }) : t))));
  expect(flow(neverStarted, 'scan').status).toBe('not-run');

  const skippedStep = computeVerdict(run(healthy().map((t) => (t.project === 'asset' ? flowTest('asset', { steps: [{ title: '1. Create', status: 'passed', durationMs: 1 }, { title: '6. Quota decremented', status: 'skipped', durationMs: 0 }] }) : t))));
  expect(skippedStep.verdict).toBe('NO-GO');
  expect(flow(skippedStep, 'asset').status).toBe('skipped');

  const bypassMissing = computeVerdict(run(healthy().filter((t) => t.project !== 'auth-bypass')));
  expect(bypassMissing.verdict).toBe('NO-GO');
  expect(trig(bypassMissing, 'auth-bypass')).toMatchObject({ fired: false, status: 'not-run' });
});

test('flaky is NO-GO unless allowed', () => {
  const tests = healthy().map((t) => (t.project === 'asset' ? flowTest('asset', { retries: 1, outcome: 'flaky', flakyFailure: { attempt: 1, step: '2. Second — POST /b', error: { message: 'EventNotObserved: no cert-ix.asset.created for assetId="a-1" within 10 s; saw nothing else on that topic', category: 'event not observed' } } }) : t));
  const strict = computeVerdict(run(tests));
  expect(strict.verdict).toBe('NO-GO');
  expect(flow(strict, 'asset').status).toBe('flaky');
  expect(crit(strict, 2).status).toBe('fail');
  expect(crit(strict, 2).detail).toBe('asset passed only on retry (flaky); first attempt failed at "2. Second — POST /b (attempt 1)": EventNotObserved: no cert-ix.asset.created for assetId="a-1" within 10 s; saw nothing else on that topic');
  expect(flow(strict, 'asset').failingStep?.category).toBe('event not observed');
  const allowed = computeVerdict(run(tests, { allowFlaky: true }));
  expect(allowed.verdict).toBe('GO');
  expect(crit(allowed, 2).status).toBe('pass');
  expect(allowed.notes).toContain('flaky passes were allowed (FLOWGATE_ALLOW_FLAKY=1)');
});

test('auth bypass findings fire the trigger naming the route and token kinds', () => {
  const tests = healthy().map((t) =>
    t.project === 'auth-bypass'
      ? flowTest('auth-bypass', {
          status: 'failed',
          outcome: 'unexpected',
          error: { message: 'AuthBypass: expected 401 …', category: 'auth bypass' },
          findings: [
            { route: 'POST /api/v1/checkout/sessions', service: 'checkout-orchestration-service', tokenKind: 'none', status: 201 },
            { route: 'POST /api/v1/checkout/sessions', service: 'checkout-orchestration-service', tokenKind: 'expired', status: 201 },
          ],
        })
      : t,
  );
  const r = computeVerdict(run(tests));
  expect(r.verdict).toBe('NO-GO');
  const t = trig(r, 'auth-bypass');
  expect(t.fired).toBe(true);
  expect(t.detail).toBe('POST /api/v1/checkout/sessions accepted none token → 201, expired token → 201');
  expect(t.findings).toHaveLength(2);
  // The four flows are fine: bypass is its own trigger, not a flow failure.
  expect(trig(r, 'flow-failing').fired).toBe(false);
  // An AuthBypass error without finding attachments still fires it.
  const noAttach = computeVerdict(run(healthy().map((x) => (x.project === 'auth-bypass' ? flowTest('auth-bypass', { status: 'failed', outcome: 'unexpected', error: { message: 'AuthBypass: GET /api/v1/assets answered 200', category: 'auth bypass' } }) : x))));
  expect(trig(noAttach, 'auth-bypass')).toMatchObject({ fired: true, detail: 'AuthBypass: GET /api/v1/assets answered 200' });
});

test('criterion 12: audit rows observed → pass; an audit probe failing → fail; rows unreported → not confirmed', () => {
  const failAudit = computeVerdict(run(healthy().map((t) => (t.project === 'auth' ? flowTest('auth', {
    status: 'failed',
    outcome: 'unexpected',
    evidence: [audit('register'), audit('login')],
    steps: [{ title: '8. Logout — POST /api/v1/auth/logout', status: 'failed', durationMs: 5, error: { message: 'DbStateMismatch: probe audit.logout expected one row, got no rows', category: 'database state' } }],
  }) : t))));
  expect(crit(failAudit, 12).status).toBe('fail');
  expect(crit(failAudit, 12).detail).toContain('probe audit.logout');
  expect(crit(failAudit, 12).evidence[0].observed.map((o) => o.name)).toEqual(['audit.register', 'audit.login']);
  expect(crit(failAudit, 12).evidence[0].missing[0].detail).toContain('audit.logout');

  const noRows = computeVerdict(run(healthy().map((t) => (t.project === 'auth' ? flowTest('auth', { evidence: [audit('register')] }) : t))));
  expect(crit(noRows, 12).status).toBe('not-run');
  expect(crit(noRows, 12).detail).toContain('audit.login, audit.logout');
  expect(noRows.verdict).toBe('NO-GO');

  const stoppedEarly = computeVerdict(run(healthy().map((t) => (t.project === 'auth' ? flowTest('auth', { status: 'failed', outcome: 'unexpected', evidence: [], steps: [{ title: '1. CSRF', status: 'failed', durationMs: 1, error: { message: 'UnexpectedResponse: GET /api/v1/auth/csrf-token expected 200, got 502', category: 'unexpected response' } }] }) : t))));
  expect(crit(stoppedEarly, 12).status).toBe('not-run');
});

test('could not evaluate: preflight failing on configuration or infrastructure, or nothing ran → exit 2', () => {
  const cfg = computeVerdict(run([flowTest('preflight', { status: 'failed', outcome: 'unexpected', tags: [], error: { message: 'ConfigError: 1 problem in the target configuration:\n  - KONG_URL is required', category: 'configuration' } }), ...['auth', 'scan'].map((p) => flowTest(p, { ran: false, status: 'skipped', outcome: 'skipped', steps: [] }))]));
  expect(cfg.verdict).toBe('NO-GO');
  expect(cfg.couldNotEvaluate).toBe(true);
  expect(exitCode(cfg)).toBe(2);
  expect(cfg.notes[0]).toBe('preflight "preflight flow" failed (configuration): ConfigError: 1 problem in the target configuration:\n  - KONG_URL is required');
  expect(renderConsoleTable(cfg)).toContain('  - preflight "preflight flow" failed (configuration): ConfigError: 1 problem in the target configuration:\n    - KONG_URL is required\n');

  const infra = computeVerdict(run([flowTest('preflight', { status: 'failed', outcome: 'unexpected', tags: [], error: { message: 'InfrastructureUnreachable: cannot reach kafka at k:9093', category: 'infrastructure unreachable' } }), ...healthy().slice(1)]));
  expect(exitCode(infra)).toBe(2);

  const empty = computeVerdict(run([]));
  expect(empty.verdict).toBe('NO-GO');
  expect(exitCode(empty)).toBe(2);
  expect(empty.notes).toContain('no tests ran: an empty run proves nothing');

  // A preflight failing for another reason (a health endpoint answering 500) is an ordinary NO-GO.
  const health = computeVerdict(run([flowTest('preflight', { status: 'failed', outcome: 'unexpected', tags: [], error: { message: 'UnexpectedResponse: GET /health expected 200, got 500', category: 'unexpected response' } }), ...healthy().slice(1)]));
  expect([health.verdict, exitCode(health)]).toEqual(['NO-GO', 1]);
  expect(exitCode({ verdict: 'GO', couldNotEvaluate: false }, { couldNotEvaluate: true })).toBe(2);

  const globalErr = computeVerdict(run([], { globalErrors: [{ message: 'Error: connect ECONNREFUSED 127.0.0.1:5432', category: 'infrastructure unreachable' }] }));
  expect(exitCode(globalErr)).toBe(2);
});

test('a missing shard is NO-GO; all shards present is not penalised', () => {
  const oneOfTwo = computeVerdict(run(healthy(), { shardsExpected: 2, shardsSeen: [1] }));
  expect(oneOfTwo.verdict).toBe('NO-GO');
  expect(oneOfTwo.notes).toContain('shard 2 of 2 missing: the verdict covers only part of the run');
  expect(computeVerdict(run(healthy(), { shardsExpected: 3, shardsSeen: 2 })).verdict).toBe('NO-GO');
  expect(computeVerdict(run(healthy(), { shardsExpected: 2, shardsSeen: [1, 2] })).verdict).toBe('GO');
});

test('a failing test tagged for a criterion outside its flow fails that criterion', () => {
  const r = computeVerdict(run([...healthy(), flowTest('extra', { tags: ['@criterion-9'], status: 'failed', outcome: 'unexpected' })]));
  expect(crit(r, 9).status).toBe('fail');
  expect(r.verdict).toBe('NO-GO');
});

test('markdown and console table show verdict, criteria, triggers and the failing step', () => {
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? flowTest('scan', { status: 'failed', outcome: 'unexpected', steps: [{ title: '4. Start scan — POST /api/v1/scans', status: 'failed', durationMs: 12, error: { message: 'UnexpectedResponse: POST /api/v1/scans expected 202, got 500\nmore', category: 'unexpected response' } }] }) : t))));
  const md = renderMarkdown(r);
  expect(md).toContain('# Go/No-Go: **NO-GO**');
  expect(md).toContain('| 8 | Scan flow: create → scan → results works E2E | ❌ fail |');
  expect(md).toContain('| 1 | All P0 gaps remediated | ➖ not evaluated |');
  expect(md).toContain('🔥 FIRED');
  expect(md).toContain('failing step: 4. Start scan — POST /api/v1/scans (unexpected response): UnexpectedResponse: POST /api/v1/scans expected 202, got 500');
  const table = renderConsoleTable(r);
  expect(table).toContain('flowgate verdict: NO-GO');
  expect(table).toMatch(/ 8 Scan flow.*fail/);
  expect(table).toContain('flow-failing: scan failed at "4. Start scan — POST /api/v1/scans"');
  expect(table).toMatch(/scan\s+failed\s+1 s\s+4\. Start scan — POST \/api\/v1\/scans: UnexpectedResponse: POST \/api\/v1\/scans expected 202, got 500/);
  expect(table).not.toContain('more');
  expect(table).toMatch(/ 7 Auth flow: register → login → access → logout works E2E\s+pass\s+4/);
  expect(r.notes).toEqual([
    'scan failed at "4. Start scan — POST /api/v1/scans": UnexpectedResponse: POST /api/v1/scans expected 202, got 500',
    'No-Go trigger fired: flow-failing',
    'criterion 2 fail',
    'criterion 8 fail',
  ]);
  const go = renderConsoleTable(computeVerdict(run(healthy())));
  expect(go).toContain('flowgate verdict: GO');
  expect(go).toContain('triggers fired: none');
});

test('criteria 4, 5, 6: a failing connection test fails its criterion and fires tls-not-enforced naming the endpoint', () => {
  const r = computeVerdict(run(healthy().map((t) => (t.tags.includes('@criterion-5') ? transportTest(5, {}, false) : t))));
  expect(r.verdict).toBe('NO-GO');
  expect(crit(r, 5).status).toBe('fail');
  expect(crit(r, 5).detail).toContain('127.0.0.1:9005: HTTP 200 served in plaintext');
  expect([crit(r, 4).status, crit(r, 6).status]).toEqual(['pass', 'pass']);
  expect(trig(r, 'tls-not-enforced')).toMatchObject({ fired: true, status: 'fired' });
  expect(trig(r, 'tls-not-enforced').detail).toContain('criterion 5: 127.0.0.1:9005');
});

test('criteria 4, 5, 6 without the transport project are not-run: NO-GO, never a silent pass', () => {
  const r = computeVerdict(run(healthy().filter((t) => t.project !== 'transport')));
  expect(r.verdict).toBe('NO-GO');
  for (const id of [4, 5, 6]) expect(crit(r, id).status).toBe('not-run');
  expect(trig(r, 'tls-not-enforced').status).toBe('not-run');
  // a passing check that recorded no endpoint proves nothing either
  const empty = computeVerdict(run(healthy().map((t) => (t.tags.includes('@criterion-6') ? { ...t, evidence: [] } : t))));
  expect(crit(empty, 6).status).toBe('not-run');
  expect(empty.verdict).toBe('NO-GO');
});

test('a P0-06 finding (a database accepting plaintext) is recorded in the verdict and fires p0-gap-not-remediated', () => {
  const r = computeVerdict(run([...healthy(), transportTest(0, { title: 'P0-06 check' }, false, 'P0-06')]));
  expect(r.verdict).toBe('NO-GO');
  expect(r.gapFindings).toEqual([{ gap: 'P0-06', endpoint: '127.0.0.1:9000', detail: 'HTTP 200 served in plaintext', test: 'P0-06 check', step: '0.1. Check — TLS 127.0.0.1:9000' }]);
  expect(trig(r, 'p0-gap-not-remediated')).toMatchObject({ fired: true, status: 'fired' });
  expect(trig(r, 'tls-not-enforced').fired).toBe(false);
  expect(computeVerdict(run(healthy())).gapFindings).toBeUndefined();
});
