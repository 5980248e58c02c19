// The Go/No-Go computation: runs the criteria and the No-Go triggers over a run model, with the notes that say why (pure).
import { TAGGED_FLOWS } from '../../contracts/flows';
import { firstLine, truncate } from '../errors';
import { gapFindings } from './verdict-transport';
import { decidingAttempt } from './attempts';
import { CRITERIA, type CriterionOutcome, type RunContext } from './criteria';
import { TRIGGERS } from './triggers';
import { type SignOff, SIGNOFF_MAX_AGE_DAYS, signoffLapse } from './signoffs';
import { targetLabel } from '../config/target';
import { catalogueInventory } from './catalogue';
import { incompleteNote, missingFrom } from './completeness';
import { PREFLIGHT } from './projects';
import {
  type CriterionResult,
  describeFlow,
  failingStepOf,
  type FlowResult,
  flowOfTest,
  flowResult,
  type RunModel,
  type TestModel,
  testFlowStatus,
  type TriggerResult,
  type VerdictResult,
} from './run';

export * from './run';
export { CRITERIA, CRITERION_IDS } from './criteria';
export { TRIGGERS } from './triggers';

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

const unevaluable = (category: string) => category === 'configuration' || category === 'infrastructure unreachable';

/** Notes for a preflight or run error; true when it failed on configuration or infrastructure (nothing to evaluate). */
function preflightNotes(run: RunModel, notes: string[]): { preflightFailed: TestModel[]; couldNotEvaluate: boolean } {
  const preflight = run.tests.filter((t) => t.project === PREFLIGHT);
  const preflightFailed = preflight.filter((t) => ['failed', 'not-run'].includes(testFlowStatus(t)));
  let couldNotEvaluate = false;
  for (const t of preflightFailed) {
    const fs = failingStepOf(t);
    const category = t.error?.category ?? fs?.category ?? 'unknown';
    // The whole message, not its first line: a ConfigError lists every bad variable below its headline.
    const full = (t.steps.find((s) => s.status === 'failed')?.error ?? t.error)?.message?.trim();
    notes.push(`preflight "${t.title}" ${testFlowStatus(t)}${fs ? ` (${category}): ${truncate(full || fs.error, 2000)}` : ''}`);
    if (unevaluable(category)) couldNotEvaluate = true;
  }
  for (const e of run.globalErrors ?? []) {
    notes.push(`run error (${e.category}): ${firstLine(e.message)}`);
    if (unevaluable(e.category)) couldNotEvaluate = true;
  }
  return { preflightFailed, couldNotEvaluate };
}

/** The run's tests grouped by flow (the four and the probes), each flow's result, and the context the evaluators read. */
function contextOf(run: RunModel): RunContext {
  const byFlow = new Map<string, TestModel[]>(TAGGED_FLOWS.map((f) => [f, []]));
  for (const t of run.tests) {
    const f = flowOfTest(t);
    if (f) byFlow.get(f)!.push(t);
  }
  const flows = TAGGED_FLOWS.map((f) => flowResult(f, byFlow.get(f)!));
  return {
    run,
    flows,
    flow: (n) => flows.find((f) => f.name === n)!,
    testsOfFlow: (name) => byFlow.get(name) ?? [],
    testsFor: (names, id) => run.tests.filter((t) => names.includes(flowOfTest(t) ?? '') || t.tags.includes(`@criterion-${id}`)),
  };
}

/** A required project passed: a flow by its status (flaky when allowed), another project by having run. */
const passedProject = (run: RunModel, flows: FlowResult[], p: string) => {
  const f = flows.find((x) => x.name === p);
  return f ? f.status === 'passed' || (f.status === 'flaky' && run.allowFlaky) : run.tests.some((t) => t.project === p);
};

/** What keeps the run from being read whole: nothing ran, a required project missing or failing, a shard or a catalogue item missing. */
function coverageNotes(run: RunModel, flows: FlowResult[], notes: string[]) {
  const ranAny = run.tests.some((t) => testFlowStatus(t) !== 'not-run' && testFlowStatus(t) !== 'skipped');
  if (run.tests.length === 0) notes.push('no tests ran: an empty run proves nothing');
  else if (!ranAny) notes.push('no test ran to completion');
  const expected = run.expectedProjects ?? [...TAGGED_FLOWS];
  for (const p of expected) {
    const f = flows.find((x) => x.name === p);
    if (f && !passedProject(run, flows, p)) notes.push(describeFlow(f, run.allowFlaky));
    else if (!f && !passedProject(run, flows, p)) notes.push(`required project ${p} did not run`);
  }
  const shard = shardNote(run);
  if (shard) notes.push(shard);
  // The expected inventory comes from the catalogue, not from the suite: a filter removes tests before any reporter sees them.
  const incomplete = missingFrom(run.tests, run.inventory ?? catalogueInventory());
  return { ranAny, expected, shard, incomplete };
}

