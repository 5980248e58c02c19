// Criterion 1: one row per P0 gap of seed §3 — remediated (with the checks that show it), open (with the evidence), or needing a code review.
import { firstLine } from '../errors';
import { GAP_SOURCE_EVIDENCE } from './evidence';
import { evidenceOf, type GapRow, type TestModel, testFlowStatus } from './run';
import type { CriterionEvidence } from './run';

interface GapSpec {
  gap: string;
  service: string;
  /** what the seed says is wrong */
  issue: string;
  /** a failure of a check that shows the gap is still there (its category and, when it matters, words in its message) */
  openWhen?: { category: string | string[]; mentions?: RegExp };
  /** no run can see it (yet): a code review decides, unless a check tagged for it ran */
  review?: boolean;
}

/** A bad token served (2xx), or the route erroring (5xx) instead of refusing: either way the JWT check is not what answers. */
const AUTH_OPEN = ['auth bypass', 'auth probe error'];

/** Seed §3's P0 gaps and how a run can see each. */
export const P0_GAPS: readonly GapSpec[] = [
  { gap: 'P0-01', service: 'asset-management-service', issue: 'JWT middleware has an unsafe fallback', openWhen: { category: AUTH_OPEN } },
  { gap: 'P0-02', service: 'asset-management-service', issue: 'audit rows without the request trace id', openWhen: { category: 'database state', mentions: /asset\.audit|trace id/ } },
  { gap: 'P0-03', service: 'checkout-orchestration-service', issue: 'checkout routes without JWT validation', openWhen: { category: AUTH_OPEN } },
  { gap: 'P0-04', service: 'payment-processing-service', issue: 'no audit logging for payment operations', openWhen: { category: 'database state', mentions: /payment\.audit|audit/ } },
  { gap: 'P0-05', service: 'email-service', issue: 'no HTTP auth (internal service)', openWhen: { category: AUTH_OPEN } },
  { gap: 'P0-06', service: 'admin-backend', issue: 'DB_SSL defaults to false', openWhen: { category: '*' } },
  { gap: 'P0-07', service: 'all Go services', issue: 'secrets from env vars: verify none hardcoded in compose or committed .env', openWhen: { category: 'assertion failed' }, review: true },
  { gap: 'P0-08', service: 'all services', issue: 'no centralized health dashboard or alerting', review: true },
  { gap: 'P0-09', service: 'scan-worker-service', issue: 'no audit logging of scan execution', openWhen: { category: 'database state', mentions: /scan\.audit|audit/ } },
  { gap: 'P0-10', service: 'qr-auth-service', issue: 'CSRF_ENCRYPTION_KEY falls back to an ephemeral key', openWhen: { category: 'assertion failed' }, review: true },
];

function failureOf(t: TestModel): { category: string; message: string; step: string } | undefined {
  const s = t.steps.find((x) => x.status === 'failed');
  const err = s?.error ?? t.error;
  return err ? { category: err.category, message: err.message, step: s?.title ?? '(outside any step)' } : undefined;
}

/** Why a source rule (flows/source.spec.ts) that passed decided nothing: no source given, or none of the files it reads. */
function undecidedReason(t: TestModel): string | undefined {
  if (testFlowStatus(t) !== 'passed') return undefined;
  const e = t.evidence.find((x) => x.name === GAP_SOURCE_EVIDENCE);
  const d = e?.data as { decided?: boolean; reason?: string } | undefined;
  return d && d.decided === false ? d.reason ?? 'nothing to judge' : undefined;
}

/** A source rule's findings, file:line (and commit) each: what shows the gap open. */
function sourceHits(t: TestModel): string | undefined {
  const d = t.evidence.find((x) => x.name === GAP_SOURCE_EVIDENCE)?.data as { hits?: { file: string; line: number; rule: string; message: string; commit?: string }[] } | undefined;
  if (!d?.hits?.length) return undefined;
  return d.hits.map((h) => `${h.file}:${h.line}${h.commit ? ` (commit ${h.commit.slice(0, 12)})` : ''} ${h.rule}: ${h.message}`).join('; ');
}

function row(spec: GapSpec, all: TestModel[], allowFlaky: boolean): GapRow {
  // A source rule that decided nothing is no check: the gap stays with the other checks, or with a code review.
  const undecided = all.map(undecidedReason).filter((r): r is string => r !== undefined);
  const tests = all.filter((t) => undecidedReason(t) === undefined);
  const base = { gap: spec.gap, service: spec.service, checks: tests.map((t) => `${t.project}: ${t.title}`) };
  const why = undecided.length ? ` (the source does not decide it: ${[...new Set(undecided)].join('; ')})` : '';
  if (tests.length === 0)
    return spec.review
      ? { ...base, status: 'needs code review', detail: `${spec.issue}: no run can see it${why}; a code review decides` }
      : { ...base, status: 'not-run', detail: `${spec.issue}: no check of it ran in this run${why}` };
  for (const t of tests) {
    const st = testFlowStatus(t);
    const f = failureOf(t);
    if ((st === 'failed' || (st === 'flaky' && !allowFlaky)) && f && spec.openWhen && (spec.openWhen.category === '*' || [spec.openWhen.category].flat().includes(f.category)) && (!spec.openWhen.mentions || spec.openWhen.mentions.test(f.message)))
      return { ...base, status: 'open', detail: `${spec.issue}: "${t.title}" failed at "${f.step}": ${sourceHits(t) ?? firstLine(f.message)}` };
  }
  const unfinished = tests.filter((t) => testFlowStatus(t) !== 'passed' && !(testFlowStatus(t) === 'flaky' && allowFlaky));
  if (unfinished.length)
    return { ...base, status: 'not-run', detail: `${spec.issue}: its check did not complete (${unfinished.map((t) => `"${t.title}" ${testFlowStatus(t)}${failureOf(t) ? `: ${firstLine(failureOf(t)!.message)}` : ''}`).join('; ')})` };
  return { ...base, status: 'remediated', detail: `shown by ${tests.map((t) => `"${t.title}"`).join(', ')}` };
}

/** The ten rows, and the criterion they add up to: open → fail; unchecked → not-run; only reviews left → awaiting sign-off. */
export function evaluateGaps(tests: TestModel[], allowFlaky: boolean): { status: 'pass' | 'fail' | 'not-run' | 'awaiting-sign-off'; detail: string; rows: GapRow[]; evidence: CriterionEvidence[] } {
  const tagged = (gap: string) => tests.filter((t) => t.tags.includes(`@gap-${gap}`));
  const rows = P0_GAPS.map((g) => row(g, tagged(g.gap), allowFlaky));
  const evidence = tests.filter((t) => t.tags.some((x) => x.startsWith('@gap-'))).map((t) => evidenceOf(t));
  const of = (s: GapRow['status']) => rows.filter((r) => r.status === s).map((r) => r.gap);
  const [open, unrun, review, done] = [of('open'), of('not-run'), of('needs code review'), of('remediated')];
  const summary = `remediated: ${done.join(', ') || 'none'}${review.length ? `; needs code review: ${review.join(', ')}` : ''}`;
  if (open.length) return { status: 'fail', detail: `open: ${rows.filter((r) => r.status === 'open').map((r) => `${r.gap} (${r.detail})`).join('; ')}`, rows, evidence };
  if (unrun.length) return { status: 'not-run', detail: `not checked: ${unrun.join(', ')}; ${summary}`, rows, evidence };
  if (review.length) return { status: 'awaiting-sign-off', detail: summary, rows, evidence };
  return { status: 'pass', detail: summary, rows, evidence };
}
