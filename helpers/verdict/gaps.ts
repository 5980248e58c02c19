// Criterion 1's rows: how a run sees each P0 gap (contracts/p0-gaps.ts), and each row remediated, open, unchecked or needing a code review.
import { GAP_IDS, type GapId, gapTag, P0_GAPS } from '../../contracts/p0-gaps';
import { type Category, firstLine } from '../errors';
import type { CatalogueCheck, CheckRef } from './inventory';
import { GAP_SOURCE_EVIDENCE } from './evidence';
import { SOURCE, TRANSPORT } from './projects';
import { type CriterionEvidence, evidenceOf, failureOfStep, type GapRow, stepError, type TestModel, testFlowStatus } from './run';

interface GapSeen {
  /**
   * A failure of a check tagged for the gap that shows it still there: its category ('*': any), and for a database
   * check the probes whose structured failure it must be.
   */
  openWhen?: { category: readonly Category[] | '*'; probes?: readonly string[] };
  /** no run can see it (yet): a code review decides, unless a check tagged for it ran */
  review?: boolean;
  /** the tagged checks that show it, by project and what each shows (the catalogue lists them) */
  checks?: readonly Omit<CatalogueCheck, 'tag'>[];
}

/** A bad token served (2xx), or the route erroring (5xx) instead of refusing: either way the JWT check is not what answers. */
const AUTH_OPEN: readonly Category[] = ['auth bypass', 'auth probe error'];
const auditProbe = (probe: string) => ({ category: ['database state'] as const, probes: [probe] });

/** How a run sees each gap. */
export const GAP_SEEN: Record<GapId, GapSeen> = {
  'P0-01': { openWhen: { category: AUTH_OPEN } },
  'P0-02': { openWhen: auditProbe('asset.audit') },
  'P0-03': { openWhen: { category: AUTH_OPEN } },
  'P0-04': { openWhen: auditProbe('payment.audit') },
  'P0-05': { openWhen: { category: AUTH_OPEN } },
  'P0-06': { openWhen: { category: '*' }, checks: [{ project: SOURCE, what: 'DB_SSL on by default in the source' }, { project: TRANSPORT, what: 'PostgreSQL TLS, plaintext refused' }] },
  'P0-07': { openWhen: { category: ['assertion failed'] }, review: true, checks: [{ project: SOURCE, what: 'no secret in compose or .env files' }] },
  'P0-08': { review: true },
  'P0-09': { openWhen: auditProbe('scan.audit') },
  'P0-10': { openWhen: { category: ['assertion failed'] }, review: true, checks: [{ project: SOURCE, what: 'no random CSRF_ENCRYPTION_KEY fallback in the source' }] },
};

/** Criterion 1's checks: one tag per gap a run can see. */
export const GAP_CHECKS: readonly CheckRef[] = GAP_IDS.filter((g) => !GAP_SEEN[g].review).map((g) => ({ tag: gapTag(g) }));
/** The tagged checks of projects that show a gap, for the catalogue. */
export const GAP_PROJECT_CHECKS: readonly CatalogueCheck[] = GAP_IDS.flatMap((g) => (GAP_SEEN[g].checks ?? []).map((c) => ({ ...c, tag: gapTag(g) })));

interface Failure {
  category: Category;
  probe?: string;
  message: string;
  step: string;
}

/** A test's failure: its failed step's (with the structured failure's category and probe), else the test's own. */
function failureOf(t: TestModel): Failure | undefined {
  const s = t.steps.find((x) => x.status === 'failed');
  const err = s ? stepError(t, s) : t.error;
  if (!err) return undefined;
  return { category: err.category, probe: s && failureOfStep(t, s.title)?.probe, message: err.message, step: s?.title ?? '(outside any step)' };
}

const opens = (seen: GapSeen, f: Failure) =>
  !!seen.openWhen && (seen.openWhen.category === '*' || seen.openWhen.category.includes(f.category)) && (!seen.openWhen.probes || (!!f.probe && seen.openWhen.probes.includes(f.probe)));

/** Why a source rule (flows/source.spec.ts) that passed decided nothing: no source given, or none of the files it reads. */
function undecidedReason(t: TestModel): string | undefined {
  if (testFlowStatus(t) !== 'passed') return undefined;
  const d = t.evidence.find((x) => x.name === GAP_SOURCE_EVIDENCE)?.data as { decided?: boolean; reason?: string } | undefined;
  return d && d.decided === false ? (d.reason ?? 'nothing to judge') : undefined;
}

