// The Go/No-Go computation of seed §7 / DESIGN §4 from a run model (pure), and its renderings for people (markdown, console table).
import { type Category, firstLine, formatMs, truncate } from './errors';
import { AUDIT_PROBES, BYPASS_FLOW, type BypassFinding, type Evidence, FLOWS, PREFLIGHT_PROJECT } from './evidence';
import { gapFindings, tlsTrigger, transportCriterion, TRANSPORT_CRITERIA, type GapFinding, type TransportCriterion } from './verdict-transport';

export type TestStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
export type TestOutcome = 'expected' | 'unexpected' | 'flaky' | 'skipped';
export type StepStatus = 'passed' | 'failed' | 'skipped' | 'not-run';
export type FlowStatus = 'passed' | 'failed' | 'flaky' | 'skipped' | 'not-run';
export type CriterionStatus = 'pass' | 'fail' | 'not-run' | 'not-evaluated';

export interface ErrorModel {
  message: string;
  category: Category;
}

export interface StepModel {
  title: string;
  status: StepStatus;
  durationMs: number;
  error?: ErrorModel;
}

export interface TestModel {
  title: string;
  project: string;
  tags: string[];
  /** status of the last (deciding) attempt */
  status: TestStatus;
  /** attempts after the first */
  retries: number;
  outcome: TestOutcome;
  durationMs: number;
  /** the test.step steps of the last attempt */
  steps: StepModel[];
  error?: ErrorModel;
  /** evidence attached by the last attempt */
  evidence: Evidence[];
  findings: BypassFinding[];
  /** false when the test was planned but never started (its dependency failed, the run stopped); default true */
  ran?: boolean;
  /** for a flaky pass: the attempt that failed, its step and error */
  flakyFailure?: { attempt: number; step?: string; error: ErrorModel };
}

export interface RunModel {
  target: { name: string; kongUrl?: string };
  startedAt: string;
  finishedAt: string;
  allowFlaky: boolean;
  tests: TestModel[];
  /** projects a GO requires; default the four flows and auth-bypass */
  expectedProjects?: string[];
  /** how many shards the run was split into, and which ones (1-based) or how many reported */
  shardsExpected?: number;
  shardsSeen?: number | number[];
  /** errors outside any test (global setup failed, a worker crashed …) */
  globalErrors?: ErrorModel[];
  runId?: string;
}

export interface ObservedItem {
  kind: Evidence['kind'];
  step: string;
  name?: string;
  summary: string;
  data?: unknown;
}

export interface CriterionEvidence {
  test: string;
  project: string;
  status: FlowStatus;
  retries: number;
  durationMs: number;
  failingStep?: { title: string; category: Category; error: string };
  /** what the test saw: events, rows, redis keys, exchanges, screenshots */
  observed: ObservedItem[];
  /** what a failing step waited for and never saw (events not observed, rows not found) */
  missing: { step: string; category: Category; detail: string }[];
}

export interface CriterionResult {
  id: number;
  title: string;
  /** the seed's verification method */
  verification: string;
  status: CriterionStatus;
  detail: string;
  evidence: CriterionEvidence[];
}

export interface TriggerResult {
  id: string;
  title: string;
  fired: boolean;
  status: 'fired' | 'clear' | 'not-run' | 'not-evaluated';
  detail: string;
  /** auth-bypass only: every finding */
  findings?: (BypassFinding & { test: string })[];
}

export interface FlowResult {
  name: string;
  status: FlowStatus;
  durationMs: number;
  tests: number;
  retries: number;
  failingStep?: { title: string; category: Category; error: string };
  steps: { title: string; status: StepStatus; durationMs: number; error?: string; category?: Category }[];
}

export interface VerdictResult {
  verdict: 'GO' | 'NO-GO';
  target: { name: string; kongUrl?: string };
  runId?: string;
  startedAt: string;
  finishedAt: string;
  allowFlaky: boolean;
  criteria: CriterionResult[];
  triggers: TriggerResult[];
  flows: FlowResult[];
  notes: string[];
  /** seed-gap findings the connection tests recorded (P0-06: a database server accepting plaintext); criterion 1 reads them */
  gapFindings?: GapFinding[];
  /** true when the harness could not evaluate at all (preflight failed on configuration/infrastructure, nothing ran) */
  couldNotEvaluate: boolean;
  /** the intended process exit code (0 GO, 1 NO-GO, 2 could not evaluate); the reporter fills it in */
  exitCode?: number;
}

