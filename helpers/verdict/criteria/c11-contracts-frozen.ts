// Criterion 11: the repository half (contracts changed only additively since 1.0) and the wire half (every message each test caused fits asyncapi.yaml).
import { BYPASS, FLOW_NAMES } from '../../../contracts/flows';
import { firstLine } from '../../errors';
import { WIRE_EVIDENCE } from '../../wire';
import type { Evidence } from '../evidence';
import { SOURCE } from '../projects';
import { evidenceOf, failureOfStep, stepError, type TestModel, testFlowStatus } from '../run';
import { fromTagged, tagOf } from './shared';
import { type CriterionOutcome, defineCriterion, type RunContext } from './types';

const isWire = (e: Evidence) => e.name === WIRE_EVIDENCE;

/**
 * Why a test shows a message off its contract, or undefined: its failing step's structured failure is a contract
 * violation of an event, or the failing step is the test's own wire check (it records its evidence before it fails).
 */
function brokenOnWire(t: TestModel): string | undefined {
  const s = t.steps.find((x) => x.status === 'failed');
  if (!s) return undefined;
  const f = failureOfStep(t, s.title);
  const eventViolation = f?.errorName === 'ContractViolation' && f.details?.source === 'event';
  const wireCheck = t.evidence.some((e) => isWire(e) && e.step === s.title);
  return eventViolation || wireCheck ? `"${t.title}": ${firstLine(stepError(t, s)?.message ?? f?.error)}` : undefined;
}

function wireTotals(tests: TestModel[]) {
  const data = tests.flatMap((t) => t.evidence.filter(isWire)).map((e) => (e.data ?? {}) as { checked?: number; others?: number });
  return { checked: data.reduce((n, d) => n + Number(d.checked ?? 0), 0), others: data.reduce((n, d) => n + Number(d.others ?? 0), 0) };
}

function evaluate(ctx: RunContext): CriterionOutcome {
  const repo = fromTagged(11, () => ({ status: 'not-run', detail: 'the frozen-contract check did not run (project source)', evidence: [] }))(ctx);
  const wireTests = [...FLOW_NAMES, BYPASS].flatMap((f) => ctx.testsOfFlow(f));
  const evidence = [...repo.evidence, ...wireTests.map((t) => evidenceOf(t, isWire))];
  const onWire = wireTests.map(brokenOnWire).filter((b): b is string => !!b);
  if (onWire.length || repo.status === 'fail') return { status: 'fail', detail: [...(repo.status === 'fail' ? [repo.detail] : []), ...onWire].join('; '), evidence };
  const unchecked = wireTests.filter((t) => !t.evidence.some(isWire));
  if (repo.status !== 'pass' || unchecked.length || wireTests.length === 0) {
    const why = [...(repo.status !== 'pass' ? [repo.detail] : []), ...(unchecked.length ? [`no wire check for ${unchecked.map((t) => `"${t.title}" (${testFlowStatus(t)})`).join(', ')}`] : []), ...(wireTests.length ? [] : ['no flow ran'])];
    return { status: 'not-run', detail: why.join('; '), evidence };
  }
  const totals = wireTotals(wireTests);
  return { status: 'pass', detail: `contracts additive since the frozen 1.0 baseline; ${totals.checked} messages of this run checked against asyncapi.yaml across ${wireTests.length} tests, ${totals.others} other messages counted`, evidence };
}

export default defineCriterion({
  id: 11,
  title: 'Kafka event contracts frozen and documented',
  verification: 'This document',
  decidedBy: 'evidence',
  checks: [{ project: SOURCE, tag: tagOf(11), what: 'contracts changed only additively since the frozen baseline' }],
  evaluate,
});
