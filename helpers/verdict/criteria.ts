// The seed §7 table: one evaluator per Go criterion and per No-Go trigger, each deciding its status from the run's evidence.
import { firstLine } from '../errors';
import { AUDIT_PROBES, BYPASS_FLOW, type Evidence, FLOWS, PREFLIGHT_PROJECT, SECRETS_EVIDENCE } from './evidence';
import { evaluateGaps } from './gaps';
import { transportCriterion } from './verdict-transport';
import { WIRE_EVIDENCE } from '../wire';
import { HEALTH_EVIDENCE, healthNotChecked, type HealthCheck } from './health';
import { p0Label, p0ServiceNames } from '../../contracts/p0-services';
import {
  criterionFromFlows,
  type CriterionEvidence,
  type CriterionStatus,
  describeFlow,
  evidenceOf,
  type FlowResult,
  flowOfTest,
  type RunModel,
  type TestModel,
  testFlowStatus,
  type TriggerResult,
} from './run';

/** What an evaluator reads: the run, its tests grouped by flow, and the flows' results. */
export interface RunContext {
  run: RunModel;
  flows: FlowResult[];
  flow(name: string): FlowResult;
  testsOfFlow(name: string): TestModel[];
  /** tests of the named flows, plus every test tagged `@criterion-<id>` */
  testsFor(flows: readonly string[], id: number): TestModel[];
}

export interface CriterionOutcome {
  status: CriterionStatus;
  detail: string;
  evidence: CriterionEvidence[];
}

export interface CriterionEvaluator {
  id: number;
  title: string;
  /** the seed's verification method */
  verification: string;
  evaluate(ctx: RunContext): CriterionOutcome;
}

export type TriggerOutcome = Omit<TriggerResult, 'id' | 'title'>;

export interface TriggerEvaluator {
  id: string;
  title: string;
  evaluate(ctx: RunContext, criteria: ReadonlyMap<number, CriterionOutcome>): TriggerOutcome;
}

/** Until a check for it exists, a criterion waits for a person: it is never silently counted as met. */
const awaiting = (why: string) => (): CriterionOutcome => ({ status: 'awaiting-sign-off', detail: why, evidence: [] });

const bad = (t: TestModel, allowFlaky: boolean) => testFlowStatus(t) === 'failed' || (testFlowStatus(t) === 'flaky' && !allowFlaky);
const unfinished = (t: TestModel) => testFlowStatus(t) === 'not-run' || testFlowStatus(t) === 'skipped';
const named = (ts: TestModel[]) => ts.map((t) => `"${t.title}" (${t.project}) ${testFlowStatus(t)}`).join('; ');

/**
 * A criterion decided by the tests tagged `@criterion-<id>`: pass when all of them passed, fail when one failed,
 * not-run when one did not finish; `whenNone` when the run has no such test at all.
 */
export function fromTagged(id: number, whenNone: () => CriterionOutcome) {
  return (ctx: RunContext): CriterionOutcome => {
    const tests = ctx.run.tests.filter((t) => t.tags.includes(`@criterion-${id}`));
    if (tests.length === 0) return whenNone();
    const evidence = tests.map((t) => evidenceOf(t));
    const failed = tests.filter((t) => bad(t, ctx.run.allowFlaky));
    if (failed.length) return { status: 'fail', detail: failed.map((t) => `"${t.title}" failed: ${evidenceOf(t).failingStep?.error ?? testFlowStatus(t)}`).join('; '), evidence };
    const missing = tests.filter(unfinished);
    if (missing.length) return { status: 'not-run', detail: `${named(missing)}`, evidence };
    return { status: 'pass', detail: `${tests.length} check${tests.length === 1 ? '' : 's'} passed: ${tests.map((t) => t.title).join('; ')}`, evidence };
  };
}

