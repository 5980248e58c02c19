// The pieces several criteria share: a criterion decided by its tagged tests, one decided by flows, and how a test's status counts.
import { evidenceOf, criterionFromFlows, flowOfTest, type TestModel, testFlowStatus } from '../run';
import { transportCriterion } from '../verdict-transport';
import type { CriterionOutcome, RunContext } from './types';

/** The tag a test carries when it gives evidence for a criterion, e.g. `@criterion-7`. */
export const tagOf = (id: number): string => `@criterion-${id}`;

export const bad = (t: TestModel, allowFlaky: boolean) => testFlowStatus(t) === 'failed' || (testFlowStatus(t) === 'flaky' && !allowFlaky);
export const unfinished = (t: TestModel) => testFlowStatus(t) === 'not-run' || testFlowStatus(t) === 'skipped';
export const named = (ts: TestModel[]) => ts.map((t) => `"${t.title}" (${t.project}) ${testFlowStatus(t)}`).join('; ');

/** Until a check for it exists, a criterion waits for a person: it is never silently counted as met. */
export const awaiting = (why: string) => (): CriterionOutcome => ({ status: 'awaiting-sign-off', detail: why, evidence: [] });

/** The tests tagged for criterion `id`. */
export const taggedTests = (ctx: RunContext, id: number) => ctx.run.tests.filter((t) => t.tags.includes(tagOf(id)));

/**
 * A criterion decided by the tests tagged `@criterion-<id>`: pass when all of them passed, fail when one failed,
 * not-run when one did not finish; `whenNone` when the run has no such test at all.
 */
export function fromTagged(id: number, whenNone: () => CriterionOutcome) {
  return (ctx: RunContext): CriterionOutcome => {
    const tests = taggedTests(ctx, id);
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
export function fromFlows(names: readonly string[], id: number) {
  return (ctx: RunContext): CriterionOutcome => {
    const tests = ctx.testsFor(names, id);
    let r = criterionFromFlows(names.map(ctx.flow), ctx.run.allowFlaky);
    const extra = tests.filter((t) => !names.includes(flowOfTest(t) ?? ''));
    const extraBad = extra.filter((t) => bad(t, ctx.run.allowFlaky));
    if (extraBad.length && r.status !== 'fail') r = { status: 'fail', detail: `${named(extraBad)}${r.detail ? `; ${r.detail}` : ''}` };
    return { ...r, evidence: tests.map((t) => evidenceOf(t)) };
  };
}

/** Criteria 4, 5, 6: the transport project's connection tests and the endpoints they recorded (verdict-transport.ts). */
export function fromTransport(id: number) {
  return (ctx: RunContext): CriterionOutcome => {
    const r = transportCriterion(id, ctx.run.tests, (t) => testFlowStatus(t as TestModel), ctx.run.allowFlaky);
    return { status: r.status, detail: r.detail, evidence: taggedTests(ctx, id).map((t) => evidenceOf(t, (e) => e.kind === 'transport')) };
  };
}
