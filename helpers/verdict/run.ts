// The run model the verdict reads (tests, steps, evidence) and the primitives every criterion evaluator shares: flow status, failing step, evidence.
import type { GapFinding } from './verdict-transport';
import { type Category, firstLine, type StructuredFailure } from '../errors';
import { TAGGED_FLOWS } from '../../contracts/flows';
import type { BypassFinding, Evidence } from './evidence';
import type { SignOff } from './signoffs';
import type { TargetKind } from '../config/target';
import type { Inventory } from './inventory';

export type TestStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
export type TestOutcome = 'expected' | 'unexpected' | 'flaky' | 'skipped';
export type StepStatus = 'passed' | 'failed' | 'skipped' | 'not-run';
export type FlowStatus = 'passed' | 'failed' | 'flaky' | 'skipped' | 'not-run';
/**
 * pass / fail / not-run: decided by this run's evidence. awaiting-sign-off: no run can see it (a code review, a source
 * the harness was not given); signed-off: a named person vouched for it in the FLOWGATE_SIGNOFFS file.
 */
export type CriterionStatus = 'pass' | 'fail' | 'not-run' | 'awaiting-sign-off' | 'signed-off';

export interface ErrorModel {
  message: string;
  category: Category;
}

/** The failing step as the verdict reports it; expected/observed/probe when the step attached a structured failure. */
export interface FailingStep {
  title: string;
  category: Category;
  error: string;
  probe?: string;
  expected?: string;
  observed?: string;
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
  flakyFailure?: { attempt: number; step?: string; error: ErrorModel; failure?: StructuredFailure };
  /** the structured failures its steps attached (FAILURE_ATTACHMENT), innermost step first */
  failures?: StructuredFailure[];
  /** the attempts before the last, first first (only with retries): what each saw, so a defect in one is not lost */
  earlier?: AttemptModel[];
  /** set by the verdict when an earlier attempt's defect decided the test instead of the last attempt (helpers/attempts.ts) */
  decidedBy?: { attempt: number; of: number; defects: string[] };
}

/** One attempt of a test as the reporter read it: the same fields as the last attempt's in TestModel. */
export interface AttemptModel {
  /** 1-based */
  attempt: number;
  status: TestStatus;
  steps: StepModel[];
  error?: ErrorModel;
  evidence: Evidence[];
  failures?: StructuredFailure[];
}

export interface RunModel {
  /** kind: FLOWGATE_TARGET as decided before the run (helpers/target.ts); name: FLOWGATE_TARGET_NAME, else a staging target's gateway host (targetName) */
  target: { name: string; kind?: TargetKind; kongUrl?: string };
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
  /** sign-offs read from FLOWGATE_SIGNOFFS */
  signoffs?: SignOff[];
  /** how many days a sign-off stands (FLOWGATE_SIGNOFF_MAX_AGE_DAYS); default 30 */
  signoffMaxAgeDays?: number;
  /** what a complete run contains; default the whole catalogue (helpers/catalogue.ts) */
  inventory?: Inventory;
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
  failingStep?: FailingStep;
  /** what the test saw: events, rows, redis keys, exchanges, screenshots */
  observed: ObservedItem[];
  /** what a failing step waited for and never saw (events not observed, rows not found) */
  missing: { step: string; category: Category; detail: string }[];
}

export interface CriterionResult {
  id: number;
  title: string;
  /** the criterion's verification method */
  verification: string;
  status: CriterionStatus;
  detail: string;
  evidence: CriterionEvidence[];
  /** criterion 1: one row per P0 gap */
  rows?: GapRow[];
  /** who vouched for it, when a sign-off decided it */
  signoff?: SignOff;
}

/** One P0 gap as criterion 1 sees it. */
export interface GapRow {
  gap: string;
  service: string;
  status: 'remediated' | 'open' | 'needs code review' | 'not-run' | 'signed-off';
  /** the checks that show it, or why it is open / unconfirmed */
  detail: string;
  checks: string[];
  /** a review row a criterion-1 sign-off names in its `covers` */
  signoff?: SignOff;
}

export interface TriggerResult {
  id: string;
  title: string;
  fired: boolean;
  status: 'fired' | 'clear' | 'not-run';
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
  failingStep?: FailingStep;
  steps: { title: string; status: StepStatus; durationMs: number; error?: string; category?: Category }[];
}

export interface VerdictResult {
  /** where the verdict was reached: the Node that ran it, flowgate's and the libraries' versions (the reporter adds it) */
  environment?: Record<string, string>;
  /** the automated evidence: GO when nothing failed, nothing required is missing and no trigger fired */
  verdict: 'GO' | 'NO-GO';
  /** ready when all twelve criteria are pass or signed-off */
  release: 'ready' | 'awaiting-sign-off';
  /** criteria waiting for a named sign-off */
  awaitingSignOff: number[];
  /** the sign-offs the run read, each with what became of it */
  signoffs: (SignOff & { applied: boolean; reason?: string })[];
  target: { name: string; kind?: TargetKind; kongUrl?: string };
  runId?: string;
  startedAt: string;
  finishedAt: string;
  allowFlaky: boolean;
  criteria: CriterionResult[];
  triggers: TriggerResult[];
  flows: FlowResult[];
  notes: string[];
  /**
   * What the run left out compared with the catalogue (a project, a numbered step, a bypass probe, a check); non-empty is
   * never GO. A list of its own rather than a No-Go trigger: the six No-Go triggers are about the platform, this is about the run.
   */
  incomplete: string[];
  /** P0 gap findings the connection tests recorded (P0-06: a database server accepting plaintext); criterion 1 reads them */
  gapFindings?: GapFinding[];
  /** true when the harness could not evaluate at all (preflight failed on configuration/infrastructure, nothing ran) */
  couldNotEvaluate: boolean;
  /** the intended process exit code (0 GO, 1 NO-GO, 2 could not evaluate); the reporter fills it in */
  exitCode?: number;
}