/** A source rule's findings, file:line (and commit) each: what shows the gap open. */
function sourceHits(t: TestModel): string | undefined {
  const d = t.evidence.find((x) => x.name === GAP_SOURCE_EVIDENCE)?.data as { hits?: { file: string; line: number; rule: string; message: string; commit?: string }[] } | undefined;
  if (!d?.hits?.length) return undefined;
  return d.hits.map((h) => `${h.file}:${h.line}${h.commit ? ` (commit ${h.commit.slice(0, 12)})` : ''} ${h.rule}: ${h.message}`).join('; ');
}

const failedOrFlaky = (t: TestModel, allowFlaky: boolean) => testFlowStatus(t) === 'failed' || (testFlowStatus(t) === 'flaky' && !allowFlaky);
const done = (t: TestModel, allowFlaky: boolean) => testFlowStatus(t) === 'passed' || (testFlowStatus(t) === 'flaky' && allowFlaky);

function row(gap: (typeof P0_GAPS)[number], all: TestModel[], allowFlaky: boolean): GapRow {
  const seen = GAP_SEEN[gap.gap];
  // A source rule that decided nothing is no check: the gap stays with the other checks, or with a code review.
  const undecided = all.map(undecidedReason).filter((r): r is string => r !== undefined);
  const tests = all.filter((t) => undecidedReason(t) === undefined);
  const base = { gap: gap.gap, service: gap.service, checks: tests.map((t) => `${t.project}: ${t.title}`) };
  const why = undecided.length ? ` (the source does not decide it: ${[...new Set(undecided)].join('; ')})` : '';
  if (tests.length === 0)
    return seen.review
      ? { ...base, status: 'needs code review', detail: `${gap.issue}: no run can see it${why}; a code review decides` }
      : { ...base, status: 'not-run', detail: `${gap.issue}: no check of it ran in this run${why}` };
  for (const t of tests) {
    const f = failureOf(t);
    if (failedOrFlaky(t, allowFlaky) && f && opens(seen, f)) return { ...base, status: 'open', detail: `${gap.issue}: "${t.title}" failed at "${f.step}": ${sourceHits(t) ?? firstLine(f.message)}` };
  }
  const unfinished = tests.filter((t) => !done(t, allowFlaky));
  if (unfinished.length) {
    const each = unfinished.map((t) => `"${t.title}" ${testFlowStatus(t)}${failureOf(t) ? `: ${firstLine(failureOf(t)!.message)}` : ''}`);
    return { ...base, status: 'not-run', detail: `${gap.issue}: its check did not complete (${each.join('; ')})` };
  }
  return { ...base, status: 'remediated', detail: `shown by ${tests.map((t) => `"${t.title}"`).join(', ')}` };
}

/** The rows, and the criterion they add up to: open → fail; unchecked → not-run; only reviews left → awaiting sign-off. */
export function evaluateGaps(tests: TestModel[], allowFlaky: boolean): { status: 'pass' | 'fail' | 'not-run' | 'awaiting-sign-off'; detail: string; rows: GapRow[]; evidence: CriterionEvidence[] } {
  const rows = P0_GAPS.map((g) => row(g, tests.filter((t) => t.tags.includes(gapTag(g.gap))), allowFlaky));
  const evidence = tests.filter((t) => t.tags.some((x) => x.startsWith('@gap-'))).map((t) => evidenceOf(t));
  const of = (s: GapRow['status']) => rows.filter((r) => r.status === s).map((r) => r.gap);
  const [open, unrun, review, remediated] = [of('open'), of('not-run'), of('needs code review'), of('remediated')];
  const summary = `remediated: ${remediated.join(', ') || 'none'}${review.length ? `; needs code review: ${review.join(', ')}` : ''}`;
  if (open.length) return { status: 'fail', detail: `open: ${rows.filter((r) => r.status === 'open').map((r) => `${r.gap} (${r.detail})`).join('; ')}`, rows, evidence };
  if (unrun.length) return { status: 'not-run', detail: `not checked: ${unrun.join(', ')}; ${summary}`, rows, evidence };
  if (review.length) return { status: 'awaiting-sign-off', detail: summary, rows, evidence };
  return { status: 'pass', detail: summary, rows, evidence };
}
