// flowgate's commands from the outside: --help prints usage and exits 0 touching nothing, a bad flag exits 64 deleting nothing, bad settings exit 2 naming them.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// an empty env file, so a developer's .env does not become the target
const EMPTY_ENV = join(mkdtempSync(join(tmpdir(), 'flowgate-cli-')), 'empty.env');
writeFileSync(EMPTY_ENV, '');
const SCRIPTS = {
  smoke: 'scripts/smoke.ts',
  test: 'scripts/test.ts',
  report: 'scripts/report.ts',
  'merge-reports': 'scripts/merge-reports.ts',
  soak: 'scripts/soak.ts',
  bench: 'scripts/bench.ts',
  doctor: 'scripts/doctor.ts',
  sweep: 'scripts/sweep.ts',
  stack: 'scripts/stack.ts',
};
// Folders that other tests write to while these run (or that no script writes): left out of the snapshot.
const NOT_WATCHED = new Set(['node_modules', '.git', '.cache', 'test-results']);

/** Every file under dir with its size and modification time: a script that wrote, deleted or touched a file changes it. */
function snapshot(dir: string, top = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_WATCHED.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, snapshot(p, top));
    else if (e.isFile()) {
      const st = statSync(p);
      out[relative(top, p)] = `${st.size} ${st.mtimeMs}`;
    }
  }
  return out;
}

/** A reports folder holding a last run's results, as a mistyped command must leave it. */
function sentinelReports(dir: string): string {
  mkdirSync(join(dir, 'allure-results'), { recursive: true });
  writeFileSync(join(dir, 'go-no-go.json'), '{"verdict":"GO"}');
  writeFileSync(join(dir, 'go-no-go.md'), '# GO');
  writeFileSync(join(dir, 'junit.xml'), '<testsuites/>');
  writeFileSync(join(dir, 'allure-results', 'x-result.json'), '{}');
  return dir;
}