/** Every criterion's and trigger's result, sign-offs applied to the criteria. */
function evaluateAll(ctx: RunContext) {
  const outcomes = new Map<number, CriterionOutcome>();
  const criteria: CriterionResult[] = CRITERIA.map(({ id, title, verification, evaluate }) => {
    const o = evaluate(ctx);
    outcomes.set(id, o);
    return { id, title, verification, ...o };
  });
  const signoffs = applySignoffs(criteria, ctx.run.signoffs ?? [], ctx.run);
  const triggers: TriggerResult[] = TRIGGERS.map(({ id, title, evaluate }) => ({ id, title, ...evaluate(ctx, outcomes) }));
  return { criteria, signoffs, triggers };
}

/** Each reason once: a trigger or criterion whose detail is already a note is named without repeating it. */
function outcomeNotes(criteria: CriterionResult[], triggers: TriggerResult[], notes: string[]) {
  const said = (detail: string) => detail.split('; ').every((part) => notes.some((n) => n.includes(part)));
  for (const t of triggers) if (t.fired) notes.push(said(t.detail) ? `No-Go trigger fired: ${t.id}` : `No-Go trigger fired: ${t.id}: ${t.detail}`);
  for (const c of criteria)
    if (c.status === 'fail' || c.status === 'not-run') notes.push(said(c.detail) ? `criterion ${c.id} ${c.status}` : `criterion ${c.id} ${c.status}: ${c.detail}`);
}

/** The Go/No-Go verdict of a run. Fails closed: only a complete, clean run of every required flow is GO. */
export function computeVerdict(run: RunModel): VerdictResult {
  const notes: string[] = [];
  // A defect an earlier attempt found counts as if that attempt had been the last, whatever the retry did.
  run = { ...run, tests: run.tests.map(decidingAttempt) };
  for (const t of run.tests)
    if (t.decidedBy)
      notes.push(`"${t.title}" (${t.project}): attempt ${t.decidedBy.attempt} of ${t.decidedBy.of} found ${t.decidedBy.defects.join('; ')}; it decides the test, since a retry does not undo a defect (FLOWGATE_ALLOW_FLAKY forgives only what a retry can fix)`);
  const ctx = contextOf(run);
  const { flows } = ctx;
  const { preflightFailed, couldNotEvaluate: setupBroken } = preflightNotes(run, notes);
  const { ranAny, expected, shard, incomplete } = coverageNotes(run, flows, notes);
  const couldNotEvaluate = setupBroken || !ranAny;
  // When nothing could be evaluated, everything is missing; the reason is the preflight or run error above.
  if (incomplete.length && !couldNotEvaluate) notes.push(incompleteNote(incomplete));
  const findings = gapFindings(run.tests);
  for (const f of findings) notes.push(`${f.gap} finding: ${f.endpoint}: ${f.detail} ("${f.test}")`);

  const { criteria, signoffs, triggers } = evaluateAll(ctx);
  for (const s of signoffs) if (!s.applied) notes.push(`sign-off for criterion ${s.criterion} by ${s.by} ${s.reason}`);
  outcomeNotes(criteria, triggers, notes);

  const go =
    !couldNotEvaluate && preflightFailed.length === 0 && (run.globalErrors ?? []).length === 0 && !shard && incomplete.length === 0 && run.tests.length > 0 &&
    criteria.every((c) => c.status !== 'fail' && c.status !== 'not-run') && triggers.every((t) => !t.fired) && expected.every((p) => passedProject(run, flows, p));
  if (go && flows.some((f) => f.status === 'flaky')) notes.push('flaky passes were allowed (FLOWGATE_ALLOW_FLAKY=1)');
  if (!go && notes.length === 0) notes.push('NO-GO: not every required check passed'); // never a NO-GO without a reason

  return {
    verdict: go ? 'GO' : 'NO-GO',
    release: criteria.every((c) => c.status === 'pass' || c.status === 'signed-off') ? 'ready' : 'awaiting-sign-off',
    awaitingSignOff: criteria.filter((c) => c.status === 'awaiting-sign-off').map((c) => c.id),
    signoffs,
    target: run.target,
    ...(run.runId ? { runId: run.runId } : {}),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    allowFlaky: run.allowFlaky,
    criteria,
    triggers,
    flows,
    notes,
    incomplete,
    ...(findings.length ? { gapFindings: findings } : {}),
    couldNotEvaluate,
  };
}

