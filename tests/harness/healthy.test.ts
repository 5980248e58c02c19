// Healthy runs: GO with evidence for every evaluated criterion, the same under a flood of foreign and broken messages, and no secret in any artifact.
import { expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProducer } from '../../stack/services/common/kafka-client';
import { contracts } from '../../contracts';
import { test, runSmoke, targetEnv, cleanup, ROOT } from './harness';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every secret of the target, as its values appear in the env (and the password inside each connection string). */
function secretsOf(env: Record<string, string>): string[] {
  const out = [env.STRIPE_WEBHOOK_SECRET, env.CAPTCHA_TEST_KEY, env.JWT_TEST_SIGNING_KEY];
  for (const v of Object.values(env)) {
    const m = /^[a-z]+:\/\/[^:/@]*:([^@]+)@/.exec(v);
    if (m) out.push(decodeURIComponent(m[1]));
  }
  return [...new Set(out.filter((s) => s && s.length >= 6))];
}

test('a healthy run is GO: criteria 2, 7, 8, 9, 12 pass with evidence; npm run report writes the HTML; no secret in any artifact', async ({ stack }) => {
  // --verbose: the console then shows every test's steps and what each observed (a healthy run's default console is a line per test).
  // The default worker count (FLOWGATE_WORKERS unset: one worker per core a local target leaves free), as npm run smoke runs.
  const run = await runSmoke(targetEnv(stack), ['--verbose'], { env: { FLOWGATE_WORKERS: '' } });
  try {
    expect(run.verdict, run.output.slice(-3000)).toBeTruthy();
    expect(run.verdict.verdict, run.output.slice(-3000)).toBe('GO');
    expect(run.exitCode).toBe(0);
    for (const id of [2, 7, 8, 9, 12]) {
      const c = run.verdict.criteria.find((x: any) => x.id === id);
      expect(c?.status, `criterion ${id}`).toBe('pass');
      expect(c?.evidence?.length, `criterion ${id} carries evidence`).toBeGreaterThan(0);
    }
    // What a run can see is decided from evidence: 3, 10 and 11 pass; 1 shows its ten rows; what remains awaits sign-off.
    for (const id of [3, 10, 11]) expect(run.verdict.criteria.find((x: any) => x.id === id)?.status, `criterion ${id}`).toBe('pass');
    const c1 = run.verdict.criteria.find((x: any) => x.id === 1);
    expect(c1?.rows?.map((g: any) => g.gap)).toEqual(['P0-01', 'P0-02', 'P0-03', 'P0-04', 'P0-05', 'P0-06', 'P0-07', 'P0-08', 'P0-09', 'P0-10']);
    expect(c1?.rows?.filter((g: any) => g.status === 'remediated').map((g: any) => g.gap)).toEqual(expect.arrayContaining(['P0-01', 'P0-02', 'P0-03', 'P0-04', 'P0-05', 'P0-09']));
    // the snapshot of the stack's source decides these (flows/source.spec.ts): the files are there and no rule finds anything
    expect(c1?.rows?.filter((g: any) => ['P0-06', 'P0-07', 'P0-10'].includes(g.gap)).map((g: any) => `${g.gap} ${g.status} ${g.checks.some((x: string) => x.startsWith('source:'))}`)).toEqual(['P0-06 remediated true', 'P0-07 remediated true', 'P0-10 remediated true']);
    const statuses = ['pass', 'fail', 'not-run', 'awaiting-sign-off', 'signed-off'];
    expect(run.verdict.criteria.every((x: any) => statuses.includes(x.status))).toBe(true);
    expect(run.verdict.awaitingSignOff).toEqual(run.verdict.criteria.filter((x: any) => x.status === 'awaiting-sign-off').map((x: any) => x.id));
    expect(run.verdict.release).toBe(run.verdict.awaitingSignOff.length ? 'awaiting-sign-off' : 'ready');
    expect(run.verdict.triggers.filter((t: any) => t.fired)).toEqual([]);
    expect(run.verdict.flows.map((f: any) => `${f.name}:${f.status}`).sort()).toEqual(['asset:passed', 'auth-bypass:passed', 'auth:passed', 'payment:passed', 'scan:passed']);
    // With --verbose the console shows, per flow, its steps and the events and rows it observed.
    expect(run.output).toContain('3. Register user — POST /api/v1/register/individual');
    expect(run.output).toContain('[auth] 3. Register user ↳ event: cert-ix.auth.user.registered.success');
    expect(run.output).toContain('[auth] 3. Register user ↳ row: audit.register');

    const report = spawnSync(join(ROOT, 'node_modules', '.bin', 'allure'), ['generate', join(run.reportsDir, 'allure-results'), '-o', join(run.reportsDir, 'allure-report')], { cwd: ROOT, encoding: 'utf8' });
    expect(report.status, report.stderr).toBe(0);
    expect(existsSync(join(run.reportsDir, 'allure-report', 'index.html'))).toBe(true);

    const secrets = secretsOf(stack.env);
    const jwt = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;
    const identityPassword = /Fg![A-Za-z0-9_-]{16}/;
    const leaks: string[] = [];
    const artifacts = filesUnder(run.reportsDir).filter((f) => !f.includes(`${join(run.reportsDir, 'allure-report')}`) && !/\.(png|zip|webm)$/.test(f));
    expect(artifacts.some((f) => f.endsWith('junit.xml'))).toBe(true);
    expect(artifacts.some((f) => f.includes('allure-results'))).toBe(true);
    for (const [name, text] of [['console', run.output], ...artifacts.map((f) => [f, readFileSync(f, 'utf8')])]) {
      for (const s of secrets) if (text.includes(s)) leaks.push(`${name}: a target secret (${s.slice(0, 3)}…)`);
      if (jwt.test(text)) leaks.push(`${name}: a JWT`);
      if (identityPassword.test(text)) leaks.push(`${name}: a test user's password`);
    }
    expect(leaks, 'secrets found in run artifacts').toEqual([]);
  } finally {
    cleanup(run);
  }
});