/** A criterion decided by flows: each must pass; a failing test tagged for the criterion elsewhere cannot be outvoted. */
function fromFlows(names: readonly string[], id: number) {
  return (ctx: RunContext): CriterionOutcome => {
    const tests = ctx.testsFor(names, id);
    let r = criterionFromFlows(names.map(ctx.flow), ctx.run.allowFlaky);
    const extra = tests.filter((t) => !names.includes(flowOfTest(t) ?? ''));
    const extraBad = extra.filter((t) => bad(t, ctx.run.allowFlaky));
    if (extraBad.length && r.status !== 'fail') r = { status: 'fail', detail: `${named(extraBad)}${r.detail ? `; ${r.detail}` : ''}` };
    return { ...r, evidence: tests.map((t) => evidenceOf(t)) };
  };
}

export const isAuditRow = (probe: string) => (e: Evidence) => e.kind === 'row' && (e.name === probe || (e.name === undefined && e.summary.includes(probe)));

function auditRows(ctx: RunContext): CriterionOutcome {
  const tests = ctx.testsFor(['auth'], 12);
  const authTests = tests.filter((t) => flowOfTest(t) === 'auth');
  const rows = (e: Evidence) => e.kind === 'row' && AUDIT_PROBES.some((p) => isAuditRow(p)(e));
  return { ...criterion12(authTests, ctx.flow('auth')), evidence: tests.map((t) => evidenceOf(t, rows)) };
}

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

/** Criterion 10: preflight's health answers of every P0 service (200, body fits `Health`, status ok), with latency. */
function health(ctx: RunContext): CriterionOutcome {
  const preflight = ctx.run.tests.filter((t) => t.project === PREFLIGHT_PROJECT);
  const isHealth = (e: Evidence) => e.kind === 'probe' && e.name === HEALTH_EVIDENCE;
  const evidence = preflight.map((t) => evidenceOf(t, isHealth));
  const checks = preflight.flatMap((t) => t.evidence.filter(isHealth)).flatMap((e) => (Array.isArray(e.data) ? (e.data as HealthCheck[]) : []));
  if (checks.length === 0) return { status: 'not-run', detail: 'preflight did not check the health endpoints', evidence };
  const bad = checks.filter((h) => !h.ok);
  if (bad.length) return { status: 'fail', detail: bad.map((h) => `${p0Label(h.service)}: ${h.path} ${h.problem}`).join('; '), evidence };
  // Counted against seed §1's P0 list, not against whatever preflight chose to ask.
  const missing = healthNotChecked(p0ServiceNames(), checks);
  if (missing.length) return { status: 'not-run', detail: `no health answer for seed P0 service(s) ${missing.map(p0Label).join(', ')}`, evidence };
  return { status: 'pass', detail: `all ${p0ServiceNames().length} seed P0 services answered status ok naming themselves: ${checks.map((h) => `${p0Label(h.service)} ${h.latencyMs} ms`).join(', ')}`, evidence };
}

/** Criterion 1: one row per P0 gap (helpers/gaps.ts). */
function gaps(ctx: RunContext): CriterionOutcome {
  return evaluateGaps(ctx.run.tests, ctx.run.allowFlaky);
}

/** The evidence named `name` that the tests tagged for criterion `id` recorded. */
function taggedEvidence(ctx: RunContext, id: number, name: string) {
  const tests = ctx.run.tests.filter((t) => t.tags.includes(`@criterion-${id}`));
  return { tests, items: tests.flatMap((t) => t.evidence.filter((e) => e.name === name)) };
}

