// Unit tests of the Go/No-Go computation: a clean run is GO, and every way a run can fall short is NO-GO for the stated reason.
import { test, expect } from '@playwright/test';
import { renderConsoleTable, renderMarkdown } from '../../reporters/render';
import { computeVerdict, exitCode, headline } from './verdict';
import { audit, crit, failedStep, flow, flowTest, healthEvidence, healthy, HEALTHY_SERVICES, run, sourceTests, transportTest, trig } from './verdict.fixtures';
import { ContractViolation, DbStateMismatch, EventNotObserved, ProbeServerError } from '../errors';

test('a healthy run is GO: criteria 2, 4, 5, 6, 7, 8, 9, 12 pass with evidence, what no run saw awaits sign-off, no trigger fired', () => {
  const r = computeVerdict(run(healthy()));
  expect(r.verdict).toBe('GO');
  expect(exitCode(r)).toBe(0);
  expect(r.criteria.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const id of [2, 4, 5, 6, 7, 8, 9, 12]) expect(crit(r, id).status, `criterion ${id}`).toBe('pass');
  expect(crit(r, 4).evidence[0].observed[0]).toMatchObject({ kind: 'transport', data: { endpoint: '127.0.0.1:9004', tlsVersion: 'TLSv1.3' } });
  expect(r.release).toBe('awaiting-sign-off');
  expect(r.awaitingSignOff).toEqual(r.criteria.filter((c) => c.status === 'awaiting-sign-off').map((c) => c.id));
  expect(r.criteria.every((c) => ['pass', 'fail', 'not-run', 'awaiting-sign-off', 'signed-off'].includes(c.status))).toBe(true);
  expect(crit(r, 2).evidence.map((e) => e.project)).toEqual(['auth', 'scan', 'asset', 'payment']);
  expect(crit(r, 12).evidence[0].observed.map((o) => o.name)).toEqual(['audit.register', 'audit.login', 'audit.logout']);
  expect(r.triggers.map((t) => [t.id, t.fired, t.status])).toEqual([
    ['p0-gap-not-remediated', false, 'not-run'],
    ['flow-failing', false, 'clear'],
    ['hardcoded-secret', false, 'clear'],
    ['tls-not-enforced', false, 'clear'],
    ['auth-bypass', false, 'clear'],
    ['payment-broken', false, 'clear'],
  ]);
  expect(r.flows.map((f) => [f.name, f.status])).toEqual([['auth', 'passed'], ['scan', 'passed'], ['asset', 'passed'], ['payment', 'passed'], ['auth-bypass', 'passed']]);
  expect(flow(r, 'auth').steps).toHaveLength(11); // every numbered step of the catalogue's auth script
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
  const logout = failedStep('8. Logout — POST /api/v1/auth/logout', new DbStateMismatch({ probe: 'audit.logout', expected: 'one row', got: [] }));
  const failAudit = computeVerdict(run(healthy().map((t) => (t.project === 'auth' ? flowTest('auth', {
    status: 'failed',
    outcome: 'unexpected',
    evidence: [audit('register'), audit('login')],
    steps: [logout.step],
    failures: [logout.failure],
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

test('sign-offs: an awaiting criterion becomes signed-off; a decided one keeps its status and the sign-off is ignored with a note', () => {
  const awaiting = computeVerdict(run(healthy())).awaitingSignOff;
  // the run finished 2026-01-01; criterion 1's sign-off names the review rows it covers
  const by = (criterion: number) => ({ criterion, by: 'Dana Reviewer', date: '2025-12-20', evidence: 'https://tracker.example/REVIEW-123', ...(criterion === 1 ? { covers: ['P0-07', 'P0-08', 'P0-10'] } : {}) });
  const r = computeVerdict(run(healthy(), { signoffs: [...awaiting.map(by), by(2)] }));
  expect(r.verdict).toBe('GO');
  expect(r.release).toBe('ready');
  expect(r.awaitingSignOff).toEqual([]);
  for (const id of awaiting) expect(crit(r, id)).toMatchObject({ status: 'signed-off', signoff: { by: 'Dana Reviewer', date: '2025-12-20' } });
  expect(crit(r, 1).rows?.filter((g) => g.status === 'signed-off').map((g) => g.gap)).toEqual(['P0-07', 'P0-08', 'P0-10']);
  expect(crit(r, 2).status).toBe('pass');
  expect(r.signoffs.find((s) => s.criterion === 2)).toMatchObject({ applied: false, reason: expect.stringContaining('evidence beats opinion') });
  expect(r.notes.some((n) => n.startsWith('sign-off for criterion 2 by Dana Reviewer ignored'))).toBe(true);
  expect(headline(r)).toBe('GO — release ready — target embedded');

  // A failed criterion is never signed off.
  const failed = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flowTest('payment', { status: 'failed', outcome: 'unexpected' }) : t)), { signoffs: [by(9)] }));
  expect(crit(failed, 9).status).toBe('fail');
  expect(failed.signoffs[0].reason).toContain('a failed criterion is never signed off');
  expect(failed.release).toBe('awaiting-sign-off');
});

test('sign-offs lapse: one dated more than FLOWGATE_SIGNOFF_MAX_AGE_DAYS before the run, one for another target, one dated after the run sign nothing and say why', () => {
  // the healthy run finished 2026-01-01 on the target named embedded; criteria 1 and 3 (no source scanned) await sign-off
  const tests = healthy().map((t) => (t.title === 'secrets' ? sourceTests({ evidence: [{ kind: 'probe', step: 'S', name: 'secretlint', summary: 'not scanned', data: { scanned: false } }] })[0] : t));
  expect(computeVerdict(run(tests)).awaitingSignOff).toEqual([1, 3]);
  const so = (criterion: number, date: string, over: object = {}) => ({ criterion, by: 'Dana Reviewer', date, evidence: 'https://tracker.example/R', ...(criterion === 1 ? { covers: ['P0-07', 'P0-08', 'P0-10'] } : {}), ...over });
  // positive control: 30 days before the run still stands
  const fresh = computeVerdict(run(tests, { signoffs: [so(1, '2025-12-02'), so(3, '2025-12-02', { target: 'embedded' })] }));
  expect(fresh.release).toBe('ready');
  expect(fresh.signoffs.every((s) => s.applied)).toBe(true);

  const expired = computeVerdict(run(tests, { signoffs: [so(1, '2025-12-01'), so(3, '2025-12-31', { target: 'staging' })] }));
  expect(crit(expired, 1).status).toBe('awaiting-sign-off');
  expect(crit(expired, 1).signoff).toBeUndefined();
  expect(crit(expired, 1).rows?.filter((g) => g.status === 'needs code review').map((g) => g.gap)).toEqual(['P0-07', 'P0-08', 'P0-10']);
  expect(crit(expired, 3).status).toBe('awaiting-sign-off');
  expect(expired.awaitingSignOff).toEqual([1, 3]);
  expect(expired.release).toBe('awaiting-sign-off');
  expect(expired.verdict).toBe('GO');
  expect(expired.notes).toContain('sign-off for criterion 1 by Dana Reviewer signs nothing: it has expired: dated 2025-12-01, 31 days before this run; a sign-off stands 30 days (FLOWGATE_SIGNOFF_MAX_AGE_DAYS); criterion 1 stays awaiting-sign-off');
  expect(expired.notes).toContain("sign-off for criterion 3 by Dana Reviewer signs nothing: it is for target staging, and this run's target is embedded; criterion 3 stays awaiting-sign-off");
  // a longer window is the team's choice
  expect(crit(computeVerdict(run(tests, { signoffs: [so(1, '2025-12-01')], signoffMaxAgeDays: 31 })), 1).status).toBe('signed-off');
  const future = computeVerdict(run(tests, { signoffs: [so(1, '2026-01-02')] }));
  expect(future.signoffs[0]).toMatchObject({ applied: false, reason: expect.stringContaining('is dated 2026-01-02, after this run (2026-01-01)') });
});

test('criterion 1: a sign-off signs only the review rows it covers; without covers it signs none', () => {
  const so = (covers?: string[]) => ({ criterion: 1, by: 'Dana Reviewer', date: '2025-12-20', evidence: 'https://tracker.example/R', ...(covers ? { covers } : {}) });
  const partial = computeVerdict(run(healthy(), { signoffs: [so(['P0-07', 'P0-08', 'P0-01'])] }));
  const rows = crit(partial, 1).rows!;
  expect(rows.filter((g) => g.status === 'signed-off').map((g) => g.gap)).toEqual(['P0-07', 'P0-08']);
  expect(rows.find((g) => g.gap === 'P0-07')).toMatchObject({ signoff: { by: 'Dana Reviewer' }, detail: expect.stringMatching(/^signed off by Dana Reviewer on 2025-12-20/) });
  // a row the run decided from evidence stays what the run saw
  expect(rows.find((g) => g.gap === 'P0-01')?.status).toBe('remediated');
  expect(rows.find((g) => g.gap === 'P0-10')?.status).toBe('needs code review');
  expect(crit(partial, 1).status).toBe('awaiting-sign-off');
  expect(partial.release).toBe('awaiting-sign-off');
  expect(partial.notes).toContain('sign-off for criterion 1 by Dana Reviewer covers P0-07, P0-08, so P0-10 still needs code review; criterion 1 stays awaiting-sign-off');

  const none = computeVerdict(run(healthy(), { signoffs: [so()] }));
  expect(crit(none, 1).status).toBe('awaiting-sign-off');
  expect(crit(none, 1).rows?.some((g) => g.status === 'signed-off')).toBe(false);
  expect(none.signoffs[0].reason).toBe('names no rows (covers: [P0-…]), so P0-07, P0-08, P0-10 still need code review; criterion 1 stays awaiting-sign-off');

  const all = computeVerdict(run(healthy(), { signoffs: [so(['P0-10', 'P0-08', 'P0-07'])] }));
  expect(crit(all, 1).status).toBe('signed-off');
  expect(all.release).toBe('ready');
});

test('headline: the verdict, the release state and the target in one line', () => {
  const r = computeVerdict(run(healthy()));
  expect(headline(r)).toBe('GO — release awaiting sign-off: criterion 1 — target embedded');
  expect(headline({ ...r, awaitingSignOff: [1, 3] })).toBe('GO — release awaiting sign-off: criteria 1, 3 — target embedded');
  expect(headline({ ...r, awaitingSignOff: [1], release: 'awaiting-sign-off', target: undefined as any })).toBe('GO — release awaiting sign-off: criterion 1');
  // the kind decided before the run, and the target's own name when it says more
  expect(headline({ ...r, target: { kind: 'staging', name: 'compose', kongUrl: 'https://gw' } })).toBe('GO — release awaiting sign-off: criterion 1 — target staging (compose)');
  const failed = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? flowTest('scan', { status: 'failed', outcome: 'unexpected' }) : t)), { signoffs: r.awaitingSignOff.map((criterion) => ({ criterion, by: 'x', date: '2026-11-20', evidence: 'y' })) }));
  expect(headline(failed)).toBe('NO-GO — release blocked: criteria 1, 2, 8 not met — target embedded');
});

