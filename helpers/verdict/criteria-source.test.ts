// Unit tests of what the verdict makes of the source project's evidence: criterion 3 on a given but empty source, and the P0-06, P0-07, P0-10 rows from the source rules.
import { test, expect } from '@playwright/test';
import { computeVerdict, type TestModel } from './verdict';
import { crit, flowTest, healthy, run, sourceTests } from './verdict.fixtures';

const withoutSecretsTest = () => healthy().filter((t) => !t.tags.includes('@criterion-3'));
const secretsEvidence = (data: unknown) => sourceTests({ evidence: [{ kind: 'probe', step: 'S', name: 'secretlint', summary: 's', data }] })[0];

test('criterion 3: a given source with nothing to scan (empty, wrong, no service source) is not-run with the reason, and never clears the trigger', () => {
  const v = computeVerdict(run([...withoutSecretsTest(), secretsEvidence({ scanned: false, given: true, dir: '/src', notRun: '/src holds no service source (no compose file, .env file, Dockerfile or source file): it is empty' })]));
  expect(crit(v, 3).status).toBe('not-run');
  expect(crit(v, 3).detail).toBe('FLOWGATE_SOURCE_DIR given but not scanned: /src holds no service source (no compose file, .env file, Dockerfile or source file): it is empty');
  const trig = v.triggers.find((t) => t.id === 'hardcoded-secret')!;
  expect(trig).toMatchObject({ fired: false, status: 'not-run' });
  expect(v.verdict).toBe('NO-GO');
  // not given at all: a person decides, as before
  const notGiven = computeVerdict(run([...withoutSecretsTest(), secretsEvidence({ scanned: false })]));
  expect(crit(notGiven, 3).status).toBe('awaiting-sign-off');
});

test('criterion 3: a history finding names its commit; a clean scan names what it read', () => {
  const failed = sourceTests({ status: 'failed', outcome: 'unexpected', error: { message: 'Error: hardcoded secrets in /src', category: 'assertion failed' }, evidence: [{ kind: 'probe', step: 'S', name: 'secretlint', summary: 's', data: { scanned: true, given: true, dir: '/src', files: 3, findings: [{ file: '.env', line: 2, rule: 'flowgate/secret-assignment', message: 'DB_PASSWORD assigned a literal value (11 characters)', commit: '0123456789abcdef0123' }] } }] })[0];
  const v = computeVerdict(run([...withoutSecretsTest(), failed]));
  expect(crit(v, 3)).toMatchObject({ status: 'fail', detail: '1 hardcoded secret(s): .env:2 (commit 0123456789ab) flowgate/secret-assignment' });
  const ok = computeVerdict(run([...withoutSecretsTest(), secretsEvidence({ scanned: true, given: true, dir: '/src', files: 12, history: { commits: 4, complete: true }, findings: [] })]));
  expect(crit(ok, 3)).toMatchObject({ status: 'pass' });
  expect(crit(ok, 3).detail).toContain('12 files in /src and 4 commits of its git history, no finding');
});

/** A source-rule test of flows/source.spec.ts as the run model holds it. */
function gapTest(gap: string, data: Record<string, unknown>, failed = false): TestModel {
  const step = `G. ${gap} rule over the source`;
  return flowTest('source', {
    title: `${gap}. source rule`,
    tags: [`@gap-${gap}`],
    steps: [{ title: step, status: failed ? 'failed' : 'passed', durationMs: 3, ...(failed ? { error: { message: `Error: ${gap} in /src`, category: 'assertion failed' } } : {}) }],
    evidence: [{ kind: 'probe', step, name: 'source.rule', summary: gap, data: { gap, relevant: [], hits: [], ...data } }],
    ...(failed ? { status: 'failed', outcome: 'unexpected' } : {}),
  });
}
/** A healthy run without the fixture's own (undecided) source rules, so each test brings its own. */
const base = () => healthy().filter((t) => !(t.project === 'source' && t.tags.some((x) => x.startsWith('@gap-'))));
const rows = (tests: TestModel[]) => crit(computeVerdict(run(tests)), 1).rows!;
const rowOf = (tests: TestModel[], gap: string) => rows(tests).find((r) => r.gap === gap)!;