/** The flow a test belongs to: its project when that is a flow, else its `@flow-<name>` tag. */
export function flowOfTest(t: Pick<TestModel, 'project' | 'tags'>): string | undefined {
  const flows: readonly string[] = TAGGED_FLOWS;
  if (flows.includes(t.project)) return t.project;
  const tag = t.tags.find((x) => x.startsWith('@flow-'))?.slice('@flow-'.length);
  return tag && flows.includes(tag) ? tag : undefined;
}

/** One test's status as the verdict sees it (fail closed: anything that did not complete is not a pass). */
export function testFlowStatus(t: TestModel): FlowStatus {
  if (t.ran === false || t.status === 'interrupted') return 'not-run';
  if (t.outcome === 'flaky') return 'flaky';
  if (t.outcome === 'unexpected') return 'failed';
  if (t.outcome === 'skipped' || t.status === 'skipped') return 'skipped';
  // A pass with a skipped or never-reached step did not run the whole numbered script.
  if (t.steps.some((s) => s.status === 'failed')) return 'failed';
  if (t.steps.some((s) => s.status === 'skipped' || s.status === 'not-run')) return 'skipped';
  return 'passed';
}

const RANK: FlowStatus[] = ['failed', 'not-run', 'skipped', 'flaky', 'passed'];
export function worst(statuses: FlowStatus[]): FlowStatus {
  if (statuses.length === 0) return 'not-run';
  return RANK.find((r) => statuses.includes(r))!;
}

/** The structured failure a step attached, if it did (the harness's own steps do; a bare test.step does not). */
export function failureOfStep(t: Pick<TestModel, 'failures'>, title: string): StructuredFailure | undefined {
  return t.failures?.find((f) => f.step === title);
}

const fields = (f: StructuredFailure | undefined) => (f ? { probe: f.probe, expected: f.expected, observed: f.observed } : {});

/** A step's error with its category from the structured failure first; the text classification only for errors nobody typed. */
export function stepError(t: TestModel, s: StepModel): ErrorModel | undefined {
  const err = s.error ?? (s.status === 'failed' ? t.error : undefined);
  const f = failureOfStep(t, s.title);
  if (!err && !f) return undefined;
  return { message: err?.message ?? f!.error, category: f?.category ?? err!.category };
}

export function failingStepOf(t: TestModel): CriterionEvidence['failingStep'] {
  if (t.flakyFailure && testFlowStatus(t) === 'flaky') {
    const f = t.flakyFailure;
    return { title: `${f.step ?? '(outside any step)'} (attempt ${f.attempt})`, category: f.failure?.category ?? f.error.category, error: firstLine(f.error.message), ...fields(f.failure) };
  }
  const s = t.steps.find((x) => x.status === 'failed');
  if (s) {
    const err = stepError(t, s);
    return { title: s.title, category: err?.category ?? 'unknown', error: firstLine(err?.message) || `step failed (test ${t.status})`, ...fields(failureOfStep(t, s.title)) };
  }
  const st = testFlowStatus(t);
  if (st === 'failed' || st === 'flaky' || (t.error && st !== 'passed')) {
    // Failed outside any test.step (a fixture, a hook, a timeout between steps).
    return { title: '(outside any step)', category: t.error?.category ?? (t.status === 'timedOut' ? 'budget exceeded' : 'unknown'), error: firstLine(t.error?.message) || `test ${t.status}` };
  }
  return undefined;
}

const MISSING_CATEGORIES: Category[] = ['event not observed', 'database state', 'contract violation', 'budget exceeded'];

export function evidenceOf(t: TestModel, filter: (e: Evidence) => boolean = () => true): CriterionEvidence {
  const failingStep = failingStepOf(t);
  const status = testFlowStatus(t);
  const missing: CriterionEvidence['missing'] = [];
  const failed = t.steps.find((x) => x.status === 'failed');
  const err = (failed && stepError(t, failed)) ?? t.error;
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

export function flowResult(name: string, tests: TestModel[]): FlowResult {
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
        ...(s.error ? { error: firstLine(s.error.message), category: stepError(t, s)?.category ?? s.error.category } : {}),
      })),
    ),
  };
}

export function describeFlow(f: FlowResult, allowFlaky: boolean): string {
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

export function criterionFromFlows(flows: FlowResult[], allowFlaky: boolean): { status: CriterionStatus; detail: string } {
  const bad = flows.filter((f) => f.status === 'failed' || (f.status === 'flaky' && !allowFlaky));
  if (bad.length) return { status: 'fail', detail: bad.map((f) => describeFlow(f, allowFlaky)).join('; ') };
  const missing = flows.filter((f) => f.status === 'not-run' || f.status === 'skipped');
  if (missing.length) return { status: 'not-run', detail: missing.map((f) => describeFlow(f, allowFlaky)).join('; ') };
  return { status: 'pass', detail: flows.map((f) => describeFlow(f, allowFlaky)).join('; ') };
}