test('criterion 10: every P0 health answer ok → pass with latency; a degraded one → fail naming it; no health check → not-run', () => {
  const ok = computeVerdict(run(healthy()));
  expect(crit(ok, 10)).toMatchObject({ status: 'pass', detail: expect.stringContaining('scan-api-service 4 ms') });
  const degraded = HEALTHY_SERVICES.map((h) => (h.service === 'scan-api-service' ? { ...h, body: { status: 'degraded', service: 'scan-api-service' }, ok: false, problem: '200 but the body does not fit the Health schema (status "degraded")' } : h));
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'preflight' ? flowTest('preflight', { tags: [], evidence: [healthEvidence(degraded)] }) : t))));
  expect(crit(r, 10).status).toBe('fail');
  expect(crit(r, 10).detail).toContain('scan-api-service: /health/scan-api-service 200 but the body does not fit the Health schema (status "degraded")');
  expect(r.verdict).toBe('NO-GO');
  const none = computeVerdict(run(healthy().map((t) => (t.project === 'preflight' ? flowTest('preflight', { tags: [], evidence: [] }) : t))));
  expect(crit(none, 10).status).toBe('not-run');
  expect(none.verdict).toBe('NO-GO');
});

test('criterion 10 counts against compliance matrix §1\'s P0 list: a service preflight did not ask is not-run, naming it (go-tools by its seed name); the pass lists them all', () => {
  const withPreflight = (checks: typeof HEALTHY_SERVICES) => computeVerdict(run(healthy().map((t) => (t.project === 'preflight' ? flowTest('preflight', { tags: [], evidence: [healthEvidence(checks)] }) : t))));
  const ok = computeVerdict(run(healthy()));
  expect(crit(ok, 10).detail).toContain('all 11 seed P0 services answered status ok naming themselves');
  expect(crit(ok, 10).detail).toContain('otp-service 4 ms');
  expect(crit(ok, 10).detail).toContain('go-tools (scan-engine-worker) 4 ms');
  const short = withPreflight(HEALTHY_SERVICES.filter((h) => h.service !== 'otp-service' && h.service !== 'scan-engine-worker'));
  expect(crit(short, 10)).toMatchObject({ status: 'not-run', detail: 'no health answer for seed P0 service(s) otp-service, go-tools (scan-engine-worker)' });
  expect(short.verdict).toBe('NO-GO');
  // the catch-all's answer: judged by preflight as not this service's
  const caught = withPreflight(HEALTHY_SERVICES.map((h) => (h.service === 'otp-service' ? { ...h, body: { status: 'ok', service: 'qr-auth-service' }, ok: false, problem: '200 but the body names service "qr-auth-service", not "otp-service"' } : h)));
  expect(crit(caught, 10)).toMatchObject({ status: 'fail', detail: 'otp-service: /health/otp-service 200 but the body names service "qr-auth-service", not "otp-service"' });
});