test('noise on the frozen topics — other tenants, malformed JSON, no headers — leaves the verdict GO', async ({ stack }) => {
  const c = contracts();
  const e = stack.env;
  // the broker speaks SASL_SSL only: the noise maker logs in as the harness user, trusting the run's CA
  const producer = createProducer({ brokers: e.KAFKA_BROKERS.split(','), ssl: { ca: [readFileSync(e.KAFKA_SSL_CA_FILE, 'utf8')] }, sasl: { mechanism: 'scram-sha-512', username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD } }, 'flowgate-noise');
  const topics = c.concreteTopics();
  let sent = 0;
  let flooding = true;
  // Bounded: at most ~60 s of noise, in batches, stopped when the run ends.
  const flood = (async () => {
    const deadline = Date.now() + 60_000;
    for (let i = 0; flooding && Date.now() < deadline; i++) {
      const messages = topics.flatMap((topic) => [
        { topic, key: `noise-${i}`, value: JSON.stringify({ userId: `usr_foreign_${i}`, tenantId: `ten_foreign_${i}`, assetId: `ast_foreign_${i}`, scanId: `scn_foreign_${i}`, sessionId: `cs_foreign_${i}` }), headers: { 'schema-version': '1.0' } },
        { topic, key: `noise-bad-${i}`, value: '{"not": json at all' },
        { topic, key: `noise-nohdr-${i}`, value: JSON.stringify({ tenantId: `ten_other_${i}`, unexpected: true }) },
      ]);
      await Promise.all(messages.map((m) => producer.send(m.topic, m.value, { key: m.key, ...(m.headers ? { headers: m.headers } : {}) })));
      sent += messages.length;
      // Paced, so the flood is noise and not a load test of a 2-core machine.
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const run = await runSmoke(targetEnv(stack), []);
  flooding = false;
  await flood;
  await producer.close();
  try {
    expect(sent, 'noise was produced while the flows ran').toBeGreaterThan(topics.length * 3);
    expect(run.verdict?.verdict, run.output.slice(-3000)).toBe('GO');
    expect(run.exitCode).toBe(0);
  } finally {
    cleanup(run);
  }
});

test('--release on the embedded stack exits 1 though GO and every criterion is signed off: a release is not decided on the model; a malformed sign-off file exits 2 naming FLOWGATE_SIGNOFFS', async ({ stack }) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-signoffs-'));
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'signoffs:\n  - criterion: 1\n    date: 2026-11-20\n    evidence: https://tracker.example/REVIEW-1\n');
  const malformed = await runSmoke(targetEnv(stack), ['--release'], { env: { FLOWGATE_SIGNOFFS: bad } });
  try {
    expect(malformed.exitCode, malformed.output).toBe(2);
    expect(malformed.output).toContain('FLOWGATE_SIGNOFFS');
    expect(malformed.output).toContain('entry 1 (criterion 1) is missing "by"');
  } finally {
    cleanup(malformed);
  }
  // Sign off every criterion a run leaves to people (the list is the run's own: 1 and whatever no check covers).
  // Signed today (a sign-off stands FLOWGATE_SIGNOFF_MAX_AGE_DAYS); criterion 1's names the review rows it covers.
  const file = join(dir, 'signoffs.yml');
  const awaiting = [1, 4, 5, 6];
  const today = new Date().toISOString().slice(0, 10);
  writeFileSync(file, `signoffs:\n${awaiting.map((c) => `  - criterion: ${c}\n    by: "Dana Reviewer"\n    date: ${today}\n    evidence: "https://tracker.example/REVIEW-${c}"\n${c === 1 ? '    covers: [P0-06, P0-07, P0-08, P0-10]\n' : ''}`).join('')}`);
  const run = await runSmoke(targetEnv(stack), ['--release'], { env: { FLOWGATE_SIGNOFFS: file } });
  try {
    expect(run.verdict?.verdict, run.output.slice(-3000)).toBe('GO');
    expect(run.verdict.awaitingSignOff, 'nothing left to sign').toEqual([]);
    expect(run.verdict.release).toBe('ready');
    expect(run.output).toContain('flowgate verdict: GO — release ready');
    expect(run.verdict.criteria.find((c: any) => c.id === 1)).toMatchObject({ status: 'signed-off', signoff: { by: 'Dana Reviewer', date: today } });
    // Everything a release needs, but the target is the model (the embedded stack, reached here through its variables).
    expect(run.verdict.target.name).toBe('embedded');
    expect(run.exitCode, run.output.slice(-1500)).toBe(1);
    expect(run.output).toContain('a release is not decided on the model');
  } finally {
    cleanup(run);
    rmSync(dir, { recursive: true, force: true });
  }
});
