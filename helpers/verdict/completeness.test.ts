// Unit tests of completeness: what a filter or a skip left out of a run is named; a failure is judged by itself; the verdict is never GO on an incomplete run.
import { test, expect } from '@playwright/test';
import { missingFrom } from './completeness';
import { catalogueInventory } from './catalogue';
import { computeVerdict } from './verdict';
import { flowTest, healthEvidence, healthy, HEALTHY_SERVICES, run } from './verdict.fixtures';

const inv = () => catalogueInventory();

test('a healthy run of every project is complete, and GO', () => {
  expect(missingFrom(healthy(), inv())).toEqual([]);
  const v = computeVerdict(run(healthy()));
  expect(v.incomplete).toEqual([]);
  expect(v.verdict).toBe('GO');
});

test('--project=payment: every other flow and project is named, and the verdict is NO-GO', () => {
  const only = healthy().filter((t) => t.project === 'payment' || t.project === 'preflight');
  const missing = missingFrom(only, inv());
  expect(missing[0]).toBe('flows not run: auth, scan, asset');
  expect(missing[1]).toBe('projects not run: source, transport, auth-bypass');
  expect(missing.join('\n')).toMatch(/criteria missing checks: 1 \(@gap-P0-01, @gap-P0-02/);
  const v = computeVerdict(run(only));
  expect(v.verdict).toBe('NO-GO');
  expect(v.couldNotEvaluate).toBe(false);
  expect(v.notes.find((n) => n.startsWith('incomplete: '))).toContain('flows not run: auth, scan, asset');
});

test('--grep-invert @gap-P0-01: the asset service\'s bypass probes are named, by route', () => {
  // the filtered-away test is simply not in the run; its steps are what the catalogue expected
  const tests = healthy().map((t) => (t.project === 'auth-bypass' ? { ...t, tags: t.tags.filter((x) => x !== '@gap-P0-01'), steps: t.steps.filter((s) => !/createAsset|getAsset|updateAsset|deleteAsset|listAssets/.test(s.title)) } : t));
  const missing = missingFrom(tests, inv());
  expect(missing.find((m) => m.startsWith('bypass probes not run: '))).toMatch(/asset-management-service \(POST \/api\/v1\/assets/);
  expect(missing).toContain('criteria missing checks: 1 (@gap-P0-01)');
  expect(computeVerdict(run(tests)).verdict).toBe('NO-GO');
});

test('a skipped step, or a skipped test, is named; a step that was not reached after a failure is not', () => {
  const skippedStep = healthy().map((t) => (t.project === 'auth' ? { ...t, steps: t.steps.map((s) => (s.title.startsWith('7.1.') ? { ...s, status: 'skipped' as const } : s)) } : t));
  expect(missingFrom(skippedStep, inv())).toEqual(['auth steps not run: 7.1']);
  const missingStep = healthy().map((t) => (t.project === 'scan' ? { ...t, steps: t.steps.filter((s) => !s.title.startsWith('6.')) } : t));
  expect(missingFrom(missingStep, inv())).toEqual(['scan steps not run: 6']);
  const skippedTest = healthy().map((t) => (t.project === 'asset' ? flowTest('asset', { status: 'skipped', outcome: 'skipped' }) : t));
  expect(missingFrom(skippedTest, inv())).toEqual(['flows not run: asset', 'criteria missing checks: 1 (@gap-P0-02); 2 (asset)']);
  // failed at step 2: NO-GO by the failure; steps 3-7 are its consequence, not a gap
  const failed = healthy().map((t) => (t.project === 'asset' ? flowTest('asset', { status: 'failed', outcome: 'unexpected', steps: [{ title: '1. Login — POST /x', status: 'passed', durationMs: 1 }, { title: '2. Create asset — POST /y', status: 'failed', durationMs: 1 }] }) : t));
  expect(missingFrom(failed, inv())).toEqual([]);
});

test('a transport or source check filtered away is named, with what it checks', () => {
  const noRedis = healthy().filter((t) => !t.tags.includes('@criterion-6'));
  expect(missingFrom(noRedis, inv())).toEqual(['checks not run: @criterion-6 (Redis TLS)', 'criteria missing checks: 6 (@criterion-6)']);
  const v = computeVerdict(run(noRedis));
  expect(v.verdict).toBe('NO-GO');
});

test('an empty or never-started run lists everything, but the note is left to the reason it could not evaluate', () => {
  expect(missingFrom([], inv())[0]).toBe('flows not run: auth, scan, asset, payment');
  const notStarted = healthy().map((t) => ({ ...t, ran: false }));
  const v = computeVerdict(run(notStarted));
  expect(v.incomplete.length).toBeGreaterThan(0);
  expect(v.verdict).toBe('NO-GO');
});

test('a preflight whose health checks left out a seed P0 service is incomplete, naming it', () => {
  const tests = healthy().map((t) => (t.project === 'preflight' ? flowTest('preflight', { tags: [], evidence: [healthEvidence(HEALTHY_SERVICES.filter((h) => h.service !== 'otp-service'))] }) : t));
  expect(missingFrom(tests, inv())).toEqual(['health checks not run: otp-service']);
  expect(inv().health?.services).toContain('scan-engine-worker');
  const v = computeVerdict(run(tests));
  expect(v.verdict).toBe('NO-GO');
  expect(v.notes.find((n) => n.startsWith('incomplete: '))).toContain('health checks not run: otp-service');
});

test('a P0 service\'s bypass probes absent from the run are named by service', () => {
  const tests = healthy().map((t) => (t.project === 'auth-bypass' ? { ...t, steps: t.steps.filter((s) => !/internal \/internal\/email/.test(s.title)) } : t));
  expect(missingFrom(tests, inv()).find((m) => m.startsWith('bypass probes not run: '))).toBe('bypass probes not run: email-service (POST /internal/email/send)');
});