test('criterion 1: ten rows; a gap check failing for its reason is open and fires p0-gap-not-remediated; only reviews left → awaiting sign-off', () => {
  const ok = computeVerdict(run(healthy()));
  expect(crit(ok, 1).rows?.map((g) => `${g.gap} ${g.status}`)).toEqual(['P0-01 remediated', 'P0-02 remediated', 'P0-03 remediated', 'P0-04 remediated', 'P0-05 remediated', 'P0-06 remediated', 'P0-07 needs code review', 'P0-08 needs code review', 'P0-09 remediated', 'P0-10 needs code review']);
  expect(crit(ok, 1).status).toBe('awaiting-sign-off');
  expect(trig(ok, 'p0-gap-not-remediated')).toMatchObject({ fired: false, status: 'not-run', detail: 'nothing found by this run; criterion 1 awaiting sign-off' });

  const webhook = failedStep('4. Simulate Stripe webhook — POST /api/v1/webhooks/stripe', new DbStateMismatch({ probe: 'payment.audit', expected: "a payment audit row 'payment.succeeded'", got: [] }));
  const auditGap = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flowTest('payment', { status: 'failed', outcome: 'unexpected', steps: [webhook.step], failures: [webhook.failure] }) : t))));
  expect(crit(auditGap, 1).rows?.find((g) => g.gap === 'P0-04')).toMatchObject({ status: 'open', detail: expect.stringContaining('probe payment.audit') });
  expect(crit(auditGap, 1).status).toBe('fail');
  expect(trig(auditGap, 'p0-gap-not-remediated')).toMatchObject({ fired: true, detail: expect.stringContaining('P0-04') });

  // A gap check that failed for another reason does not show the gap open, but it does not show it fixed either.
  const other = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flowTest('payment', { status: 'failed', outcome: 'unexpected', error: { message: 'UnexpectedResponse: GET /api/v1/plans expected 200, got 503', category: 'unexpected response' } }) : t))));
  expect(crit(other, 1).rows?.find((g) => g.gap === 'P0-04')?.status).toBe('not-run');
  expect(crit(other, 1).status).toBe('not-run');

  // A check tagged for a review gap (P0-06, from the transport checks) decides it.
  const pg = computeVerdict(run([...healthy(), flowTest('transport', { title: 'postgres refuses plaintext', tags: ['@gap-P0-06'] })]));
  expect(crit(pg, 1).rows?.find((g) => g.gap === 'P0-06')?.status).toBe('remediated');
});

