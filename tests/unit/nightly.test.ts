// Static checks of the nightly workflow: secrets only where needed, current action majors on Node 24, one night per target at a time, a shard that could not evaluate never green, a short summary, the report as one file, source and sign-offs wired in, the sweep first.
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
  expect(holders.sort()).toEqual(["smoke: Deployed services' source", 'smoke: Run shard', 'smoke: Staging CA files', 'sweep: Staging database CA file', 'sweep: Sweep what earlier runs left', 'verdict: Merge shards into one verdict'].sort());
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

const allSteps = (): { job: string; step: any }[] => Object.entries<any>(doc.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step: any) => ({ job, step })));

/** The majors current when this was written (each runs on Node 24); an older one is on a runtime runners drop. */
const CURRENT: Record<string, number> = {
  'actions/checkout': 7,
  'actions/setup-node': 6,
  'actions/setup-java': 6,
  'actions/cache': 6,
  'actions/upload-artifact': 7,
  'actions/download-artifact': 8,
};

test('every action at its current major, Node 24 wherever Node is set up', () => {
  const uses = allSteps().filter(({ step }) => step.uses).map(({ job, step }) => ({ where: `${job}: ${step.name ?? step.uses}`, uses: step.uses as string }));
  expect(uses.length).toBeGreaterThan(10);
  for (const { where, uses: u } of uses) {
    const m = /^(actions\/[a-z-]+)(?:\/[a-z]+)?@v(\d+)$/.exec(u);
    expect(m, `${where}: ${u} is one of the official actions at a major tag`).toBeTruthy();
    expect(CURRENT[m![1]], `${where}: ${m![1]} is a known action`).toBeDefined();
    expect(Number(m![2]), `${where}: ${u}`).toBeGreaterThanOrEqual(CURRENT[m![1]]);
  }
  const nodes = allSteps().filter(({ step }) => String(step.uses).startsWith('actions/setup-node@'));
  expect(nodes.map(({ job }) => job).sort()).toEqual(['smoke', 'sweep', 'verdict']);
  for (const { job, step } of nodes) expect(String(step.with['node-version']), job).toBe('24');
});

test('one night per target at a time: a scheduled and a manual run of the same target queue, never cancel', () => {
  expect(doc.concurrency.group).toContain("github.event.inputs.target || 'staging'");
  expect(doc.concurrency['cancel-in-progress']).toBe(false);
});

test('a shard that could not evaluate is recorded for the merge and never green', () => {
  const run: string = named('smoke', 'Run shard').run;
  expect(run, 'no "|| echo" swallowing the exit code').not.toMatch(/\|\|\s*echo/);
  expect(run).toContain('echo "$code" > shard-exit/exit-code');
  const upload = named('smoke', 'Shard exit code for the merge');
  expect(upload).toMatchObject({ if: '${{ !cancelled() }}', with: { name: 'shard-exit-${{ matrix.shard }}', path: 'shard-exit/exit-code' } });
  // the shard's own job is red on anything but 0 (GO) or 1 (a shard alone is NO-GO)
  expect(named('smoke', 'Shard evaluated').run).toMatch(/case "\$CODE" in 0\|1\).*\n.*exit 2/);
  // the merge job reads every shard's code: into the verdict before the report, and into the job's exit last
  const download = steps('verdict').find((s) => s.with?.pattern === 'shard-exit-*');
  expect(download?.with.path).toBe('shard-exits');
  const record = named('verdict', 'Shards that could not evaluate into the verdict').run;
  expect(record).toMatch(/scripts\/summary\.ts --record .*--shard-exits shard-exits --expected "\$NIGHTLY_SHARDS"/);
  const order = steps('verdict').map((s) => s.name);
  expect(order.indexOf('Shards that could not evaluate into the verdict')).toBeLessThan(order.indexOf('Allure report'));
  const last = steps('verdict').at(-1);
  expect(last.name).toBe('Go/No-Go');
  expect(last.run).toMatch(/scripts\/summary\.ts --exit .*--shard-exits shard-exits/);
  // the merge's own exit code is kept for that last step, not lost to a red step in the middle
  expect(named('verdict', 'Merge shards into one verdict').run).toMatch(/set \+e\s+npm run merge-reports\s+echo "exit=\$\?" >> "\$GITHUB_OUTPUT"/);
});

test('a short job summary written by scripts/summary.ts, linking the report uploaded as one HTML file', () => {
  const summary = named('verdict', 'Verdict to the job summary');
  expect(summary.run).toContain('scripts/summary.ts --summary "$GITHUB_STEP_SUMMARY" --report-url "$REPORT_URL"');
  expect(summary.env.REPORT_URL).toBe('${{ steps.html.outputs.artifact-url }}');
  expect(JSON.stringify(steps('verdict')), 'go-no-go.md is never the whole summary').not.toMatch(/cat reports\/go-no-go\.md/);
  const html = named('verdict', 'Upload the report');
  expect(html.with).toMatchObject({ archive: false, path: 'reports/flowgate-report-${{ env.FLOWGATE_RUN_ID }}.html' });
  const order = steps('verdict').map((s) => s.name);
  expect(order.indexOf('Upload the report')).toBeLessThan(order.indexOf('Verdict to the job summary'));
  // the zipped artifact no longer carries the report folder
  for (const s of steps('verdict').filter((x) => String(x.uses).startsWith('actions/upload-artifact@'))) expect(String(s.with.path)).not.toContain('allure-report/');
});

test('criterion 3 scans a checkout of the deployed services, and the sign-offs come from this repository, both inputs', () => {
  const inputs = doc.on.workflow_dispatch.inputs;
  expect(Object.keys(inputs).sort()).toEqual(['signoffs', 'source-ref', 'source-repository', 'target']);
  expect(doc.env.SOURCE_REPOSITORY).toBe('${{ github.event.inputs.source-repository || vars.SOURCE_REPOSITORY }}');
  expect(doc.env.SOURCE_REF).toBe('${{ github.event.inputs.source-ref || vars.SOURCE_REF }}');
  expect(doc.env.FLOWGATE_SIGNOFFS).toBe('${{ github.event.inputs.signoffs || vars.FLOWGATE_SIGNOFFS }}');
  const checkout = named('smoke', "Deployed services' source");
  expect(checkout).toMatchObject({ uses: 'actions/checkout@v7', with: { repository: '${{ env.SOURCE_REPOSITORY }}', ref: '${{ env.SOURCE_REF }}', path: 'deployed-source', 'persist-credentials': false } });
  expect(named('smoke', 'Run shard').env.FLOWGATE_SOURCE_DIR).toContain("format('{0}/deployed-source', github.workspace)");
  const order = steps('smoke').map((s) => s.name);
  expect(order.indexOf("Deployed services' source")).toBeLessThan(order.indexOf('Run shard'));
});