/** Seed §7 Go criteria: id, title, verification method. */
export const SEED_CRITERIA: { id: number; title: string; verification: string }[] = [
  { id: 1, title: 'All P0 gaps remediated', verification: 'Code review + deployment verification' },
  { id: 2, title: 'All 4 E2E flow smoke tests pass', verification: 'Automated test scripts on staging' },
  { id: 3, title: 'No hardcoded secrets in any deployed service', verification: 'grep audit of docker-compose, .env, source' },
  { id: 4, title: 'TLS enforced on all external endpoints', verification: 'curl -k test against Kong + all public ports' },
  { id: 5, title: 'Kafka SSL enabled for all producers/consumers', verification: 'Config audit + connection test' },
  { id: 6, title: 'Redis TLS enabled for all services', verification: 'Config audit + connection test' },
  { id: 7, title: 'Auth flow: register → login → access → logout works E2E', verification: 'Flow 1 smoke test' },
  { id: 8, title: 'Scan flow: create → scan → results works E2E', verification: 'Flow 2 smoke test' },
  { id: 9, title: 'Payment flow: checkout → pay → subscription active works E2E', verification: 'Flow 4 smoke test' },
  { id: 10, title: 'All P0 services have health endpoints responding', verification: 'Health check script' },
  { id: 11, title: 'Kafka event contracts frozen and documented', verification: 'This document' },
  { id: 12, title: 'Audit logs exist for auth events (login/logout/register)', verification: 'DB query verification' },
];

/** Seed §7 No-Go triggers. */
export const SEED_TRIGGERS: { id: string; title: string; evaluated: boolean }[] = [
  { id: 'p0-gap-not-remediated', title: 'Any P0 gap not remediated', evaluated: false },
  { id: 'flow-failing', title: 'Any E2E flow smoke test failing', evaluated: true },
  { id: 'hardcoded-secret', title: 'Hardcoded secret found in production config', evaluated: false },
  { id: 'tls-not-enforced', title: 'TLS not enforced on external-facing endpoint', evaluated: true },
  { id: 'auth-bypass', title: 'Auth bypass possible on any P0 service', evaluated: true },
  { id: 'payment-broken', title: 'Payment flow broken (Stripe integration)', evaluated: true },
];

/** Criterion id → the flows that decide it. 12 is special (audit rows). */
const CRITERION_FLOWS: Record<number, readonly string[]> = { 2: FLOWS, 7: ['auth'], 8: ['scan'], 9: ['payment'], 12: ['auth'] };
export const EVALUATED_CRITERIA = [2, 4, 5, 6, 7, 8, 9, 12];
export const REQUIRED_PROJECTS: readonly string[] = [...FLOWS, BYPASS_FLOW];
const ALL_FLOWS: readonly string[] = [...FLOWS, BYPASS_FLOW];

/** The flow a test belongs to: its project when that is a flow, else its `@flow-<name>` tag. */
export function flowOfTest(t: Pick<TestModel, 'project' | 'tags'>): string | undefined {
  if (ALL_FLOWS.includes(t.project)) return t.project;
  const tag = t.tags.find((x) => x.startsWith('@flow-'))?.slice('@flow-'.length);
  return tag && ALL_FLOWS.includes(tag) ? tag : undefined;
}

/** One test's status as the verdict sees it (fail closed: anything that did not complete is not a pass). */
export function testFlowStatus(t: TestModel): FlowStatus {
  if (t.ran === false || t.status === 'interrupted') return 'not-run';
  if (t.outcome === 'flaky') return 'flaky';
  if (t.outcome === 'unexpected') return 'failed';
  if (t.outcome === 'skipped' || t.status === 'skipped') return 'skipped';
  // A pass with a skipped or never-reached step did not run the whole seed script.
  if (t.steps.some((s) => s.status === 'failed')) return 'failed';
  if (t.steps.some((s) => s.status === 'skipped' || s.status === 'not-run')) return 'skipped';
  return 'passed';
}