test('criterion 3: findings fail it and fire hardcoded-secret; no source directory awaits sign-off; no scan is not-run', () => {
  expect(crit(computeVerdict(run(healthy())), 3)).toMatchObject({ status: 'pass', detail: expect.stringContaining('45 files in /src, no finding') });
  const found = computeVerdict(run([...healthy().filter((t) => !t.tags.includes('@criterion-3')), sourceTests({ status: 'failed', outcome: 'unexpected', error: { message: 'Error: hardcoded secrets in /src (values masked)\n  docker-compose.yml:12 @secretlint/secretlint-rule-sendgrid: found Sendgrid api key: ****', category: 'assertion failed' } })[0]]));
  expect(crit(found, 3).status).toBe('fail');
  expect(trig(found, 'hardcoded-secret').fired).toBe(true);
  expect(found.verdict).toBe('NO-GO');
  const noDir = computeVerdict(run([...healthy().filter((t) => !t.tags.includes('@criterion-3')), sourceTests({ evidence: [{ kind: 'probe', step: 'S', name: 'secretlint', summary: 'not set', data: { scanned: false } }] })[0]]));
  expect(crit(noDir, 3).status).toBe('awaiting-sign-off');
  expect(noDir.verdict).toBe('GO');
  expect(crit(computeVerdict(run(healthy().filter((t) => !t.tags.includes('@criterion-3')))), 3).status).toBe('not-run');
});

