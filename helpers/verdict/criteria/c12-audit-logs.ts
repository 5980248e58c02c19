// Criterion 12: the auth flow's audit rows (register, login, logout) observed; a failing audit probe is the direct evidence that one is missing.
import { firstLine } from '../../errors';
import { AUDIT_PROBES, type Evidence } from '../evidence';
import { describeFlow, evidenceOf, failureOfStep, flowOfTest, type FlowResult, stepError, type TestModel } from '../run';
import type { CriterionStatus } from '../run';
import { type CriterionOutcome, defineCriterion, type RunContext } from './types';

export const isAuditRow = (probe: string) => (e: Evidence) => e.kind === 'row' && (e.name === probe || (e.name === undefined && e.summary.includes(probe)));
const isAuditProbe = (probe: string) => (AUDIT_PROBES as readonly string[]).includes(probe);

/** The failed step whose structured failure is a database-state check of an audit probe, with its error line. */
function missingAuditRow(t: TestModel): string | undefined {
  const s = t.steps.find((x) => x.status === 'failed');
  const f = s && failureOfStep(t, s.title);
  if (!s || !f || f.category !== 'database state' || !isAuditProbe(f.probe)) return undefined;
  return `audit row missing at "${s.title}": ${firstLine(stepError(t, s)?.message ?? f.error)}`;
}

function decide(authTests: TestModel[], authFlow: FlowResult): { status: CriterionStatus; detail: string } {
  const seen = AUDIT_PROBES.filter((p) => authTests.some((t) => t.evidence.some(isAuditRow(p))));
  const notSeen = AUDIT_PROBES.filter((p) => !seen.includes(p));
  const missing = authTests.map(missingAuditRow).find(Boolean);
  if (missing) return { status: 'fail', detail: missing };
  if (notSeen.length === 0) return { status: 'pass', detail: `audit rows observed for ${AUDIT_PROBES.join(', ')}` };
  if (authFlow.status !== 'passed' && authFlow.status !== 'flaky')
    return { status: 'not-run', detail: `audit rows not observed for ${notSeen.join(', ')}: ${describeFlow(authFlow, false)}` };
  // The flow passed but reported no evidence: the criterion is unconfirmed, so it cannot count as a pass.
  return { status: 'not-run', detail: `the auth flow passed but reported no audit row evidence for ${notSeen.join(', ')}` };
}

function evaluate(ctx: RunContext): CriterionOutcome {
  const tests = ctx.testsFor(['auth'], 12);
  const rows = (e: Evidence) => e.kind === 'row' && AUDIT_PROBES.some((p) => isAuditRow(p)(e));
  return { ...decide(tests.filter((t) => flowOfTest(t) === 'auth'), ctx.flow('auth')), evidence: tests.map((t) => evidenceOf(t, rows)) };
}

export default defineCriterion({
  id: 12,
  title: 'Audit logs exist for auth events (login/logout/register)',
  verification: 'DB query verification',
  decidedBy: 'evidence',
  checks: [{ project: 'auth' }],
  evaluate,
});