/** Criterion 3: the scan of FLOWGATE_SOURCE_DIR (fixtures/secret-scan.ts); without a directory there is nothing to see, so a person decides. */
function secrets(ctx: RunContext): CriterionOutcome {
  const { items } = taggedEvidence(ctx, 3, SECRETS_EVIDENCE);
  const decided = fromTagged(3, () => ({ status: 'not-run', detail: 'the secret scan did not run (project source)', evidence: [] }))(ctx);
  type Scan = { scanned?: boolean; given?: boolean; notRun?: string; dir?: string; files?: number; history?: { commits: number; complete: boolean }; findings?: { file: string; line: number; rule: string; commit?: string }[] };
  const scans = items.map((e) => e.data as Scan | undefined);
  const findings = scans.flatMap((d) => d?.findings ?? []);
  // The findings themselves (file:line, the commit when only the history has it, rule; the value is never kept), not only the test's first error line.
  if (decided.status === 'fail' && findings.length)
    return { ...decided, detail: `${findings.length} hardcoded secret(s): ${findings.map((f) => `${f.file}:${f.line}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ''} ${f.rule}`).join('; ')}` };
  if (decided.status !== 'pass') return decided;
  if (scans.length === 0) return { ...decided, status: 'not-run', detail: 'the secret scan passed but recorded no evidence of what it scanned' };
  // A source was given but nothing in it was scanned (empty, wrong, or no service source; history cut short): fail closed.
  const notRun = scans.filter((d) => d?.given && (d.notRun || !d.scanned));
  if (notRun.length) return { ...decided, status: 'not-run', detail: notRun.map((d) => `FLOWGATE_SOURCE_DIR given but not scanned: ${d!.notRun ?? 'no scan result'}`).join('; ') };
  if (scans.some((d) => !d?.scanned))
    return { ...decided, status: 'awaiting-sign-off', detail: 'FLOWGATE_SOURCE_DIR not set: the deployed source was not scanned; a sign-off decides' };
  const history = (d: Scan) => (d.history ? ` and ${d.history.commits} commits of its git history` : '');
  return { ...decided, detail: scans.map((d) => `secretlint (recommended preset, database connection strings) and flowgate rules: ${d!.files} files in ${d!.dir}${history(d!)}, no finding`).join('; ') };
}

/** Criterion 11: the repository half (contracts additive since 1.0) and the wire half (every message each test caused). */
function contractsFrozen(ctx: RunContext): CriterionOutcome {
  const repo = fromTagged(11, () => ({ status: 'not-run', detail: 'the frozen-contract check did not run (project source)', evidence: [] }))(ctx);
  const wireTests = [...FLOWS, BYPASS_FLOW].flatMap((f) => ctx.testsOfFlow(f));
  const isWire = (e: Evidence) => e.name === WIRE_EVIDENCE;
  const evidence = [...repo.evidence, ...wireTests.map((t) => evidenceOf(t, isWire))];
  const broken = wireTests.filter((t) => (t.steps.find((s) => s.status === 'failed')?.error ?? t.error)?.message.includes('ContractViolation: event on'));
  if (broken.length || repo.status === 'fail') {
    const onWire = broken.map((t) => `"${t.title}": ${firstLine((t.steps.find((s) => s.status === 'failed')?.error ?? t.error)!.message)}`);
    return { status: 'fail', detail: [...(repo.status === 'fail' ? [repo.detail] : []), ...onWire].join('; '), evidence };
  }
  const unchecked = wireTests.filter((t) => !t.evidence.some(isWire));
  if (repo.status !== 'pass' || unchecked.length || wireTests.length === 0)
    return { status: 'not-run', detail: [...(repo.status !== 'pass' ? [repo.detail] : []), ...(unchecked.length ? [`no wire check for ${unchecked.map((t) => `"${t.title}" (${testFlowStatus(t)})`).join(', ')}`] : []), ...(wireTests.length ? [] : ['no flow ran'])].join('; '), evidence };
  const totals = wireTests.flatMap((t) => t.evidence.filter(isWire)).reduce((a, e) => ({ checked: a.checked + Number((e.data as any)?.checked ?? 0), others: a.others + Number((e.data as any)?.others ?? 0) }), { checked: 0, others: 0 });
  return { status: 'pass', detail: `contracts additive since the frozen 1.0 baseline; ${totals.checked} messages of this run checked against asyncapi.yaml across ${wireTests.length} tests, ${totals.others} other messages counted`, evidence };
}

/** Criteria 4, 5, 6: the transport project's connection tests and the endpoints they recorded (verdict-transport.ts). */
function transport(id: number) {
  return (ctx: RunContext): CriterionOutcome => {
    const r = transportCriterion(id, ctx.run.tests, (t) => testFlowStatus(t as TestModel), ctx.run.allowFlaky);
    const tagged = ctx.run.tests.filter((t) => t.tags.includes(`@criterion-${id}`));
    return { status: r.status, detail: r.detail, evidence: tagged.map((t) => evidenceOf(t, (e) => e.kind === 'transport')) };
  };
}