test('criterion 11: a broken message of the run fails it; a breaking contract edit fails it; a flow without its wire check is not-run', () => {
  expect(crit(computeVerdict(run(healthy())), 11)).toMatchObject({ status: 'pass', detail: expect.stringContaining('15 messages of this run checked') });
  const wire = computeVerdict(run(healthy().map((t) => (t.project === 'asset' ? flowTest('asset', { status: 'failed', outcome: 'unexpected', steps: [{ title: 'C. Every event this test caused fits the frozen contract — asyncapi.yaml', status: 'failed', durationMs: 3, error: { message: "ContractViolation: event on cert-ix.asset.updated (partition 0, offset 7) breaks the frozen contract: payload (root) must have required property 'at'", category: 'contract violation' } }] }) : t))));
  expect(crit(wire, 11)).toMatchObject({ status: 'fail', detail: expect.stringContaining("cert-ix.asset.updated (partition 0, offset 7) breaks the frozen contract: payload (root) must have required property 'at'") });
  const repo = computeVerdict(run(healthy().map((t) => (t.tags.includes('@criterion-11') ? { ...t, status: 'failed' as const, outcome: 'unexpected' as const, error: { message: 'Error: breaking changes since the frozen 1.0 contracts: removed-field at asyncapi channels.cert-ix.asset.created payload.value', category: 'assertion failed' as const } } : t))));
  expect(crit(repo, 11)).toMatchObject({ status: 'fail', detail: expect.stringContaining('removed-field at asyncapi channels.cert-ix.asset.created payload.value') });
  const unchecked = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? { ...t, evidence: t.evidence.filter((e) => e.name !== 'contract.events') } : t))));
  expect(crit(unchecked, 11)).toMatchObject({ status: 'not-run', detail: expect.stringContaining('no wire check for "scan flow"') });
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

test('a failing step is read from its structured failure first: its category, expected and observed, not the error text', () => {
  const step = '4. Start scan — POST /api/v1/scans';
  // The text alone would read as a bare timeout (budget exceeded); the step said what it was waiting for.
  const failure = { step, category: 'database state' as const, probe: 'scan.audit', expected: 'one scan audit row with the trace id', observed: 'no rows', error: 'DbStateMismatch: probe scan.audit …', typed: true };
  const scan = flowTest('scan', { status: 'failed', outcome: 'unexpected', steps: [{ title: step, status: 'failed', durationMs: 1, error: { message: 'Timeout 6000ms exceeded while waiting', category: 'budget exceeded' } }], failures: [failure] });
  const r = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? scan : t))));
  expect(flow(r, 'scan').failingStep).toMatchObject({ title: step, category: 'database state', probe: 'scan.audit', expected: 'one scan audit row with the trace id', observed: 'no rows' });
  expect(flow(r, 'scan').steps[0].category).toBe('database state');
  // without the attachment (an error from other code), the text classification stands
  const bare = computeVerdict(run(healthy().map((t) => (t.project === 'scan' ? { ...scan, failures: undefined } : t))));
  expect(flow(bare, 'scan').failingStep?.category).toBe('budget exceeded');
});

