// Static checks of the nightly workflow: no secret at workflow or job level, none for npm ci, each only in the steps that need it, and the sweep before the shards.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const FILE = '.github/workflows/nightly.yml';
const doc = parse(readFileSync(join(ROOT, FILE), 'utf8'));
const secretsIn = (x: unknown): string[] => [...JSON.stringify(x ?? {}).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
const steps = (job: string): any[] => doc.jobs[job].steps;
const named = (job: string, name: string) => steps(job).find((s) => s.name === name);

test('no secret at workflow or job level: every one is in the env of a step that needs it', () => {
  expect(secretsIn(doc.env), `${FILE}: workflow-level env`).toEqual([]);
  for (const [name, job] of Object.entries<any>(doc.jobs)) {
    expect(secretsIn(job.env), `${FILE}: job ${name}'s env`).toEqual([]);
    expect(secretsIn(job.defaults), `${FILE}: job ${name}'s defaults`).toEqual([]);
    expect(secretsIn(job.container), `${FILE}: job ${name}'s container`).toEqual([]);
  }
  // Everything that names a secret, by job and step: the staging CA files, the sweep, each shard's run and the merge.
  const holders = Object.entries<any>(doc.jobs).flatMap(([job, j]) => (j.steps ?? []).filter((s: any) => secretsIn(s).length).map((s: any) => `${job}: ${s.name}`));
  expect(holders.sort()).toEqual(['smoke: Run shard', 'smoke: Staging CA files', 'sweep: Staging database CA file', 'sweep: Sweep what earlier runs left', 'verdict: Merge shards into one verdict'].sort());
  // a secret only in env, never spliced into a command line (where the runner's logs and ps would see it)
  for (const [job, j] of Object.entries<any>(doc.jobs)) for (const s of j.steps ?? []) expect(secretsIn(s.run), `${job}: ${s.name ?? s.run}`).toEqual([]);
  // the shard's run still gets what the flows need
  expect(secretsIn(named('smoke', 'Run shard').env)).toEqual(expect.arrayContaining(['KAFKA_SASL_PASSWORD', 'AUTH_DB_URL', 'STRIPE_WEBHOOK_SECRET', 'JWT_TEST_SIGNING_KEY', 'REDIS_URL']));
});

test('npm ci sees no secret, in any job', () => {
  const installs = Object.entries<any>(doc.jobs).flatMap(([job, j]) => (j.steps ?? []).filter((s: any) => /\bnpm (ci|install)\b/.test(s.run ?? '')).map((s: any) => [job, s] as const));
  expect(installs.map(([job]) => job).sort()).toEqual(['smoke', 'sweep', 'verdict']);
  for (const [job, s] of installs) expect(secretsIn(s), `${job}: ${s.run}`).toEqual([]);
});

test('the nightly sweeps what earlier runs left before its shards run, with the database secrets only', () => {
  const sweep = named('sweep', 'Sweep what earlier runs left');
  expect(sweep.run).toBe('npm run sweep');
  expect(secretsIn(sweep.env).every((k) => k.endsWith('_DB_URL')), 'the sweep needs the databases only').toBe(true);
  expect([].concat(doc.jobs.smoke.needs)).toContain('sweep');
  // a failed sweep is red on its own; it does not cancel the night's verdict
  expect(doc.jobs.smoke.if).toContain('!cancelled()');
});
