// The nightly's job summary and its final exit: headline, criteria table, new failures since the last GO, the report link, the evidence folded; a shard that could not evaluate makes the night could-not-evaluate.
import { headline, type VerdictLike } from './allure-config';
import { targetLabel } from '../helpers/config/target';

/** GitHub keeps at most 1 MiB of one step's summary; the folded evidence stays well under it. */
export const MAX_EVIDENCE_CHARS = 200_000;
const MAX_CELL = 200;
const MAX_NAMES = 10;

export interface ShardExit {
  shard: string;
  /** the exit code `npm run smoke -- --shard` ended with; undefined when the shard left none (it never got that far) */
  exit?: number;
}

/** What the night's exit is: 2 when the merge or any shard could not evaluate (or left no exit code), else the merge's. */
export function nightExit(mergeExit: number | undefined, shards: ShardExit[], expected: number): { exit: number; reasons: string[] } {
  const reasons: string[] = [];
  for (const s of shards) if (s.exit !== 0 && s.exit !== 1) reasons.push(s.exit === undefined ? `shard ${s.shard} left no exit code` : `shard ${s.shard} exited ${s.exit} (could not evaluate)`);
  if (shards.length < expected) reasons.push(`${expected - shards.length} of ${expected} shards left no exit code`);
  if (mergeExit === undefined || !Number.isInteger(mergeExit)) reasons.push('the merge left no exit code');
  else if (mergeExit !== 0 && mergeExit !== 1) reasons.push(`the merge exited ${mergeExit} (could not evaluate)`);
  return { exit: reasons.length ? 2 : (mergeExit as number), reasons };
}

/** The merged verdict with the shards' could-not-evaluate written in: never GO, and saying why first. */
export function markCouldNotEvaluate<V extends VerdictLike & { exitCode?: number }>(v: V, reasons: string[]): V {
  if (!reasons.length) return v;
  return { ...v, verdict: 'NO-GO', couldNotEvaluate: true, exitCode: 2, notes: [...reasons.map((r) => `could not evaluate: ${r}`), ...(v.notes ?? [])] };
}

/** One table cell: one line, no pipe breaking the table, bounded. */
export const cell = (s: string | undefined): string => {
  const line = (s ?? '').replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  return line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 1)}…` : line;
};

const MARK: Record<string, string> = { pass: '✅ pass', 'signed-off': '✅ signed off', fail: '❌ FAIL', 'not-run': '❌ NOT RUN', 'awaiting-sign-off': '⏳ awaiting sign-off', 'not-evaluated': '⏳ not evaluated' };

function criteriaTable(v: VerdictLike): string[] {
  const rows = (v.criteria ?? []).map((c) => `| ${c.id} | ${cell(c.title)} | ${MARK[c.status] ?? cell(c.status)} | ${c.status === 'pass' ? '' : cell(c.detail)} |`);
  return rows.length ? ['| # | Criterion | Status | Why |', '|---|---|---|---|', ...rows] : ['No criteria in the verdict.'];
}

function newFailures(v: VerdictLike): string {
  const s = v.sinceLastGo;
  if (!s) return '**New failures since the last GO:** no GO run of this target in the history yet to compare with.';
  if (!s.newFailures.length) return `**New failures since the last GO** (run ${cell(s.runId)}): none.`;
  // a test name as inline code: a backtick in it would end the code span early, so it becomes a quote
  const tick = String.fromCharCode(96);
  const names = s.newFailures.slice(0, MAX_NAMES).map((n) => tick + cell(n).split(tick).join("'") + tick);
  const more = s.newFailures.length > MAX_NAMES ? `, +${s.newFailures.length - MAX_NAMES} more` : '';
  return `**New failures since the last GO** (run ${cell(s.runId)}): ${names.join(', ')}${more}.`;
}

function evidence(markdown: string | undefined): string[] {
  if (!markdown) return ['', '_go-no-go.md was not written: see the merge step._'];
  const cut = markdown.length > MAX_EVIDENCE_CHARS;
  const body = cut ? `${markdown.slice(0, MAX_EVIDENCE_CHARS)}\n\n… cut at ${MAX_EVIDENCE_CHARS} characters: the whole go-no-go.md is in the go-no-go artifact.` : markdown;
  return ['', '<details><summary>Evidence (go-no-go.md)</summary>', '', body, '', '</details>'];
}

export interface SummaryInput {
  verdict: VerdictLike | undefined;
  /** go-no-go.md, folded under the table */
  markdown?: string;
  /** where the HTML report is (the uploaded artifact) */
  reportUrl?: string;
  /** why the night could not evaluate (nightExit's reasons) */
  reasons?: string[];
}

/** The job summary: a screenful on top, the long evidence folded below. */
export function jobSummary({ verdict, markdown, reportUrl, reasons = [] }: SummaryInput): string {
  if (!verdict) return ['# Go/No-Go: no verdict was written — could not evaluate', '', ...reasons.map((r) => `- ${cell(r)}`), '', 'See the merge step.', ''].join('\n');
  const v = reasons.length ? markCouldNotEvaluate(verdict, reasons) : verdict;
  const where = [targetLabel(v.target), v.runId ? `run ${cell(v.runId)}` : 'no run id', reportUrl ? `[the report](${reportUrl})` : 'no report was uploaded'].join(' · ');
  const lines = [`# Go/No-Go: ${headline(v)}`, '', where, ''];
  if (reasons.length) lines.push(...reasons.map((r) => `- **could not evaluate:** ${cell(r)}`), '');
  lines.push(...criteriaTable(v), '', newFailures(v), ...evidence(markdown), '');
  return lines.join('\n');
}