test('retries keep what they saw: a missing audit row, a wire violation or a probe 5xx in attempt 1 counts though attempt 2 passed and flaky passes are allowed', () => {
  const step = (title: string, err: Error) => failedStep(title, err);
  /** a test that failed on attempt 1 with `failed` and passed on attempt 2; attempt 1 kept the evidence of the steps it ran */
  const flakyWith = (project: string, failed: ReturnType<typeof step>) => {
    const last = flowTest(project);
    const error = failed.step.error!;
    const evidence = last.evidence.filter((e) => e.step === last.steps[0].title || e.step === failed.step.title);
    return { ...last, retries: 1, outcome: 'flaky' as const, flakyFailure: { attempt: 1, step: failed.step.title, error }, earlier: [{ attempt: 1, status: 'failed' as const, steps: [last.steps[0], failed.step], error, evidence, failures: [failed.failure] }] };
  };
  const allowFlaky = true;

  // positive control: a late event in attempt 1 is what FLOWGATE_ALLOW_FLAKY forgives
  const late = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flakyWith('payment', step('2. Second — POST /b', new EventNotObserved({ topic: 'cert-ix.payment.succeeded', match: { tenantId: 't-1' }, budgetMs: 10_000, sawCount: 0 }))) : t)), { allowFlaky }));
  expect(late.verdict).toBe('GO');
  expect(crit(late, 1).rows?.find((g) => g.gap === 'P0-04')?.status).toBe('remediated');

  const audit = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flakyWith('payment', step('4. Simulate Stripe webhook — POST /api/v1/webhooks/stripe', new DbStateMismatch({ probe: 'payment.audit', expected: "a payment audit row 'payment.succeeded'", got: [] }))) : t)), { allowFlaky }));
  expect(crit(audit, 1).rows?.find((g) => g.gap === 'P0-04')).toMatchObject({ status: 'open', detail: expect.stringContaining('probe payment.audit') });
  expect(crit(audit, 1).status).toBe('fail');
  expect(trig(audit, 'p0-gap-not-remediated').fired).toBe(true);
  expect(flow(audit, 'payment').status).toBe('failed');
  expect(audit.verdict).toBe('NO-GO');
  expect(audit.notes).toContain(`"payment flow" (payment): attempt 1 of 2 found database state: DbStateMismatch: probe payment.audit expected a payment audit row 'payment.succeeded', got no rows; it decides the test, since a retry does not undo a defect (FLOWGATE_ALLOW_FLAKY forgives only what a retry can fix)`);

  const wire = computeVerdict(run(healthy().map((t) => (t.project === 'asset' ? flakyWith('asset', step('C. Every event this test caused fits the frozen contract — asyncapi.yaml', new ContractViolation({ topic: 'cert-ix.asset.updated', partition: 0, offset: 7, problems: ["payload (root) must have required property 'at'"] }))) : t)), { allowFlaky }));
  expect(crit(wire, 11)).toMatchObject({ status: 'fail', detail: expect.stringContaining('cert-ix.asset.updated (partition 0, offset 7) breaks the frozen contract') });
  expect(wire.verdict).toBe('NO-GO');

  const probe = computeVerdict(run(healthy().map((t) => (t.project === 'auth-bypass' ? flakyWith('auth-bypass', step('1. Probe — GET /api/v1/assets', new ProbeServerError([{ route: 'GET /api/v1/assets', service: 'asset-management-service', tokenKind: 'expired', status: 500 }]))) : t)), { allowFlaky }));
  expect(trig(probe, 'auth-bypass')).toMatchObject({ fired: false, status: 'not-run', detail: expect.stringContaining('bypass not ruled out: ProbeServerError') });
  expect(crit(probe, 1).rows?.find((g) => g.gap === 'P0-01')?.status).toBe('open');
  expect(probe.verdict).toBe('NO-GO');

  // without FLOWGATE_ALLOW_FLAKY the row is open too, not merely unconfirmed
  const strict = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flakyWith('payment', step('4. Simulate Stripe webhook — POST /api/v1/webhooks/stripe', new DbStateMismatch({ probe: 'payment.audit', expected: 'a row', got: [] }))) : t))));
  expect(crit(strict, 1).rows?.find((g) => g.gap === 'P0-04')?.status).toBe('open');
});