const RANK: FlowStatus[] = ['failed', 'not-run', 'skipped', 'flaky', 'passed'];
function worst(statuses: FlowStatus[]): FlowStatus {
  if (statuses.length === 0) return 'not-run';
  return RANK.find((r) => statuses.includes(r))!;
}

function failingStepOf(t: TestModel): CriterionEvidence['failingStep'] {
  if (t.flakyFailure && testFlowStatus(t) === 'flaky') {
    const f = t.flakyFailure;
    return { title: `${f.step ?? '(outside any step)'} (attempt ${f.attempt})`, category: f.error.category, error: firstLine(f.error.message) };
  }
  const s = t.steps.find((x) => x.status === 'failed');
  if (s) {
    const err = s.error ?? t.error;
    return { title: s.title, category: err?.category ?? 'unknown', error: firstLine(err?.message) || `step failed (test ${t.status})` };
  }
  const st = testFlowStatus(t);
  if (st === 'failed' || st === 'flaky' || (t.error && st !== 'passed')) {
    // Failed outside any test.step (a fixture, a hook, a timeout between steps).
    return { title: '(outside any step)', category: t.error?.category ?? (t.status === 'timedOut' ? 'budget exceeded' : 'unknown'), error: firstLine(t.error?.message) || `test ${t.status}` };
  }
  return undefined;
}

const MISSING_CATEGORIES: Category[] = ['event not observed', 'database state', 'contract violation', 'budget exceeded'];

function evidenceOf(t: TestModel, filter: (e: Evidence) => boolean = () => true): CriterionEvidence {
  const failingStep = failingStepOf(t);
  const status = testFlowStatus(t);
  const missing: CriterionEvidence['missing'] = [];
  const failed = t.steps.find((x) => x.status === 'failed');
  const err = failed?.error ?? t.error;
  if (err && status !== 'passed' && MISSING_CATEGORIES.includes(err.category))
    missing.push({ step: failed?.title ?? '(outside any step)', category: err.category, detail: firstLine(err.message) });
  return {
    test: t.title,
    project: t.project,
    status,
    retries: t.retries,
    durationMs: t.durationMs,
    ...(failingStep ? { failingStep } : {}),
    observed: t.evidence.filter(filter).map((e) => ({
      kind: e.kind,
      step: e.step,
      ...(e.name !== undefined ? { name: e.name } : {}),
      summary: e.summary,
      // Small payloads inline; large ones stay in the Allure attachments.
      ...(e.data !== undefined && safeLength(e.data) <= 2000 ? { data: e.data } : {}),
    })),
    missing,
  };
}