/** Seed §7 Go criteria: id, title, verification method, and how a run decides each. A new criterion is one entry. */
export const CRITERIA: readonly CriterionEvaluator[] = [
  { id: 1, title: 'All P0 gaps remediated', verification: 'Code review + deployment verification', evaluate: gaps },
  { id: 2, title: 'All 4 E2E flow smoke tests pass', verification: 'Automated test scripts on staging', evaluate: fromFlows(FLOWS, 2) },
  { id: 3, title: 'No hardcoded secrets in any deployed service', verification: 'grep audit of docker-compose, .env, source', evaluate: secrets },
  { id: 4, title: 'TLS enforced on all external endpoints', verification: 'curl -k test against Kong + all public ports', evaluate: transport(4) },
  { id: 5, title: 'Kafka SSL enabled for all producers/consumers', verification: 'Config audit + connection test', evaluate: transport(5) },
  { id: 6, title: 'Redis TLS enabled for all services', verification: 'Config audit + connection test', evaluate: transport(6) },
  { id: 7, title: 'Auth flow: register → login → access → logout works E2E', verification: 'Flow 1 smoke test', evaluate: fromFlows(['auth'], 7) },
  { id: 8, title: 'Scan flow: create → scan → results works E2E', verification: 'Flow 2 smoke test', evaluate: fromFlows(['scan'], 8) },
  { id: 9, title: 'Payment flow: checkout → pay → subscription active works E2E', verification: 'Flow 4 smoke test', evaluate: fromFlows(['payment'], 9) },
  { id: 10, title: 'All P0 services have health endpoints responding', verification: 'Health check script', evaluate: health },
  { id: 11, title: 'Kafka event contracts frozen and documented', verification: 'This document', evaluate: contractsFrozen },
  { id: 12, title: 'Audit logs exist for auth events (login/logout/register)', verification: 'DB query verification', evaluate: auditRows },
];

export const CRITERION_IDS: readonly number[] = CRITERIA.map((c) => c.id);

/** A trigger that fires when any of its criteria failed; clear when none failed and none went unchecked. */
function fromCriteria(ids: number[], clearText: string) {
  return (_ctx: RunContext, criteria: ReadonlyMap<number, CriterionOutcome>): TriggerOutcome => {
    const failed = ids.filter((id) => criteria.get(id)?.status === 'fail');
    if (failed.length) return { fired: true, status: 'fired', detail: failed.map((id) => `criterion ${id}: ${criteria.get(id)!.detail}`).join('; ') };
    const unrun = ids.filter((id) => criteria.get(id)?.status === 'not-run');
    if (unrun.length) return { fired: false, status: 'not-run', detail: `criteria ${unrun.join(', ')} not run` };
    // Not fired, but not ruled out by this run either while a person still has to look.
    const waiting = ids.filter((id) => criteria.get(id)?.status === 'awaiting-sign-off');
    if (waiting.length) return { fired: false, status: 'not-run', detail: `nothing found by this run; criteri${waiting.length === 1 ? 'on' : 'a'} ${waiting.join(', ')} awaiting sign-off` };
    return { fired: false, status: 'clear', detail: clearText };
  };
}
const failingOrFlaky = (f: FlowResult, allowFlaky: boolean) => f.status === 'failed' || (f.status === 'flaky' && !allowFlaky);
const passedOrAllowed = (f: FlowResult, allowFlaky: boolean) => f.status === 'passed' || (f.status === 'flaky' && allowFlaky);

function flowFailing(ctx: RunContext): TriggerOutcome {
  const e2e = FLOWS.map(ctx.flow);
  const failing = e2e.filter((f) => failingOrFlaky(f, ctx.run.allowFlaky));
  const unrun = e2e.filter((f) => f.status === 'not-run' || f.status === 'skipped');
  return {
    fired: failing.length > 0,
    status: failing.length ? 'fired' : unrun.length ? 'not-run' : 'clear',
    detail: failing.length
      ? failing.map((f) => describeFlow(f, ctx.run.allowFlaky)).join('; ')
      : unrun.length
        ? `no failure seen, but ${unrun.map((f) => f.name).join(', ')} did not run`
        : 'all four flows passed',
  };
}