/**
 * Sign-offs decide only what no run can see: a criterion awaiting sign-off becomes signed-off. Evidence beats opinion,
 * so a sign-off for a criterion the run decided (pass, fail, not-run) is ignored with the reason. A sign-off stands for
 * FLOWGATE_SIGNOFF_MAX_AGE_DAYS and only for the target it names; criterion 1's signs only the review rows it `covers`.
 */
function applySignoffs(criteria: CriterionResult[], signoffs: SignOff[], run: Pick<RunModel, 'finishedAt' | 'target' | 'signoffMaxAgeDays'>): VerdictResult['signoffs'] {
  const standing = { now: new Date(run.finishedAt), maxAgeDays: run.signoffMaxAgeDays ?? SIGNOFF_MAX_AGE_DAYS, target: run.target.name };
  return signoffs.map((s) => {
    const c = criteria.find((x) => x.id === s.criterion);
    if (!c) return { ...s, applied: false, reason: `criterion ${s.criterion} is not a compliance matrix §7 criterion` };
    if (c.status !== 'awaiting-sign-off')
      return { ...s, applied: false, reason: `ignored: the run decided criterion ${c.id} from evidence (${c.status}); evidence beats opinion${c.status === 'fail' ? ', and a failed criterion is never signed off' : ''}` };
    const lapse = signoffLapse(s, standing);
    if (lapse) return { ...s, applied: false, reason: `signs nothing: it ${lapse}; criterion ${c.id} stays awaiting-sign-off` };
    const signed = `signed off by ${s.by} on ${s.date} (${s.evidence})${s.note ? `: ${s.note}` : ''}`;
    if (c.rows) {
      // A review is of the rows the reviewer read: a row it does not name (a gap added later, one it skipped) still needs one.
      const review = c.rows.filter((r) => r.status === 'needs code review');
      const covered = review.filter((r) => s.covers?.includes(r.gap));
      for (const r of covered) Object.assign(r, { status: 'signed-off', signoff: s, detail: `${signed}; before sign-off: ${r.detail}` });
      const left = review.filter((r) => !covered.includes(r)).map((r) => r.gap);
      if (left.length)
        return {
          ...s,
          applied: false,
          reason: `${s.covers ? `covers ${covered.map((r) => r.gap).join(', ') || `none of the rows that need code review (it names ${s.covers.join(', ')})`}` : 'names no rows (covers: [P0-…])'}, so ${left.join(', ')} still need${left.length === 1 ? 's' : ''} code review; criterion ${c.id} stays awaiting-sign-off`,
        };
    }
    c.status = 'signed-off';
    c.signoff = s;
    c.detail = `${signed}; before sign-off: ${c.detail}`;
    return { ...s, applied: true };
  });
}

/**
 * The one-line headline every report leads with: the verdict, the release state and the target, e.g.
 * `GO — release awaiting sign-off: criteria 1, 3 — target embedded`. A verdict against the model must never read like one against staging.
 */
export function headline(r: Pick<VerdictResult, 'verdict' | 'release' | 'awaitingSignOff' | 'criteria'> & { target?: VerdictResult['target'] }): string {
  const on = r.target ? ` — target ${targetLabel(r.target)}` : '';
  if (r.release === 'ready') return `${r.verdict} — release ready${on}`;
  if (r.awaitingSignOff.length) return `${r.verdict} — release awaiting sign-off: criteri${r.awaitingSignOff.length === 1 ? 'on' : 'a'} ${r.awaitingSignOff.join(', ')}${on}`;
  const blocking = r.criteria.filter((c) => c.status === 'fail' || c.status === 'not-run').map((c) => c.id);
  return `${r.verdict} — release blocked: criteri${blocking.length === 1 ? 'on' : 'a'} ${blocking.join(', ')} not met${on}`;
}

/** 0 GO, 1 NO-GO, 2 could not evaluate (preflight failed on configuration or infrastructure, or nothing ran). */
export function exitCode(result: Pick<VerdictResult, 'verdict' | 'couldNotEvaluate'>, opts: { couldNotEvaluate?: boolean } = {}): 0 | 1 | 2 {
  if (opts.couldNotEvaluate ?? result.couldNotEvaluate) return 2;
  return result.verdict === 'GO' ? 0 : 1;
}