function safeLength(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

function flowResult(name: string, tests: TestModel[]): FlowResult {
  const statuses = tests.map(testFlowStatus);
  const status = worst(statuses);
  const prefix = tests.length > 1;
  const failing = tests.map(failingStepOf).find(Boolean);
  return {
    name,
    status,
    durationMs: tests.reduce((a, t) => a + t.durationMs, 0),
    tests: tests.length,
    retries: tests.reduce((a, t) => a + t.retries, 0),
    ...(failing && (status === 'failed' || status === 'flaky') ? { failingStep: failing } : {}),
    steps: tests.flatMap((t) =>
      t.steps.map((s) => ({
        title: prefix ? `${t.title} › ${s.title}` : s.title,
        status: s.status,
        durationMs: s.durationMs,
        ...(s.error ? { error: firstLine(s.error.message), category: s.error.category } : {}),
      })),
    ),
  };
}

function describeFlow(f: FlowResult, allowFlaky: boolean): string {
  switch (f.status) {
    case 'failed':
      return f.failingStep ? `${f.name} failed at "${f.failingStep.title}": ${f.failingStep.error}` : `${f.name} failed`;
    case 'flaky':
      return `${f.name} passed only on retry (flaky)${allowFlaky ? ', allowed by FLOWGATE_ALLOW_FLAKY=1' : ''}${f.failingStep ? `; first attempt failed at "${f.failingStep.title}": ${f.failingStep.error}` : ''}`;
    case 'skipped':
      return `${f.name} was skipped (or skipped a step)`;
    case 'not-run':
      return f.tests === 0 ? `${f.name} did not run (no test of it in this run)` : `${f.name} did not run to completion (interrupted or never started)`;
    default:
      return `${f.name} passed`;
  }
}

function criterionFromFlows(flows: FlowResult[], allowFlaky: boolean): { status: CriterionStatus; detail: string } {
  const bad = flows.filter((f) => f.status === 'failed' || (f.status === 'flaky' && !allowFlaky));
  if (bad.length) return { status: 'fail', detail: bad.map((f) => describeFlow(f, allowFlaky)).join('; ') };
  const missing = flows.filter((f) => f.status === 'not-run' || f.status === 'skipped');
  if (missing.length) return { status: 'not-run', detail: missing.map((f) => describeFlow(f, allowFlaky)).join('; ') };
  return { status: 'pass', detail: flows.map((f) => describeFlow(f, allowFlaky)).join('; ') };
}

const isAuditRow = (probe: string) => (e: Evidence) => e.kind === 'row' && (e.name === probe || (e.name === undefined && e.summary.includes(probe)));

function criterion12(authTests: TestModel[], authFlow: FlowResult): { status: CriterionStatus; detail: string } {
  const seen = AUDIT_PROBES.filter((p) => authTests.some((t) => t.evidence.some(isAuditRow(p))));
  const notSeen = AUDIT_PROBES.filter((p) => !seen.includes(p));
  // A failing audit probe is the direct evidence that a row is missing.
  for (const t of authTests) {
    const failed = t.steps.find((s) => s.status === 'failed');
    const err = failed?.error ?? t.error;
    if (err && err.category === 'database state' && (AUDIT_PROBES.some((p) => err.message.includes(p)) || /\baudit\b/i.test(err.message)))
      return { status: 'fail', detail: `audit row missing at "${failed?.title ?? '(outside any step)'}": ${firstLine(err.message)}` };
  }
  if (notSeen.length === 0) return { status: 'pass', detail: `audit rows observed for ${AUDIT_PROBES.join(', ')}` };
  if (authFlow.status !== 'passed' && authFlow.status !== 'flaky')
    return { status: 'not-run', detail: `audit rows not observed for ${notSeen.join(', ')}: ${describeFlow(authFlow, false)}` };
  // The flow passed but reported no evidence: the criterion is unconfirmed, so it cannot count as a pass.
  return { status: 'not-run', detail: `the auth flow passed but reported no audit row evidence for ${notSeen.join(', ')}` };
}

function shardNote(run: RunModel): string | undefined {
  if (!run.shardsExpected || run.shardsExpected <= 1) return undefined;
  const seen = run.shardsSeen;
  if (Array.isArray(seen)) {
    const missing = Array.from({ length: run.shardsExpected }, (_, i) => i + 1).filter((i) => !seen.includes(i));
    return missing.length ? `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${run.shardsExpected} missing: the verdict covers only part of the run` : undefined;
  }
  const n = seen ?? 0;
  return n < run.shardsExpected ? `${run.shardsExpected - n} of ${run.shardsExpected} shards missing: the verdict covers only part of the run` : undefined;
}

/** The Go/No-Go verdict of a run. Fails closed: only a complete, clean run of every required flow is GO. */
export function computeVerdict(run: RunModel): VerdictResult {
  const notes: string[] = [];
  const byFlow = new Map<string, TestModel[]>(ALL_FLOWS.map((f) => [f, []]));
  for (const t of run.tests) {
    const f = flowOfTest(t);
    if (f) byFlow.get(f)!.push(t);
  }
  const flows = ALL_FLOWS.map((f) => flowResult(f, byFlow.get(f)!));
  const flow = (n: string) => flows.find((f) => f.name === n)!;

  // Preflight: configuration and infrastructure; when it fails on those there is nothing to evaluate.
  const preflight = run.tests.filter((t) => t.project === PREFLIGHT_PROJECT);
  const preflightFailed = preflight.filter((t) => ['failed', 'not-run'].includes(testFlowStatus(t)));
  let couldNotEvaluate = false;
  for (const t of preflightFailed) {
    const fs = failingStepOf(t);
    const category = t.error?.category ?? fs?.category ?? 'unknown';
    // The whole message, not its first line: a ConfigError lists every bad variable below its headline.
    const full = (t.steps.find((s) => s.status === 'failed')?.error ?? t.error)?.message?.trim();
    notes.push(`preflight "${t.title}" ${testFlowStatus(t)}${fs ? ` (${category}): ${truncate(full || fs.error, 2000)}` : ''}`);
    if (category === 'configuration' || category === 'infrastructure unreachable') couldNotEvaluate = true;
  }
  for (const e of run.globalErrors ?? []) {
    notes.push(`run error (${e.category}): ${firstLine(e.message)}`);
    if (e.category === 'configuration' || e.category === 'infrastructure unreachable') couldNotEvaluate = true;
  }
  const ranAny = run.tests.some((t) => testFlowStatus(t) !== 'not-run' && testFlowStatus(t) !== 'skipped');
  if (run.tests.length === 0) notes.push('no tests ran: an empty run proves nothing');
  else if (!ranAny) notes.push('no test ran to completion');
  if (!ranAny) couldNotEvaluate = true;

  const expected = run.expectedProjects ?? [...REQUIRED_PROJECTS];
  const projectsSeen = new Set(run.tests.map((t) => t.project));
  for (const p of expected) {
    const f = flows.find((x) => x.name === p);
    if (f) {
      if (f.status !== 'passed' && !(f.status === 'flaky' && run.allowFlaky)) notes.push(describeFlow(f, run.allowFlaky));
    } else if (!projectsSeen.has(p)) notes.push(`required project ${p} did not run`);
  }
  const sn = shardNote(run);
  if (sn) notes.push(sn);

  const testsOf = (names: readonly string[], id: number) => {
    const tag = `@criterion-${id}`;
    return run.tests.filter((t) => names.includes(flowOfTest(t) ?? '') || t.tags.includes(tag));
  };

  // Criteria 4, 5, 6: the transport project's connection tests (verdict-transport.ts)
  const transport: Record<number, TransportCriterion> = Object.fromEntries(TRANSPORT_CRITERIA.map((id) => [id, transportCriterion(id, run.tests, (t) => testFlowStatus(t as TestModel), run.allowFlaky)]));
  const findings0 = gapFindings(run.tests);
  for (const f of findings0) notes.push(`${f.gap} finding: ${f.endpoint}: ${f.detail} ("${f.test}")`);

  const criteria: CriterionResult[] = SEED_CRITERIA.map(({ id, title, verification }) => {
    if (!EVALUATED_CRITERIA.includes(id))
      return { id, title, verification, status: 'not-evaluated' as const, detail: 'not evaluated by flowgate (outside the four flows)', evidence: [] };
    if (id in transport) {
      const tagged = run.tests.filter((t) => t.tags.includes(`@criterion-${id}`));
      return { id, title, verification, status: transport[id].status, detail: transport[id].detail, evidence: tagged.map((t) => evidenceOf(t, (e) => e.kind === 'transport')) };
    }
    const names = CRITERION_FLOWS[id];
    const tests = testsOf(names, id);
    if (id === 12) {
      const authTests = tests.filter((t) => flowOfTest(t) === 'auth');
      const r = criterion12(authTests, flow('auth'));
      const rows = (e: Evidence) => e.kind === 'row' && AUDIT_PROBES.some((p) => isAuditRow(p)(e));
      return { id, title, verification, ...r, evidence: tests.map((t) => evidenceOf(t, rows)) };
    }
    let r = criterionFromFlows(names.map(flow), run.allowFlaky);
    // Tests tagged for the criterion outside its flows count too: a failing one cannot be outvoted.
    const extra = tests.filter((t) => !names.includes(flowOfTest(t) ?? ''));
    const extraBad = extra.filter((t) => testFlowStatus(t) === 'failed' || (testFlowStatus(t) === 'flaky' && !run.allowFlaky));
    if (extraBad.length && r.status !== 'fail')
      r = { status: 'fail', detail: `${extraBad.map((t) => `"${t.title}" (${t.project}) ${testFlowStatus(t)}`).join('; ')}${r.detail ? `; ${r.detail}` : ''}` };
    return { id, title, verification, ...r, evidence: tests.map((t) => evidenceOf(t)) };
  });

  // Triggers
  const e2e = FLOWS.map(flow);
  const failing = e2e.filter((f) => f.status === 'failed' || (f.status === 'flaky' && !run.allowFlaky));
  const unrun = e2e.filter((f) => f.status === 'not-run' || f.status === 'skipped');
  const flowFailing: TriggerResult = {
    id: 'flow-failing',
    title: 'Any E2E flow smoke test failing',
    fired: failing.length > 0,
    status: failing.length ? 'fired' : unrun.length ? 'not-run' : 'clear',
    detail: failing.length
      ? failing.map((f) => describeFlow(f, run.allowFlaky)).join('; ')
      : unrun.length
        ? `no failure seen, but ${unrun.map((f) => f.name).join(', ')} did not run`
        : 'all four flows passed',
  };

  const bypassTests = byFlow.get(BYPASS_FLOW)!;
  const findings = run.tests.flatMap((t) => t.findings.map((f) => ({ ...f, test: t.title })));
  const bypassErrors = run.tests.filter((t) => testFlowStatus(t) !== 'passed' && (t.error?.category === 'auth bypass' || t.steps.some((s) => s.error?.category === 'auth bypass')));
  const bypassFlow = flow(BYPASS_FLOW);
  let bypassDetail: string;
  if (findings.length) {
    const byRoute = new Map<string, string[]>();
    for (const f of findings) byRoute.set(f.route, [...(byRoute.get(f.route) ?? []), `${f.tokenKind} token → ${f.status}`]);
    bypassDetail = [...byRoute].map(([route, kinds]) => `${route} accepted ${kinds.join(', ')}`).join('; ');
  } else if (bypassErrors.length) {
    const t = bypassErrors[0];
    bypassDetail = firstLine((t.steps.find((s) => s.error?.category === 'auth bypass')?.error ?? t.error)?.message);
  } else if (bypassFlow.status === 'passed' || (bypassFlow.status === 'flaky' && run.allowFlaky)) {
    bypassDetail = `every protected route answered 401 to every bad token (${bypassTests.length} test${bypassTests.length === 1 ? '' : 's'})`;
  } else {
    bypassDetail = `bypass not ruled out: ${describeFlow(bypassFlow, run.allowFlaky)}`;
  }
  const bypassFired = findings.length > 0 || bypassErrors.length > 0;
  const authBypass: TriggerResult = {
    id: 'auth-bypass',
    title: 'Auth bypass possible on any P0 service',
    fired: bypassFired,
    status: bypassFired ? 'fired' : bypassFlow.status === 'passed' || (bypassFlow.status === 'flaky' && run.allowFlaky) ? 'clear' : 'not-run',
    detail: bypassDetail,
    ...(findings.length ? { findings } : {}),
  };

  const pay = flow('payment');
  const payBroken = pay.status === 'failed' || (pay.status === 'flaky' && !run.allowFlaky);
  const paymentBroken: TriggerResult = {
    id: 'payment-broken',
    title: 'Payment flow broken (Stripe integration)',
    fired: payBroken,
    status: payBroken ? 'fired' : pay.status === 'passed' || pay.status === 'flaky' ? 'clear' : 'not-run',
    detail: describeFlow(pay, run.allowFlaky),
  };

  const tls = tlsTrigger(transport);
  const tlsNotEnforced: TriggerResult = { id: 'tls-not-enforced', title: 'TLS not enforced on external-facing endpoint', ...tls };
  const evaluated: Record<string, TriggerResult> = { 'flow-failing': flowFailing, 'auth-bypass': authBypass, 'payment-broken': paymentBroken, 'tls-not-enforced': tlsNotEnforced };
  // Only a finding decides this trigger: the other P0 gaps are not evaluated, so without one it stays not-evaluated.
  if (findings0.length)
    evaluated['p0-gap-not-remediated'] = { id: 'p0-gap-not-remediated', title: 'Any P0 gap not remediated', fired: true, status: 'fired', detail: findings0.map((f) => `${f.gap}: ${f.endpoint}: ${f.detail}`).join('; ') };
  const triggers: TriggerResult[] = SEED_TRIGGERS.map((t) =>
    evaluated[t.id] ?? { id: t.id, title: t.title, fired: false, status: 'not-evaluated' as const, detail: 'not evaluated by flowgate' },
  );

  // Each reason once: a trigger or criterion whose detail is already a note is named without repeating it.
  const said = (detail: string) => detail.split('; ').every((part) => notes.some((n) => n.includes(part)));
  for (const t of triggers) if (t.fired) notes.push(said(t.detail) ? `No-Go trigger fired: ${t.id}` : `No-Go trigger fired: ${t.id}: ${t.detail}`);
  for (const c of criteria)
    if (c.status === 'fail' || c.status === 'not-run') notes.push(said(c.detail) ? `criterion ${c.id} ${c.status}` : `criterion ${c.id} ${c.status}: ${c.detail}`);

  const go =
    !couldNotEvaluate &&
    preflightFailed.length === 0 &&
    (run.globalErrors ?? []).length === 0 &&
    !sn &&
    run.tests.length > 0 &&
    criteria.every((c) => c.status === 'pass' || c.status === 'not-evaluated') &&
    triggers.every((t) => !t.fired) &&
    expected.every((p) => {
      const f = flows.find((x) => x.name === p);
      return f ? f.status === 'passed' || (f.status === 'flaky' && run.allowFlaky) : projectsSeen.has(p);
    });

  if (go && flows.some((f) => f.status === 'flaky')) notes.push('flaky passes were allowed (FLOWGATE_ALLOW_FLAKY=1)');
  if (!go && notes.length === 0) notes.push('NO-GO: not every required check passed'); // never a NO-GO without a reason

  return {
    verdict: go ? 'GO' : 'NO-GO',
    target: run.target,
    ...(run.runId ? { runId: run.runId } : {}),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    allowFlaky: run.allowFlaky,
    criteria,
    triggers,
    flows,
    notes,
    ...(findings0.length ? { gapFindings: findings0 } : {}),
    couldNotEvaluate,
  };
}

/** 0 GO, 1 NO-GO, 2 could not evaluate (preflight failed on configuration or infrastructure, or nothing ran). */
export function exitCode(result: Pick<VerdictResult, 'verdict' | 'couldNotEvaluate'>, opts: { couldNotEvaluate?: boolean } = {}): 0 | 1 | 2 {
  if (opts.couldNotEvaluate ?? result.couldNotEvaluate) return 2;
  return result.verdict === 'GO' ? 0 : 1;
}

const FLOW_MARK: Record<FlowStatus, string> = { passed: '✅ passed', failed: '❌ failed', flaky: '⚠️ flaky', skipped: '⏭️ skipped', 'not-run': '⛔ not-run' };
const CRIT_MARK: Record<CriterionStatus, string> = { pass: '✅ pass', fail: '❌ fail', 'not-run': '⛔ not-run', 'not-evaluated': '➖ not evaluated' };
const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** go-no-go.md: the same content as go-no-go.json, for people. */
export function renderMarkdown(r: VerdictResult): string {
  const out: string[] = [];
  out.push(`# Go/No-Go: **${r.verdict}**`, '');
  out.push(`- target: ${r.target.name}${r.target.kongUrl ? ` (${r.target.kongUrl})` : ''}`);
  if (r.runId) out.push(`- run: ${r.runId}`);
  out.push(`- started: ${r.startedAt}`, `- finished: ${r.finishedAt}`);
  if (r.exitCode !== undefined) out.push(`- exit code: ${r.exitCode}${r.couldNotEvaluate ? ' (could not evaluate)' : ''}`);
  out.push(`- flaky passes ${r.allowFlaky ? 'allowed' : 'count as NO-GO'}`, '');
  if (r.notes.length) {
    out.push('## Why', '');
    for (const n of r.notes) out.push(`- ${n.split('\n').map((l) => l.replace(/\|/g, '\\|').trim()).filter(Boolean).join('\n  ')}`);
    out.push('');
  }
  out.push('## Criteria (seed §7)', '', '| # | criterion | status | detail |', '|---|---|---|---|');
  for (const c of r.criteria) out.push(`| ${c.id} | ${md(c.title)} | ${CRIT_MARK[c.status]} | ${md(c.detail)} |`);
  out.push('', '## No-Go triggers', '', '| trigger | fired | detail |', '|---|---|---|');
  for (const t of r.triggers) out.push(`| ${md(t.title)} (\`${t.id}\`) | ${t.fired ? '🔥 FIRED' : t.status === 'clear' ? 'no' : t.status} | ${md(t.detail)} |`);
  out.push('', '## Flows', '', '| flow | status | duration | failing step |', '|---|---|---|---|');
  for (const f of r.flows)
    out.push(`| ${f.name} | ${FLOW_MARK[f.status]} | ${formatMs(f.durationMs)} | ${f.failingStep ? md(`${f.failingStep.title}: ${f.failingStep.error}`) : ''} |`);
  for (const f of r.flows) {
    if (!f.steps.length) continue;
    out.push('', `### ${f.name}`, '');
    for (const s of f.steps) out.push(`- ${s.status === 'passed' ? '✅' : s.status === 'failed' ? '❌' : '⏭️'} ${md(s.title)} (${formatMs(s.durationMs)})${s.error ? ` — ${md(s.error)}` : ''}`);
  }
  out.push('', '## Evidence', '');
  for (const c of r.criteria.filter((x) => x.status !== 'not-evaluated')) {
    out.push(`### Criterion ${c.id}: ${md(c.title)} — ${CRIT_MARK[c.status]}`, '');
    if (!c.evidence.length) out.push('- no test gave evidence');
    for (const e of c.evidence) {
      out.push(`- **${md(e.test)}** (${e.project}): ${e.status}${e.retries ? `, ${e.retries} retr${e.retries === 1 ? 'y' : 'ies'}` : ''}, ${formatMs(e.durationMs)}`);
      if (e.failingStep) out.push(`  - failing step: ${md(e.failingStep.title)} (${e.failingStep.category}): ${md(e.failingStep.error)}`);
      for (const m of e.missing) out.push(`  - missing: ${md(m.detail)}`);
      for (const o of e.observed) out.push(`  - observed ${o.kind}${o.name ? ` ${md(o.name)}` : ''}: ${md(o.summary)}`);
    }
    out.push('');
  }
  return out.join('\n') + '\n';
}

// Always at least one space between columns; an over-long cell is cut with an ellipsis.
const pad = (s: string, n: number) => (s.length >= n ? `${s.slice(0, n - 2)}… ` : s + ' '.repeat(n - s.length));

/** The short table printed at the end of a run. */
export function renderConsoleTable(r: VerdictResult): string {
  const lines: string[] = [];
  const bar = '─'.repeat(78);
  lines.push(bar, `flowgate verdict: ${r.verdict}${r.couldNotEvaluate ? ' (could not evaluate)' : ''}   target: ${r.target.name}${r.target.kongUrl ? ` ${r.target.kongUrl}` : ''}${r.runId ? `   run: ${r.runId}` : ''}`, bar);
  lines.push(`${pad('criterion', 64)}${pad('status', 15)}evidence`);
  for (const c of r.criteria) {
    const n = c.evidence.reduce((a, e) => a + e.observed.length, 0);
    lines.push(`${pad(`${String(c.id).padStart(2)} ${c.title}`, 64)}${pad(c.status, 15)}${c.status === 'not-evaluated' ? '' : String(n)}`);
  }
  const fired = r.triggers.filter((t) => t.fired);
  lines.push('', `triggers fired: ${fired.length ? '' : 'none'}`);
  for (const t of fired) lines.push(`  ${t.id}: ${firstLine(t.detail).slice(0, 160)}`);
  lines.push('', `${pad('flow', 13)}${pad('status', 9)}${pad('duration', 10)}failing step / error`);
  for (const f of r.flows) {
    const fail = f.failingStep ? `${f.failingStep.title}: ${f.failingStep.error}` : '';
    lines.push(`${pad(f.name, 13)}${pad(f.status, 9)}${pad(formatMs(f.durationMs), 10)}${fail.slice(0, 200)}`);
  }
  if (r.notes.length) {
    lines.push('', 'notes:');
    for (const n of r.notes) {
      const [head, ...rest] = n.split('\n').filter((l) => l.trim() !== '');
      lines.push(`  - ${head.slice(0, 220)}`);
      for (const l of rest.slice(0, 12)) lines.push(`    ${l.trim().slice(0, 200)}`);
    }
  }
  lines.push(bar);
  return lines.join('\n') + '\n';
}