function authBypass(ctx: RunContext): TriggerOutcome {
  const { run } = ctx;
  const bypassTests = ctx.testsOfFlow(BYPASS_FLOW);
  const findings = run.tests.flatMap((t) => t.findings.map((f) => ({ ...f, test: t.title })));
  const bypassErrors = run.tests.filter((t) => testFlowStatus(t) !== 'passed' && (t.error?.category === 'auth bypass' || t.steps.some((s) => s.error?.category === 'auth bypass')));
  const bypassFlow = ctx.flow(BYPASS_FLOW);
  const probeErrors = run.tests.filter((t) => testFlowStatus(t) !== 'passed' && (t.error?.category === 'auth probe error' || t.steps.some((s) => s.error?.category === 'auth probe error')));
  let detail: string;
  if (findings.length) {
    const byRoute = new Map<string, string[]>();
    for (const f of findings) byRoute.set(f.route, [...(byRoute.get(f.route) ?? []), `${f.tokenKind} token → ${f.status}`]);
    detail = [...byRoute].map(([route, kinds]) => `${route} accepted ${kinds.join(', ')}`).join('; ');
  } else if (bypassErrors.length) {
    const t = bypassErrors[0];
    detail = firstLine((t.steps.find((s) => s.error?.category === 'auth bypass')?.error ?? t.error)?.message);
  } else if (probeErrors.length) {
    // A 5xx is not a bypass (nothing was served), but it does not rule one out either: the trigger stays not-run.
    const t = probeErrors[0];
    detail = `bypass not ruled out: ${(t.steps.find((s) => s.error?.category === 'auth probe error')?.error ?? t.error)?.message.replace(/\s*\n\s*/g, ' ')}`;
  } else if (passedOrAllowed(bypassFlow, run.allowFlaky)) {
    detail = `every protected route answered 401 to every bad token (${bypassTests.length} test${bypassTests.length === 1 ? '' : 's'})`;
  } else {
    detail = `bypass not ruled out: ${describeFlow(bypassFlow, run.allowFlaky)}`;
  }
  const fired = findings.length > 0 || bypassErrors.length > 0;
  return {
    fired,
    status: fired ? 'fired' : passedOrAllowed(bypassFlow, run.allowFlaky) ? 'clear' : 'not-run',
    detail,
    ...(findings.length ? { findings } : {}),
  };
}

function paymentBroken(ctx: RunContext): TriggerOutcome {
  const pay = ctx.flow('payment');
  const fired = failingOrFlaky(pay, ctx.run.allowFlaky);
  return { fired, status: fired ? 'fired' : pay.status === 'passed' || pay.status === 'flaky' ? 'clear' : 'not-run', detail: describeFlow(pay, ctx.run.allowFlaky) };
}

/** Seed §7 No-Go triggers, each with its evaluator (which may read the criteria's outcomes). */
export const TRIGGERS: readonly TriggerEvaluator[] = [
  { id: 'p0-gap-not-remediated', title: 'Any P0 gap not remediated', evaluate: fromCriteria([1], 'no P0 gap found open') },
  { id: 'flow-failing', title: 'Any E2E flow smoke test failing', evaluate: flowFailing },
  { id: 'hardcoded-secret', title: 'Hardcoded secret found in production config', evaluate: fromCriteria([3], 'no hardcoded secret found') },
  { id: 'tls-not-enforced', title: 'TLS not enforced on external-facing endpoint', evaluate: fromCriteria([4, 5, 6], 'no plaintext endpoint found') },
  { id: 'auth-bypass', title: 'Auth bypass possible on any P0 service', evaluate: authBypass },
  { id: 'payment-broken', title: 'Payment flow broken (Stripe integration)', evaluate: paymentBroken },
];