function run(script: string, args: string[], env: Record<string, string | undefined> = {}) {
  const base = { ...process.env };
  // the target comes from the test, never from the developer's shell
  for (const k of Object.keys(base)) if (/^(KONG_|KAFKA_|REDIS_|FLOWGATE_)|_DB_URL$/.test(k)) delete base[k];
  const r = spawnSync(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', script, ...args], { cwd: ROOT, env: { ...base, FLOWGATE_ENV_FILE: EMPTY_ENV, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test.describe.configure({ mode: 'parallel' });

for (const [name, script] of Object.entries(SCRIPTS)) {
  test(`npm ${name === 'test' ? '' : 'run '}${name} -- --help prints usage and the exit codes, exits 0 and changes no file`, async ({}, testInfo) => {
    const reports = sentinelReports(testInfo.outputPath('reports'));
    const before = { tree: snapshot(ROOT), reports: snapshot(reports) };
    for (const flag of ['--help', '-h']) {
      const r = run(script, [flag], { FLOWGATE_REPORTS_DIR: reports });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`usage: npm ${name === 'test' ? 'test' : `run ${name}`}`);
      expect(r.out).toContain('exit 64: usage error');
      expect(r.out, 'no test run, no "0 passed, 1 failed"').not.toMatch(/\d+ passed, \d+ failed/);
    }
    expect(snapshot(reports)).toEqual(before.reports);
    expect(snapshot(ROOT)).toEqual(before.tree);
  });
}

test('npm run smoke -- --relase (a typo) exits 64 and deletes nothing: the last verdict, JUnit and Allure results stay', async ({}, testInfo) => {
  const reports = sentinelReports(testInfo.outputPath('reports'));
  const before = snapshot(reports);
  for (const typo of [['--relase'], ['relase'], ['--project=autth'], ['--shard=3/2'], ['--release', '--grep']]) {
    const r = run(SCRIPTS.smoke, typo, { FLOWGATE_REPORTS_DIR: reports });
    expect(r.code, `${typo.join(' ')}: ${r.out}`).toBe(64);
    expect(r.out).toContain('nothing was run or deleted');
  }
  expect(snapshot(reports)).toEqual(before);
  expect(readFileSync(join(reports, 'go-no-go.json'), 'utf8')).toBe('{"verdict":"GO"}');
});

test('an unknown flag or a bad value to a flowgate script is a usage error naming it (exit 64)', () => {
  for (const script of Object.values(SCRIPTS)) {
    const r = run(script, ['--frobnicate']);
    expect(r.code, `${script}: ${r.out}`).toBe(64);
    expect(r.out).toContain("'--frobnicate'");
  }
  const soak = run(SCRIPTS.soak, ['--runs', 'many']);
  expect(soak.code).toBe(64);
  expect(soak.out).toContain('--runs must be a positive integer, got "many"');
  // a smoke run's options are checked by soak before any stack starts for them
  const soakSmoke = run(SCRIPTS.soak, ['--runs', '1', '--', '--relase']);
  expect(soakSmoke.code, soakSmoke.out).toBe(64);
  expect(soakSmoke.out).toContain("Unknown option '--relase'");
});

test('npm run smoke: bad run settings and a missing embedded stack are "could not evaluate" (exit 2) saying what is wrong', async ({}, testInfo) => {
  const reports = testInfo.outputPath('reports');
  const bad = run(SCRIPTS.smoke, ['--list'], { FLOWGATE_REPORTS_DIR: reports, FLOWGATE_WORKERS: 'three', FLOWGATE_RETRIES: '-1' });
  expect(bad.code, bad.out).toBe(2);
  expect(bad.out).toContain('FLOWGATE_WORKERS must be a positive integer, got "three"');
  expect(bad.out).toContain('FLOWGATE_RETRIES must be a whole number');
  // no KONG_URL: the embedded stack would be the target, and its Kafka jars are not there
  const noStack = run(SCRIPTS.smoke, ['--list'], { FLOWGATE_REPORTS_DIR: reports, FLOWGATE_KAFKA_JARS: testInfo.outputPath('no-jars') });
  expect(noStack.code, noStack.out).toBe(2);
  expect(noStack.out).toMatch(/the target is embedded .*, so the reference stack would start, but this machine lacks:\n(  - .*\n)*  - Kafka broker jars: npm ci/);
  // positive control: with the jars where they are, the same command lists the tests (Playwright's --list passes through)
  const ok = run(SCRIPTS.smoke, ['--list'], { FLOWGATE_REPORTS_DIR: reports });
  expect(ok.out, ok.out).toMatch(/\[preflight\]/);
  // a staging target without its gateway, and an embedded one with a gateway, are said before anything starts
  const noGateway = run(SCRIPTS.smoke, ['--list'], { FLOWGATE_REPORTS_DIR: reports, FLOWGATE_TARGET: 'staging' });
  expect(noGateway.code, noGateway.out).toBe(2);
  expect(noGateway.out).toMatch(/FLOWGATE_TARGET=staging, but KONG_URL, KAFKA_BROKERS, REDIS_URL, AUTH_DB_URL.* not set/);
  const both = run(SCRIPTS.smoke, ['--list'], { FLOWGATE_REPORTS_DIR: reports, FLOWGATE_TARGET: 'embedded', KONG_URL: 'http://127.0.0.1:9' });
  expect(both.code, both.out).toBe(2);
  expect(both.out).toContain('FLOWGATE_TARGET=embedded contradicts KONG_URL being set');
});

test('npm run sweep: no target or a profile with a DELETE it cannot prove safe is "could not sweep" (exit 2), a bad --older-than a usage error (64), naming what', async ({}, testInfo) => {
  const none = run(SCRIPTS.sweep, []);
  expect(none.code, none.out).toBe(2);
  expect(none.out).toMatch(/no target is configured: .*set AUTH_DB_URL, .*SUBSCRIPTION_DB_URL/);
  const age = run(SCRIPTS.sweep, ['--older-than', 'yesterday'], { AUTH_DB_URL: 'postgres://u:p@127.0.0.1:1/x' });
  expect(age.code, age.out).toBe(64);
  expect(age.out).toContain('--older-than must be a duration such as 90s, 15m, 3h or 2d (0s sweeps everything), got "yesterday"');
  const profile = JSON.parse(require('node:fs').readFileSync(join(ROOT, 'contracts', 'profiles', 'reference.json'), 'utf8'));
  profile.cleanup.delete.push({ db: 'ASSETS_DB_URL', by: 'tenantId', sql: 'DELETE FROM assets' });
  const file = testInfo.outputPath('staging-profile.json');
  writeFileSync(file, JSON.stringify(profile));
  const refused = run(SCRIPTS.sweep, [], { FLOWGATE_PROFILE: file });
  expect(refused.code, refused.out).toBe(2);
  expect(refused.out).toContain(`FLOWGATE_PROFILE (${file})`);
  expect(refused.out).toContain('has no WHERE: it would delete every row of the table: DELETE FROM assets');
  // never production, and no database password to a server it does not verify (port 1: nothing is ever reached)
  const prod = run(SCRIPTS.sweep, [], { FLOWGATE_TARGET_NAME: 'production', AUTH_DB_URL: 'postgres://u:p@127.0.0.1:1/x?sslmode=verify-full' });
  expect(prod.code, prod.out).toBe(2);
  expect(prod.out).toContain('FLOWGATE_TARGET_NAME "production" says "production"');
  const prodHost = run(SCRIPTS.sweep, [], { AUTH_DB_URL: 'postgres://u:p@db.prod.example:5432/x?sslmode=verify-full' });
  expect(prodHost.code, prodHost.out).toBe(2);
  expect(prodHost.out).toContain("AUTH_DB_URL's host db.prod.example says \"prod\"");
  const clear = run(SCRIPTS.sweep, [], { AUTH_DB_URL: 'postgres://u:p@127.0.0.1:1/x' });
  expect(clear.code, clear.out).toBe(2);
  expect(clear.out).toContain('AUTH_DB_URL has no sslmode');
});

test('npm run smoke: a database password with an unencoded / is never printed, nor written to any report', async ({}, testInfo) => {
  const reports = testInfo.outputPath('reports');
  const secret = 's3cr/et';
  const staging = {
    FLOWGATE_TARGET: 'staging',
    KONG_URL: 'http://127.0.0.1:9',
    KAFKA_BROKERS: '127.0.0.1:9',
    REDIS_URL: 'redis://127.0.0.1:9',
    STRIPE_WEBHOOK_SECRET: 'whsec_cli',
    CAPTCHA_TEST_KEY: 'captcha-cli',
    JWT_TEST_SIGNING_KEY: 'jwt-cli-key',
    ...Object.fromEntries(['AUTH', 'EMAIL', 'SUBSCRIPTION', 'ASSETS', 'SCANS', 'TOOLS', 'VULNERABILITIES', 'PAYMENTS', 'INVOICES'].map((d) => [`${d}_DB_URL`, `postgres://u:p@127.0.0.1:9/${d.toLowerCase()}`])),
    AUTH_DB_URL: `postgres://u:${secret}@127.0.0.1:9/auth`,
    FLOWGATE_REPORTS_DIR: reports,
  };
  // --plaintext: this target is in clear on purpose, so the configuration check (not the clear-text refusal) speaks
  const r = run(SCRIPTS.smoke, ['--project=preflight', '--plaintext'], staging);
  expect(r.code, r.out).toBe(2);
  expect(r.out).toContain('AUTH_DB_URL must be a postgres:// or postgresql:// URL');
  expect(r.out).toContain('must be percent-encoded');
  for (const shown of [secret, 's3cr', '/et@']) expect(r.out, 'the console').not.toContain(shown);
  const files = (readdirSync(reports, { recursive: true }) as string[]).map((f) => join(reports, f)).filter((f) => statSync(f).isFile());
  expect(files.some((f) => f.endsWith('go-no-go.json')), 'the run wrote its reports').toBe(true);
  for (const f of files) expect(readFileSync(f).toString('latin1'), f).not.toContain('s3cr');
});