test('a connection test that found a plaintext endpoint in attempt 1 still fails its criterion when attempt 2 passed', () => {
  const bad = transportTest(5, {}, false);
  const t5 = { ...transportTest(5), retries: 1, outcome: 'flaky' as const, earlier: [{ attempt: 1, status: 'failed' as const, steps: bad.steps, error: { message: 'Error: plaintext answered', category: 'assertion failed' as const }, evidence: bad.evidence }] };
  const r = computeVerdict(run(healthy().map((t) => (t.tags.includes('@criterion-5') ? t5 : t)), { allowFlaky: true }));
  expect(crit(r, 5)).toMatchObject({ status: 'fail', detail: expect.stringContaining('127.0.0.1:9005') });
  expect(trig(r, 'tls-not-enforced').fired).toBe(true);
  expect(r.notes.some((n) => n.includes('attempt 1 of 2 found transport: 127.0.0.1:9005 HTTP 200 served in plaintext'))).toBe(true);
});

test('criteria decide by the structured failure, not by words in the message: a non-audit probe or a response off its contract is not an audit gap or a broken event', () => {
  // the auth flow's user-status probe fails with "audit" in its text: not an audit row missing
  const status = failedStep('4. Verify email — GET /api/v1/auth/verify-email', new DbStateMismatch({ probe: 'auth.user', expected: "the user's status 'active' (audit trail follows)", got: [] }));
  const auth = computeVerdict(run(healthy().map((t) => (t.project === 'auth' ? flowTest('auth', { status: 'failed', outcome: 'unexpected', evidence: [audit('register')], steps: [status.step], failures: [status.failure] }) : t))));
  expect(crit(auth, 12).status).toBe('not-run');
  expect(crit(auth, 7).status).toBe('fail');
  // the same check as an audit probe fails criterion 12
  const row = failedStep('4. Verify email — GET /api/v1/auth/verify-email', new DbStateMismatch({ probe: 'audit.register', expected: 'one row', got: [] }));
  const missing = computeVerdict(run(healthy().map((t) => (t.project === 'auth' ? flowTest('auth', { status: 'failed', outcome: 'unexpected', evidence: [], steps: [row.step], failures: [row.failure] }) : t))));
  expect(crit(missing, 12)).toMatchObject({ status: 'fail', detail: expect.stringContaining('audit row missing at "4. Verify email') });

  // a payment probe other than the audit one: P0-04 is unconfirmed, not open
  const session = failedStep('4. Simulate Stripe webhook — POST /api/v1/webhooks/stripe', new DbStateMismatch({ probe: 'payment.bySession', expected: 'a payment audit row-like record', got: [] }));
  const pay = computeVerdict(run(healthy().map((t) => (t.project === 'payment' ? flowTest('payment', { status: 'failed', outcome: 'unexpected', steps: [session.step], failures: [session.failure] }) : t))));
  expect(crit(pay, 1).rows?.find((g) => g.gap === 'P0-04')?.status).toBe('not-run');

  // a response off its contract fails its flow, not criterion 11; an event off its contract in a flow step fails 11 as well
  const response = failedStep('3. Read asset — GET /api/v1/assets/{id}', new ContractViolation({ operationId: 'getAsset', status: 200, problems: ['/updatedAt must be string'], body: {} }));
  const read = computeVerdict(run(healthy().map((t) => (t.project === 'asset' ? flowTest('asset', { status: 'failed', outcome: 'unexpected', steps: [response.step], failures: [response.failure] }) : t))));
  expect(crit(read, 2).status).toBe('fail');
  expect(crit(read, 11).status).not.toBe('fail');
  const event = failedStep('2. Create asset — POST /api/v1/assets', new ContractViolation({ topic: 'cert-ix.asset.created', partition: 0, offset: 3, problems: ['header schema-version is missing'] }));
  const created = computeVerdict(run(healthy().map((t) => (t.project === 'asset' ? flowTest('asset', { status: 'failed', outcome: 'unexpected', steps: [event.step], failures: [event.failure] }) : t))));
  expect(crit(created, 11)).toMatchObject({ status: 'fail', detail: expect.stringContaining('cert-ix.asset.created (partition 0, offset 3) breaks the frozen contract') });
});