test('P0-06, P0-07, P0-10: remediated when the source is given and the rule finds nothing in the files it reads', () => {
  const tests = [...base(), ...['P0-06', 'P0-07', 'P0-10'].map((g) => gapTest(g, { decided: true, relevant: ['docker-compose.yml'] }))];
  expect(rows(tests).map((r) => `${r.gap} ${r.status}`)).toEqual(['P0-01 remediated', 'P0-02 remediated', 'P0-03 remediated', 'P0-04 remediated', 'P0-05 remediated', 'P0-06 remediated', 'P0-07 remediated', 'P0-08 needs code review', 'P0-09 remediated', 'P0-10 remediated']);
  expect(rowOf(tests, 'P0-10').checks).toEqual(['source: P0-10. source rule']);
});

test('P0-06, P0-07, P0-10: open with the file and line the rule found; criterion 1 fails and p0-gap-not-remediated fires', () => {
  const hit = { file: 'qr-auth-service/src/csrf.ts', line: 12, rule: 'P0-10/csrf-key-random-fallback', message: 'CSRF_ENCRYPTION_KEY falls back to a random (ephemeral) key when unset' };
  const tests = [...base(), gapTest('P0-10', { decided: true, hits: [hit] }, true), gapTest('P0-07', { decided: true, hits: [{ file: '.env', line: 3, rule: 'flowgate/secret-assignment', message: 'DB_PASSWORD assigned a literal value (9 characters)', commit: 'feedfacecafe1234' }] }, true), gapTest('P0-06', { decided: true, hits: [{ file: 'docker-compose.yml', line: 40, rule: 'P0-06/db-ssl-false', message: 'DB_SSL set to false' }] }, true)];
  const v = computeVerdict(run(tests));
  expect(rowOf(tests, 'P0-10')).toMatchObject({ status: 'open', detail: 'CSRF_ENCRYPTION_KEY falls back to an ephemeral key: "P0-10. source rule" failed at "G. P0-10 rule over the source": qr-auth-service/src/csrf.ts:12 P0-10/csrf-key-random-fallback: CSRF_ENCRYPTION_KEY falls back to a random (ephemeral) key when unset' });
  expect(rowOf(tests, 'P0-07').detail).toContain('.env:3 (commit feedfacecafe) flowgate/secret-assignment');
  expect(rowOf(tests, 'P0-06').detail).toContain('docker-compose.yml:40 P0-06/db-ssl-false: DB_SSL set to false');
  expect(crit(v, 1).status).toBe('fail');
  expect(v.triggers.find((t) => t.id === 'p0-gap-not-remediated')?.fired).toBe(true);
});

test('P0-06, P0-07, P0-10 without a source: P0-07 and P0-10 need a code review (with the reason), P0-06 stays with its transport check', () => {
  const notGiven = { decided: false, reason: 'FLOWGATE_SOURCE_DIR not set: the deployed source was not given, nothing scanned' };
  const tests = [...base(), ...['P0-06', 'P0-07', 'P0-10'].map((g) => gapTest(g, notGiven))];
  expect(rowOf(tests, 'P0-07')).toMatchObject({ status: 'needs code review', checks: [] });
  expect(rowOf(tests, 'P0-07').detail).toBe('secrets from env vars: verify none hardcoded in compose or committed .env: no run can see it (the source does not decide it: FLOWGATE_SOURCE_DIR not set: the deployed source was not given, nothing scanned); a code review decides');
  expect(rowOf(tests, 'P0-10').status).toBe('needs code review');
  expect(rowOf(tests, 'P0-06')).toMatchObject({ status: 'remediated', checks: ['transport: 0. transport check'] });
  // a source without the files a rule reads decides nothing either
  const noCsrf = [...base(), gapTest('P0-10', { decided: false, reason: 'no source file reads CSRF_ENCRYPTION_KEY (or another CSRF_*_KEY/SECRET)' })];
  expect(rowOf(noCsrf, 'P0-10').status).toBe('needs code review');
  expect(rowOf(noCsrf, 'P0-10').detail).toContain('no source file reads CSRF_ENCRYPTION_KEY');
  expect(crit(computeVerdict(run(tests)), 1).status).toBe('awaiting-sign-off');
});
